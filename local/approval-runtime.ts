import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApprovalLinkSigner } from '../lambdas/auth/approval-link';
import type { DevIssuer } from '../lambdas/auth/dev-issuer';
import type { TokenVerifier } from '../lambdas/auth/verifier';
import { ApprovalService } from '../lambdas/gateway/approvals/approval-gate';
import { approvalPages } from '../lambdas/gateway/approvals/approval-pages';
import { invokeApproved } from '../lambdas/gateway/approvals/invoke-approved';
import { notifyApprovers } from '../lambdas/gateway/approvals/notify-approvers';
import type { ApproverNotifier } from '../lambdas/gateway/approvals/ports';
import { recordOutcome } from '../lambdas/gateway/approvals/record-outcome';
import type { AppHandler } from './server';
import type { GatewayDeps } from '../lambdas/gateway/ports';
import { resolveGroupPolicy } from '../lambdas/inspect/policy';
import type { ApprovalStore, TaskTokenStore } from '../lambdas/store/approval-types';
import { ConsoleMailNotifier } from './approval-console-mail';
import { devLoginPage } from './approval-dev-login';
import { LocalApprovalWorkflow, LocalTaskTokens } from './approval-workflow';

export interface LocalApprovalsOptions {
  /** The gateway's dependencies: policy, inspectors, providers, session and transcript stores, clock. */
  gateway: GatewayDeps;
  /** The approval and task-token stores; or, instead, a DynamoDB(-compatible) client for an approval table. */
  stores?: { approvals: ApprovalStore; taskTokens: TaskTokenStore };
  dynamo?: DynamoDBClient;
  tableName?: string;
  linkKey: Uint8Array;
  devIssuer: DevIssuer;
  /** Verifies an approver's token (the dev issuer and any configured issuer). */
  approvers: TokenVerifier;
  /** The base URL approvers and callers reach the gateway on (known once the server listens). */
  publicBaseUrl(): string;
  notifier?: ApproverNotifier;
  /** Overrides Retry pauses in the state machine (tests). */
  retryPauseMs?: number;
}

export interface LocalApprovals {
  gate: ApprovalService;
  /** `/approvals/*`: the approval page and decision. */
  pages: AppHandler;
  /** `/dev/*`: the dev issuer's sign-in page. */
  devLogin: AppHandler;
  workflow: LocalApprovalWorkflow;
  tokens: LocalTaskTokens;
  /** The stored task tokens (a restarted runtime resumes waiting executions under them). */
  taskTokens: TaskTokenStore;
  close(): Promise<void>;
}

/**
 * The approval flow on one machine, wired as in AWS: the gate in the proxy, the workflow's steps
 * behind the local ASL interpreter, the pages with their decision, the console as the mail.
 */
export async function startLocalApprovals(options: LocalApprovalsOptions): Promise<LocalApprovals> {
  const { gateway: g } = options;
  const { approvals, taskTokens } = options.stores ?? (await dynamoApprovalStores(options));
  const links = new ApprovalLinkSigner(options.linkKey);
  const records = { approvals, sessions: g.sessions, transcripts: g.transcripts, logger: g.logger, clock: g.clock };
  const tokens = new LocalTaskTokens();
  const notifier = options.notifier ?? new ConsoleMailNotifier();

  const workflow = await LocalApprovalWorkflow.create({
    tokens,
    logger: g.logger,
    ...(options.retryPauseMs !== undefined ? { retryPauseMs: options.retryPauseMs } : {}),
    steps: {
      notify: (input) => notifyApprovers({ approvals, tokens: taskTokens, notifier, links, publicBaseUrl: options.publicBaseUrl(), logger: g.logger, clock: g.clock }, input),
      invoke: (input) =>
        invokeApproved(
          { ...records, policy: g.policy, inspectorFor: g.inspectorFor, providers: { openai: g.provider, ...(g.anthropicProvider ? { anthropic: g.anthropicProvider } : {}) } },
          input,
        ),
      record: (input) => recordOutcome(records, input),
    },
  });

  const gate = new ApprovalService({ ...records, workflow });
  const pages = approvalPages({
    approvals,
    links,
    approvers: options.approvers,
    signInUrl: (returnPath) => `/dev/login?return=${encodeURIComponent(returnPath)}`,
    logger: g.logger,
    clock: g.clock,
    decisions: {
      tokens: taskTokens,
      tasks: tokens,
      sessions: g.sessions,
      maskReason: (approval, reason) => g.inspectorFor(resolveGroupPolicy(g.policy, approval.principal.groups) ?? g.policy.defaults).maskText(reason).masked,
    },
  });

  return {
    gate,
    pages,
    devLogin: devLoginPage(options.devIssuer),
    workflow,
    tokens,
    taskTokens,
    close: () => workflow.close(),
  };
}

/** The approval table on DynamoDB (tests with DynamoDB Local); loaded only then, so the SDK stays off the default start path. */
async function dynamoApprovalStores(options: LocalApprovalsOptions): Promise<{ approvals: ApprovalStore; taskTokens: TaskTokenStore }> {
  if (!options.dynamo) throw new Error('startLocalApprovals needs either stores or a DynamoDB client');
  const [{ DynamoApprovalStore, DynamoTaskTokenStore }, { createApprovalTable }] = await Promise.all([
    import('../lambdas/store/approval-store'),
    import('../lambdas/store/approval-table'),
  ]);
  const tableName = options.tableName ?? 'airlock-approvals';
  await createApprovalTable(options.dynamo, tableName);
  return {
    approvals: new DynamoApprovalStore({ tableName, client: options.dynamo }),
    taskTokens: new DynamoTaskTokenStore({ tableName, client: options.dynamo }),
  };
}

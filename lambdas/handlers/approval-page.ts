import { ApproverSignIn } from '../auth/approval-sign-in';
import { createTokenVerifier } from '../auth/verifier';
import { verifierOptionsFromConfig } from '../auth/verifier-config';
import { approvalPages, type ApprovalPagesDeps, type PageHandler } from '../gateway/approvals/approval-pages';
import { approvalTranscriptPage, withTranscriptPage } from '../gateway/approvals/approval-transcript-page';
import { signInPages } from '../gateway/approvals/sign-in-pages';
import { consolePages, withConsole } from '../gateway/console/console-pages';
import { DynamoSessionQueries } from '../store/session-queries';
import { loadBundledPolicy } from './bundled-policy';
import { systemClock } from '../gateway/ports';
import { readRuntimeConfig, type RuntimeConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoApprovalStore } from '../store/approval-store';
import { toGatewayRequest, type ApiGatewayProxyEvent } from './api-event';
import { bufferedSink, type ProxyResult } from './approval-http';
import { approvalLinks, approvalRecords, publicBaseUrl, required } from './approval-runtime';

/** `GET /approvals/{id}`, the approver sign-in round trip and the console's pages. Read-only: this function cannot resume executions. */
const config = readRuntimeConfig();
let app: Promise<PageHandler> | undefined;

/** What both page functions share: records, link key, approver verification and sign-in. */
export async function pageDeps(c: RuntimeConfig): Promise<{ deps: ApprovalPagesDeps; signIn: ApproverSignIn }> {
  required(c, 'AIRLOCK_APPROVER_SIGN_IN', 'AIRLOCK_APPROVAL_TABLE');
  const approvals = new DynamoApprovalStore({ tableName: c.AIRLOCK_APPROVAL_TABLE! });
  const links = await approvalLinks(c);
  const approvers = createTokenVerifier(verifierOptionsFromConfig(c));
  const signIn = new ApproverSignIn({ ...c.AIRLOCK_APPROVER_SIGN_IN!, publicBaseUrl: publicBaseUrl(c), links, verifier: approvers });
  return { deps: { approvals, links, approvers, signInUrl: (path) => signIn.signInUrl(path), logger, clock: systemClock }, signIn };
}

/** The console next to the approval pages: the same sign-in, the session record read through the audit use cases. */
export function withConsolePages(c: RuntimeConfig, deps: ApprovalPagesDeps, signIn: ApproverSignIn, approvalHandler: PageHandler): PageHandler {
  const records = approvalRecords(c);
  const audit = {
    policy: loadBundledPolicy(c),
    sessions: records.sessions,
    transcripts: records.transcripts,
    queries: new DynamoSessionQueries({ tableName: c.AIRLOCK_SESSION_TABLE! }),
    logger,
    clock: systemClock,
  };
  const consoleHandler = consolePages({
    audit,
    approvals: deps.approvals,
    links: deps.links,
    approvers: deps.approvers,
    signInUrl: (path, switchUser) => signIn.signInUrl(path, switchUser),
    basePath: new URL(publicBaseUrl(c)).pathname,
    secureCookies: true,
  });
  return withConsole(consoleHandler, approvalHandler);
}

export async function servePage(handlerApp: PageHandler, event: ApiGatewayProxyEvent, maxBodyBytes: number): Promise<ProxyResult> {
  const sink = bufferedSink();
  await handlerApp(toGatewayRequest(event, maxBodyBytes, performance.now()), sink);
  return sink.result();
}

export const handler = async (event: ApiGatewayProxyEvent): Promise<ProxyResult> => {
  app ??= pageDeps(config)
    .then(({ deps, signIn }) =>
      withConsolePages(
        config,
        deps,
        signIn,
        withTranscriptPage(approvalTranscriptPage({ ...deps, transcripts: approvalRecords(config).transcripts }), approvalPages(deps, signInPages(signIn))),
      ),
    )
    .catch((err: unknown) => {
      app = undefined;
      throw err;
    });
  return servePage(await app, event, 16 * 1024);
};

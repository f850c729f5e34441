import type { ApprovalLinkSigner } from '../auth/approval-link';
import type { TokenVerifier } from '../auth/verifier';
import type { AirlockLogger } from '../shared/logger';
import type { ApprovalStore } from '../store/approval-types';
import type { TranscriptStore } from '../store/types';
import type { ApprovalEventPublisher } from './approvals/approval-events';
import { approvalPages, type DecisionDeps, type PageHandler } from './approvals/approval-pages';
import { approvalTranscriptPage, withTranscriptPage } from './approvals/approval-transcript-page';
import type { AuditDeps } from './audit/audit-deps';
import { consolePages, withConsole } from './console/console-pages';
import type { Clock } from './ports';

/**
 * The composition root's part for the approval pages (a bundle boundary, like compose-mcp.ts; the
 * workflow steps that never inspect: compose-approval-steps.ts). Nothing here inspects, so the page
 * function carries no inspection engine; where a decision masks the approver's note, compose.ts's
 * `approvalDecisions` hands in the masking.
 */

export interface ApprovalPagesAdapters {
  approvals: ApprovalStore;
  links: ApprovalLinkSigner;
  /** Verifies the approver's sign-in token (Cognito, a configured issuer, the local dev issuer). */
  approvers: TokenVerifier;
  /** Where "Sign in" goes; it returns to `returnPath`. `switchUser`: make the provider ask who signs in. */
  signInUrl(returnPath: string, switchUser?: boolean): string;
  logger: AirlockLogger;
  clock: Clock;
  /** Pages beside the approval page, by `METHOD path` (the sign-in round trip in AWS). */
  extraPages?: Record<string, PageHandler>;
  /** Where decisions are taken (the decide function, the local runtime; built by compose.ts's `approvalDecisions`); unset: read-only pages. */
  decisions?: DecisionDeps;
  /** The held request's full masked transcript behind the same link and sign-in (`/approvals/{id}/transcript`). */
  transcripts?: TranscriptStore;
  /** The approvers' and auditors' console (`/console`), reading the record through the audit use cases. */
  console?: { audit: AuditDeps; basePath: string; secureCookies: boolean };
  /** Decisions go to the event bus like sessions do. */
  approvalEvents?: ApprovalEventPublisher;
}

/** `/approvals/*`: the page, and where decisions are taken the decision. */
export function composeApprovalPages(a: ApprovalPagesAdapters): PageHandler {
  const pageDeps = { approvals: a.approvals, links: a.links, approvers: a.approvers, signInUrl: (path: string) => a.signInUrl(path), logger: a.logger, clock: a.clock };
  let pages = approvalPages(
    {
      ...pageDeps,
      ...(a.approvalEvents ? { approvalEvents: a.approvalEvents } : {}),
      ...(a.decisions ? { decisions: a.decisions } : {}),
    },
    a.extraPages,
  );
  if (a.transcripts) pages = withTranscriptPage(approvalTranscriptPage({ ...pageDeps, transcripts: a.transcripts }), pages);
  if (a.console) {
    const { audit, basePath, secureCookies } = a.console;
    pages = withConsole(consolePages({ audit, approvals: a.approvals, links: a.links, approvers: a.approvers, signInUrl: a.signInUrl, basePath, secureCookies }), pages);
  }
  return pages;
}

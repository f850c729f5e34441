import { ApproverSignIn } from '../auth/approval-sign-in';
import { createTokenVerifier } from '../auth/verifier';
import { verifierOptionsFromConfig } from '../auth/verifier-config';
import type { ApprovalPagesAdapters } from '../gateway/compose-approvals';
import { signInPages } from '../gateway/approvals/sign-in-pages';
import { systemClock } from '../gateway/ports';
import { policyModelFromObject, type Policy } from '../inspect/policy-model';
import type { ConfigOf } from '../shared/config';
import { logger } from '../shared/logger';
import { DynamoSessionQueries } from '../store/session-queries';
import { awsApprovalLinks, awsRecords } from './approval-adapters';
import { loadBundledPolicy } from './bundled-policy';

/**
 * The approval pages' AWS adapters (page and decide functions). The policy is read for access and
 * approval settings only: the page function validates its structure (policy-model.ts) and carries
 * no detectors; the decide function hands in the fully validated policy it masks with.
 */
/** What the page and decide functions share: the approval records, link key, approver verification and sign-in. */
export async function awsApprovalPagesAdapters(
  config: ConfigOf<'approval-page'>,
  policy: Policy = loadBundledPolicy(config, policyModelFromObject),
): Promise<ApprovalPagesAdapters> {
  const links = await awsApprovalLinks(config);
  const approvers = createTokenVerifier(verifierOptionsFromConfig(config));
  const signIn = new ApproverSignIn({ ...config.AIRLOCK_APPROVER_SIGN_IN, publicBaseUrl: config.AIRLOCK_PUBLIC_BASE_URL, links, verifier: approvers });
  const records = awsRecords(config);
  return {
    approvals: records.approvals,
    links,
    approvers,
    signInUrl: (path, switchUser) => signIn.signInUrl(path, switchUser),
    extraPages: signInPages(signIn),
    transcripts: records.transcripts,
    console: {
      audit: {
        policy,
        sessions: records.sessions,
        transcripts: records.transcripts,
        queries: new DynamoSessionQueries({ tableName: config.AIRLOCK_SESSION_TABLE }),
        logger,
        clock: systemClock,
      },
      basePath: new URL(config.AIRLOCK_PUBLIC_BASE_URL).pathname.replace(/\/+$/, ''),
      secureCookies: true,
    },
    logger,
    clock: systemClock,
  };
}

import type { Detector } from './detector';
import { anthropicApiKey } from './anthropic-api-key';
import { authorizationHeader } from './authorization-header';
import { awsAccessKeyId } from './aws-access-key-id';
import { email } from './email';
import { githubFineGrainedToken } from './github-fine-grained-token';
import { githubToken } from './github-token';
import { jwt } from './jwt';
import { openaiApiKey } from './openai-api-key';
import { privateKey } from './private-key';
import { secretAssignment } from './secret-assignment';
import { slackToken } from './slack-token';
import { slackWebhook } from './slack-webhook';
import { stripeKey } from './stripe-key';
import { urlCredentials } from './url-credentials';

/** Every built-in detector, by the type its findings carry. Policy switches them by type or category. */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.fromEntries(
  [
    awsAccessKeyId,
    githubToken,
    githubFineGrainedToken,
    slackToken,
    slackWebhook,
    stripeKey,
    openaiApiKey,
    anthropicApiKey,
    privateKey,
    jwt,
    authorizationHeader,
    urlCredentials,
    secretAssignment,
    email,
  ].map((d) => [d.type, d]),
);

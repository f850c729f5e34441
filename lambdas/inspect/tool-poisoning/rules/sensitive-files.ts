import { firstMatches, quote, type ToolPoisoningRule } from '../rule';

/** Files a tool description has no business pointing the agent at: keys, credentials, dotfiles with secrets. */
const SENSITIVE =
  /(?:~|\$home|%userprofile%)[\\/]\.(?:ssh|aws|gnupg|kube|docker|config[\\/]gcloud|cursor|claude)\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|(?:^|[\s"'`(/\\])\.env(?!\.(?:example|sample|template|dist)\b)(?:\.[a-z]+)?\b(?!\s*(?:variable|var)s?\b)|\.aws[\\/]credentials|\/etc\/(?:passwd|shadow|sudoers)\b|\.(?:npmrc|netrc|pgpass|git-credentials)\b|\bmcp\.json\b|\bkubeconfig\b|\bprivate[\s_-]key\b|\bauthorized_keys\b|\bknown_hosts\b/;

export const sensitiveFilesRule: ToolPoisoningRule = {
  id: 'tool_poisoning.sensitive_files',
  evaluate: (texts) =>
    firstMatches(texts, SENSITIVE, (t, m) => ({
      id: 'tool_poisoning.sensitive_files',
      points: 60,
      message: `${t.where} points at sensitive files: ${quote(m.trim())}`,
    })),
};

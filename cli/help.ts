/**
 * Per-command help for the commands whose flags are parsed without a `--help` of their own; `main`
 * prints it for `airlock <command> --help` before the command runs (so no stores or servers start).
 */
export const COMMAND_HELP: Record<string, string> = {
  serve: `usage: airlock serve [--port N] [--in-memory]
  runs the whole gateway on this machine (npm start does this), on embedded defaults
  --port N       listening port on 127.0.0.1 (default: AIRLOCK_PORT, else 8787; 0 picks a free one)
  --in-memory    keep sessions and transcripts in memory only (nothing kept after exit)
environment: AIRLOCK_POLICY, AIRLOCK_DATA_DIR, AIRLOCK_UPSTREAM_URL, AIRLOCK_UPSTREAM_API_KEY,
  AIRLOCK_ANTHROPIC_URL, AIRLOCK_ANTHROPIC_API_KEY, AIRLOCK_UPSTREAMS, AIRLOCK_OIDC_ISSUERS, ... (README: Configuring)
`,
  token: `usage: airlock token --sub NAME [--groups a,b] [--email ADDRESS] [--ttl SECONDS]
  mints a token from the local dev issuer (in AIRLOCK_DATA_DIR) that \`airlock serve\` accepts
  --sub NAME       the caller's subject (required)
  --groups a,b     comma-separated groups (default llm-users); approvers and auditors are groups too
  --email ADDRESS  an e-mail claim (shown to approvers and in records)
  --ttl SECONDS    lifetime (default 12 hours)
A token only works with the gateway that uses the same AIRLOCK_DATA_DIR.
`,
  wait: `usage: airlock wait ID [--url BASE_URL] [--token TOKEN] [--timeout SECONDS] [--json]
  blocks until a held request is decided and answered, then prints the answer (or the decision)
  ID               the request_id of an approval_pending answer
  --url BASE_URL   the gateway (default AIRLOCK_URL, else http://127.0.0.1:$AIRLOCK_PORT)
  --token TOKEN    the requester's (or an auditor's) bearer token (default AIRLOCK_TOKEN)
  --timeout S      give up after S seconds (default: wait for the decision)
  --json           print the request's status object as JSON
exit status: 0 answered, 3 denied, 4 expired, 5 approved but the call failed, 6 timed out, 2 usage
`,
  'mcp-pins': `usage: airlock mcp-pins URL [--token-env VAR] [--header NAME] [--timeout-ms N]
  lists an MCP server's tools and prints their fingerprints as the \`pins\` object of its
  registration (AIRLOCK_MCP_UPSTREAMS, or mcpUpstreams in the deployment config)
  URL              the server's Streamable HTTP endpoint
  --token-env VAR  the environment variable holding its credential (sent as Bearer in authorization)
  --header NAME    send the credential in this header instead (as is)
A tool the poisoning rules flag is named on stderr with its reasons and left out (exit status 1).
`,
};

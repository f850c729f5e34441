import { readConfig } from '../../lambdas/shared/config';
import { startLocalRuntime } from '../../local/runtime';
import { parseFlags } from '../args';

/** `airlock serve` (= `npm start`): the whole gateway on this machine, on embedded defaults. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { port: { type: 'string' }, 'in-memory': { type: 'boolean', default: false }, stores: { type: 'string' } });
  const env = { ...process.env, ...(values.port ? { AIRLOCK_PORT: values.port } : {}), ...(values.stores ? { AIRLOCK_LOCAL_STORES: values.stores } : {}) };
  const config = readConfig('local', env);
  const runtime = await startLocalRuntime({ config, persist: !values['in-memory'] });
  const token = await runtime.devIssuer.mint({ sub: 'dev-user', groups: ['llm-users'], email: 'dev-user@example.com' });
  const upstream = runtime.echo
    ? 'built-in echo model (set AIRLOCK_UPSTREAM_URL and AIRLOCK_UPSTREAM_API_KEY, or AIRLOCK_UPSTREAMS, for a real one)'
    : config.AIRLOCK_UPSTREAMS.length
      ? config.AIRLOCK_UPSTREAMS.map((u) => `${u.name} (${u.kind}: ${u.models.join(', ')})`).join('; ')
      : (config.AIRLOCK_UPSTREAM_URL ?? '');
  const model = runtime.echo ? 'echo' : 'gpt-4o-mini';
  process.stdout.write(
    [
      '',
      `Airlock is running at ${runtime.apiBaseUrl}`,
      `  upstream:  ${upstream}`,
      `  policy:    ${config.AIRLOCK_POLICY}`,
      `  records:   ${runtime.stores.describe}`,
      '',
      'Paste these two lines into another terminal (a dev token: sub dev-user, group llm-users, valid 12 h;',
      'mint others with `npx airlock token --sub NAME --groups llm-users`):',
      '',
      `export AIRLOCK_URL=${runtime.baseUrl}`,
      `export AIRLOCK_TOKEN=${token}`,
      '',
      'Try it (the echo model answers with what the upstream received: the e-mail arrives masked):',
      '',
      `curl -s "$AIRLOCK_URL/v1/chat/completions" -H "authorization: Bearer $AIRLOCK_TOKEN" -H 'content-type: application/json' \\`,
      `  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello from alice@example.com"}]}'`,
      '',
      'Approvals: a prompt with a dangerous command or prompt-injection phrasing is held for review; its',
      `approval "mail" is printed here. Sign in as an approver at ${runtime.baseUrl}/dev/login (any name, group approvers),`,
      'then open the link; the requester can run `npx airlock wait <request_id>`.',
      '',
      `MCP gateway: ${runtime.mcpUrl} (Streamable HTTP; tools from each upstream as <upstream>.<tool>)`,
      ...(runtime.exampleMcp ? ['  example upstream: db (SQLite, a customers table): tools db.run_sql, db.list_tables'] : []),
      '  Claude Code:',
      `    claude mcp add --transport http airlock ${runtime.mcpUrl} --header "Authorization: Bearer $AIRLOCK_TOKEN"`,
      '  Cursor (~/.cursor/mcp.json):',
      `    { "mcpServers": { "airlock": { "url": "${runtime.mcpUrl}", "headers": { "Authorization": "Bearer <AIRLOCK_TOKEN>" } } } }`,
      '  The SDK (@modelcontextprotocol/sdk):',
      `    new StreamableHTTPClientTransport(new URL('${runtime.mcpUrl}'), { requestInit: { headers: { authorization: \`Bearer \${process.env.AIRLOCK_TOKEN}\` } } })`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await runtime.close();
  return 0;
}

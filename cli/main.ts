import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args';
import { COMMAND_HELP } from './help';

const USAGE = `usage: airlock <command> [options]

commands:
  serve                         run the gateway locally (npm start)
  token --sub NAME [--groups a,b] [--email E] [--ttl S]
                                mint a dev token the local gateway accepts
  scan [--jsonl] [--chunk-size N] [--policy FILE]
                                mask secrets and PII in text read from stdin
  wait ID [--url URL] [--token T] [--timeout S] [--json]
                                block until a held request is decided; print the answer
                                (URL and token also from AIRLOCK_URL, AIRLOCK_TOKEN)
  sessions list|show ID|replay ID [filters] [--json]
                                search, read and replay recorded sessions (auditors, or your own);
                                \`airlock sessions --help\` lists the filters
  mcp-example [--port N] [--call-token-issuer URL [--call-token-audience AUD]]
                                run the example SQLite MCP upstream alone (credential from
                                AIRLOCK_MCP_EXAMPLE_TOKEN, or Airlock's per-call tokens verified)
  mcp-pins URL [--token-env VAR] [--header NAME]
                                print an MCP server's tool fingerprints as the \`pins\` of its
                                registration (poisoned-looking tools named on stderr, left out)

\`airlock <command> --help\` describes a command; \`airlock --version\` prints the version.
`;

type Command = (argv: string[]) => Promise<number>;

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** How bin.mjs runs the CLI: from the bundle at `bundleEntry` (its worker scripts are beside it), or from the sources. */
export interface MainOptions {
  bundleEntry?: string;
}

const commands = (options: MainOptions): Record<string, () => Promise<Command>> => ({
  serve: async () => (await import('./commands/serve')).serveCommand,
  token: async () => (await import('./commands/token')).tokenCommand,
  wait: async () => {
    const { waitCommand } = await import('./commands/wait');
    return (argv) => waitCommand(argv, { ...io, env: process.env });
  },
  sessions: async () => {
    const { sessionsCommand } = await import('./commands/sessions');
    return (argv) => sessionsCommand(argv, { ...io, env: process.env });
  },
  'mcp-example': async () => {
    const { mcpExampleCommand } = await import('./commands/mcp-example');
    return (argv) => mcpExampleCommand(argv, process.env);
  },
  'mcp-pins': async () => {
    const { mcpPinsCommand } = await import('./commands/mcp-pins');
    return (argv) => mcpPinsCommand(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  },
  scan: async () => {
    const { scanCommand } = await import('./commands/scan');
    const riskWorker = options.bundleEntry ? new URL('./scan-risk-worker.mjs', pathToFileURL(options.bundleEntry)) : undefined;
    return (argv) => scanCommand(argv, { ...io, ...(riskWorker ? { riskWorker } : {}) });
  },
});

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`airlock ${version()}\n`);
    return 0;
  }
  const load = commands(options)[name];
  if (!load) {
    process.stderr.write(`airlock: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  const help = COMMAND_HELP[name];
  if (help && rest.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(help);
    return 0;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`airlock ${name}: ${usageMessage(err as Error)}\nRun \`airlock ${name} --help\` for its usage.\n`);
      return 2;
    }
    process.stderr.write(`airlock ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

/** Node's parseArgs messages end with advice on `--` that does not apply here. */
function usageMessage(err: Error): string {
  return err.message.replace(/\. To specify a positional argument[^]*$/, '.').replace(/^Unknown option '([^']+)'.*$/s, "unknown option '$1'");
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

import { parseFlags, UsageError } from '../args';
import type { SessionRecord } from '../../lambdas/store/types';
import { replayEventText, sessionDetail, sessionTable, type SessionDetail } from './sessions-format';

const USAGE = `usage:
  airlock sessions list [--principal SUB] [--issuer ISS] [--group G] [--client ID] [--model M]
                        [--decision allow|review|block] [--status S] [--from T] [--to T] [--min-risk N]
                        [--limit N] [--cursor C] [--all] [--json]
  airlock sessions show ID [--json]
  airlock sessions replay ID [--speed N] [--json]
common: --url BASE_URL (or AIRLOCK_URL; default http://127.0.0.1:$AIRLOCK_PORT), --token TOKEN (or AIRLOCK_TOKEN)`;

export interface SessionsIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

const FILTER_FLAGS = ['principal', 'issuer', 'group', 'client', 'model', 'decision', 'status', 'from', 'to', 'min-risk'] as const;

/** `airlock sessions list|show|replay`: the audit API from a terminal or a script. */
export async function sessionsCommand(argv: string[], io: SessionsIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    url: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean', default: false },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    all: { type: 'boolean', default: false },
    speed: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    ...Object.fromEntries(FILTER_FLAGS.map((f) => [f, { type: 'string' as const }])),
  });
  const [sub, id, ...extra] = positionals;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const api = new AuditApi(values.url as string | undefined, values.token as string | undefined, io);
  const json = values.json as boolean;

  switch (sub) {
    case 'list': {
      if (id !== undefined) throw new UsageError(`list takes no positional argument\n${USAGE}`);
      const query: Record<string, string> = {};
      for (const flag of FILTER_FLAGS) {
        const value = (values as Record<string, unknown>)[flag] as string | undefined;
        if (value !== undefined) query[flag.replace('-', '_')] = value;
      }
      if (values.limit !== undefined) query.limit = values.limit as string;
      if (values.cursor !== undefined) query.cursor = values.cursor as string;
      return list(api, query, values.all as boolean, json, io);
    }
    case 'show': {
      if (!id || extra.length) throw new UsageError(`show needs one session id\n${USAGE}`);
      const detail = await api.json<SessionDetail>(`/v1/airlock/sessions/${encodeURIComponent(id)}`);
      io.stdout.write(json ? `${JSON.stringify(detail, null, 2)}\n` : `${sessionDetail(detail)}\n`);
      return detail.integrity === 'mismatch' ? 3 : 0;
    }
    case 'replay': {
      if (!id || extra.length) throw new UsageError(`replay needs one session id\n${USAGE}`);
      const query = values.speed !== undefined ? { speed: values.speed as string } : undefined;
      return replay(api, id, query, json, io);
    }
    default:
      throw new UsageError(sub ? `unknown subcommand '${sub}'\n${USAGE}` : USAGE);
  }
}

async function list(api: AuditApi, query: Record<string, string>, all: boolean, json: boolean, io: SessionsIo): Promise<number> {
  const items: SessionRecord[] = [];
  let cursor: string | null = query.cursor ?? null;
  do {
    const page = await api.json<{ data: SessionRecord[]; next_cursor: string | null }>('/v1/airlock/sessions', { ...query, ...(cursor ? { cursor } : {}) });
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (all && cursor);

  if (json) {
    io.stdout.write(`${JSON.stringify({ object: 'list', data: items, next_cursor: cursor }, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(items.length ? `${sessionTable(items)}\n` : 'No sessions match.\n');
  if (cursor) io.stderr.write(`More sessions: add --cursor ${cursor} (or --all).\n`);
  return 0;
}

async function replay(api: AuditApi, id: string, query: Record<string, string> | undefined, json: boolean, io: SessionsIo): Promise<number> {
  const response = await api.get(`/v1/airlock/sessions/${encodeURIComponent(id)}/replay`, query);
  const integrity = response.headers.get('x-airlock-integrity');
  if (integrity && integrity !== 'verified') io.stderr.write(`Warning: transcript integrity ${integrity.toUpperCase()}.\n`);
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = response.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffered += decoder.decode(read.value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') {
        if (!json) io.stdout.write('\n');
        return 0;
      }
      if (json) io.stdout.write(`${data}\n`);
      else io.stdout.write(replayEventText(data) ?? '');
    }
  }
  throw new Error('the replay ended before [DONE]');
}

/** The audit API over HTTP, with the bearer token; any non-2xx answer becomes an error naming its code. */
class AuditApi {
  private readonly base: string;
  private readonly token: string;
  private readonly fetchFn: typeof fetch;

  constructor(url: string | undefined, token: string | undefined, io: SessionsIo) {
    this.base = (url ?? io.env.AIRLOCK_URL ?? `http://127.0.0.1:${io.env.AIRLOCK_PORT ?? '8787'}`).replace(/\/+$/, '').replace(/\/v1$/, '');
    const bearer = token ?? io.env.AIRLOCK_TOKEN;
    if (!bearer) throw new UsageError('a bearer token is needed: --token TOKEN or AIRLOCK_TOKEN (locally: airlock token --sub NAME --groups auditors)');
    this.token = bearer;
    this.fetchFn = io.fetch ?? fetch;
  }

  async get(path: string, query?: Record<string, string>): Promise<Response> {
    const url = `${this.base}${path}${query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, { headers: { authorization: `Bearer ${this.token}` } });
    } catch (err) {
      throw new Error(`cannot reach the gateway at ${this.base} (${(err as Error).message})`);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; param?: string | null } } | null;
      const e = body?.error;
      throw new Error(`the gateway answered ${response.status}${e?.code ? ` ${e.code}` : ''}${e?.message ? `: ${e.message}` : ''}`);
    }
    return response;
  }

  async json<T>(path: string, query?: Record<string, string>): Promise<T> {
    return (await (await this.get(path, query)).json()) as T;
  }
}

/**
 * Every public route of Airlock, in one place. The router (which use case answers), the local
 * server (which routes need a bearer token, which handler serves them) and the CDK stack (which API
 * Gateway resources exist, behind which function, with or without the authorizer) all read this
 * table, so a route cannot exist in one runtime and be missing in another.
 *
 * Pure data: the CDK app imports it, so it must not import use cases.
 */
import { AirlockError } from '../shared/errors';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** The function that serves a route in AWS; locally one process serves them all. */
export type ServedBy = 'proxy' | 'mcp' | 'approval-page' | 'approval-decide';

interface RouteBase {
  /** e.g. `/v1/airlock/sessions/{id}/replay`; a `{name}` segment matches one path segment. */
  readonly path: string;
  readonly method: HttpMethod;
  readonly servedBy: ServedBy;
  /** The function streams its answer (API Gateway response transfer mode STREAM). */
  readonly stream: boolean;
  /** API Gateway passes the body unvalidated: the function answers every malformed body in its own wire format (MCP: JSON-RPC). */
  readonly rawBody?: true;
}

/**
 * `bearer`: the TOKEN authorizer (locally the same verifier) runs first and the handler gets a
 * principal. `none`: no authorizer; the handler authenticates by itself (a signed approval link) or
 * serves nothing worth protecting (health), and `why` says which: it is the written reason the CDK
 * stack gives cdk-nag for a route without an authorizer.
 */
export type RouteSpec = RouteBase & ({ readonly auth: 'bearer' } | { readonly auth: 'none'; readonly why: string });

const caller = (method: HttpMethod, path: string): RouteSpec => ({ path, method, auth: 'bearer', servedBy: 'proxy', stream: true });
const APPROVER_LINK =
  'Approvers arrive from a mailed link, not with a bearer token: the function checks the link signature, the signed-in approver (an ID token in an HttpOnly cookie) and, for decisions, a CSRF token.';
const approvalPage = (method: HttpMethod, path: string, servedBy: ServedBy = 'approval-page'): RouteSpec => ({
  path,
  method,
  auth: 'none',
  why: APPROVER_LINK,
  servedBy,
  stream: false,
});

const CONSOLE_SIGN_IN =
  'The console is for people in a browser, signed in like the approval pages: the function verifies the approver ID token in the HttpOnly SameSite cookie and checks the approvers or auditors group itself; the POSTs only clear that cookie.';
const consolePage = (method: HttpMethod, path: string, servedBy: ServedBy = 'approval-page'): RouteSpec => ({
  path,
  method,
  auth: 'none',
  why: CONSOLE_SIGN_IN,
  servedBy,
  stream: false,
});

export const ROUTES: readonly RouteSpec[] = [
  caller('POST', '/v1/chat/completions'),
  caller('POST', '/v1/messages'),
  caller('POST', '/v1/messages/count_tokens'),
  caller('POST', '/v1/embeddings'),
  caller('POST', '/v1/responses'),
  caller('GET', '/v1/models'),
  caller('GET', '/v1/airlock/sessions'),
  caller('GET', '/v1/airlock/sessions/{id}'),
  caller('GET', '/v1/airlock/sessions/{id}/replay'),
  caller('GET', '/v1/airlock/approvals'),
  caller('GET', '/v1/airlock/requests/{id}'),
  caller('GET', '/v1/airlock/usage'),
  // The MCP gateway, a function of its own: the SQL and shell parsers stay out of the chat proxy's bundle.
  { path: '/mcp', method: 'POST', auth: 'bearer', servedBy: 'mcp', stream: true, rawBody: true },
  { path: '/mcp', method: 'GET', auth: 'bearer', servedBy: 'mcp', stream: true, rawBody: true },
  { path: '/mcp', method: 'DELETE', auth: 'bearer', servedBy: 'mcp', stream: true, rawBody: true },
  {
    path: '/.well-known/oauth-protected-resource',
    method: 'GET',
    auth: 'none',
    why: 'RFC 9728 protected-resource metadata is public by design: MCP clients read it before they have a token.',
    servedBy: 'mcp',
    stream: false,
  },
  {
    path: '/.well-known/jwks.json',
    method: 'GET',
    auth: 'none',
    why: 'The public keys upstream MCP servers verify per-call tokens with are public by design: a JWKS (RFC 7517) holds no secret, and verifiers fetch it without a token.',
    servedBy: 'mcp',
    stream: false,
  },
  {
    path: '/health',
    method: 'GET',
    auth: 'none',
    why: 'Liveness for load balancers and the CLI: answers a fixed {"status":"ok"}, reads no store and reveals no detail.',
    servedBy: 'proxy',
    stream: false,
  },
  approvalPage('GET', '/approvals/{id}'),
  approvalPage('GET', '/approvals/{id}/transcript'),
  approvalPage('POST', '/approvals/{id}', 'approval-decide'),
  approvalPage('GET', '/approvals/sign-in'),
  approvalPage('GET', '/approvals/callback'),
  consolePage('GET', '/console'),
  consolePage('GET', '/console/console.js'),
  consolePage('GET', '/console/sessions'),
  consolePage('GET', '/console/sessions/{id}'),
  consolePage('GET', '/console/sessions/{id}/replay-frames'),
  consolePage('POST', '/console/sign-out', 'approval-decide'),
  consolePage('POST', '/console/switch-user', 'approval-decide'),
];

export interface RouteMatch {
  spec: RouteSpec;
  /** The `{name}` segments, percent-decoded; undefined when a segment does not decode. */
  params: Record<string, string> | undefined;
}

export interface RouteTable {
  /** The route for a method and path, or why there is none: no such path, or not that method. */
  match(method: string, path: string): RouteMatch | { error: 'not_found' } | { error: 'method_not_allowed'; allowed: HttpMethod[] };
  readonly routes: readonly RouteSpec[];
}

/** Compiles routes for matching. Literal segments win over `{name}` ones (`/approvals/sign-in` before `/approvals/{id}`). */
export function routeTable(routes: readonly RouteSpec[] = ROUTES): RouteTable {
  const compiled = routes
    .map((spec) => ({ spec, pattern: compilePath(spec.path), literals: spec.path.split('/').filter((s) => s && !s.startsWith('{')).length }))
    .sort((a, b) => b.literals - a.literals);
  return {
    routes,
    match(method, rawPath) {
      const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
      const onPath = compiled.map((c) => ({ c, m: c.pattern.exec(path) })).filter((x) => x.m !== null);
      if (onPath.length === 0) return { error: 'not_found' };
      // Among the routes on this path, the most literal one decides which methods exist there.
      const best = onPath[0]!.c.literals;
      const here = onPath.filter((x) => x.c.literals === best);
      const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
      const hit = here.find((x) => x.c.spec.method === wanted);
      if (!hit) return { error: 'method_not_allowed', allowed: here.map((x) => x.c.spec.method) };
      return { spec: hit.c.spec, params: decodeParams(hit.m!.groups ?? {}) };
    },
  };
}

/** Where a caller most likely meant to go: the same path under `/v1` (`/chat/completions` → `/v1/chat/completions`). */
export function suggestRoute(path: string, table: RouteTable = DEFAULT_TABLE): string | undefined {
  const trimmed = path.replace(/\/+$/, '');
  const exists = (p: string) => {
    const m = table.match('GET', p);
    return !('error' in m) || m.error !== 'not_found';
  };
  return [`/v1${trimmed}`, trimmed.replace(/^\/v\d+\//, '/v1/')].find((candidate) => candidate !== trimmed && exists(candidate));
}

/** The one wording of "no such route", in the Lambda router and the local server alike. */
export function routeNotFound(method: string, path: string, table: RouteTable = DEFAULT_TABLE): AirlockError {
  const shown = path.slice(0, 100);
  const suggestion = suggestRoute(path, table);
  return new AirlockError('not_found', `There is no route ${method.toUpperCase()} ${shown}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`);
}

export function methodNotAllowed(method: string, path: string, allowed: readonly HttpMethod[]): AirlockError {
  return new AirlockError('method_not_allowed', `${method.toUpperCase()} is not supported on ${path.slice(0, 100)}; use ${allowed.join(' or ')}.`, {
    headers: { allow: allowed.join(', ') },
  });
}

function compilePath(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param ? `(?<${param[1]}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function decodeParams(groups: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      return undefined;
    }
  }
  return out;
}

const DEFAULT_TABLE = routeTable(ROUTES);

import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startEchoUpstream, type EchoUpstream } from '../../local/echo-upstream';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/** Polls `check` until it returns a value (conditions, not timings, end the wait). */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A chat completion over a raw socket, so the test decides exactly when the caller goes away. */
function postChat(baseUrl: string, token: string, body: unknown): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const url = new URL(`${baseUrl}/chat/completions`);
  const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  response.catch(() => undefined);
  req.end(JSON.stringify(body));
  return { req, response };
}

describe('a caller who goes away (real sockets against airlock serve)', () => {
  let upstream: EchoUpstream;
  let gateway: GatewayProcess;
  let caller: string;
  let auditor: string;

  beforeAll(async () => {
    upstream = await startEchoUpstream({ models: ['echo'] });
    gateway = await startGatewayProcess({ AIRLOCK_UPSTREAM_URL: upstream.url, AIRLOCK_UPSTREAM_TIMEOUT_MS: '60000', AIRLOCK_UPSTREAM_RETRIES: '0' });
    caller = await gateway.token('carol', ['llm-users']);
    auditor = await gateway.token('audrey', ['auditors']);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  beforeEach(() => {
    upstream.fault = 'none';
    upstream.chunking = {};
  });

  const audit = async (path: string) => {
    const res = await fetch(`${gateway.apiBaseUrl}/airlock/${path}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, any>;
  };

  it('records a stream closed after its first chunk as cancelled, with what was delivered, and aborts the upstream call', async () => {
    upstream.chunking = { chunkDelayMs: 200 };
    const abandonedBefore = upstream.abandoned;
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const { req, response } = postChat(gateway.apiBaseUrl, caller, { model: 'echo', stream: true, messages: [{ role: 'user', content: words }] });

    const res = await response;
    const sessionId = String(res.headers['x-airlock-session-id']);
    const delivered = await new Promise<string>((resolve) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const contents = [...text.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join('');
        if (contents.length > 0) resolve(contents);
      });
    });
    req.destroy();

    const session = await eventually(async () => {
      const item = await gateway.session(sessionId);
      return item?.status === 'in_progress' ? undefined : item;
    }, 'the session to end');
    expect(session).toMatchObject({ status: 'cancelled', errorCode: 'client_disconnected' });
    await eventually(() => (upstream.abandoned > abandonedBefore ? true : undefined), 'the upstream connection to close');

    const read = await audit(`sessions/${sessionId}`);
    const full = `Echo: ${words}`;
    expect(read.integrity).toBe('verified');
    expect(read.transcript.responseText.startsWith(delivered)).toBe(true);
    expect(full.startsWith(read.transcript.responseText)).toBe(true);
    expect(read.transcript.responseText.length).toBeLessThan(full.length);
    expect(read.transcript.error).toMatchObject({ code: 'client_disconnected' });
  });

  it('records a non-streamed caller who gives up on a silent upstream as cancelled, and aborts the upstream call', async () => {
    upstream.fault = 'hang';
    const requestsBefore = upstream.requests.length;
    const abandonedBefore = upstream.abandoned;
    const marker = `give-up-${Date.now()}`;
    const { req } = postChat(gateway.apiBaseUrl, caller, { model: 'echo', messages: [{ role: 'user', content: marker }] });

    await eventually(() => (upstream.requests.length > requestsBefore ? true : undefined), 'the request to reach the upstream');
    req.destroy();

    await eventually(() => (upstream.abandoned > abandonedBefore ? true : undefined), 'the upstream connection to close');
    const session = await eventually(async () => {
      const page = await audit('sessions?status=cancelled&principal=carol');
      return (page.data as Array<Record<string, any>>).find((s) => s.stream === false);
    }, 'a cancelled non-streamed session');
    expect(session).toMatchObject({ status: 'cancelled', errorCode: 'client_disconnected', httpStatus: 499 });

    const read = await audit(`sessions/${session.id}`);
    expect(read.integrity).toBe('verified');
    expect(JSON.stringify(read.transcript.request)).toContain(marker);
    expect(read.transcript.response).toBeNull();
  });
});

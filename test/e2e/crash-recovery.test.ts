import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EchoUpstream } from '../../local/echo-upstream';
import {
  auditSession,
  chatBody,
  dangerousPrompt,
  decide,
  FINAL_STATUSES,
  holdRequest,
  mintToken,
  postChat,
  sessionsInProgress,
  settledRequest,
  startServe,
  startSlowUpstream,
  streamsInFlight,
  type ServeProcess,
} from '../support/crash-run';

/**
 * A crash of the local runtime: the real `airlock serve` on a persistent data directory is killed
 * with SIGKILL under load (streams in flight, finished calls, a held request) and started again on
 * the same directory. Every session that began must end, every completed one must verify, and the
 * held request must still be decidable and then answered.
 */
async function recordedFinal(serve: ServeProcess, auditor: string, sessionId: string): Promise<void> {
  for (let i = 0; i < 100 && !FINAL_STATUSES.includes((await auditSession(serve.apiBaseUrl, auditor, sessionId)).status); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the local runtime after kill -9 under load', () => {
  let dataDir: string;
  let upstream: EchoUpstream;
  let serve: ServeProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-crash-'));
    upstream = await startSlowUpstream();
    env = { AIRLOCK_UPSTREAM_URL: upstream.url, AIRLOCK_UPSTREAM_API_KEY: 'local-echo' };
  });

  afterAll(async () => {
    await serve?.stop();
    await upstream?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends every session begun, keeps every completed one verifiable, and keeps the held request decidable', async () => {
    serve = await startServe(dataDir, env);
    const [alice, auditor, approver] = await Promise.all([
      mintToken(dataDir, 'alice', ['llm-users']),
      mintToken(dataDir, 'audra', ['auditors', 'llm-users']),
      mintToken(dataDir, 'carol', ['approvers']),
    ]);
    const prompt = dangerousPrompt();
    const held = await holdRequest(serve, alice, prompt);
    const finished = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        const res = await postChat(serve!.apiBaseUrl, alice, chatBody(`a short question ${i}`, false));
        await res.text();
        return res.headers.get('x-airlock-session-id')!;
      }),
    );
    // The answer goes out before the record is completed: wait for those records, so the kill finds them finished.
    for (const id of finished) await recordedFinal(serve, auditor, id);
    const inFlight = await streamsInFlight(serve.apiBaseUrl, alice, 6);

    await serve.kill9();
    inFlight.abort();
    serve = await startServe(dataDir, env);

    const begun = [...finished, ...inFlight.sessionIds];
    const audited = await Promise.all(begun.map((id) => auditSession(serve!.apiBaseUrl, auditor, id)));
    expect(audited.filter((s) => !FINAL_STATUSES.includes(s.status))).toEqual([]);
    expect(audited.filter((s) => s.status === 'completed' && s.integrity !== 'verified')).toEqual([]);
    expect(audited.slice(0, finished.length).map((s) => s.status)).toEqual(finished.map(() => 'completed'));
    expect(audited.slice(finished.length).map((s) => s.status)).toEqual(inFlight.sessionIds.map(() => 'interrupted'));
    expect(await sessionsInProgress(serve.apiBaseUrl, auditor)).toEqual([]);

    const decision = await decide(serve.baseUrl, held.linkPath, approver, 'approve');
    expect(decision.status).toBe(200);
    expect(await settledRequest(serve.apiBaseUrl, alice, held.approvalId)).toBe('completed');
    const resent = await postChat(serve.apiBaseUrl, alice, chatBody(prompt, false));
    const answer = (await resent.json()) as { choices: { message: { content: string } }[] };
    expect(resent.status).toBe(200);
    expect(answer.choices[0]!.message.content).toBe(`Echo: ${prompt}`);
    expect(await auditSession(serve.apiBaseUrl, auditor, held.sessionId)).toEqual({ status: 'completed', integrity: 'verified' });
  }, 120_000);
});

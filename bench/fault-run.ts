import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import {
  auditSession,
  chatBody,
  FINAL_STATUSES,
  mintToken,
  postChat,
  sessionsInProgress,
  startServe,
  startSlowUpstream,
  streamsInFlight,
} from '../test/support/crash-run';
import type { Figure } from './stats';

/**
 * The fault run of issue 9: N cycles of load (streams in flight, calls finishing), `kill -9` of
 * `airlock serve`, restart on the same data directory. Counts sessions begun against sessions
 * with a final status and (when completed) a verified transcript, read through the audit API.
 * `fault_run_sessions_final_of_begun` is the fraction (must be 1), with the counts beside it.
 */
export async function runFaultRun(cycles = 5, streamsPerCycle = 6, callsPerCycle = 6): Promise<Figure[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'airlock-fault-run-'));
  const upstream = await startSlowUpstream();
  const env = { AIRLOCK_UPSTREAM_URL: upstream.url, AIRLOCK_UPSTREAM_API_KEY: 'local-echo' };
  let serve = await startServe(dataDir, env);
  try {
    const [caller, auditor] = await Promise.all([mintToken(dataDir, 'fault-run', ['llm-users']), mintToken(dataDir, 'fault-auditor', ['auditors', 'llm-users'])]);
    const begun: string[] = [];
    let cyclesEnded = 0;
    for (let cycle = 1; cycle <= cycles; cycle++) {
      // Calls that finish, and calls still running when the process dies (the kill lands mid-batch).
      const calls = Array.from({ length: callsPerCycle }, async (_, i) => {
        const res = await postChat(serve.apiBaseUrl, caller, chatBody(`fault run ${cycle}.${i}`, false)).catch(() => undefined);
        const id = res?.headers.get('x-airlock-session-id');
        await res?.text().catch(() => undefined);
        return id ?? undefined;
      });
      const streams = await streamsInFlight(serve.apiBaseUrl, caller, streamsPerCycle);
      const finished = await Promise.all(calls);
      begun.push(...streams.sessionIds, ...finished.filter((id): id is string => id !== undefined));
      await serve.kill9();
      streams.abort();
      serve = await startServe(dataDir, env);
      if ((await sessionsInProgress(serve.apiBaseUrl, auditor)).length === 0) cyclesEnded++;
      process.stderr.write(`fault run: cycle ${cycle}/${cycles}, ${begun.length} sessions begun so far\n`);
    }
    const audited = await Promise.all(begun.map((id) => auditSession(serve.apiBaseUrl, auditor, id)));
    const final = audited.filter((s) => FINAL_STATUSES.includes(s.status) && (s.status !== 'completed' || s.integrity === 'verified')).length;
    const byStatus = audited.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }), {});
    return [
      { name: 'fault_run_sessions_final_of_begun', value: final / begun.length, unit: 'ratio', final, begun: begun.length, cycles, byStatus },
      { name: 'fault_run_cycles_without_in_progress', value: cyclesEnded, unit: 'cycles', of: cycles },
    ];
  } finally {
    await serve.stop();
    await upstream.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const cycles = Number(process.argv[2] ?? 5);
  for (const figure of await runFaultRun(cycles)) process.stdout.write(`${JSON.stringify(figure)}\n`);
}

import { parentPort, workerData } from 'node:worker_threads';
import type { GroupPolicy } from '../../lambdas/inspect/policy';
import { RISK_RULES } from '../../lambdas/inspect/risk/registry';
import { TextRiskStream } from '../../lambdas/inspect/risk/text-stream';
import type { Finding } from '../../lambdas/inspect/types';
import { ACK_EVERY, type FromRiskWorker, type ToRiskWorker } from './scan-risk-protocol';

/**
 * The worker thread of `airlock scan`: the risk rules over the chunks the main thread masks, in
 * the order it read them; at the end, the assessment from the masker's findings.
 */
const port = parentPort!;
const stream = new TextRiskStream((workerData as { risk: GroupPolicy['risk'] }).risk, Object.values(RISK_RULES));
let received = 0;
let acknowledged = 0;
const send = (message: FromRiskWorker) => port.postMessage(message);

port.on('message', (message: ToRiskWorker) => {
  try {
    if (typeof message === 'string') {
      stream.push(message);
      received += message.length;
      if (received - acknowledged >= ACK_EVERY) send({ read: (acknowledged = received) });
      return;
    }
    stream.end();
    send({ assessment: stream.assess(message.findings as Finding[]) });
  } catch (err) {
    send({ failed: (err as Error).message });
  }
});

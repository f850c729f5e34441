import { Worker } from 'node:worker_threads';
import type { GroupPolicy } from '../../lambdas/inspect/policy';
import { RISK_RULES } from '../../lambdas/inspect/risk/registry';
import { TextRiskStream } from '../../lambdas/inspect/risk/text-stream';
import type { Finding, RiskAssessment } from '../../lambdas/inspect/types';
import type { FromRiskWorker } from './scan-risk-protocol';

/** Below this many characters the risk rules run on the main thread (a worker takes ~50 ms to start). */
const PARALLEL_FROM = 1 << 20;
/** The main thread waits once it is this many characters ahead of the worker: memory stays flat. */
const MAX_AHEAD = 8 << 20;

/**
 * The risk half of `airlock scan`: the rules read the same chunks the masker does. With a worker
 * script (the CLI's bundle has one) and more than PARALLEL_FROM characters, they read them in a
 * worker thread while the main thread masks and writes: the two halves cost about the same, so
 * the scan runs on two cores. The assessment is the same either way: the same rules over the same
 * chunks in the same order, from the same findings. A worker that fails or exits fails the scan.
 */
export class ScanRisk {
  private held: string[] = [];
  private heldLength = 0;
  private worker?: Worker;
  /** Without a worker script: the rules on this thread, reading as the chunks come. */
  private inline?: TextRiskStream;
  private sent = 0;
  private read = 0;
  private readonly messages: FromRiskWorker[] = [];
  private wake?: () => void;
  private failure?: Error;

  constructor(
    private readonly policy: GroupPolicy['risk'],
    private readonly workerScript?: URL,
  ) {}

  /** Takes the next chunk; resolves once the worker is no more than MAX_AHEAD characters behind. */
  async push(chunk: string): Promise<void> {
    if (!this.workerScript) {
      (this.inline ??= new TextRiskStream(this.policy, Object.values(RISK_RULES))).push(chunk);
      return;
    }
    if (!this.worker) {
      this.held.push(chunk);
      this.heldLength += chunk.length;
      if (this.heldLength < PARALLEL_FROM) return;
      this.start(this.workerScript);
      for (const held of this.held) this.post(held);
      this.held = [];
      return;
    }
    this.post(chunk);
    while (this.sent - this.read > MAX_AHEAD) await this.next();
  }

  /** The assessment of the whole text from the masker's findings. */
  async assess(findings: readonly Finding[]): Promise<RiskAssessment> {
    if (!this.worker) {
      const stream = this.inline ?? new TextRiskStream(this.policy, Object.values(RISK_RULES));
      if (this.inline) stream.end();
      else stream.whole(this.held.join(''));
      return stream.assess(findings);
    }
    this.worker.postMessage({ findings });
    try {
      for (;;) {
        const message = await this.next();
        if ('assessment' in message) return message.assessment;
      }
    } finally {
      await this.worker.terminate();
    }
  }

  private start(script: URL): void {
    const worker = new Worker(script, { workerData: { risk: this.policy } });
    worker.on('message', (message: FromRiskWorker) => this.deliver(message));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`risk worker exited (${code})`)));
    this.worker = worker;
  }

  private post(chunk: string): void {
    this.worker!.postMessage(chunk);
    this.sent += chunk.length;
  }

  private deliver(message: FromRiskWorker): void {
    if ('failed' in message) return this.fail(new Error(`risk rules failed: ${message.failed}`));
    if ('read' in message) this.read = message.read;
    this.messages.push(message);
    this.wake?.();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  /** The worker's next message; throws once it has failed. */
  private async next(): Promise<FromRiskWorker> {
    for (;;) {
      const message = this.messages.shift();
      if (message) return message;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file off the request thread. SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold and fsyncs there, stalling the
 * event loop for milliseconds; the runtime's connection raises that threshold to a backstop
 * (openLocalDatabase) and this worker, on a connection of its own, runs a PASSIVE checkpoint every
 * second: PASSIVE never waits for or blocks a writer. Plain JavaScript, so the bundled CLI and
 * the sources under tsx run the same worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (w, ...rest) => (String(w).startsWith('SQLite is an experimental feature') ? undefined : emitWarning(w, ...rest));
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = (mode) => {
  try {
    db.exec('PRAGMA wal_checkpoint(' + mode + ')');
  } catch {
    // Busy or failing: the next tick tries again, and the runtime's backstop checkpoint still bounds the WAL.
  }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('PASSIVE');
  db.close();
  parentPort.postMessage({ closed: true });
});
`;

export interface WalCheckpointer {
  /** A last checkpoint, then the worker's connection closes. */
  stop(): Promise<void>;
}

export function startWalCheckpointer(path: string, options: { intervalMs?: number } = {}): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs: options.intervalMs ?? 1000 } });
  // Never keeps the process alive on its own.
  worker.unref();
  return {
    async stop() {
      const closed = once(worker, 'message');
      worker.postMessage('stop');
      await Promise.race([closed, once(worker, 'exit')]);
      await worker.terminate();
    },
  };
}

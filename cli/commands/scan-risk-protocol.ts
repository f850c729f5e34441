import type { Finding, RiskAssessment } from '../../lambdas/inspect/types';

/** Main thread to risk worker: a chunk of the text, or the end with the masker's findings. */
export type ToRiskWorker = string | { findings: readonly Finding[] };
/** Risk worker to main thread: characters read so far, the assessment, or why it could not assess. */
export type FromRiskWorker = { read: number } | { assessment: RiskAssessment } | { failed: string };

/** The worker says how far it has read every this many characters (the main thread's flow control). */
export const ACK_EVERY = 1 << 20;

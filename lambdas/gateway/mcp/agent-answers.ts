import type { AgentAnswer, AgentAnswers, PendingAnswer } from './upstreams';

/**
 * Agents' answers to relayed requests, in this process: enough where one process serves every
 * request (the local runtime). Keyed by owner and id, so one caller cannot answer for another.
 */
export class InProcessAgentAnswers implements AgentAnswers {
  private readonly waiting = new Map<string, (answer: AgentAnswer) => void>();

  async open(owner: string, id: string): Promise<PendingAnswer> {
    const key = keyOf(owner, id);
    let settle: (answer: AgentAnswer | undefined) => void = () => undefined;
    const answered = new Promise<AgentAnswer | undefined>((resolve) => (settle = resolve));
    this.waiting.set(key, (answer) => settle(answer));
    return {
      wait: async (signal) => {
        const onAbort = () => settle(undefined);
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          return await answered;
        } finally {
          signal.removeEventListener('abort', onAbort);
          this.waiting.delete(key);
        }
      },
    };
  }

  async deliver(owner: string, id: string, answer: AgentAnswer): Promise<boolean> {
    const key = keyOf(owner, id);
    const resolve = this.waiting.get(key);
    if (!resolve) return false;
    this.waiting.delete(key);
    resolve(answer);
    return true;
  }
}

const keyOf = (owner: string, id: string) => `${owner}\u0000${id}`;

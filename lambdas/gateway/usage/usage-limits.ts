import type { Principal } from '../../auth/principal';
import type { Limit, LimitsPolicy } from '../../inspect/limits-policy';
import { AirlockError } from '../../shared/errors';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { UsageCounters } from '../../store/usage-counters';
import type { Clock } from '../ports';

/** The policy's rate limits and budgets, applied to one caller's request. */
export interface UsageLimiter {
  /** Before forwarding: refuses (429 `rate_limited`, Retry-After) a request over a limit; takes its request slot otherwise. */
  admit(principal: Principal): Promise<void>;
  /** After the answer: adds the tokens the upstream reported to the day budgets. Never throws. */
  spend(principal: Principal, tokens: number): Promise<void>;
}

interface Scope {
  /** Counter key prefix: `p:<issuer>|<sub>` or `g:<group>`. */
  key: string;
  /** Who the limit is for, in a refusal's message. */
  label: string;
  limit: Limit;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Counters outlive their window by a day, then TTL removes them. */
const KEEP_SECONDS = 86_400;

const windowOf = (now: number, size: number) => {
  const start = Math.floor(now / size) * size;
  return { start, end: start + size, expiresAt: Math.floor((start + size) / 1000) + KEEP_SECONDS };
};

export function usageLimiter(policy: LimitsPolicy, counters: UsageCounters, clock: Clock, logger: AirlockLogger): UsageLimiter {
  const scopesOf = (principal: Principal): Scope[] => {
    const scopes: Scope[] = [];
    if (policy.principal) scopes.push({ key: `p:${principal.issuer}|${principal.sub}`, label: 'you', limit: policy.principal });
    for (const [group, limit] of Object.entries(policy.groups)) {
      if (principal.groups.includes(group)) scopes.push({ key: `g:${group}`, label: `the group ${group}`, limit });
    }
    return scopes;
  };
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      logger.error('usage counters unavailable', { error: errorForLog(err) });
      throw new AirlockError('limits_unavailable', 'The rate limits cannot be checked right now; the request was not forwarded.', { cause: err });
    }
  };

  return {
    async admit(principal) {
      const now = clock.now();
      const scopes = scopesOf(principal);
      const day = windowOf(now, DAY_MS);
      for (const s of scopes) {
        const budget = s.limit.tokens_per_day;
        if (budget === undefined) continue;
        const used = await guarded(() => counters.read(`${s.key}|tpd|${day.start}`));
        if (used >= budget) throw rateLimited(`The budget of ${budget} tokens per day for ${s.label} is spent`, day.end - now);
      }
      const minute = windowOf(now, MINUTE_MS);
      const taken: string[] = [];
      for (const s of scopes) {
        const rate = s.limit.requests_per_minute;
        if (rate === undefined) continue;
        const key = `${s.key}|rpm|${minute.start}`;
        const admitted = await guarded(() => counters.consume(key, 1, rate, minute.expiresAt));
        if (!admitted) {
          // The slots already taken in the other scopes are given back: this request is not made.
          await Promise.all(taken.map((k) => counters.add(k, -1, minute.expiresAt))).catch((err: unknown) => logger.warn('usage slot not given back', { error: errorForLog(err) }));
          throw rateLimited(`The limit of ${rate} requests per minute for ${s.label} is reached`, minute.end - now);
        }
        taken.push(key);
      }
    },
    async spend(principal, tokens) {
      if (!(tokens > 0)) return;
      const day = windowOf(clock.now(), DAY_MS);
      const budgets = scopesOf(principal).filter((s) => s.limit.tokens_per_day !== undefined);
      await Promise.all(budgets.map((s) => counters.add(`${s.key}|tpd|${day.start}`, Math.round(tokens), day.expiresAt))).catch((err: unknown) =>
        logger.error('tokens not counted against the budget', { error: errorForLog(err) }),
      );
    },
  };
}

function rateLimited(what: string, waitMs: number): AirlockError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AirlockError('rate_limited', `${what}; retry after ${seconds} s.`, { headers: { 'retry-after': String(seconds) } });
}

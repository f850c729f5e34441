import type { Principal } from '../../auth/principal';
import type { Limit, LimitsPolicy } from '../../inspect/limits-policy';
import { AirlockError } from '../../shared/errors';
import { errorForLog, type AirlockLogger } from '../../shared/logger';
import type { TokenUsage } from '../../store/types';
import type { UsageCounters } from '../../store/usage-counters';
import type { Clock } from '../ports';

/** Who is counted: the caller's identity and groups (an approval's requester as recorded too). */
type Caller = Pick<Principal, 'issuer' | 'sub' | 'groups'>;

/** The policy's rate limits and budgets, applied to one caller's request. */
export interface UsageLimiter {
  /**
   * Before forwarding: refuses (429 `rate_limited`, Retry-After) a request over a limit; takes its
   * request slot otherwise. `budgets: false` checks the request rates only (a re-send collecting an
   * approved answer whose tokens are already counted).
   */
  admit(principal: Caller, options?: { budgets?: boolean }): Promise<void>;
  /** After the answer: adds the tokens the upstream reported to the day budgets. Never throws. */
  spend(principal: Caller, tokens: number): Promise<void>;
  /**
   * `spend`, at most once per `chargeId` however often it is called (an approved answer, whose
   * workflow step may run again): a marker in the same counters, taken atomically, guards it.
   */
  spendOnce(principal: Caller, tokens: number, chargeId: string): Promise<void>;
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
  const scopesOf = (principal: Caller): Scope[] => {
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

  async function spend(principal: Caller, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    const day = windowOf(clock.now(), DAY_MS);
    const budgets = scopesOf(principal).filter((s) => s.limit.tokens_per_day !== undefined);
    await Promise.all(budgets.map((s) => counters.add(`${s.key}|tpd|${day.start}`, Math.round(tokens), day.expiresAt))).catch((err: unknown) =>
      logger.error('tokens not counted against the budget', { error: errorForLog(err) }),
    );
  }

  return {
    async admit(principal, options = {}) {
      const now = clock.now();
      const scopes = scopesOf(principal);
      const day = windowOf(now, DAY_MS);
      for (const s of options.budgets === false ? [] : scopes) {
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
    spend,
    async spendOnce(principal, tokens, chargeId) {
      if (!(tokens > 0) || !scopesOf(principal).some((s) => s.limit.tokens_per_day !== undefined)) return;
      let first: boolean;
      try {
        first = await counters.consume(`once|${chargeId}`, 1, 1, windowOf(clock.now(), DAY_MS).expiresAt + KEEP_SECONDS);
      } catch (err) {
        logger.error('tokens not counted against the budget', { chargeId, error: errorForLog(err) });
        return;
      }
      if (first) await spend(principal, tokens);
    },
  };
}

/** The tokens an answer spends: its total, or its input and output when no total is reported. */
export function spentTokens(usage: TokenUsage): number {
  return usage.totalTokens ?? (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0);
}

function rateLimited(what: string, waitMs: number): AirlockError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AirlockError('rate_limited', `${what}; retry after ${seconds} s.`, { headers: { 'retry-after': String(seconds) } });
}

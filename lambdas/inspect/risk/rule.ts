import type { SlotKind } from '../chat/slots';
import type { GroupPolicy } from '../policy';
import type { Finding } from '../types';

export interface RiskText {
  kind: SlotKind;
  text: string;
  /** `text` in lower case, computed once for every rule's cheap `indexOf` prefilters. */
  lower: string;
}

/** A risk text from a slot: the lower-case copy is made once here. */
export const riskText = (kind: SlotKind, text: string): RiskText => ({ kind, text, lower: text.toLowerCase() });

/** Whether any of the (lower-case) words occurs in the text: a prefilter far cheaper than a regex. */
export const mentionsAny = (t: RiskText, words: readonly string[]): boolean => words.some((w) => t.lower.includes(w));

export interface RiskInput {
  /** The unmasked texts of the request, in body order. Rules read them; they never echo them. */
  texts: readonly RiskText[];
  findings: readonly Finding[];
  policy: GroupPolicy['risk'];
}

/** One signal: a stable id, its points and a message safe to show an approver (no request content). */
export interface RiskSignal {
  id: string;
  points: number;
  message: string;
}

/** A risk rule: a small pure unit registered in `registry.ts`. A rule that throws blocks the request. */
export interface RiskRule {
  readonly id: string;
  evaluate(input: RiskInput): RiskSignal[];
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

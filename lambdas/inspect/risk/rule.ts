import type { SlotKind } from '../types';
import type { GroupPolicy } from '../policy';
import type { Finding } from '../types';
import { textView } from '../engine/normalize';
import { anchorAutomaton } from '../engine/anchor-automaton';
import type { CommandAnalysis, CommandArgument } from '../commands/effect';
import type { ShellOptions } from '../commands/shell-effects';

export interface RiskText {
  kind: SlotKind;
  /** The normalised view of the slot's text (see `riskView`). */
  text: string;
  /** `text` in lower case, computed once for every rule's cheap `indexOf` prefilters. */
  lower: string;
  /** A window across two user turns (a command split between messages): not counted for length. */
  joined?: boolean;
  /** A later window of the text before it (a long text read in windows): counts per text carry over. */
  continued?: boolean;
}

const SQL_COMMENT = /\/\*[\s\S]*?\*\//g;

/**
 * What rules read: the detectors' normalised view (zero-width and format characters removed, NFKC,
 * confusables folded, percent-escapes decoded) with SQL block comments replaced by a space, so
 * `DROP/**\/DATABASE` and `DR\u200bOP` read as what a database would run.
 */
export function riskView(text: string, normalised: string = textView(text)?.text ?? text): string {
  const view = normalised;
  return view.includes('/*') ? view.replace(SQL_COMMENT, ' ') : view;
}

/** A risk text from a slot: normalised, and the lower-case copy made once, when a rule first reads it. */
export const riskText = (kind: SlotKind, text: string, joined = false, normalised?: string): RiskText => {
  const view = riskView(text, normalised);
  let lower: string | undefined;
  return {
    kind,
    text: view,
    get lower() {
      return (lower ??= view.toLowerCase());
    },
    ...(joined ? { joined } : {}),
  };
};

/** How much of each side of a turn boundary risk rules read joined: enough for a command split in two. */
const TURN_WINDOW = 200;

/** The text across the boundary of two consecutive user turns, so a command split between them is scored. */
export const joinedText = (before: string, after: string): RiskText => riskText('user', `${before.slice(-TURN_WINDOW)} ${after.slice(0, TURN_WINDOW)}`, true);

/**
 * Every word a rule uses as a prefilter. One scan of the lower-case text finds all of them, so
 * rules test a set instead of searching the text once per word.
 */
export const RISK_WORDS = [
  'ignore', 'disregard', 'forget', 'skip', 'bypass', 'system prompt', 'instructions', 'prompt', 'developer message',
  'you are now', 'do anything now', 'developer mode', 'jailbreak', 'act as', 'pretend', 'override', 'disable',
  'turn off', 'circumvent', 'im_start', '[inst]', '[/inst]', 'system', 'drop', 'truncate', 'delete', 'rm ',
  'kubectl', 'destroy', 'iam', 'role ', '"action"', 'mkfs', 'dd ',
] as const;
export type RiskWord = (typeof RISK_WORDS)[number];

const WORDS = anchorAutomaton(RISK_WORDS.map((text) => ({ text, ignoreCase: true })));
const found = new WeakMap<RiskText, Set<string>>();

/** Whether lower-casing turns a character of the text into ASCII: İ (→ i̇) and K (→ k) are the only ones. */
const lowersToAscii = (text: string): boolean => text.includes('\u0130') || text.includes('\u212a');

function wordsIn(t: RiskText): Set<string> {
  let set = found.get(t);
  if (!set) {
    // The automaton folds ASCII case itself: it reads the text as it would read its lower-case
    // copy, unless lower-casing turns a character into ASCII.
    const source = lowersToAscii(t.text) ? t.lower : t.text;
    const seen = new Uint8Array(RISK_WORDS.length);
    WORDS.scan(source, 0, source.length, (word) => (seen[word] = 1));
    const words = new Set<string>();
    for (let word = 0; word < seen.length; word++) if (seen[word]) words.add(RISK_WORDS[word]!);
    found.set(t, words);
    set = words;
  }
  return set;
}

/** Whether any of the words occurs in the text: a prefilter far cheaper than running each rule's regex. */
export const mentionsAny = (t: RiskText, words: readonly RiskWord[]): boolean => {
  const set = wordsIn(t);
  return set.size > 0 && words.some((w) => set.has(w));
};

export interface RiskInput {
  /** The unmasked texts of the request, in body order. Rules read them; they never echo them. */
  texts: readonly RiskText[];
  findings: readonly Finding[];
  policy: GroupPolicy['risk'];
  /** Tool arguments that hold SQL or shell (MCP calls), read by the command-effect rules. */
  commands?: readonly CommandArgument[];
  /** The SQL parser for `commands` (commands/sql-grammar.ts), injected so only its users bundle it. Unset: SQL reads as unparsed. */
  sqlParser?: (sql: string) => unknown;
  /** The shell analyser for `commands` (commands/shell-effects.ts, on shell-quote), injected likewise. Unset: shell reads as unparsed. */
  shellAnalyser?: (text: string, options: ShellOptions) => CommandAnalysis;
  /** Kubernetes namespaces where delete and scale-to-zero count as destructive. */
  protectedNamespaces?: readonly string[];
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
  /**
   * Every signal id the rule can emit, so the policy's `risk.signals` can be checked for typos
   * (`dangerous_command.terraform_destory`). Unset: the rule's ids are open-ended
   * (`keyword.<phrase>`, `<category>.<detector type>`) and are checked by the policy itself.
   */
  readonly signals?: readonly string[];
  evaluate(input: RiskInput): RiskSignal[];
  /**
   * For rules that read the texts: `evaluate` split into reading one text at a time and the signals
   * at the end, so a text streamed in windows (`airlock scan`) is scored without being kept. Rules
   * without one are evaluated there with no texts.
   */
  readonly reader?: (policy: RiskInput['policy']) => TextReader;
}

/** Reads texts one at a time into a small tally (sets of hits, counts), then gives the rule's signals. */
export interface TextReader {
  read(text: RiskText): void;
  /** The signals once every text is read; `input.texts` is not read again. */
  signals(input: RiskInput): RiskSignal[];
}

/** A rule that reads texts through its reader; `evaluate` reads every text of the input, in order. */
export function readingRule(rule: { id: string; signals?: readonly string[]; reader: (policy: RiskInput['policy']) => TextReader }): RiskRule {
  return {
    ...rule,
    evaluate(input) {
      const reader = rule.reader(input.policy);
      for (const t of input.texts) reader.read(t);
      return reader.signals(input);
    },
  };
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

import type { CompiledDetectors } from './engine/compile';
import { redact } from './engine/mask';
import { StreamingMasker } from './engine/text-masker';
import type { GroupPolicy } from './policy';
import type { RiskRule } from './risk/rule';
import { TextRiskStream } from './risk/text-stream';
import type { Finding, PromptScanner, PromptVerdict, RiskAssessment } from './types';

/** Count of findings by type, in the order types first occur. */
export function countByType(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
  return counts;
}

/** Types of the findings whose action is `block`, each once. */
export const blockingTypes = (findings: readonly Finding[]): string[] => [...new Set(findings.filter((f) => f.action === 'block').map((f) => f.type))];

/** The verdict on a whole prompt text from its findings; `normalised` is its view, already made for the detectors. */
export function promptVerdict(gp: GroupPolicy, rules: readonly RiskRule[], text: string, normalised: string, findings: readonly Finding[]): PromptVerdict {
  const risk = new TextRiskStream(gp.risk, rules);
  risk.whole(text, normalised);
  return verdictOf(findings, risk.assess(findings));
}

/** The verdict from a prompt's findings and its risk assessment (`airlock scan` assesses in a worker thread). */
export function verdictOf(findings: readonly Finding[], risk: RiskAssessment): PromptVerdict {
  const blockedBy = blockingTypes(findings);
  return { risk, decision: blockedBy.length ? 'block' : risk.decision, blockedBy, findingCounts: countByType(findings) };
}

/** The stream masker, with the risk rules reading the same chunks; the verdict comes from the masker's findings. */
export class StreamPromptScanner implements PromptScanner {
  private readonly masker: StreamingMasker;
  private readonly risk: TextRiskStream;
  private ended = false;

  constructor(set: CompiledDetectors, gp: GroupPolicy, rules: readonly RiskRule[]) {
    this.masker = new StreamingMasker(set, redact, false);
    this.risk = new TextRiskStream(gp.risk, rules);
  }

  get findings(): readonly Finding[] {
    return this.masker.findings;
  }

  get held(): number {
    return this.masker.held;
  }

  push(chunk: string): string {
    const out = this.masker.push(chunk);
    this.risk.push(chunk);
    return out;
  }

  end(): string {
    const out = this.masker.end();
    this.risk.end();
    this.ended = true;
    return out;
  }

  verdict(): PromptVerdict {
    if (!this.ended) throw new Error('prompt scanner not ended');
    return verdictOf(this.masker.findings, this.risk.assess(this.masker.findings));
  }
}

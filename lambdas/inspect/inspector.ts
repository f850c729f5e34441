import { mapChatRequest, mapChatResponse } from './chat/slots';
import { createChatStreamMasker } from './chat/stream';
import { customPattern } from './detectors/custom/custom-pattern';
import type { Detector } from './detectors/detector';
import { placeholderGuard, redactionMarkerGuard } from './detectors/guards';
import { DETECTORS } from './detectors/registry';
import { wordList } from './detectors/custom/word-list';
import { compileDetectors, type ActiveDetector, type CompiledDetectors } from './engine/compile';
import { applyFindings, redact, type Replacement } from './engine/mask';
import { detect, maskWhole, StreamingMasker } from './engine/text-masker';
import { detectorAction, type GroupPolicy } from './policy';
import { RISK_RULES } from './risk/registry';
import { riskText, type RiskRule, type RiskText } from './risk/rule';
import { assessRisk } from './risk/score';
import type { ChatFormat, ChatInspection, DetectorAction, Finding, Inspector, RiskReason } from './types';

export interface InspectorOptions {
  /** Built-in detectors to use instead of the registry (tests). */
  detectors?: Readonly<Record<string, Detector>>;
  /** Risk rules to use instead of the registry (tests). */
  rules?: readonly RiskRule[];
}

/** Placeholder label for a PII type: `email` → `EMAIL`. */
const labelOf = (type: string): string => type.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** Builds the inspection engine for one group policy: compile once, use for many requests. */
export function createInspector(gp: GroupPolicy, options: InspectorOptions = {}): Inspector {
  const detectors: Detector[] = [...Object.values(options.detectors ?? DETECTORS)];
  for (const p of gp.custom?.patterns ?? []) detectors.push(customPattern(p));
  for (const w of gp.custom?.words ?? []) detectors.push(wordList(w.type, w.words));
  const customActions = new Map<string, DetectorAction | undefined>([
    ...(gp.custom?.patterns ?? []).map((p) => [p.type, p.action] as const),
    ...(gp.custom?.words ?? []).map((w) => [w.type, w.action] as const),
  ]);

  // Most specific first: a `detectors` entry for the type, a custom entry's own action, the category, mask.
  const entries: ActiveDetector[] = [];
  for (const d of detectors) {
    const action = gp.detectors[d.type] ?? customActions.get(d.type) ?? detectorAction(gp, d.type, d.category, 'mask');
    if (action !== 'off') entries.push({ detector: d, action, guard: false });
  }
  const reversible = gp.masking?.reversible_pii === true;
  const piiLabels = entries.filter((e) => e.detector.category === 'pii').map((e) => labelOf(e.detector.type));
  entries.push({ detector: redactionMarkerGuard, action: 'mask', guard: true });
  if (reversible && piiLabels.length) entries.push({ detector: placeholderGuard(piiLabels), action: 'mask', guard: true });
  const set = compileDetectors(entries);
  const rules = options.rules ?? Object.values(RISK_RULES);

  return {
    maskText: (text) => maskWhole(set, text),
    streamMasker: () => new StreamingMasker(set),
    inspectChat: (body, format) => inspectChat(set, gp, rules, reversible, body, format),
    maskChatResponse: (body, format) => maskChatResponse(set, body, format),
    chatStreamMasker: (format) => createChatStreamMasker(format, (json) => new StreamingMasker(set, redact, json)),
  };
}

function inspectChat(
  set: CompiledDetectors,
  gp: GroupPolicy,
  rules: readonly RiskRule[],
  reversible: boolean,
  body: unknown,
  format: ChatFormat,
): ChatInspection {
  const findings: Finding[] = [];
  const texts: RiskText[] = [];
  const failed = new Set<string>();
  const placeholders = new Map<string, string>();
  const originals = new Map<string, string>();
  const counters = new Map<string, number>();

  const replace: Replacement = (f, value) => {
    if (!reversible || f.category !== 'pii' || f.action !== 'mask') return redact(f, value);
    const key = `${f.type}\u0000${value}`;
    let label = placeholders.get(key);
    if (!label) {
      const n = (counters.get(f.type) ?? 0) + 1;
      counters.set(f.type, n);
      label = `${labelOf(f.type)}_${n}`;
      placeholders.set(key, label);
      originals.set(label, value);
    }
    return `<${label}>`;
  };

  const masked = mapChatRequest(body, format, (text, slot) => {
    texts.push(riskText(slot.kind, text));
    const d = detect(set, text, slot.json);
    for (const f of d.findings) findings.push({ ...f, path: slot.path });
    if (d.failed.length) {
      for (const t of d.failed) failed.add(t);
      return `[REDACTED:uninspected]`;
    }
    return applyFindings(text, d.findings, 0, text.length, replace);
  });

  const findingCounts: Record<string, number> = {};
  for (const f of findings) findingCounts[f.type] = (findingCounts[f.type] ?? 0) + 1;
  const blockedBy = [...new Set(findings.filter((f) => f.action === 'block').map((f) => f.type))];
  if (failed.size) blockedBy.push('detector_failure');
  const failureReasons: RiskReason[] = [...failed].sort().map((type) => ({
    id: `detector_error.${type}`,
    points: 100,
    message: `detector ${type} failed; the request is blocked rather than passed`,
  }));
  const risk = assessRisk({ texts, findings, policy: gp.risk }, rules, failureReasons);

  const restore =
    originals.size === 0
      ? (text: string) => text
      : (text: string) => text.replace(/<([A-Z0-9_]{1,40}_[0-9]{1,6})>/g, (m, label: string) => originals.get(label) ?? m);
  return { body: masked, findings, findingCounts, blockedBy, risk, restore };
}

function maskChatResponse(set: CompiledDetectors, body: unknown, format: ChatFormat): { body: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const masked = mapChatResponse(body, format, (text, slot) => {
    const r = maskWhole(set, text, redact, slot.json);
    for (const f of r.findings) findings.push({ ...f, path: slot.path });
    return r.masked;
  });
  return { body: masked, findings };
}


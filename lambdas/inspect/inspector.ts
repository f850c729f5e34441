import { inspectionFailed } from '../shared/errors';
import { chatKindOf } from './json/chat-kinds';
import { createJsonStreamMasker } from './json/stream';
import { dottedPath, mapJson } from './json/walk';
import { customPattern } from './detectors/custom/custom-pattern';
import type { Detector } from './detectors/detector';
import { placeholderGuard, redactionMarkerGuard } from './detectors/guards';
import { DETECTORS } from './detectors/registry';
import { wordList } from './detectors/custom/word-list';
import { compileDetectors, type ActiveDetector, type CompiledDetectors } from './engine/compile';
import { applyFindings, redact, type Replacement } from './engine/mask';
import { KnownSecretStream, maskKnownSecrets, usableSecrets } from './engine/known-secrets';
import { detect, DetectorFailure, StreamingMasker } from './engine/text-masker';
import { textView } from './engine/normalize';
import { blockingTypes, countByType, promptVerdict, StreamPromptScanner } from './prompt-scan';
import { detectorAction } from './group-policy';
import type { GroupPolicy } from './policy';
import { RISK_RULES } from './risk/registry';
import { joinedText, riskText, type RiskRule, type RiskText } from './risk/rule';
import { assessRisk } from './risk/score';
import type {
  DetectorAction,
  Finding,
  Inspector,
  JsonInspection,
  JsonInspectOptions,
  JsonPath,
  MaskJsonOptions,
  MaskResult,
  RiskReason,
  SlotKind,
  StreamFormat,
  StreamMasker,
} from './types';

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

  const blockAttachments = gp.attachments === 'block';

  const maskJson = (value: unknown, opts: MaskJsonOptions = {}) => maskJsonValue(set, value, usableSecrets(opts.knownSecrets));
  const inspectJson = (value: unknown, opts: JsonInspectOptions = {}) =>
    inspectJsonValue(set, gp, rules, reversible, blockAttachments, value, opts.kindOf ?? (() => 'user'), () => false);
  const jsonStreamMasker = (format: StreamFormat, opts: MaskJsonOptions = {}) => {
    const secrets = usableSecrets(opts.knownSecrets);
    return createJsonStreamMasker(format, {
      channel: (json) => channelMasker(set, json, secrets),
      snapshot: (value, path) => maskJsonValue(set, value, secrets, path),
    });
  };

  return {
    maskText: (text, opts = {}) => maskTextWhole(set, text, usableSecrets(opts.knownSecrets), false),
    streamMasker: (opts = {}) => channelMasker(set, false, usableSecrets(opts.knownSecrets)),
    inspectJson,
    maskJson,
    jsonStreamMasker,
    scanPrompt: (text) => {
      // One normalised view and one pass of the detectors, for the masking and the verdict both.
      const view = textView(text);
      const { masked, findings } = maskTextWhole(set, text, [], false, view);
      return { masked, findings, verdict: promptVerdict(gp, rules, text, view?.text ?? text, findings) };
    },
    promptScanner: () => new StreamPromptScanner(set, gp, rules),
    inspectChat: (body, format) => {
      // The model id is checked on its own by the proxy (a secret in it refuses the request) and must reach the upstream as sent.
      const r = inspectJsonValue(set, gp, rules, reversible, blockAttachments, body, chatKindOf(body, format), (path) => path.length === 1 && path[0] === 'model');
      return { body: r.value, findings: r.findings, findingCounts: r.findingCounts, blockedBy: r.blockedBy, risk: r.risk, restore: r.restore };
    },
    maskChatResponse: (body, _format, opts = {}) => {
      const r = maskJson(body, opts);
      return { body: r.value, findings: r.findings };
    },
    chatStreamMasker: (format, opts = {}) => jsonStreamMasker(format, opts),
  };
}

/** Detectors (on the text and its normalised view), then the gateway's own keys by exact match; a failing detector throws. */
function maskTextWhole(set: CompiledDetectors, text: string, secrets: readonly string[], json: boolean, view = textView(text)): MaskResult {
  const d = detect(set, text, json, view);
  if (d.failed.length) throw inspectionFailed(new DetectorFailure(d.failed, d.cause));
  const masked = applyFindings(text, d.findings, 0, text.length, redact);
  if (!secrets.length) return { masked, findings: d.findings };
  const known = maskKnownSecrets(masked, secrets);
  return { masked: known.masked, findings: [...d.findings, ...known.findings] };
}

/** A stream channel: the detectors' stream masker, then the exact-match layer for the gateway's keys. */
function channelMasker(set: CompiledDetectors, json: boolean, secrets: readonly string[]): StreamMasker {
  const detectors = new StreamingMasker(set, redact, json);
  if (!secrets.length) return detectors;
  const known = new KnownSecretStream(secrets);
  return {
    push: (chunk) => known.push(detectors.push(chunk)),
    end: () => known.push(detectors.end()) + known.end(),
    get findings() {
      return [...detectors.findings, ...known.findings];
    },
    get held() {
      return detectors.held;
    },
  };
}

/** Masks every string of a JSON value going back to a caller. */
function maskJsonValue(set: CompiledDetectors, value: unknown, secrets: readonly string[], base: JsonPath = []): { value: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const masked = mapJson(
    value,
    {
      text: (text, leaf) => {
        const r = maskTextWhole(set, text, secrets, leaf.json);
        for (const f of r.findings) findings.push({ ...f, path: dottedPath(leaf.path) });
        return r.masked;
      },
    },
    base,
  );
  return { value: masked, findings };
}

function inspectJsonValue(
  set: CompiledDetectors,
  gp: GroupPolicy,
  rules: readonly RiskRule[],
  reversible: boolean,
  blockAttachments: boolean,
  value: unknown,
  kindOf: (path: JsonPath) => SlotKind,
  skip: (path: JsonPath) => boolean,
): JsonInspection {
  const findings: Finding[] = [];
  const texts: RiskText[] = [];
  const failed = new Set<string>();
  const placeholders = new Map<string, string>();
  const originals = new Map<string, string>();
  const counters = new Map<string, number>();
  const userTurns = new Map<unknown, string[]>();
  let attachments = 0;

  const replace: Replacement = (f, v) => {
    if (!reversible || f.category !== 'pii' || f.action !== 'mask') return redact(f, v);
    const key = `${f.type}\u0000${v}`;
    let label = placeholders.get(key);
    if (!label) {
      const n = (counters.get(f.type) ?? 0) + 1;
      counters.set(f.type, n);
      label = `${labelOf(f.type)}_${n}`;
      placeholders.set(key, label);
      originals.set(label, v);
    }
    return `<${label}>`;
  };

  const masked = mapJson(value, {
    text: (text, leaf) => {
      if (skip(leaf.path)) return text;
      const kind = kindOf(leaf.path);
      // One normalised view per text, shared by the detectors and the risk rules.
      const view = textView(text);
      texts.push(riskText(kind, text, false, view?.text ?? text));
      if (kind === 'user' && (leaf.path[0] === 'messages' || leaf.path[0] === 'input')) {
        const turn = userTurns.get(leaf.path[1]) ?? [];
        turn.push(text);
        userTurns.set(leaf.path[1], turn);
      }
      const d = detect(set, text, leaf.json, view);
      const path = dottedPath(leaf.path);
      for (const f of d.findings) findings.push({ ...f, path });
      if (d.failed.length) {
        for (const t of d.failed) failed.add(t);
        return leaf.json ? '"[REDACTED:uninspected]"' : '[REDACTED:uninspected]';
      }
      return applyFindings(text, d.findings, 0, text.length, replace);
    },
    attachment: () => {
      attachments++;
    },
  });
  texts.push(...turnWindows([...userTurns.values()]));

  const findingCounts = countByType(findings);
  if (attachments) findingCounts[BINARY_ATTACHMENT] = attachments;
  const blockedBy = blockingTypes(findings);
  if (attachments && blockAttachments) blockedBy.push(BINARY_ATTACHMENT);
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
  return { value: masked, findings, findingCounts, blockedBy, risk, restore };
}

/** Finding type counted (and, when the policy says so, blocked) for a binary payload that cannot be inspected. */
export const BINARY_ATTACHMENT = 'binary_attachment';

/** Text across each pair of consecutive user turns, so a command split between two messages is scored. */
function turnWindows(turns: string[][]): RiskText[] {
  const out: RiskText[] = [];
  for (let t = 1; t < turns.length; t++) out.push(joinedText(turns[t - 1]!.join('\n'), turns[t]!.join('\n')));
  return out;
}

import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation';
import type { Finding, Inspector } from '../../inspect/types';
import { SCHEMA_VALIDATORS } from './schema-validators';
import { maskToolValue } from './tool-inspection';

export interface MaskedToolResult {
  value: CallToolResult;
  findings: Finding[];
  /** Masking broke the tool's output schema: the structured result was left out (the masked text stays). */
  structuredDropped?: boolean;
}

/**
 * A tool result on its way to the agent, masked so that the official clients still accept it. They
 * check `structuredContent` against the tool's `outputSchema` (from their last `tools/list`) and
 * throw on a mismatch, or on a missing `structuredContent` unless `isError` is set. So:
 *
 * 1. Every string is masked (`[REDACTED:email]`), and so is every integer of six digits or more
 *    that a detector flags as text (a card number stored as a number): the walker masks strings only,
 *    and a number in a structured result is data like any other.
 * 2. If masking changed `structuredContent`, it is validated against the output schema as the agent
 *    was shown it (masked, as `tools/list` serves it), with the validator the SDK client uses.
 * 3. Still valid: sent. Not valid (a mask token where the schema wants a number, a `format`, a
 *    `pattern`, an `enum`, a `maxLength`), or the schema cannot be read: `structuredContent` is left
 *    out and the result is sent as text only, `isError: true` (the one form a client accepts without
 *    it) with a first text block saying why; the masked text content follows, or the masked
 *    structured result as JSON text when the tool sent no text. Nothing is made up to fit a schema.
 */
export async function maskToolResult(inspector: Inspector, result: CallToolResult, definition: () => Promise<Tool | undefined>): Promise<MaskedToolResult> {
  const strings = maskToolValue(inspector, result);
  const numbers = maskNumbers(inspector, strings.value, []);
  const masked = numbers.value as CallToolResult;
  const findings = [...strings.findings, ...numbers.findings];
  const structured = masked.structuredContent;
  if (structured === undefined || structured === result.structuredContent) return { value: masked, findings };

  let mismatch: string | undefined;
  try {
    const tool = await definition();
    const schema = tool?.outputSchema && (maskToolValue(inspector, { ...tool, name: undefined }).value as Tool).outputSchema;
    if (schema) {
      const checked = SCHEMA_VALIDATORS.getValidator(schema as JsonSchemaType)(structured);
      if (!checked.valid) mismatch = checked.errorMessage;
    }
  } catch {
    mismatch = "the tool's output schema could not be read";
  }
  if (mismatch === undefined) return { value: masked, findings };

  const { structuredContent: _dropped, ...rest } = masked;
  const texts = (masked.content ?? []).filter((c) => c.type === 'text');
  const note =
    "Airlock masked personal data or secrets in this tool's structured result, and the masked result no longer matches the tool's output schema " +
    `(${mismatch.slice(0, 300)}), so it is sent as text only. The tool itself did not fail: its masked result follows.`;
  return {
    value: {
      ...rest,
      isError: true,
      content: [{ type: 'text', text: note }, ...(texts.length ? [] : [{ type: 'text' as const, text: JSON.stringify(structured) }]), ...(masked.content ?? [])],
    },
    findings,
    structuredDropped: true,
  };
}

const MIN_MASKED_INTEGER = 100_000;

/** Integers a detector would flag as text become their masked text; the rest stays as it is (unchanged subtrees by reference). */
function maskNumbers(inspector: Inspector, value: unknown, path: Array<string | number>): { value: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const visit = (v: unknown, at: Array<string | number>): unknown => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || Math.abs(v) < MIN_MASKED_INTEGER) return v;
      const text = String(v);
      const r = inspector.maskText(text);
      if (r.masked === text) return v;
      for (const f of r.findings) findings.push({ ...f, path: at.join('.') });
      return r.masked;
    }
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((item, i) => {
        const mapped = visit(item, [...at, i]);
        if (mapped !== item) (out ??= v.slice())[i] = mapped;
      });
      return out ?? v;
    }
    if (v && typeof v === 'object') {
      let out: Record<string, unknown> | undefined;
      for (const [k, item] of Object.entries(v)) {
        const mapped = visit(item, [...at, k]);
        if (mapped !== item) (out ??= { ...(v as Record<string, unknown>) })[k] = mapped;
      }
      return out ?? v;
    }
    return v;
  };
  return { value: visit(value, path), findings };
}

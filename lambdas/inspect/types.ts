/**
 * The contract of the inspection engine: what the gateway, the approval workflow, the MCP gateway
 * and `airlock scan` rely on. Everything in lambdas/inspect is pure: no AWS, no I/O, no clock.
 */

export type Category = 'secret' | 'pii' | 'custom';
export type DetectorAction = 'mask' | 'block' | 'off';
export type Decision = 'allow' | 'review' | 'block';
export type ChatFormat = 'openai' | 'anthropic';
/** Stream event formats the JSON stream masker knows: the chat formats and the OpenAI Responses API's typed events. */
export type StreamFormat = ChatFormat | 'openai-responses';
/** Where a text sits in a message; risk rules weigh some places differently (tool definitions, tool calls). */
export type SlotKind = 'system' | 'user' | 'assistant' | 'tool_result' | 'tool_call' | 'tool_definition' | 'other';
/** Keys and array indexes from the root of a JSON value to one of its leaves. */
export type JsonPath = readonly (string | number)[];

/** A detected value. Spans are UTF-16 offsets into the text that was scanned. Never holds the value. */
export interface Finding {
  type: string;
  category: Category;
  start: number;
  end: number;
  action: Exclude<DetectorAction, 'off'>;
  /** For findings in JSON values: the dotted JSON path of the string the span refers to (`messages.2.content`). */
  path?: string;
}

export interface MaskResult {
  masked: string;
  findings: Finding[];
}

export interface RiskReason {
  /** Stable id of the signal, e.g. `secret.aws_access_key_id`, `dangerous_command.drop_database`. */
  id: string;
  points: number;
  /** Human-readable, safe to show an approver: never contains a finding's value. */
  message: string;
}

export interface RiskAssessment {
  /** 0–100. */
  score: number;
  decision: Decision;
  reasons: RiskReason[];
}

/** `push` returns the text that is safe to emit now; `end` the rest. Concatenated output equals maskText(whole). */
export interface StreamMasker {
  push(chunk: string): string;
  end(): string;
  /** Findings so far, spans relative to the whole stream. */
  readonly findings: readonly Finding[];
  /** Characters received but not yet emitted (the hold-back), for metrics. */
  readonly held?: number;
}

/**
 * Masks a stream of parsed chat stream events (OpenAI `chat.completion.chunk` objects or
 * Anthropic Messages stream events). `push` returns the events to emit now (text fields hold
 * only what is safe so far); `end` returns events carrying any held-back text. Structure,
 * ids, roles and finish reasons pass through unchanged.
 */
export interface ChatStreamMasker {
  push(event: unknown): unknown[];
  end(): unknown[];
  readonly findings: readonly Finding[];
}

export interface ChatInspection {
  /** The request body with every text field masked; same structure as the input. */
  body: unknown;
  findings: Finding[];
  /** Count of findings by type: what records keep (never values). */
  findingCounts: Record<string, number>;
  /** Types of findings whose action is `block`. Non-empty means the request must be refused. */
  blockedBy: string[];
  risk: RiskAssessment;
  /** Restores reversible PII placeholders in text going back to the caller; identity when unused. */
  restore: (text: string) => string;
}

/** What the gateway would decide on a text sent as the one user turn of a chat prompt. */
export interface PromptVerdict {
  risk: RiskAssessment;
  /** `block` when a blocking detector found something, else the risk decision. */
  decision: Decision;
  /** Types of findings whose action is `block`. */
  blockedBy: string[];
  /** Count of findings by type (never values). */
  findingCounts: Record<string, number>;
}

export interface PromptScan extends MaskResult {
  verdict: PromptVerdict;
}

/** A stream masker over one prompt text; once ended, `verdict()` decides on it from the findings the masking made. */
export interface PromptScanner extends StreamMasker {
  verdict(): PromptVerdict;
}

export interface JsonInspectOptions {
  /** Where a string leaf sits, for risk weighting (default 'user'); path is the list of keys/indexes. */
  kindOf?: (path: JsonPath) => SlotKind;
}

export interface JsonInspection {
  /** Masked copy, same structure. */
  value: unknown;
  /** Each with `path` set (dotted JSON path). */
  findings: Finding[];
  findingCounts: Record<string, number>;
  /** Non-empty: refuse. Finding types with action `block`, `binary_attachment` when the policy blocks attachments. */
  blockedBy: string[];
  risk: RiskAssessment;
  /** Restores reversible PII placeholders in text going back to the caller; identity when unused. */
  restore: (text: string) => string;
}

export interface MaskJsonOptions {
  /** Credentials the gateway holds (upstream keys): masked by exact match wherever they appear. */
  knownSecrets?: readonly string[];
}

export interface Inspector {
  maskText(text: string, options?: MaskJsonOptions): MaskResult;
  streamMasker(options?: MaskJsonOptions): StreamMasker;
  /** Masks and risk-scores any JSON value (request bodies, MCP tool arguments). */
  inspectJson(value: unknown, options?: JsonInspectOptions): JsonInspection;
  /** Masks any JSON value going back to a caller (answers, MCP tool results, upstream error bodies). */
  maskJson(value: unknown, options?: MaskJsonOptions): { value: unknown; findings: Finding[] };
  /** Masks a stream of JSON events of a format ('openai' chat chunks, 'anthropic' message events, 'openai-responses' events). */
  jsonStreamMasker(format: StreamFormat, options?: MaskJsonOptions): ChatStreamMasker;
  /**
   * Masks a text as `maskText` does and decides on it as the gateway decides on a chat prompt whose
   * one user turn it is, from the same findings: one inspection (`airlock scan`).
   */
  scanPrompt(text: string): PromptScan;
  /** `scanPrompt` for a text arriving in chunks, of any length: the stream masker, then `verdict()`. */
  promptScanner(): PromptScanner;
  /** Masks and scores a chat request body: `inspectJson` with the chat body's slot kinds. */
  inspectChat(body: unknown, format: ChatFormat): ChatInspection;
  /** Masks a complete (non-streamed) chat response body: `maskJson`. */
  maskChatResponse(body: unknown, format: ChatFormat, options?: MaskJsonOptions): { body: unknown; findings: Finding[] };
  /** `jsonStreamMasker`. */
  chatStreamMasker(format: ChatFormat, options?: MaskJsonOptions): ChatStreamMasker;
}

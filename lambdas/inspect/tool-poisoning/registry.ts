import type { ToolPoisoningRule } from './rule';
import { concealmentRule } from './rules/concealment';
import { exfiltrationRule } from './rules/exfiltration';
import { hiddenMarkupRule } from './rules/hidden-markup';
import { invisibleCharactersRule } from './rules/invisible-characters';
import { modelAddressedRule } from './rules/model-addressed';
import { overrideInstructionsRule } from './rules/override-instructions';
import { sensitiveFilesRule } from './rules/sensitive-files';

/** Every tool-poisoning rule, by id: what scores an upstream's tool descriptions and schemas. */
export const TOOL_POISONING_RULES: Readonly<Record<string, ToolPoisoningRule>> = Object.fromEntries(
  [overrideInstructionsRule, hiddenMarkupRule, invisibleCharactersRule, sensitiveFilesRule, exfiltrationRule, concealmentRule, modelAddressedRule].map((r) => [r.id, r]),
);

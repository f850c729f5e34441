import { createRequire } from 'node:module';

/** asl-validator ships no type declarations; this is the part the tests use. */
export type AslValidator = (definition: unknown) => { isValid: boolean; errorsText(separator?: string): string };

export const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** The approval ASL with its DefinitionSubstitutions filled with well-formed Lambda ARNs. */
export function substituteFunctionArns(definition: string): unknown {
  return JSON.parse(definition.replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:eu-west-1:111122223333:function:${name}`));
}

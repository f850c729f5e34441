import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { BoundedCache } from '../../shared/bounded-cache';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';

const MAX_COMPILED = 200;
let ajv: AjvJsonSchemaValidator | undefined;
const compiled = new BoundedCache<string, JsonSchemaValidator<unknown>>(MAX_COMPILED);

/**
 * The SDK's own validator (Ajv with formats), built once per process and compiling each schema
 * once. Handed to every per-request `Server` too: by default each builds an Ajv instance of its
 * own, which cost ~0.4 ms of CPU per MCP request.
 */
export const SCHEMA_VALIDATORS: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema);
      compiled.set(key, validate);
    }
    return validate as JsonSchemaValidator<T>;
  },
};

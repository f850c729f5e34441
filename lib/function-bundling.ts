import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * How every Lambda function is bundled, in one place: the NodejsFunction construct and the
 * bundle-size benchmark both derive their esbuild settings from this, so the measured bundle is
 * the deployed one.
 *
 * package.json's `sideEffects` lists one module (lambdas/shared/zod.ts, which sets zod's messages):
 * no other Airlock module is imported for its side effects (registries are explicit lists), so
 * esbuild drops a module none of whose exports a function uses, top-level work included (the
 * console's script and its CSP hash stay out of the proxy).
 */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const FUNCTION_BUNDLE = {
  target: 'node22',
  format: 'esm',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The Node.js 22 Lambda runtime ships AWS SDK v3.
  externalModules: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(); ESM output has none unless we make one.
  banner: "import{createRequire as __airlockCreateRequire}from'node:module';const require=__airlockCreateRequire(import.meta.url);",
} as const;

/** Path of a handler entry file, e.g. `handlerEntry('proxy')` → lambdas/handlers/proxy.ts. */
export const handlerEntry = (name: string): string => join(PROJECT_ROOT, 'lambdas', 'handlers', `${name}.ts`);

/** Where the bundled policy lands inside every function package: JSON, so no YAML parser is bundled. */
export const BUNDLED_POLICY_FILE = 'airlock.policy.json';

const policyJsonFiles = new Map<string, string>();

/**
 * The policy file as JSON, written once per synth to a temporary directory, for the functions'
 * bundling step to copy. The YAML is parsed as is (not merged), so the function validates exactly
 * what the deployer wrote, as `parsePolicy` did at synth.
 */
export function policyJsonFile(policyPath: string): string {
  let file = policyJsonFiles.get(policyPath);
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'airlock-policy-')), BUNDLED_POLICY_FILE);
    writeFileSync(file, JSON.stringify(parseYaml(readFileSync(policyPath, 'utf8'))));
    policyJsonFiles.set(policyPath, file);
  }
  return file;
}
export const LAMBDA_TASK_ROOT = '/var/task';

import { build, type BuildOptions, type Metafile } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_BUNDLE, handlerEntry, PROJECT_ROOT } from '../lib/function-bundling';
import type { Figure } from './stats';

/**
 * `bundle_kb`, one figure per Lambda function (`function` names its handler in lambdas/handlers):
 * the minified bundle, built with the same esbuild settings the NodejsFunction uses
 * (lib/function-bundling.ts). Target for the proxy: under 300 KB. The source map is not counted:
 * it ships beside the code but is read only when an error is logged. `inspect_engine` tells
 * whether the bundle carries the inspection engine (test/infra/bundle-boundaries.test.ts keeps it
 * out of the functions that never inspect).
 */
export async function measureFunctionBundles(): Promise<Figure[]> {
  const names = readdirSync(join(PROJECT_ROOT, 'lambdas', 'handlers')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  const figures: Figure[] = [];
  for (const name of names) {
    const result = await build({ ...functionBuildOptions(name), metafile: true });
    const code = result.outputFiles?.find((f) => f.path.endsWith('.mjs'));
    if (!code) throw new Error(`esbuild produced no code for ${name}`);
    const inspectEngine = carriedInputs(result.metafile!).some(isInspectionEngine);
    figures.push({ name: 'bundle_kb', value: Math.round((code.contents.byteLength / 1024) * 10) / 10, unit: 'KB', function: name, inspect_engine: inspectEngine });
  }
  return figures;
}

/** The inputs that put code into the bundle: the metafile's `inputs` also list modules esbuild read and then dropped whole. */
export const carriedInputs = (metafile: Metafile): string[] =>
  Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path));

/** A bundle input that belongs to the inspection engine: its detectors, its engine, the inspector built from them. */
export const isInspectionEngine = (input: string): boolean => /lambdas\/inspect\/(engine|detectors)\/|lambdas\/inspect\/inspector\.ts$/.test(input);

/** esbuild options equivalent to the CDK bundling of lambdas/handlers/<name>.ts. */
export function functionBuildOptions(name: string): BuildOptions {
  return {
    entryPoints: [handlerEntry(name)],
    outfile: 'index.mjs',
    bundle: true,
    platform: 'node',
    target: FUNCTION_BUNDLE.target,
    format: FUNCTION_BUNDLE.format,
    minify: FUNCTION_BUNDLE.minify,
    sourcemap: FUNCTION_BUNDLE.sourceMap,
    sourcesContent: FUNCTION_BUNDLE.sourcesContent,
    external: [...FUNCTION_BUNDLE.externalModules],
    mainFields: [...FUNCTION_BUNDLE.mainFields],
    banner: { js: FUNCTION_BUNDLE.banner },
    write: false,
    logLevel: 'silent',
  };
}

import { build, type BuildOptions } from 'esbuild';
import { FUNCTION_BUNDLE, handlerEntry } from '../lib/function-bundling';

/**
 * The minified size of the proxy function's bundle, built with the same esbuild settings the
 * NodejsFunction uses (lib/function-bundling.ts). Target: under 300 KB. The source map is not
 * counted: it ships beside the code but is read only when an error is logged.
 */
export async function measureProxyBundle(): Promise<{ name: 'proxy_bundle_kb'; value: number; unit: 'KB' }> {
  const bytes = await bundleBytes('proxy');
  return { name: 'proxy_bundle_kb', value: Math.round((bytes / 1024) * 10) / 10, unit: 'KB' };
}

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

async function bundleBytes(name: string): Promise<number> {
  const result = await build(functionBuildOptions(name));
  const code = result.outputFiles?.find((f) => f.path.endsWith('.mjs'));
  if (!code) throw new Error(`esbuild produced no code for ${name}`);
  return code.contents.byteLength;
}

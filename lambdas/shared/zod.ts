import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * Every runtime schema imports zod from here: `zod/mini`, whose functions tree-shake (the chained
 * `zod` API bundles every method of every schema kind into each function), with the English
 * messages `zod` sets by default and `zod/mini` does not. The one module package.json lists under
 * `sideEffects`, so bundling keeps the `config` call.
 */
config(en());

export * from 'zod/mini';

/**
 * The `yaml` package, loaded on first use. It takes about 80 ms to load, and a run whose documents
 * all take the fast path (src/load/fast.ts) and whose findings are all located from the text
 * (src/load/locate.ts) never needs it: nor do worker threads that only read such files.
 *
 * Loaded with `require`: the package's Node build is CommonJS, so this is the very module an
 * `import … from 'yaml'` elsewhere gets (one instance, one set of classes).
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

let lib: typeof YamlModule | undefined;

export function yamlLib(): typeof YamlModule {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof YamlModule);
}

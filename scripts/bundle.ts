/**
 * `npm run build` bundles the command line after compiling: dist/src/bundle/ holds the CLI
 * (dist/src/cli/main.js and everything it imports, npm packages included) as a few ES modules,
 * and the parse worker (dist/src/load/worker.js) and the language server's lint worker
 * (dist/src/lsp/lint-worker.js) beside it. A short run spends most of its time
 * finding, reading and compiling modules: one file instead of some two hundred starts about twice
 * as fast. Commands a run does not use stay in chunks of their own, loaded when they run.
 *
 * The bundle sits three folders below the package, like the modules it is made of, so their
 * paths relative to `import.meta.url` (package.json, schemas/, the worker) resolve the same.
 * bin/kube-netlint.js uses it when it is at least as new as dist/src/cli/main.js (a later
 * `tsc` alone leaves it stale: the CLI then runs the compiled modules themselves).
 */
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

/** The package root (this script runs from dist/scripts/). */
const root = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE_DIR = 'dist/src/bundle';

/**
 * Packages a module loads on first use with `createRequire(import.meta.url)(name)`, which a
 * bundler cannot follow: in the bundle that call becomes `require(name)`, so the package is
 * bundled too and still initialised on first use only.
 */
const LAZY_BUNDLED = ['js-yaml'];
const lazyRequires: Plugin = {
  name: 'lazy-requires',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const name of LAZY_BUNDLED)
        contents = contents.replaceAll(`createRequire(import.meta.url)('${name}')`, `require('${name}')`);
      return { contents, loader: 'js' };
    });
  },
};

rmSync(`${root}${BUNDLE_DIR}`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The language server's lint worker is loaded beside the server's chunk, as the parse worker is.
  entryPoints: {
    main: 'dist/src/cli/main.js',
    worker: 'dist/src/load/worker.js',
    'lint-worker': 'dist/src/lsp/lint-worker.js',
    'list-worker': 'dist/src/lsp/list-worker.js',
  },
  outdir: BUNDLE_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The language server is started by bin/kube-netlint.js from its own modules.
  // The `yaml` package stays one instance for every module that uses it (src/load/yaml-lib.ts).
  external: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument', 'yaml'],
  plugins: [lazyRequires],
  // CommonJS packages in an ES module bundle call `require` for Node's own modules.
  banner: {
    js: "import { createRequire as __knlCreateRequire } from 'node:module'; const require = __knlCreateRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
});

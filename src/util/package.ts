/**
 * The package's own `package.json`: its version (for `--version`, SARIF, the HTML report, the
 * language server and the parse cache) and its homepage. The one reader of it.
 */
import { readFileSync } from 'node:fs';

export function packageJson(): { version: string; homepage?: string } {
  return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
    homepage?: string;
  };
}

import { displayPath, readText } from './discover.js';
import type { DiscoveredFile } from './discover.js';
import { SourceFile, parseSource } from './source.js';

export interface ReadError {
  path: string;
  message: string;
}

/** Parse one text as a manifest file. */
export function loadText(displayName: string, text: string, absPath?: string): SourceFile {
  const file = new SourceFile(displayName, text, absPath);
  return parseSource(file, { json: /\.json$/i.test(displayName) });
}

/**
 * Read and parse discovered files. A file found by expanding a directory that holds no
 * Kubernetes-looking document (no `kind` anywhere) and parses cleanly is not a manifest
 * (a CI workflow, a Helm values file) and is left out.
 */
export async function loadFiles(files: DiscoveredFile[], cwd: string): Promise<{ files: SourceFile[]; errors: ReadError[] }> {
  const out: SourceFile[] = [];
  const errors: ReadError[] = [];
  const texts = await Promise.all(
    files.map(async (f) => {
      try {
        return { f, text: await readText(f.absPath) };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        errors.push({ path: displayPath(f.absPath, cwd), message: err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message) });
        return undefined;
      }
    }),
  );
  for (const t of texts) {
    if (!t) continue;
    const file = loadText(displayPath(t.f.absPath, cwd), t.text, t.f.absPath);
    if (t.f.expanded && file.problems.length === 0 && !looksLikeManifest(file)) continue;
    out.push(file);
  }
  return { files: out, errors };
}

function looksLikeManifest(file: SourceFile): boolean {
  return file.documents.some((d) => typeof d.value === 'object' && d.value !== null && 'kind' in d.value);
}

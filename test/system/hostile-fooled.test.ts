/**
 * Hostile input, not fooled: prototype keys, YAML tags, symbolic links, encodings and the like
 * change no answer.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { JsonFinding } from '../../src/format/json.js';
import { loadFast } from '../../src/load/fast.js';
import { loadText } from '../../src/load/load.js';
import { ROOT, tmp } from '../support/util.js';
import { SERVICE_NOBODY, fixture, inProcess, lintFiles, report, run } from '../support/hostile.js';
import type { Report } from '../support/hostile.js';

describe('hostile input: not fooled', () => {
  const pristine = Object.getOwnPropertyNames(Object.prototype).sort();
  const assertUnpolluted = () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), pristine);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal((globalThis as Record<string, unknown>).pwned, undefined);
  };

  it('treats __proto__, constructor and prototype keys as data (yaml and fast paths, files and config)', async () => {
    const yaml = fixture('proto-keys.yaml');
    const json = fixture('proto-keys.json');
    for (const load of [loadText, loadFast]) {
      const files = [load('proto-keys.yaml', yaml), load('proto-keys.json', json)];
      for (const d of files.flatMap((f) => f.documents)) {
        // The keys are own properties; the objects keep their ordinary prototype.
        assert.equal(Object.getPrototypeOf(d.value), Object.prototype);
      }
      const deploy = files[0].documents[0].value as { metadata: { labels: Record<string, unknown> } };
      assert.ok(Object.hasOwn(deploy.metadata.labels, '__proto__'));
      assert.equal(deploy.metadata.labels.__proto__, 'x');
      const result = lintFiles(files);
      assertUnpolluted();
      assert.deepEqual(result.internalErrors, []);
      const messages = result.findings.map((f) => `${f.file.path} ${f.ruleId} ${f.message}`);
      // Service "constructor" selects the Deployment by its __proto__ and constructor labels.
      assert.ok(!messages.some((m) => m.includes('Service "constructor" selects')), messages.join('\n'));
      assert.ok(
        messages.some((m) => m.includes('Service "prototype" selects __proto__=no-such-pods')),
        messages.join('\n'),
      );
      assert.ok(
        messages.some((m) => m.includes('Service "json-proto" selects __proto__=json-nobody')),
        messages.join('\n'),
      );
    }
    // The CLI in-process, with a config file holding such keys.
    const dir = tmp({
      'proto-keys.yaml': yaml,
      'proto-keys.json': json,
      '.kube-netlint.yaml':
        'ingressController:\n  namespace: ingress\n  labels: {__proto__: x, constructor: y}\ndns:\n  namespace: kube-system\n  labels: {__proto__: {polluted: true}}\n',
    });
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const io = { stdout: out, stderr: err, stdin: new PassThrough(), cwd: dir, env: {} };
    const code = await main(['-f', 'json', '.'], io);
    assertUnpolluted();
    // The config is validated as data too: a map where labels need strings is an error that names it.
    assert.equal(code, 2, stdout + stderr);
    assert.match(stderr, /dns\.labels\.__proto__|__proto__/);
    writeFileSync(path.join(dir, '.kube-netlint.yaml'), 'rules:\n  __proto__: off\n');
    assert.equal(await main(['.'], io), 2);
    assert.match(stderr, /unknown rule "__proto__"/);
    writeFileSync(
      path.join(dir, '.kube-netlint.yaml'),
      'ingressController:\n  namespace: ingress\n  labels: {__proto__: x, constructor: y}\n',
    );
    stdout = '';
    assert.equal(await main(['-f', 'json', '.'], io), 1);
    assertUnpolluted();
    assert.ok((JSON.parse(stdout) as Report).findings.length > 0);
  });

  it('reads tags as data, never as code', () => {
    const text = fixture('tags.yaml');
    const marker = '/tmp/kube-netlint-pwned';
    for (const load of [loadText, loadFast]) {
      const file = load('tags.yaml', text);
      assert.deepEqual(file.problems, []);
      const [cm, svc] = file.documents.map((d) => d.value as Record<string, Record<string, unknown>>);
      assert.equal(typeof cm.metadata.name, 'string');
      assert.deepEqual(cm.metadata.labels, { a: null, b: null });
      assert.deepEqual(cm.metadata.annotations, [{ a: '1' }, { b: '2' }]);
      assert.equal(cm.data.binary, 'aGVsbG8=');
      assert.deepEqual(cm.data.custom, { x: 1 });
      assert.deepEqual(cm.data.python, ['touch /tmp/kube-netlint-pwned']);
      assert.equal(typeof svc.spec.selector, 'string');
      const result = lintFiles([file]);
      assert.deepEqual(result.internalErrors, []);
      assert.ok(
        result.findings.some((f) =>
          f.message.includes('spec.ports[0].port must be an integer, not the string "aGVsbG8="'),
        ),
      );
    }
    assertUnpolluted();
    assert.equal(existsSync(marker), false);
  });

  it('does not follow symbolic links out of the walked tree (no repository: the folder itself); reads a linked file once', () => {
    const base = tmp({
      'outside/secret.yaml': SERVICE_NOBODY.replace('nobody', 'outside-secret'),
      'root/real.yaml': SERVICE_NOBODY.replace('nobody', 'real'),
    });
    const root = path.join(base, 'root');
    symlinkSync('../outside/secret.yaml', path.join(root, 'link-out.yaml'));
    symlinkSync('real.yaml', path.join(root, 'link-in.yaml'));
    symlinkSync('../outside', path.join(root, 'dir-link'));
    mkdirSync(path.join(root, 'sub'));
    symlinkSync('..', path.join(root, 'sub', 'loop'));
    symlinkSync('self.yaml', path.join(root, 'self.yaml'));
    const r = run(['-f', 'json', '.'], { cwd: root, timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `kube-netlint: not following the symbolic link dir-link: it leads outside the folder's repository (to ${path.join(base, 'outside')})`,
      `kube-netlint: not following the symbolic link link-out.yaml: it leads outside the folder's repository (to ${path.join(base, 'outside', 'secret.yaml')})`,
    ]);
    const { findings, summary } = report(r);
    assert.equal(summary.files, 1);
    assert.deepEqual([...new Set(findings.map((f) => f.file))], ['real.yaml']);
    assert.ok(!r.stdout.includes('outside-secret'));
    // A link named on the command line is what the user asked for: it is followed.
    const named = report(run(['-f', 'json', 'link-out.yaml'], { cwd: root }));
    assert.ok(named.findings.some((f) => f.message.includes('outside-secret')));
  });

  describe('encodings', () => {
    const reference = `# café, naïve, 日本, 😀\n${SERVICE_NOBODY.replace('name: nobody', 'name: café')}`;
    const utf16 = (text: string, be: boolean) => {
      const le = Buffer.from(`\ufeff${text}`, 'utf16le');
      if (be) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
      return le;
    };
    const utf32 = (text: string, be: boolean) => {
      const cps = [...`\ufeff${text}`].map((c) => c.codePointAt(0) as number);
      const b = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => (be ? b.writeUInt32BE(cp, i * 4) : b.writeUInt32LE(cp, i * 4)));
      return b;
    };
    /** Findings per file of one in-process run over the folder, without the file names. */
    const findingsOf = async (dir: string) => {
      const r = await inProcess(['-f', 'json', '.'], dir);
      const byFile = new Map<string, JsonFinding[]>();
      for (const f of (JSON.parse(r.stdout) as Report).findings)
        byFile.set(f.file, [...(byFile.get(f.file) ?? []), { ...f, file: 'x' }]);
      return (file: string) => byFile.get(file) ?? [];
    };

    it('reads UTF-8 with a BOM, UTF-16 and UTF-32 with a BOM exactly like UTF-8', async () => {
      const dir = tmp({
        'utf8.yaml': reference,
        'utf8-bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(reference)]),
        'utf16le.yaml': utf16(reference, false),
        'utf16be.yaml': utf16(reference, true),
        'utf32le.yaml': utf32(reference, false),
        'utf32be.yaml': utf32(reference, true),
      });
      const all = await findingsOf(dir);
      // Each file defines the same Service: all but the first also get a duplicate-object finding.
      const of = (file: string) => all(file).filter((x) => x.ruleId !== 'duplicate-object');
      const expected = of('utf8.yaml');
      assert.equal(expected.length, 1);
      assert.match(expected[0].message, /Service "café"/);
      for (const f of ['utf8-bom.yaml', 'utf16le.yaml', 'utf16be.yaml', 'utf32le.yaml', 'utf32be.yaml'])
        assert.deepEqual(of(f), expected, f);
    });

    it('reports UTF-16 without a BOM, Latin-1 and invalid UTF-8 as such, at the first bad character', async () => {
      const latin1 = Buffer.from(reference.replace(', 日本, 😀', ''), 'latin1');
      const invalid = Buffer.concat([
        Buffer.from(SERVICE_NOBODY),
        Buffer.from('# bad: '),
        Buffer.from([0xff, 0xc0, 0x80]),
        Buffer.from('\n'),
      ]);
      const dir = tmp({
        'utf16-nobom.yaml': utf16(reference, false).subarray(2),
        'latin1.yaml': latin1,
        'invalid.yaml': invalid,
      });
      const of = await findingsOf(dir);
      const nobom = of('utf16-nobom.yaml');
      assert.equal(nobom.length, 1);
      assert.match(nobom[0].message, /looks like UTF-16 \(little-endian\) without a byte order mark/);
      const l1 = of('latin1.yaml');
      const enc = l1.find((f) => /not valid UTF-8/.test(f.message));
      assert.ok(enc, JSON.stringify(l1));
      // "# caf" then the Latin-1 é.
      assert.deepEqual([enc.line, enc.column], [1, 6]);
      assert.match(enc.message, /3 times in this file/);
      const inv = of('invalid.yaml').find((f) => /not valid UTF-8/.test(f.message));
      assert.ok(inv);
      assert.deepEqual([inv.line, inv.column], [10, 8]);
    });

    it('gives CRLF files the same findings, lines and columns as LF', async () => {
      const texts: Record<string, string> = {};
      for (const f of [
        'api.yaml',
        'cart.yaml',
        'config.yaml',
        'edge.yaml',
        'frontend.yaml',
        'ingress.yaml',
        'namespace.yaml',
        'payments.yaml',
      ]) {
        const t = readFileSync(path.join(ROOT, 'examples/shop', f), 'utf8');
        texts[`lf/${f}`] = t;
        texts[`crlf/${f}`] = t.replace(/\n/g, '\r\n');
      }
      const dir = tmp(texts);
      const strip = (fs: JsonFinding[]) =>
        fs.map((f) => ({
          ...f,
          file: f.file.replace(/^(lf|crlf)\//, ''),
          related: f.related.map((r) => ({ ...r, file: r.file.replace(/^(lf|crlf)\//, '') })),
        }));
      const lf = strip((JSON.parse((await inProcess(['-f', 'json', 'lf'], dir)).stdout) as Report).findings);
      const crlf = strip((JSON.parse((await inProcess(['-f', 'json', 'crlf'], dir)).stdout) as Report).findings);
      assert.ok(lf.length > 5);
      assert.deepEqual(crlf, lf);
    });
  });
});

/**
 * Hostile input: the output stays valid and inert in every format (stylish, JSON, SARIF, JUnit,
 * GitHub workflow commands, the one-line read error) whatever names and values the manifests hold.
 */
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { validateSarif } from '../support/sarif-schema.js';
import { tmp } from '../support/util.js';
import { SERVICE_NOBODY, fixture, run } from '../support/hostile.js';
import type { Report } from '../support/hostile.js';

describe('hostile input: output is safe in every format', () => {
  // U+0000-U+001F but tab and line feed, DEL, C1, line/paragraph separators, bidi controls, lone surrogates.
  const UNSAFE_TERMINAL =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  /** One run writes every format (stylish to stdout), over hostile values and a hostile file name. */
  let outputs: Record<string, string> | undefined;
  const output = (format: string): string => {
    if (!outputs) {
      // A file name with a line break, an escape sequence, a percent sign, a comma and a colon.
      const dir = tmp({
        'output-hostile.yaml': fixture('output-hostile.yaml'),
        'we\u001b[31mird\nna,m:e%0A.yaml': SERVICE_NOBODY,
      });
      const out = tmp();
      const formats = ['json', 'sarif', 'github', 'junit'];
      const r = run(
        ['-f', 'stylish', ...formats.flatMap((f) => ['-f', `${f}=${path.join(out, `report.${f}`)}`]), '.'],
        { cwd: dir },
      );
      assert.equal(r.status, 1, r.stderr);
      outputs = { stylish: r.stdout, colour: run(['--color', '.'], { cwd: dir }).stdout };
      for (const f of formats) outputs[f] = readFileSync(path.join(out, `report.${f}`), 'utf8');
    }
    return outputs[format];
  };

  it('stylish: one line per finding, no control or invisible characters (with and without colour)', () => {
    const plain = output('stylish');
    assert.doesNotMatch(plain, UNSAFE_TERMINAL);
    assert.ok(!plain.includes('\u001b'));
    const rows = plain.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l));
    assert.equal(rows.length, 4, plain);
    assert.match(plain, /we\\x1b\[31mird na,m:e%0A\.yaml/);
    // With colour, the only escape sequences are the formatter's own SGR colours.
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(output('colour').replace(/\u001b\[\d+(;\d+)*m/g, ''), UNSAFE_TERMINAL);
  });

  it('json: valid, and lossless (the values are quoted as they are)', () => {
    const { findings } = JSON.parse(output('json')) as Report;
    const name = findings.find((f) => f.file === 'output-hostile.yaml')?.message ?? '';
    for (const s of [
      '\u001b[31mRED',
      '\u0000nul',
      '\u009b2J',
      '\u2028sep',
      '\u202etxet',
      '\ud800lone',
      '\n::error file=x,line=1::injected%0A]]><!--',
    ]) {
      assert.ok(name.includes(s), `${JSON.stringify(s)} in ${JSON.stringify(name)}`);
    }
    assert.ok(findings.some((f) => f.file === 'we\u001b[31mird\nna,m:e%0A.yaml'));
  });

  it('sarif: valid against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(output('sarif')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    assert.deepEqual(validateSarif(log), []);
    const uris = log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(
      // eslint-disable-next-line no-control-regex
      uris.every((u) => !/[\s\u0000-\u001f%](?![0-9A-F]{2})/.test(u)),
      uris.join(' '),
    );
  });

  it('junit: well-formed XML whatever the values hold', () => {
    const xml = output('junit');
    const parser = new SaxesParser();
    let error: Error | undefined;
    parser.on('error', (e) => (error ??= e));
    parser.write(xml).close();
    assert.equal(error, undefined, error?.message);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|]]>(?![^<]*<)/);
  });

  it('github: every line is one well-formed workflow command or a plain line; nothing injects a command', () => {
    const text = output('github');
    const lines = text.trimEnd().split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    assert.equal(commands.length, 4, text);
    for (const l of commands) {
      const m = /^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:\r\n]*)(?:,[a-zA-Z]+=[^,:\r\n]*)*)::(.*)$/.exec(l);
      assert.ok(m, `malformed command: ${JSON.stringify(l)}`);
      assert.doesNotMatch(m[3], UNSAFE_TERMINAL, l);
      // Injected text stays inside the data: its line breaks are %0A, its own % is %25.
      if (m[3].includes('injected')) assert.ok(m[3].includes('%0A::error file=x,line=1::injected%250A'), m[3]);
    }
    for (const l of lines.filter((x) => !x.startsWith('::'))) assert.doesNotMatch(l, UNSAFE_TERMINAL, l);
    assert.ok(text.includes('file=we\\x1b[31mird%0Ana%2Cm%3Ae%250A.yaml'), text);
  });

  it('stderr: a read error is one line whatever the path holds', () => {
    const dir = tmp();
    const name = 'bad\u001b[31m\nname.yaml';
    symlinkSync('missing', path.join(dir, name));
    const r = run([name], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.ok(!r.stderr.includes('\u001b'));
    assert.match(r.stderr, /cannot read bad\\x1b\[31m name\.yaml: ENOENT/);
  });
});

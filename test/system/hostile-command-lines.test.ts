/**
 * Formats that keep a line break of a name as a line break (a quoted CSV field, XML text) are
 * printed to CI logs too: no line of theirs may start with `::`, which GitHub Actions reads as a
 * workflow command (`::error file=…::`, `::add-mask::`). XML writes that colon as a character
 * reference (the data a parser reads is unchanged); CSV writes it as the visible escape `\x3a`,
 * as the terminal formats do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { csvCell, xmlAttr, xmlText } from '../../src/format/escape.js';
import { doc, inProcess, tmp } from '../support/util.js';

/** A line GitHub Actions would run as a workflow command. */
const COMMAND_LINE = /^[ \t]*::/m;
const NAME = 'web\n::error file=x.yaml::forged\n  ::add-mask::y';

/** The text content and attribute values of an XML document, as a parser reads them. */
function xmlData(xml: string): string {
  const parser = new SaxesParser();
  const out: string[] = [];
  parser.on('text', (t) => out.push(t));
  parser.on('opentag', (tag) => out.push(...Object.values(tag.attributes as Record<string, string>)));
  parser.write(xml).close();
  return out.join('\u0000');
}

describe('no line starts a workflow command: the escaping layer', () => {
  it('XML text and attributes: the colon as a character reference, the data unchanged', () => {
    for (const s of [NAME, '::error::x', '\r\n::warning::y']) {
      const text = xmlText(s);
      const attr = xmlAttr(s);
      assert.doesNotMatch(text, COMMAND_LINE, text);
      assert.doesNotMatch(attr, COMMAND_LINE, attr);
      assert.equal(xmlData(`<a b="${attr}">${text}</a>`), `${s}\u0000${s}`);
    }
    assert.equal(xmlText('a::b'), 'a::b');
  });

  it('CSV fields: the colon as a visible escape at the start of each line of a field', () => {
    assert.equal(csvCell('::error::x'), '\\x3a:error::x');
    assert.equal(csvCell(NAME), '"web\n\\x3a:error file=x.yaml::forged\n  \\x3a:add-mask::y"');
    assert.equal(csvCell('a::b'), 'a::b');
  });
});

describe('no line starts a workflow command: the commands', () => {
  const labels = { app: NAME };
  const dir = tmp({
    'web.yaml':
      doc({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: NAME, namespace: '::error::ns' },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: NAME, image: 'example/web:1' }] } },
        },
      }) +
      doc({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: NAME, namespace: '::error::ns' },
        spec: { selector: { app: `${NAME}x` }, ports: [{ port: 80 }] },
      }),
  });

  for (const args of [
    ['-f', 'junit'],
    ['-f', 'checkstyle'],
    ['connectivity', '-f', 'csv'],
  ]) {
    it(args.join(' '), async () => {
      const r = await inProcess([...args, '--no-config', '.'], { cwd: dir });
      assert.ok(r.stdout.includes('error file=x.yaml'), r.stdout);
      assert.doesNotMatch(r.stdout, COMMAND_LINE, r.stdout);
    });
  }
});

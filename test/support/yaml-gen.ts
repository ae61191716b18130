/**
 * Generators of YAML manifests for the locator's property tests (fast-check): trees of maps,
 * sequences and leaves rendered with varied style (nested maps, sequences of maps, `- name: x`
 * items, quoted values, comments, empty values, trailing spaces, block scalars, flow collections,
 * multi-line scalars, keys that are not strings), ordinary manifests as tools and people write
 * them, and the text of several documents (optionally CRLF).
 */
import fc from 'fast-check';

// ---- Generated manifests ------------------------------------------------------------------------

export type Leaf = { leaf: string } | { block: string[]; header: string } | { multi: readonly string[] };
export type Tree = Leaf | { map: [string, Tree][] } | { seq: Tree[] };

export const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);
export const scalarToken = fc.oneof(
  { weight: 6, arbitrary: word },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'hello world',
      'a#b',
      'http://svc.ns.svc.cluster.local:80/p',
      '-v',
      '--port=8080',
      ':x',
      '?x',
      'x?',
      'x:',
      'a[0]',
      '{{ .Values.x }}x',
      '80',
      '0755',
      '1e3',
      '.5',
      'yes',
      'off',
      '~',
      'null',
      '""',
      "''",
      '"quoted value"',
      '"a \\"b\\" c"',
      '"a # b"',
      '"a: b"',
      "'it''s'",
      "'# x'",
      '{}',
      '[]',
      '[ ]',
      '[a, b]',
      '{a: 1, b: [x, y]}',
      '[{a: 1}]',
      '!!str 80',
      '"unterminated',
      '12:30',
      '2024-01-01',
      'café ☕',
      'a  b',
    ),
  },
);
export const keyToken = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'app.kubernetes.io/name',
      '"quoted key"',
      "'single'",
      '"esc\\tkey"',
      '80',
      '8080',
      '0',
      '01',
      'yes',
      'on',
      '1.5',
      'key  ',
      "'it''s'",
      '"a: b"',
      '<<',
      '-x',
      'a[b]',
      '~',
      'a"b',
      "a'b",
      'a#b',
      'a b',
      'a:b',
    ),
  },
);
export const leaf: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 12, arbitrary: scalarToken.map((s) => ({ leaf: s })) },
  { weight: 2, arbitrary: fc.constant({ leaf: '' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('|', '|-', '>', '>-', '|+', '|2', '| # c', '>-  # c+1', '|-2'),
        fc.array(fc.stringMatching(/^[a-z #:-]{0,10}$/), { minLength: 1, maxLength: 3 }),
      )
      .map(([header, block]) => ({ header, block })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        ['first', 'second'],
        ['first', '"quoted" rest'],
        ['first', "'single' rest"],
        ['first', '[x] y'],
        ['first', '{x}'],
        ['first', '!x', '&y', '*z'],
        ['first', '|x', '>y'],
        ['first', '%x @y `z'],
        ['first', '- x'],
        ['first', '-x', '?y', ':z'],
        ['first', '', 'third'],
        ['first  ', 'second  ', '', '', 'fourth  '],
        ['first', '# comment'],
        ['first', 'x: y'],
        ['first # c', 'more'],
        ['first', 'more # c'],
        ['"first', 'second"'],
        ['"first  ', '', '  second  "'],
        ['"first', '"'],
        ['"a\\', 'b"'],
        ["'first", '', "second ''x'' '"],
        ["'first", "'  # c"],
        ['[a,', 'b]'],
        ['[a,', 'b,', ']'],
        ['{a: 1,', 'b: [x, y], }'],
        ['{"a": 1,', '"b": "c"}  # c'],
        ['[a, # c', 'b]'],
      )
      .map((multi) => ({ multi })),
  },
);
export const { tree } = fc.letrec<{ tree: Tree; map: Tree; seq: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('seq')),
  map: fc
    .uniqueArray(fc.tuple(keyToken, tie('tree')), {
      minLength: 1,
      maxLength: 4,
      selector: ([k]) => k.replace(/["' ]/g, ''),
    })
    .map((entries) => ({ map: entries })),
  seq: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items) => ({ seq: items })),
}));

export interface Style {
  step: number;
  /** Per-entry choices, read in turn. */
  bits: number[];
  at: number;
}
export const pick = (s: Style, n: number) => s.bits[s.at++ % s.bits.length] % n;
export const sp = (n: number) => ' '.repeat(n);

/** Text after `key:` or `-` for a leaf, and the lines after it. */
export function leafLines(l: Leaf, indent: number, s: Style): [string, string[]] {
  if ('block' in l) {
    const lines = l.block.map((x) => (x.trim() ? `${sp(indent + s.step)}${x}` : ''));
    // A comment less indented than the content ends it.
    if (pick(s, 3) === 0) lines.push(`${sp(indent + 1)}# less indented`);
    return [` ${l.header}`, lines];
  }
  if ('multi' in l) return [` ${l.multi[0]}`, l.multi.slice(1).map((x) => `${sp(indent + s.step)}${x}`)];
  // The value on the next line.
  if (l.leaf !== '' && pick(s, 6) === 0) return ['', [`${sp(indent + s.step)}${l.leaf}`]];
  const tail = ['', '', '  # note', '   ', ' #c'][pick(s, 5)];
  return [l.leaf === '' ? tail : ` ${l.leaf}${tail}`, []];
}

export function commentLines(indent: number, s: Style): string[] {
  switch (pick(s, 8)) {
    case 0:
      return [`${sp(indent)}# comment`];
    case 1:
      return [''];
    case 2:
      return [`${sp(Math.max(0, indent - 2))}# less indented comment`];
    case 3:
      return ['  '];
    default:
      return [];
  }
}

export function renderMap(entries: [string, Tree][], indent: number, s: Style): string[] {
  const out: string[] = [];
  for (const [k, v] of entries) {
    if (out.length) out.push(...commentLines(indent, s));
    const head = `${sp(indent)}${k}:`;
    if ('map' in v) {
      out.push(head + (pick(s, 4) === 0 ? '  # about' : ''), ...renderMap(v.map, indent + s.step, s));
    } else if ('seq' in v) {
      out.push(head, ...renderSeq(v.seq, pick(s, 2) === 0 ? indent : indent + s.step, s));
    } else {
      const [rest, more] = leafLines(v, indent, s);
      out.push(head + rest, ...more);
    }
  }
  return out;
}

/** Put `- ` in front of a block rendered at indent + 2 (a compact entry). */
export function compact(lines: string[], indent: number): string[] {
  return [`${sp(indent)}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
}

export function renderSeq(items: Tree[], indent: number, s: Style): string[] {
  const out: string[] = [];
  for (const v of items) {
    if (out.length) out.push(...commentLines(indent, s));
    if ('map' in v) {
      out.push(
        ...(pick(s, 3) === 0
          ? [`${sp(indent)}-`, ...renderMap(v.map, indent + 2, s)]
          : compact(renderMap(v.map, indent + 2, s), indent)),
      );
    } else if ('seq' in v) {
      out.push(
        ...(pick(s, 3) === 0
          ? [`${sp(indent)}-`, ...renderSeq(v.seq, indent + 2, s)]
          : compact(renderSeq(v.seq, indent + 2, s), indent)),
      );
    } else {
      const [rest, more] = leafLines(v, indent, s);
      out.push(`${sp(indent)}-${rest}`, ...more);
    }
  }
  return out;
}

export const manifest = fc
  .tuple(
    fc.uniqueArray(fc.tuple(keyToken, tree), {
      minLength: 1,
      maxLength: 5,
      selector: ([k]) => k.replace(/["' ]/g, ''),
    }),
    fc.constantFrom(2, 2, 4, 3),
    fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
    fc.constantFrom('', '# Source: chart/templates/x.yaml\n', '\n# leading comment\n\n'),
    fc.boolean(),
  )
  .map(([entries, step, bits, head, asSeq]) => {
    const s: Style = { step, bits, at: 0 };
    const body =
      asSeq && pick(s, 4) === 0
        ? renderSeq(
            entries.map(([, v]) => v),
            0,
            s,
          )
        : renderMap(entries, 0, s);
    return head + body.join('\n');
  });

/** Ordinary manifests, as tools and people write them. */
export const ordinary = fc
  .tuple(
    word,
    word,
    fc.array(fc.tuple(word, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([name, ns, ports, quoted, commented]) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${quoted ? `"${name}"` : name}`,
      `  namespace: ${ns}${commented ? '  # the team namespace' : ''}`,
      '  labels:',
      `    app.kubernetes.io/name: ${name}`,
      '  annotations:',
      'spec:',
      '  selector:',
      '    matchLabels:',
      `      app.kubernetes.io/name: ${name}`,
      '  template:',
      '    spec:',
      '      containers:',
      `      - name: ${name}`,
      `        image: "registry.example.com/${name}:1.0"`,
      '        args: ["--verbose"]',
      '        command:',
      '          [',
      '            "sh",',
      `            "-c", ${quoted ? "'x'" : 'x'},`,
      '          ]',
      '        workingDir:',
      `          ${quoted ? '"/srv"' : '/srv'}`,
      '        ports:',
      ...ports.flatMap(([n, p]) => [`        - name: ${n}`, `          containerPort: ${p}`]),
      '        env:',
      '          - name: A',
      "            value: 'x'",
      '          - name: B',
      '            value:',
      '---',
      '# Source: chart/templates/svc.yaml',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: x}',
      'spec:',
      '  ports:',
      ...ports.map(([n, p]) => `    - {name: ${n}, port: ${p}}`),
      '  selector:',
      `    app.kubernetes.io/name: ${name}   `,
    ].join('\n'),
  );

export function generatedText(docs: string[], crlf: boolean, leading: number): string {
  let text = ['', '---\n', '--- # first\n'][leading] + docs.join('\n---\n') + '\n';
  if (crlf) text = text.replace(/\n/g, '\r\n');
  return text;
}

import type { Location, Log, ReportingDescriptor, Result, Suppression } from 'sarif';
import { compareFindings } from '../engine/runner.js';
import type { Finding, RuleMeta, Severity } from '../engine/types.js';
import { fileUri, isStdin, messageWithTemplate, objectLabel, relativeUri, repoPath, spanOf } from './location.js';
import type { FormatContext, Formatter } from './types.js';

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Key of our fingerprint in `partialFingerprints` (bump the version if the fingerprint's recipe changes). */
export const FINGERPRINT_KEY = 'kubeNetlint/v1';
/** Artifact URI of findings read from standard input (there is no file to point at). */
export const STDIN_URI = 'stdin';

const DEFAULT_TOOL = {
  name: 'kube-netlint',
  version: '0.0.0',
  informationUri: 'https://github.com/kube-netlint/kube-netlint',
};

export function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** `service-selector-no-pods` → `ServiceSelectorNoPods` (SARIF wants PascalCase rule names). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function ruleDescriptor(meta: RuleMeta): ReportingDescriptor {
  const description = nonEmpty(meta.description, `Rule ${meta.id}.`);
  return {
    id: meta.id,
    name: pascalCase(meta.id) || 'Rule',
    shortDescription: { text: description },
    fullDescription: {
      text:
        `${description} Reported as ${meta.severity} unless configured otherwise. To accept a finding, put ` +
        `"# kube-netlint-disable-next-line ${meta.id} -- reason" on the line before it or, for a finding on an ` +
        `object, list the rule in the object's kube-netlint.io/ignore annotation.`,
    },
    help: {
      text: `${description}\n\nDetails, an incorrect and a correct example, and when not to use the rule: ${meta.docs}`,
      markdown: `${description}\n\nDetails, an incorrect and a correct example, and when not to use the rule: [${meta.id}](${meta.docs})`,
    },
    helpUri: meta.docs,
    defaultConfiguration: { level: sarifLevel(meta.severity) },
    properties: { tags: ['kubernetes'] },
  };
}

function nonEmpty(s: string, fallback: string): string {
  return s.trim() === '' ? fallback : s;
}

/** Escape `\`, `[` and `]` for the link text of a SARIF embedded link (SARIF 2.1.0 §3.11.6). */
function linkText(s: string): string {
  return (
    s
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\[\]]/g, '\\$&') || 'related location'
  );
}

function physicalLocation(
  l: { file: Finding['file']; range: [number, number] },
  ctx: FormatContext,
): Location['physicalLocation'] {
  const span = spanOf(l);
  let artifactLocation: { uri: string; uriBaseId?: string; description?: { text: string } };
  if (isStdin(l.file)) {
    artifactLocation = { uri: STDIN_URI, description: { text: 'standard input' } };
  } else {
    const rel = repoPath(l.file, ctx);
    artifactLocation =
      rel !== undefined ? { uri: relativeUri(rel), uriBaseId: '%SRCROOT%' } : { uri: fileUri(l.file, ctx) };
  }
  return {
    artifactLocation,
    region: { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn },
  };
}

function inSource(f: Finding): Suppression {
  const s = f.suppressed;
  const how =
    s?.kind === 'annotation' ? 'the kube-netlint.io/ignore annotation' : 'a kube-netlint-disable-next-line comment';
  return {
    kind: 'inSource',
    status: 'accepted',
    justification: s?.justification?.trim() ? s.justification : `suppressed by ${how} (no reason given)`,
  };
}

/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; every rule
 * described; every result with an explicit level, a 1-based region, a repository-relative URI and a
 * stable partial fingerprint; suppressed and baselined findings listed with their suppression.
 */
function buildSarif(findings: readonly Finding[], ctx: FormatContext): Log {
  const tool = ctx.tool ?? DEFAULT_TOOL;
  const metas = [...ctx.rules.values()];
  const index = new Map<string, number>(metas.map((m, i) => [m.id, i]));
  const rules = metas.map(ruleDescriptor);
  const ruleIndex = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      // A finding of a rule the context does not describe: describe it minimally rather than drop it.
      i = rules.length;
      index.set(id, i);
      rules.push(ruleDescriptor({ id, severity: 'warning', description: `Rule ${id}.`, docs: tool.informationUri }));
    }
    return i;
  };

  type Tagged = { f: Finding; state: 'reported' | 'suppressed' | 'baselined' };
  const all: Tagged[] = [
    ...findings.map((f) => ({ f, state: 'reported' as const })),
    ...(ctx.suppressed ?? []).map((f) => ({ f, state: 'suppressed' as const })),
    ...(ctx.baseline?.findings ?? []).map((f) => ({ f, state: 'baselined' as const })),
  ].sort((a, b) => compareFindings(a.f, b.f));

  const results: Result[] = all.map(({ f, state }) => {
    let text = nonEmpty(messageWithTemplate(f), f.ruleId);
    // Related locations are linked from the message (GitHub shows them only then). The link syntax is
    // only safe when the message itself has no square brackets that could form another link.
    const linkable = f.related.length > 0 && !/[[\]]/.test(text);
    if (linkable) text += ` (related: ${f.related.map((r, i) => `[${linkText(r.message)}](${i + 1})`).join(', ')})`;
    const result: Result = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex(f.ruleId),
      level: sarifLevel(f.severity),
      message: { text },
      locations: [
        {
          physicalLocation: physicalLocation(f, ctx),
          ...(f.object
            ? {
                logicalLocations: [
                  { name: f.object.name || '(unnamed)', fullyQualifiedName: objectLabel(f.object), kind: 'resource' },
                ],
              }
            : {}),
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    };
    if (f.related.length) {
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        physicalLocation: physicalLocation(r, ctx),
        ...(r.message.trim() ? { message: { text: r.message } } : {}),
      }));
    }
    if (state === 'suppressed') result.suppressions = [inSource(f)];
    if (state === 'baselined') {
      result.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          justification: `listed in the baseline ${ctx.baseline?.file ?? ''}`.trim(),
        },
      ];
    }
    if (ctx.baseline && state !== 'suppressed') result.baselineState = state === 'baselined' ? 'unchanged' : 'new';
    const props: Record<string, unknown> = {};
    if (f.object) props.object = f.object.ref();
    if (f.template) props.template = f.template;
    if (Object.keys(props).length) result.properties = props;
    return result;
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export const sarif: Formatter = (findings, ctx) => `${JSON.stringify(buildSarif(findings, ctx), null, 2)}\n`;

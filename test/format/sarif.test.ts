/**
 * The SARIF output on the shared finding set: valid against the official SARIF 2.1.0 schema; its
 * run, rules, suppressions, URIs and related locations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMATTERS } from '../../src/format/index.js';
import { validateSarif } from '../support/sarif-schema.js';
import { goldenSet } from '../support/format-set.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> };
  }[];
  relatedLocations?: { id: number; message?: { text: string } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification?: string }[];
  baselineState?: string;
}

describe('sarif', () => {
  const { findings, ctx } = goldenSet();
  const log = JSON.parse(FORMATTERS.sarif(findings, ctx));
  const run = log.runs[0];
  const results: SarifResult[] = run.results;

  it('is valid against the SARIF 2.1.0 JSON schema', () => {
    const errors = validateSarif(log);
    assert.deepEqual(errors, []);
  });

  it('has one run, a described driver and a rule for every rule meta', () => {
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const d = run.tool.driver;
    assert.equal(d.name, 'kube-netlint');
    assert.equal(d.semanticVersion, '0.0.0-test');
    assert.deepEqual(
      d.rules.map((r: { id: string }) => r.id),
      [...ctx.rules.keys()],
    );
    const selector = d.rules.find((r: { id: string }) => r.id === 'service-selector-no-pods');
    assert.equal(selector.name, 'ServiceSelectorNoPods');
    assert.equal(selector.helpUri, ctx.rules.get('service-selector-no-pods')?.docs);
    assert.equal(selector.defaultConfiguration.level, 'error');
    assert.equal(d.rules.find((r: { id: string }) => r.id === 'test-hostile').defaultConfiguration.level, 'note');
  });

  it('lists every finding, suppressed and baselined ones with their suppression', () => {
    assert.equal(
      results.length,
      findings.length + (ctx.suppressed?.length ?? 0) + (ctx.baseline?.findings.length ?? 0),
    );
    const inSource = results.filter((r) => r.suppressions?.[0].kind === 'inSource');
    assert.equal(inSource.length, 2);
    assert.ok(inSource.some((r) => r.suppressions?.[0].justification === 'pods come from the operator'));
    const external = results.filter((r) => r.suppressions?.[0].kind === 'external');
    assert.equal(external.length, 1);
    assert.equal(external[0].baselineState, 'unchanged');
    for (const r of results) {
      assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(r.level));
      assert.match(r.partialFingerprints['kubeNetlint/v1'], /^[0-9a-f]{32}(:\d+)?$/);
      const region = r.locations[0].physicalLocation.region;
      assert.ok(
        region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine && region.endColumn >= 1,
      );
    }
  });

  it('uses repository-relative, percent-encoded URIs and a stable name for stdin', () => {
    const uris = new Set(results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('k8s/svc/web.yaml'));
    assert.ok(uris.has('k8s/odd%20dir/a%2Cb%3Ac%25%23.yaml'));
    assert.ok(uris.has('file:///elsewhere/outside.yaml'));
    assert.ok(uris.has('stdin'));
    for (const r of results) {
      const loc = r.locations[0].physicalLocation.artifactLocation;
      if (!loc.uri.startsWith('file:') && loc.uri !== 'stdin') assert.equal(loc.uriBaseId, '%SRCROOT%');
    }
  });

  it('links related locations from the message only when that is unambiguous', () => {
    const linked = results.find((r) => r.ruleId === 'service-selector-no-pods' && !r.suppressions);
    assert.ok(linked?.relatedLocations?.length);
    assert.match(linked.message.text, /\]\(1\)/);
    const hostile = results.find((r) => r.ruleId === 'test-hostile');
    assert.ok(hostile?.relatedLocations?.length);
    assert.doesNotMatch(hostile.message.text, /\]\(1\)/, 'a message with brackets gets no embedded links');
  });
});

/**
 * Validation against the official SARIF 2.1.0 JSON schema (draft-04), shipped as test data in
 * test-fixtures/formats/sarif-schema-2.1.0.json (see test-fixtures/formats/README.md for where it
 * comes from). Formats (uri, uri-reference, date-time) are checked too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { FIXTURES } from './util.js';

const SCHEMA = path.join(FIXTURES, 'formats/sarif-schema-2.1.0.json');

// Both packages are CommonJS with `exports.default`: under NodeNext the default import is
// `module.exports`, whose `default` property is the class / plugin.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;

let validate: ReturnType<InstanceType<typeof Ajv04>['compile']> | undefined;

/** Schema errors of a SARIF log (empty when valid), as `instancePath message` strings. */
export function validateSarif(log: unknown): string[] {
  if (!validate) {
    // strict: false because this third-party schema is not written for ajv's strict mode;
    // unicodeRegExp: false because its `language` pattern has a stray "]" that only the `u` flag rejects.
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  }
  if (validate(log)) return [];
  return (validate.errors ?? []).map(
    (e: { instancePath: string; message?: string; params: unknown }) =>
      `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/**
 * A small structural validator for XML reports: the elements, attributes, required attributes,
 * attribute value patterns and child elements that a consumer's XSD declares, checked on the
 * document as the saxes parser (a conforming XML 1.0 parser) reads it.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/** Parse a document into a tree (throws on anything that is not well-formed). */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (t) => {
    const el: XmlElement = { name: t.name, attributes: t.attributes as Record<string, string>, text: '', children: [] };
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(text).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** `el` and its descendants named `name`, in document order. */
export const all = (el: XmlElement, name: string): XmlElement[] => [
  ...(el.name === name ? [el] : []),
  ...el.children.flatMap((c) => all(c, name)),
];

export interface ElementShape {
  /** Attribute name → a pattern its value must match. */
  attributes: Record<string, RegExp>;
  required?: string[];
  /** Child element names allowed, in the order the schema's sequence gives them. */
  children: string[];
  /** Children that may occur at most this often. */
  max?: Record<string, number>;
}

export type XmlShape = { root: string; elements: Record<string, ElementShape> };

/** Every violation of the shape, as `path: message`; empty when the document conforms. */
export function checkShape(root: XmlElement, shape: XmlShape): string[] {
  const errors: string[] = [];
  if (root.name !== shape.root) errors.push(`root is <${root.name}>, expected <${shape.root}>`);
  const visit = (el: XmlElement, where: string) => {
    const s = shape.elements[el.name];
    if (!s) {
      errors.push(`${where}: element <${el.name}> is not declared`);
      return;
    }
    for (const [k, v] of Object.entries(el.attributes)) {
      const p = s.attributes[k];
      if (!p) errors.push(`${where}: attribute ${k} is not declared on <${el.name}>`);
      else if (!p.test(v)) errors.push(`${where}: ${k}="${v}" does not match ${p}`);
    }
    for (const r of s.required ?? []) if (!(r in el.attributes)) errors.push(`${where}: <${el.name}> lacks ${r}`);
    let last = 0;
    const count = new Map<string, number>();
    el.children.forEach((c, i) => {
      const at = s.children.indexOf(c.name);
      if (at < 0) errors.push(`${where}: <${c.name}> not allowed in <${el.name}>`);
      else if (at < last) errors.push(`${where}: <${c.name}> out of the schema's order in <${el.name}>`);
      else last = at;
      count.set(c.name, (count.get(c.name) ?? 0) + 1);
      visit(c, `${where}/${c.name}[${i}]`);
    });
    for (const [name, max] of Object.entries(s.max ?? {})) {
      if ((count.get(name) ?? 0) > max)
        errors.push(`${where}: <${el.name}> has ${count.get(name)} <${name}>, at most ${max} allowed`);
    }
  };
  visit(root, root.name);
  return errors;
}

const ANY = /^[\s\S]*$/;
const INT = /^-?\d+$/;
const NON_NEGATIVE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * JUnit XML as the widely used schemas declare it: the attributes of Jenkins' junit-10.xsd, and
 * Ant's JUnit.xsd rule that a test case has at most one <failure> or <error> and one <skipped>.
 */
export const JUNIT_SHAPE: XmlShape = {
  root: 'testsuites',
  elements: {
    testsuites: {
      attributes: {
        name: ANY,
        time: DECIMAL,
        tests: NON_NEGATIVE,
        failures: NON_NEGATIVE,
        disabled: NON_NEGATIVE,
        errors: NON_NEGATIVE,
      },
      children: ['testsuite'],
    },
    testsuite: {
      attributes: {
        name: ANY,
        tests: NON_NEGATIVE,
        failures: NON_NEGATIVE,
        errors: NON_NEGATIVE,
        time: DECIMAL,
        disabled: NON_NEGATIVE,
        skipped: NON_NEGATIVE,
        timestamp: ANY,
        hostname: ANY,
        id: ANY,
        package: ANY,
        file: ANY,
        log: ANY,
        url: ANY,
        version: ANY,
      },
      required: ['name', 'tests'],
      children: ['properties', 'testcase', 'system-out', 'system-err'],
    },
    properties: { attributes: {}, children: ['property'] },
    property: { attributes: { name: ANY, value: ANY }, required: ['name', 'value'], children: [] },
    testcase: {
      attributes: {
        name: ANY,
        assertions: ANY,
        time: DECIMAL,
        classname: ANY,
        status: ANY,
        class: ANY,
        file: ANY,
        line: ANY,
      },
      required: ['name'],
      children: ['skipped', 'error', 'failure', 'system-out', 'system-err'],
      max: { skipped: 1, error: 1, failure: 1 },
    },
    skipped: { attributes: { message: ANY }, children: [] },
    error: { attributes: { message: ANY, type: ANY }, children: [] },
    failure: { attributes: { message: ANY, type: ANY }, children: [] },
    'system-out': { attributes: {}, children: [] },
    'system-err': { attributes: {}, children: [] },
  },
};

/** Checkstyle XML as checkstyle's report schema declares it (as read by Jenkins warnings-ng, reviewdog). */
export const CHECKSTYLE_SHAPE: XmlShape = {
  root: 'checkstyle',
  elements: {
    checkstyle: { attributes: { version: ANY }, children: ['file'] },
    file: { attributes: { name: ANY }, required: ['name'], children: ['error', 'exception'] },
    error: {
      attributes: { line: INT, column: INT, severity: /^(ignore|info|warning|error)$/, message: ANY, source: ANY },
      required: ['line', 'message'],
      children: [],
    },
    exception: { attributes: {}, children: [] },
  },
};

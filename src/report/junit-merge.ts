/**
 * One JUnit file from several: every <testsuite> of every input (a <testsuite> root, as
 * cucumber-js writes it, or the <testsuite> children of a <testsuites> root) under one
 * <testsuites> whose tests/failures/errors/skipped/time are the sums. The inputs are only
 * cut at their top-level elements — CDATA, comments and the suites' insides are copied as
 * they are — so nothing the formatter wrote is re-encoded.
 */

export interface JunitSuite {
  /** the start tag's attributes, still XML-escaped */
  attrs: Record<string, string>;
  /** everything between <testsuite ...> and </testsuite>, verbatim */
  body: string;
}

export interface JunitInput {
  label: string;
  xml: string;
}

const COUNTS = ['tests', 'failures', 'errors', 'skipped'] as const;

export class JunitMergeError extends Error {}

/** index just past the end of a comment / CDATA / processing instruction / declaration at i, or -1 */
function skipSpecial(xml: string, i: number): number {
  for (const [open, close] of [['<!--', '-->'], ['<![CDATA[', ']]>'], ['<?', '?>'], ['<!', '>']] as const) {
    if (xml.startsWith(open, i)) {
      const end = xml.indexOf(close, i + open.length);
      if (end === -1) throw new JunitMergeError(`unterminated ${open} at offset ${i}`);
      return end + close.length;
    }
  }
  return -1;
}

interface Element {
  name: string;
  attrs: Record<string, string>;
  body: string;
  end: number;
}

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs[m[1]!] = m[3] ?? m[4] ?? '';
  return attrs;
}

/** the element starting at `start` (a '<' of a start tag): its name, attributes, inner text, end */
function readElement(xml: string, start: number): Element {
  const tagEnd = findTagEnd(xml, start);
  const head = xml.slice(start + 1, tagEnd);
  const selfClosing = head.endsWith('/');
  const name = /^([\w:.-]+)/.exec(head)?.[1];
  if (!name) throw new JunitMergeError(`no element name at offset ${start}`);
  const attrs = parseAttrs(head.slice(name.length, selfClosing ? -1 : undefined));
  if (selfClosing) return { name, attrs, body: '', end: tagEnd + 1 };
  // walk to the matching end tag, counting same-named elements, skipping CDATA and comments
  let depth = 1;
  let i = tagEnd + 1;
  while (i < xml.length) {
    const lt = nextTag(xml, i);
    if (lt === -1) break;
    const close = findTagEnd(xml, lt);
    const tag = xml.slice(lt + 1, close);
    if (tag.startsWith('/')) {
      if (tag.slice(1).trim() === name && --depth === 0) return { name, attrs, body: xml.slice(tagEnd + 1, lt), end: close + 1 };
    } else if (!tag.endsWith('/') && /^([\w:.-]+)/.exec(tag)?.[1] === name) {
      depth++;
    }
    i = close + 1;
  }
  throw new JunitMergeError(`<${name}> at offset ${start} is never closed`);
}

function findTagEnd(xml: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  throw new JunitMergeError(`unterminated tag at offset ${lt}`);
}

/** the offset of the next tag at or after `from`, past CDATA, comments and declarations; -1 when none */
function nextTag(xml: string, from: number): number {
  let i = from;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) return -1;
    const special = skipSpecial(xml, lt);
    if (special === -1) return lt;
    i = special;
  }
}

/** the root element, after the XML declaration and comments */
function readRoot(xml: string): Element {
  const lt = nextTag(xml, 0);
  if (lt === -1) throw new JunitMergeError('no root element');
  return readElement(xml, lt);
}

/** the <testsuite> elements of one JUnit file */
export function readSuites(xml: string): JunitSuite[] {
  const root = readRoot(xml);
  if (root.name === 'testsuite') return [{ attrs: root.attrs, body: root.body }];
  if (root.name !== 'testsuites') throw new JunitMergeError(`the root element is <${root.name}>, not <testsuite> or <testsuites>`);
  const suites: JunitSuite[] = [];
  let i = 0;
  const body = root.body;
  while (i < body.length) {
    const lt = nextTag(body, i);
    if (lt === -1) break;
    const el = readElement(body, lt);
    if (el.name === 'testsuite') suites.push({ attrs: el.attrs, body: el.body });
    i = el.end;
  }
  return suites;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const unescapeAttr = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attrText = (attrs: Record<string, string>) => Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeAttr(unescapeAttr(v))}"`).join('');

/** the <testcase> elements directly in a suite's body */
export function countTestcases(body: string): number {
  let n = 0;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    if (lt === -1) break;
    const special = skipSpecial(body, lt);
    if (special !== -1) {
      i = special;
      continue;
    }
    if (body[lt + 1] === '/') {
      i = findTagEnd(body, lt) + 1;
      continue;
    }
    const el = readElement(body, lt);
    if (el.name === 'testcase') n++;
    i = el.end;
  }
  return n;
}

export interface MergedJunit {
  xml: string;
  totals: Record<(typeof COUNTS)[number], number> & { time: number; suites: number };
}

/** every suite of every input, each named after its input ("Cucumber (shard 1)"), under one <testsuites> */
export function mergeJunit(inputs: readonly JunitInput[], name = 'ftchaos'): MergedJunit {
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0, suites: 0 };
  const parts: string[] = [];
  for (const input of inputs) {
    let suites: JunitSuite[];
    try {
      suites = readSuites(input.xml);
    } catch (err) {
      throw new JunitMergeError(`${input.label}: ${(err as Error).message}`);
    }
    for (const s of suites) {
      const attrs = { ...s.attrs };
      // a suite without counts (some writers omit them) is counted from its test cases
      if (attrs.tests === undefined) attrs.tests = String(countTestcases(s.body));
      for (const k of COUNTS) totals[k] += Number(attrs[k] ?? 0) || 0;
      totals.time += Number(attrs.time ?? 0) || 0;
      totals.suites++;
      attrs.name = escapeAttr(`${unescapeAttr(attrs.name ?? 'suite')} (${input.label})`);
      parts.push(`  <testsuite${attrText(attrs)}>${s.body}</testsuite>`);
    }
  }
  const time = Math.round(totals.time * 1000) / 1000;
  const head = `<testsuites name="${escapeAttr(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${time}">`;
  return { xml: `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${parts.join('\n')}\n</testsuites>\n`, totals: { ...totals, time } };
}

/**
 * Parses the first JSON value of a text the way the real server's Go encoding/json.Decoder
 * reads it: its syntax errors ("unexpected EOF", "invalid character 'x' looking for
 * beginning of value", ...), text after the value ignored, nesting deeper than Go's 10000
 * refused ("invalid character '[' exceeded max depth"). Iterative, so no input can
 * overflow the stack, and linear in the length of the text. `parseFirstValueAsync` parses
 * in slices of a few milliseconds, so a 4 MB body never holds up the event loop.
 *
 * Numbers keep their literal text (`JsonNumber`), so the decoder can refuse what Go refuses
 * (1e3 or 1.0 for an integer, integers beyond int64). Objects have no prototype, so a key
 * such as "__proto__" is an ordinary key.
 */

import { performance } from 'node:perf_hooks';

/** A JSON number as written. */
export class JsonNumber {
  constructor(readonly text: string) {}

  valueOf(): number {
    return Number(this.text);
  }

  toJSON(): number {
    return Number(this.text);
  }
}

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export type ParseResult = { value: JsonValue; end: number } | { error: string };

/** Go's encoding/json maxNestingDepth. */
export const MAX_DEPTH = 10000;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
/** The run of characters a string can hold without a closer look. */
const PLAIN = /[^"\\\x00-\x1f]*/y;
/** Values parsed between two checks of the time budget. */
const VALUES_PER_CHECK = 512;
/** Milliseconds of parsing before giving the event loop a turn. */
const SLICE_MS = 4;

type Frame = { obj: JsonObject; key: string } | { arr: JsonValue[] };

class Stop extends Error {}

/** Parse at once (small texts, tests). */
export function parseFirstValue(text: string): ParseResult {
  const steps = parseSteps(text);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Parse in slices of about SLICE_MS, letting the event loop run in between. */
export async function parseFirstValueAsync(text: string): Promise<ParseResult> {
  const steps = parseSteps(text);
  for (;;) {
    const until = performance.now() + SLICE_MS;
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (performance.now() >= until) break;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The parser; it yields every VALUES_PER_CHECK values so a caller can pause it. */
function* parseSteps(text: string): Generator<void, ParseResult> {
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new Stop(msg);
  };
  const ch = (): string => {
    if (i >= n) fail('unexpected EOF');
    return text[i];
  };
  const quoted = (c: string): string => (c === "'" ? "'\\''" : `'${c}'`);
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    for (let k = 1; k < word.length; k++) {
      i++;
      const c = ch();
      if (c !== word[k]) fail(`invalid character ${quoted(c)} in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
    return value;
  };
  const string = (): string => {
    const start = i;
    let escaped = false;
    i++;
    for (;;) {
      PLAIN.lastIndex = i;
      PLAIN.test(text);
      i = PLAIN.lastIndex;
      if (i >= n) fail('unexpected EOF');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        const body = text.slice(start, i);
        return escaped ? (JSON.parse(body) as string) : body.slice(1, -1);
      }
      if (c === 0x5c) {
        escaped = true;
        i++;
        const e = ch();
        if (e === 'u') {
          HEX4.lastIndex = i + 1;
          if (!HEX4.test(text)) {
            // Report the first character that is not a hex digit, as Go does.
            for (let k = 0; k < 4; k++) {
              i++;
              if (!/[0-9a-fA-F]/.test(ch())) fail(`invalid character ${quoted(text[i])} in \\u hexadecimal character escape`);
            }
          }
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e)) fail(`invalid character ${quoted(e)} in string escape code`);
      } else if (c < 0x20) fail(`invalid character ${quoted(text[i])} in string literal`);
      i++;
    }
  };
  const number = (): JsonNumber => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) {
      i++;
      fail(i >= n ? 'unexpected EOF' : `invalid character ${quoted(text[i])} in numeric literal`);
    }
    i += m![0].length;
    return new JsonNumber(m![0]);
  };
  const key = (): string => {
    ws();
    const c = ch();
    if (c !== '"') fail(`invalid character ${quoted(c)} looking for beginning of object key string`);
    const k = string();
    ws();
    const colon = ch();
    if (colon !== ':') fail(`invalid character ${quoted(colon)} after object key`);
    i++;
    return k;
  };

  const stack: Frame[] = [];
  let count = 0;
  try {
    ws();
    if (i >= n) return { error: 'EOF' };
    for (;;) {
      if (++count === VALUES_PER_CHECK) {
        count = 0;
        yield;
      }
      // One value starts at i: a scalar, or a container whose first member comes next.
      ws();
      const c = ch();
      let value: JsonValue;
      if (c === '{' || c === '[') {
        if (stack.length >= MAX_DEPTH) fail(`invalid character ${quoted(c)} exceeded max depth`);
        i++;
        ws();
        if (c === '{') {
          const obj = Object.create(null) as JsonObject;
          if (ch() === '}') {
            i++;
            value = obj;
          } else {
            stack.push({ obj, key: key() });
            continue;
          }
        } else {
          const arr: JsonValue[] = [];
          if (ch() === ']') {
            i++;
            value = arr;
          } else {
            stack.push({ arr });
            continue;
          }
        }
      } else if (c === '"') value = string();
      else if (c === '-' || (c >= '0' && c <= '9')) value = number();
      else if (c === 't') value = literal('true', true);
      else if (c === 'f') value = literal('false', false);
      else if (c === 'n') value = literal('null', null);
      else fail(`invalid character ${quoted(c)} looking for beginning of value`);

      // A value is complete: store it in its container, closing containers that end here.
      let next = false;
      while (!next) {
        const top = stack[stack.length - 1];
        if (!top) return { value: value!, end: i };
        ws();
        const sep = ch();
        i++;
        if ('obj' in top) {
          top.obj[top.key] = value!;
          if (sep === ',') {
            top.key = key();
            next = true;
          } else if (sep === '}') {
            value = top.obj;
            stack.pop();
          } else fail(`invalid character ${quoted(sep)} after object key:value pair`);
        } else {
          top.arr.push(value!);
          if (sep === ',') next = true;
          else if (sep === ']') {
            value = top.arr;
            stack.pop();
          } else fail(`invalid character ${quoted(sep)} after array element`);
        }
      }
    }
  } catch (err) {
    if (err instanceof Stop) return { error: err.message };
    throw err;
  }
}

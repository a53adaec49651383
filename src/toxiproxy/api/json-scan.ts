/**
 * Finds the end of the first JSON value in a text, or the syntax error Go's
 * encoding/json.Decoder would report for it ("unexpected EOF", "invalid character 'x'
 * looking for beginning of value", ...). Like Go's Decoder, text after the value is ignored.
 */

export type ScanResult = { end: number } | { error: string };

class Stop extends Error {}

export function scanFirstValue(text: string): ScanResult {
  let i = 0;
  const fail = (msg: string): never => {
    throw new Stop(msg);
  };
  const ch = (): string => {
    if (i >= text.length) fail('unexpected EOF');
    return text[i];
  };
  const quoted = (c: string): string => (c === "'" ? "'\\''" : `'${c}'`);
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      const c = ch();
      if (c !== word[k]) fail(`invalid character ${quoted(c)} in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = ch();
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        const e = ch();
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(ch())) fail(`invalid character ${quoted(text[i])} in \\u hexadecimal character escape`);
          }
        } else if (!'"\\/bfnrt'.includes(e)) fail(`invalid character ${quoted(e)} in string escape code`);
      } else if (c < ' ') fail(`invalid character ${quoted(c)} in string literal`);
      i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) {
      i++;
      fail(i >= text.length ? 'unexpected EOF' : `invalid character ${quoted(text[i])} in numeric literal`);
    }
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = ch();
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail(`invalid character ${quoted(c)} looking for beginning of value`);
  };
  const object = (): void => {
    i++;
    ws();
    if (ch() === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      const c = ch();
      if (c !== '"') fail(`invalid character ${quoted(c)} looking for beginning of object key string`);
      string();
      ws();
      const colon = ch();
      if (colon !== ':') fail(`invalid character ${quoted(colon)} after object key`);
      i++;
      value();
      ws();
      const sep = ch();
      i++;
      if (sep === '}') return;
      if (sep !== ',') fail(`invalid character ${quoted(sep)} after object key:value pair`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (ch() === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      const sep = ch();
      i++;
      if (sep === ']') return;
      if (sep !== ',') fail(`invalid character ${quoted(sep)} after array element`);
    }
  };
  try {
    ws();
    if (i >= text.length) return { error: 'EOF' };
    value();
    return { end: i };
  } catch (err) {
    if (err instanceof Stop) return { error: err.message };
    throw err;
  }
}

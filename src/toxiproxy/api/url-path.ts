/**
 * The path of a request URL as Go's net/url reads it: a '%' not followed by two hex digits
 * makes the whole request a 400 (before any routing); escapes decode to bytes, read as
 * UTF-8 (a byte sequence that is not UTF-8 cannot name anything, so it never throws).
 * Node hands the request target over as latin1, one character per byte received.
 */

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** The path part of a request target ("/a/b?x" -> "/a/b"). */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

export function hasBadEscape(path: string): boolean {
  return BAD_ESCAPE.test(path);
}

/** Decode one path segment's %XX escapes (call hasBadEscape first). */
export function unescapeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c === 0x25) {
      bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x100) bytes.push(c);
    else for (const b of Buffer.from(segment[i], 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits a byte stream into text lines (LF, optional CR stripped); used by the text protocols. */
export class LineSplitter {
  private rest = '';

  constructor(private readonly maxLine = 64 * 1024) {}

  /** Feed a chunk; returns the complete lines in it. Over-long partial lines are cut off. */
  push(chunk: Buffer | string): string[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > this.maxLine) this.rest = '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
}

/** Small number formatting helpers shared by the checkers' summaries. */

/** round to `digits` decimals (default 1), dropping float noise */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** "1234.5 ms" */
export function ms(x: number): string {
  return `${round(x, 1)} ms`;
}

/** "at 1234.5 ms" – a history time (ms since scenario start) */
export function at(t: number): string {
  return `at ${round(t, 1)} ms`;
}

/**
 * An availability fraction as a percentage, truncated (never rounded up, so it never
 * overstates) to 5 decimals, or more when needed to stay below 100:
 * 0.99999980974 -> "99.99998 %", 0.99998999 -> "99.99899 %".
 */
export function pct(fraction: number): string {
  if (fraction >= 1) return '100 %';
  let d = 5;
  let s = truncate(fraction * 100, d);
  while (s.startsWith('100') && d < 12) s = truncate(fraction * 100, ++d);
  s = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return `${s} %`;
}

function truncate(x: number, d: number): string {
  const f = 10 ** d;
  // the small epsilon absorbs binary noise such as 99.99998999999999 for 99.99999
  return (Math.floor(x * f + 1e-6) / f).toFixed(d);
}

/** "a, b, c and 3 more" */
export function listFirst(items: readonly string[], n: number): string {
  if (items.length <= n) return items.join('; ');
  return `${items.slice(0, n).join('; ')}; … and ${items.length - n} more`;
}

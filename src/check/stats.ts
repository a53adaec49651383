/** Order statistics used by the checkers (nearest-rank percentiles on sorted arrays). */

/** ascending numeric sort into a new typed array */
export function sortedAsc(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value such that at least a
 * fraction p of the values are ≤ it. p in [0, 1]. null for an empty array.
 */
export function percentileSorted(asc: ArrayLike<number>, p: number): number | null {
  if (asc.length === 0) return null;
  const rank = Math.min(asc.length, Math.max(1, Math.ceil(p * asc.length)));
  return asc[rank - 1]!;
}

/** median (nearest rank 0.5, i.e. the lower median for even counts) of unsorted values */
export function median(xs: ArrayLike<number>): number | null {
  return percentileSorted(sortedAsc(xs), 0.5);
}

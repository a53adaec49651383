/**
 * "i/n" — shard i of n (1-based), as `ftchaos run --shard` and `ftchaos merge` read it.
 * cucumber-js's own --shard accepts "0/2" and "3/2" and then runs nothing, which a CI matrix
 * would report as green: here those are errors.
 */
export interface Shard {
  index: number;
  total: number;
}

/** the shard, or an Error saying what is wrong with `raw` and what is allowed */
export function parseShard(raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const allowed = 'give INDEX/TOTAL with 1 <= INDEX <= TOTAL, e.g. 1/2';
  if (!m) throw new Error(`--shard "${raw}" is not INDEX/TOTAL: ${allowed}`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1) throw new Error(`--shard "${raw}": TOTAL must be at least 1 (${allowed})`);
  if (index < 1 || index > total) throw new Error(`--shard "${raw}": INDEX must lie between 1 and ${total} (${allowed})`);
  return { index, total };
}

export const shardText = (s: Shard): string => `${s.index}/${s.total}`;

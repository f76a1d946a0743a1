// `--shard i/n`: which files one job of an n-job CI matrix lints. A file belongs to the shard picked by
// a hash of its path relative to the current directory ('/'-separated), so the split does not depend on
// the order files are found in, on the machine, or on which other files exist: every file is linted by
// exactly one of the n shards when all run from the same directory.

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); undefined when malformed. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

export function inShard(relativePath: string, shard: Shard): boolean {
  return (fnv1a(relativePath) % shard.count) + 1 === shard.index;
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, fast and stable across platforms and Node versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

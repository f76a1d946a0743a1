// Pure '/'-separated path helpers for the analysis layer, which may not import node's fs or path
// (it must also run in a web worker). Hosts normalise OS paths to this form before handing them in.

/** Absolute, '/'-separated, every segment non-empty and free of backslashes, no trailing '/'. */
const ABSOLUTE_SEGMENTS = /^(?:\/[^/\\]+)+$/;
/** A `.` or `..` segment. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

export function normalizePath(p: string): string {
  // Nearly every call gets a path that is already normal (the workspace's own keys): no new string.
  if (ABSOLUTE_SEGMENTS.test(p) && !DOT_SEGMENT.test(p)) return p;
  let s = p.replace(/\\/g, '/');
  const absolute = s.startsWith('/');
  const drive = /^[A-Za-z]:\//.exec(s)?.[0] ?? '';
  if (drive) s = s.slice(drive.length);
  const out: string[] = [];
  for (const part of s.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute && !drive) out.push('..');
      continue;
    }
    out.push(part);
  }
  const body = out.join('/');
  if (drive) return drive + body;
  return (absolute ? '/' : '') + body || (absolute ? '/' : '.');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function joinPath(...parts: string[]): string {
  return normalizePath(parts.filter((x) => x !== '').join('/'));
}

/** Resolves `spec` relative to directory `dir` unless it is absolute. */
export function resolvePath(dir: string, spec: string): string {
  if (spec.startsWith('/') || /^[A-Za-z]:[\\/]/.test(spec)) return normalizePath(spec);
  return joinPath(dir, spec);
}

/** `to` relative to directory `from`, '/'-separated, without a leading './'. */
export function relativePath(from: string, to: string): string {
  const a = normalizePath(from).split('/').filter(Boolean);
  const b = normalizePath(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const rel = [...up, ...b.slice(i)].join('/');
  return rel === '' ? '.' : rel;
}

/** True when `p` is `dir` or lies below it. */
export function isWithin(dir: string, p: string): boolean {
  if (dir === '/') return p.startsWith('/');
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

export function extname(p: string): string {
  const base = basename(p);
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i);
}

// Glob patterns for the config file's path lists (`ignore`, `bindingModules`), matched against
// absolute '/'-separated paths. Pure, so the CLI, the server and tests agree on what a pattern means.
//
// Syntax (the subset of .gitignore/ESLint globs people write in practice):
//   `*` any characters except '/', `?` one character except '/', `**` any number of folders,
//   `{a,b}` alternatives, `[abc]` a character class. A pattern is relative to the folder of the file
//   that declares it; a pattern without '/' (other than a trailing one) matches at any depth
//   (`*.gen.ts` = `**/*.gen.ts`); a pattern that matches a folder matches everything below it.

import { joinPath, normalizePath } from './paths';

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** The regular-expression source of one glob (no anchors). */
function globSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (glob[i + 2] === '/') {
            out += '(?:[^/]*/)*'; // `**/`: zero or more folders
            i += 2;
          } else {
            out += '.*'; // trailing `**`: anything below
            i += 1;
          }
          continue;
        }
        i += 1; // `a**b` means the same as `a*b`
      }
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '{') {
      braceDepth++;
      out += '(?:';
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (ch === ',' && braceDepth > 0) {
      out += '|';
    } else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^/' : ''}${body.replace(/[\\\]]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else {
      out += escapeRegExp(ch);
    }
  }
  while (braceDepth-- > 0) out += ')';
  return out;
}

/** Problems with a pattern as written (empty, or escaping its base folder), else undefined. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern matches nothing';
  if (/(^|\/)\.\.(\/|$)/.test(pattern)) return "'..' is not supported: patterns are relative to the config file's folder";
  return undefined;
}

/**
 * Turns a pattern relative to `baseDir` into an absolute pattern: a pattern without an inner '/' gets
 * `**\/` in front (matches at any depth); a leading '/' or './' anchors it at `baseDir`.
 */
export function anchorGlob(pattern: string, baseDir: string): string {
  let p = pattern.trim().replace(/\\/g, '/');
  const trailingSlash = p.endsWith('/');
  if (trailingSlash) p = p.replace(/\/+$/, '');
  let anchored = p.startsWith('/') || p.startsWith('./');
  p = p.replace(/^\.?\/+/, '');
  if (!anchored && p.includes('/')) anchored = true;
  const relative = anchored ? p : `**/${p}`;
  const base = normalizePath(baseDir);
  return `${base === '/' ? '' : base}/${relative}`;
}

/** True when absolute `path` (or a folder above it) matches one of the absolute patterns. */
export type PathMatcher = (path: string) => boolean;

/** A matcher for absolute patterns (see anchorGlob); a pattern matching a folder matches what is below it. */
export function globMatcher(absolutePatterns: readonly string[]): PathMatcher {
  if (absolutePatterns.length === 0) return () => false;
  const source = absolutePatterns.map(globSource).join('|');
  const re = new RegExp(`^(?:${source})(?:/.*)?$`);
  return (path) => re.test(normalizePath(path));
}

/** Convenience for tests and one-off checks: does `path` match `pattern` relative to `baseDir`? */
export function matchesGlob(pattern: string, baseDir: string, path: string): boolean {
  return globMatcher([anchorGlob(pattern, baseDir)])(joinPath(path));
}

// Resolves import specifiers to workspace files without I/O (catalog §B3): relative specifiers with the
// usual candidates (exact, added extensions, TypeScript's `.js` → `.ts` mapping, `index` files, a
// directory's package.json), and bare specifiers through the governing tsconfig's `paths` and `baseUrl`
// (ts/tsconfig-paths.ts), `node_modules/<pkg>/package.json`, or a workspace package whose package.json
// `name` matches (a wasm-pack `pkg/` consumed as `my-wasm-pkg`).

import { dirname, joinPath, resolvePath } from '../text/paths';
import { type ConfigFiles, mappedCandidates, pathMappingFor } from './tsconfig-paths';

export interface ResolutionFiles extends ConfigFiles {
  /** Directories of workspace packages whose package.json `name` is `name` (optional: hosts may not index them). */
  packagesNamed?(name: string): readonly string[];
}

const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];
const INDEX_FILES = ['index.ts', 'index.tsx', 'index.d.ts', 'index.js', 'index.mjs'];
/** TypeScript resolves `./x.js` to `./x.ts` (and `.mjs` → `.mts`, `.cjs` → `.cts`). */
const TS_MAPPING: readonly [string, readonly string[]][] = [
  ['.js', ['.ts', '.tsx', '.d.ts']],
  ['.jsx', ['.tsx']],
  ['.mjs', ['.mts', '.d.mts']],
  ['.cjs', ['.cts', '.d.cts']],
];

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('/');
}

/** Bare specifier → package name and subpath: `@scope/pkg/sub` → (`@scope/pkg`, `sub`). */
export function splitBareSpecifier(specifier: string): { name: string; subpath: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // node:fs, https:, data:
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < count || parts.slice(0, count).some((p) => p === '')) return undefined;
  return { name: parts.slice(0, count).join('/'), subpath: parts.slice(count).join('/') };
}

/** The first existing file among the candidates for `base` (a path without query or hash). */
function resolveFileOrDirectory(base: string, files: ResolutionFiles, depth = 0): string | undefined {
  if (files.fileExists(base) && files.fileText(base) !== undefined) return base;
  for (const [from, to] of TS_MAPPING) {
    if (!base.endsWith(from)) continue;
    const stem = base.slice(0, -from.length);
    for (const ext of to) if (files.fileExists(stem + ext)) return stem + ext;
  }
  for (const ext of EXTENSIONS) if (files.fileExists(base + ext)) return base + ext;
  if (depth === 0) {
    const fromPackage = packageEntry(base, '', files);
    if (fromPackage) return fromPackage;
  }
  for (const index of INDEX_FILES) if (files.fileExists(joinPath(base, index))) return joinPath(base, index);
  return undefined;
}

/** The entry file of the package in `dir` (or `dir/subpath`): `module`, `main`, `exports`, `types`. */
function packageEntry(dir: string, subpath: string, files: ResolutionFiles): string | undefined {
  if (subpath !== '') return resolveFileOrDirectory(joinPath(dir, subpath), files, 1);
  const text = files.fileText(joinPath(dir, 'package.json'));
  if (text === undefined) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const entries: string[] = [];
  const exp = json.exports;
  const dot = typeof exp === 'object' && exp !== null && '.' in exp ? (exp as Record<string, unknown>)['.'] : exp;
  if (typeof dot === 'string') entries.push(dot);
  else if (typeof dot === 'object' && dot !== null) {
    for (const key of ['import', 'module', 'browser', 'default', 'require', 'node', 'types']) {
      const v = (dot as Record<string, unknown>)[key];
      if (typeof v === 'string') entries.push(v);
    }
  }
  for (const key of ['module', 'main', 'types', 'typings']) if (typeof json[key] === 'string') entries.push(json[key] as string);
  entries.push('index.js');
  for (const entry of entries) {
    const found = resolveFileOrDirectory(joinPath(dir, entry), files, 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Resolves `specifier` imported from `fromPath`. `.d.ts` results are mapped to the sibling JS file when it
 * exists, so the glue JS and its declarations are one module.
 */
export function resolveSpecifier(fromPath: string, specifier: string, files: ResolutionFiles): string | undefined {
  const clean = specifier.replace(/[?#].*$/, '');
  if (clean === '') return undefined;
  let resolved: string | undefined;
  if (isRelativeSpecifier(clean)) {
    resolved = resolveFileOrDirectory(resolvePath(dirname(fromPath), clean), files);
  } else {
    // TypeScript tries the config's `paths` and `baseUrl` first, then packages.
    const mapping = pathMappingFor(fromPath, files);
    for (const candidate of mapping ? mappedCandidates(clean, mapping) : []) {
      resolved = resolveFileOrDirectory(candidate, files);
      if (resolved) return preferJsOverDeclaration(resolved, files);
    }
    const bare = splitBareSpecifier(clean);
    if (!bare) return undefined;
    for (let dir = dirname(fromPath); ; dir = dirname(dir)) {
      const pkgDir = joinPath(dir, 'node_modules', bare.name);
      if (files.fileExists(joinPath(pkgDir, 'package.json'))) {
        resolved = packageEntry(pkgDir, bare.subpath, files);
        if (resolved) break;
      }
      if (dir === '/' || dir === '.' || dirname(dir) === dir) break;
    }
    if (!resolved && files.packagesNamed) {
      for (const pkgDir of files.packagesNamed(bare.name)) {
        resolved = packageEntry(pkgDir, bare.subpath, files);
        if (resolved) break;
      }
    }
  }
  return resolved === undefined ? undefined : preferJsOverDeclaration(resolved, files);
}

/**
 * Where an import that `resolveSpecifier` could not resolve points, for recognising glue that is not
 * built (ts/unbuilt-glue.ts): a relative specifier's path; for a bare one, the governing tsconfig's
 * `paths` targets and `baseUrl` candidate, the target of a `file:` or
 * `link:` dependency of that name in the package.json files above the importer (`"@x/wasm":
 * "file:../crate/pkg"`), then the directories of workspace packages of that name — each joined with
 * the subpath.
 */
export function unresolvedTargets(fromPath: string, specifier: string, files: ResolutionFiles): string[] {
  const clean = specifier.replace(/[?#].*$/, '');
  if (clean === '') return [];
  if (isRelativeSpecifier(clean)) return [resolvePath(dirname(fromPath), clean)];
  const mapping = pathMappingFor(fromPath, files);
  const out: string[] = mapping ? mappedCandidates(clean, mapping) : [];
  const bare = splitBareSpecifier(clean);
  if (!bare) return out;
  for (let dir = dirname(fromPath); ; dir = dirname(dir)) {
    const target = localDependencyTarget(files.fileText(joinPath(dir, 'package.json')), bare.name);
    if (target !== undefined) {
      out.push(joinPath(resolvePath(dir, target), bare.subpath));
      break;
    }
    if (dir === '/' || dir === '.' || dirname(dir) === dir) break;
  }
  for (const pkgDir of files.packagesNamed?.(bare.name) ?? []) out.push(joinPath(pkgDir, bare.subpath));
  return out;
}

/** The path of a `file:`/`link:` dependency named `name` in a package.json text. */
function localDependencyTarget(text: string | undefined, name: string): string | undefined {
  if (text === undefined || !text.includes(`"${name}"`) || !/"(?:file|link):/.test(text)) return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = json[key];
      const value = typeof deps === 'object' && deps !== null ? (deps as Record<string, unknown>)[name] : undefined;
      if (typeof value === 'string' && /^(?:file|link):/.test(value)) return value.replace(/^(?:file|link):/, '');
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function preferJsOverDeclaration(path: string, files: ResolutionFiles): string {
  if (!path.endsWith('.d.ts')) return path;
  const stem = path.slice(0, -'.d.ts'.length);
  for (const ext of ['.js', '.mjs', '.cjs']) if (files.fileExists(stem + ext)) return stem + ext;
  return path;
}

/** The `name` of a package.json text, or undefined. */
export function packageNameOf(text: string): string | undefined {
  if (!text.includes('"name"')) return undefined;
  try {
    const json = JSON.parse(text) as { name?: unknown };
    return typeof json.name === 'string' ? json.name : undefined;
  } catch {
    return undefined;
  }
}

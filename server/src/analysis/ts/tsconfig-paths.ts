// `compilerOptions.paths` and `baseUrl` of the tsconfig.json (or jsconfig.json) that governs a TS/JS file
// (catalog §B3): `import { parse } from '@wasm/parser'` with `"paths": { "@wasm/*": ["../crate/pkg/*"] }`
// names the glue of a crate just as a relative import would. The nearest config file above the importer
// counts (what the TypeScript language service does for a file); `extends` chains of relative paths are
// followed. Read without I/O, from the texts the resolver has, and parsed as JSONC (comments, trailing
// commas), which is what tsconfig files are.

import { parseJsonc } from '../text/jsonc';
import { dirname, joinPath, resolvePath } from '../text/paths';

/** The texts a resolver reads (module-resolution.ts `ResolutionFiles` adds package look-ups). */
export interface ConfigFiles {
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
}

/** What a config says about bare specifiers, with its directories already resolved. */
export interface PathMapping {
  /** `paths` entries in the order written: a pattern with at most one `*`, and its targets (absolute, with `*` kept). */
  readonly paths: readonly { readonly pattern: string; readonly targets: readonly string[] }[];
  /** The absolute `baseUrl`, when set. */
  readonly baseUrl?: string;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** Files named like TypeScript or JavaScript project configs (also `tsconfig.base.json`, the usual `extends` target). */
const CONFIG_FILE = /(?:^|[\\/])(?:tsconfig|jsconfig)(?:\.[\w-]+)*\.json$/;
const IN_NODE_MODULES = /(?:^|[\\/])node_modules[\\/]/;
/** How far an `extends` chain is followed (cycles end there too). */
const MAX_EXTENDS = 8;

/** True for tsconfig/jsconfig files outside node_modules: their `paths` and `baseUrl` decide where imports go. */
export function isTsConfigFile(path: string): boolean {
  return CONFIG_FILE.test(path) && !IN_NODE_MODULES.test(path);
}

/** The path mapping of the config governing `fromPath` (the nearest tsconfig.json, else jsconfig.json, above it); undefined without one. */
export function pathMappingFor(fromPath: string, files: ConfigFiles): PathMapping | undefined {
  for (let dir = dirname(fromPath); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const config = joinPath(dir, name);
      if (files.fileExists(config)) return mappingOf(config, files);
    }
    if (dir === '/' || dir === '.' || dirname(dir) === dir) return undefined;
  }
}

/**
 * True when the config governing `fromPath` makes relative imports spell their extension: `moduleResolution`
 * (or, without one, `module`) `node16`/`nodenext` — there `import … from './x'` does not compile, `./x.js` does.
 */
export function requiresImportExtensions(fromPath: string, files: ConfigFiles): boolean {
  for (let dir = dirname(fromPath); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const config = joinPath(dir, name);
      if (!files.fileExists(config)) continue;
      const chain = configChain(config, files);
      const setting = (key: string): string | undefined => {
        for (const { options } of chain) if (typeof options[key] === 'string') return (options[key] as string).toLowerCase();
        return undefined;
      };
      const resolution = setting('moduleResolution') ?? setting('module');
      return resolution === 'node16' || resolution === 'nodenext';
    }
    if (dir === '/' || dir === '.' || dirname(dir) === dir) return false;
  }
}

/**
 * Where a bare `specifier` may be, per `mapping`, in TypeScript's order: the targets of the best `paths`
 * pattern (an exact pattern, else the wildcard pattern with the longest prefix), then `baseUrl/specifier`.
 * Each is a path to try as a file or directory.
 */
export function mappedCandidates(specifier: string, mapping: PathMapping): string[] {
  const out: string[] = [];
  let best: { readonly targets: readonly string[]; readonly star: string } | undefined;
  let bestPrefix = -1;
  for (const { pattern, targets } of mapping.paths) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) {
        best = { targets, star: '' };
        break;
      }
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix) && prefix.length > bestPrefix) {
      best = { targets, star: specifier.slice(prefix.length, specifier.length - suffix.length) };
      bestPrefix = prefix.length;
    }
  }
  if (best) for (const target of best.targets) out.push(target.replace('*', best.star));
  if (mapping.baseUrl !== undefined) out.push(joinPath(mapping.baseUrl, specifier));
  return out;
}

/** Parsed config files by path, kept while their text is the same (a handful per workspace). */
const PARSED = new Map<string, { readonly text: string; readonly json: Record<string, unknown> | undefined }>();
const MAX_PARSED = 64;

function parsedConfig(path: string, files: ConfigFiles): Record<string, unknown> | undefined {
  const text = files.fileText(path);
  if (text === undefined) return undefined;
  const cached = PARSED.get(path);
  if (cached && cached.text === text) return cached.json;
  const json = parseJsonc(text);
  if (PARSED.size >= MAX_PARSED) PARSED.delete(PARSED.keys().next().value as string);
  PARSED.set(path, { text, json });
  return json;
}

function mappingOf(config: string, files: ConfigFiles): PathMapping | undefined {
  const chain = configChain(config, files);
  let paths: PathMapping['paths'] | undefined;
  let baseUrl: string | undefined;
  // Nearest first: the first config in the chain that sets an option decides it.
  for (const { path, options } of chain) {
    if (baseUrl === undefined && typeof options.baseUrl === 'string') baseUrl = resolvePath(dirname(path), options.baseUrl);
  }
  for (const { path, options } of chain) {
    const raw = options.paths;
    if (paths !== undefined || typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    // Targets are relative to `baseUrl` when one is set, else to the config that wrote the `paths`.
    const base = baseUrl ?? dirname(path);
    paths = Object.entries(raw as Record<string, unknown>)
      .filter(([pattern]) => (pattern.match(/\*/g)?.length ?? 0) <= 1)
      .map(([pattern, targets]) => ({
        pattern,
        targets: (Array.isArray(targets) ? targets : []).filter((t): t is string => typeof t === 'string' && (t.match(/\*/g)?.length ?? 0) <= 1).map((t) => resolvePath(base, t)),
      }));
  }
  return paths === undefined && baseUrl === undefined ? undefined : { paths: paths ?? [], ...(baseUrl !== undefined ? { baseUrl } : {}) };
}

/** The config and the configs it extends (relative `extends` only: a package's shared config sets no paths of this project), nearest first. */
function configChain(config: string, files: ConfigFiles): { readonly path: string; readonly options: Record<string, unknown> }[] {
  const chain: { path: string; options: Record<string, unknown> }[] = [];
  const pending = [config];
  const seen = new Set<string>();
  while (pending.length > 0 && chain.length < MAX_EXTENDS) {
    const path = pending.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const json = parsedConfig(path, files);
    if (!json) continue;
    const options = json.compilerOptions;
    chain.push({ path, options: typeof options === 'object' && options !== null && !Array.isArray(options) ? (options as Record<string, unknown>) : {} });
    const extended = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    // TypeScript 5's array form: later entries override earlier ones, so the last is nearest.
    for (const target of [...extended].reverse()) {
      if (typeof target !== 'string' || !(target.startsWith('./') || target.startsWith('../'))) continue;
      const resolved = resolvePath(dirname(path), target);
      pending.push(files.fileExists(resolved) || !files.fileExists(`${resolved}.json`) ? resolved : `${resolved}.json`);
    }
  }
  return chain;
}

// The configuration side of `wasm-safety check` and `wasm-safety baseline`: which config file applies
// to each file (the nearest `wasm-safety.json` up to the file's project root, or the one `--config`
// names), the file's LintSettings (plain data, so it can travel to a worker thread), ignored paths,
// and the post-lint baseline step (main thread): baselined findings are marked
// `suppression: { kind: 'external' }` (or kept visible with `baseline.show` / `--no-baseline`), stale
// entries become a notice, and `baseline create|prune` collect what they write.

import * as path from 'node:path';
import {
  type BaselineKey, CONFIG_FILE_NAME, type ConfigFile, createBaseline, DEFAULT_BASELINE_FILE_NAME, dirname, type Finding, findingCodeHash,
  globMatcher, type LintSettings, matchBaseline, mergeLintSettings, type PathMatcher, resolvePath,
  type RuleMeta, type Baseline, pruneBaseline,
} from '../analysis/index';
import { ConfigFiles, type LoadedBaseline } from '../host/config-files';
import { projectRootOf, toWorkspacePath } from '../host/disk-workspace';
import { displayPath, type ReportNotice } from './report';

/** What the run does with the baseline: apply it (check), ignore it (--no-baseline), or collect findings for `baseline create|prune`. */
export type BaselineMode = 'apply' | 'ignore' | 'collect';

export interface CheckConfigurationOptions {
  readonly cwd: string;
  readonly rules: readonly RuleMeta[];
  /** `--config <file>`: this file for every checked file instead of the nearest one. */
  readonly configFile?: string;
  /** `--baseline <file>`: this baseline for every checked file instead of the config's. */
  readonly baselineFile?: string;
  readonly baselineMode?: BaselineMode;
}

/** Findings collected per baseline file by `collect` mode. */
export interface CollectedBaseline {
  readonly file: LoadedBaseline;
  readonly keys: BaselineKey[];
}

export class CheckConfiguration {
  private readonly files: ConfigFiles;
  private readonly override: ConfigFile | undefined;
  private readonly projectRoots = new Map<string, string>();
  private readonly settingsCache = new Map<string, LintSettings>();
  private readonly ignoreMatchers = new Map<string, PathMatcher>();
  private readonly usedConfigs = new Set<ConfigFile>();
  readonly collected = new Map<string, CollectedBaseline>();

  constructor(private readonly options: CheckConfigurationOptions) {
    this.files = new ConfigFiles(options.rules);
    this.override = options.configFile === undefined ? undefined : this.files.load(path.resolve(options.cwd, options.configFile));
  }

  get baselineMode(): BaselineMode {
    return this.options.baselineMode ?? 'apply';
  }

  /** The config file that applies to `file` (absolute workspace path), if any. */
  configFor(file: string): ConfigFile | undefined {
    const config = this.override ?? this.files.nearest(file, this.projectRootOf(dirname(file)));
    if (config) this.usedConfigs.add(config);
    return config;
  }

  /** The file's settings: defaults overridden by its config file. */
  settingsFor(file: string): LintSettings {
    const config = this.configFor(file);
    const key = config?.path ?? '';
    let settings = this.settingsCache.get(key);
    if (!settings) {
      settings = mergeLintSettings([config?.layer]);
      this.settingsCache.set(key, settings);
    }
    return settings;
  }

  /**
   * Read and parse limits for a whole run over `folders`: the most generous of their configs, since the
   * scan and the Workspace are shared (the Linter still applies each file's own maxFileSize).
   */
  runLimits(folders: readonly string[]): { maxFileBytes: number; parseBudgetMs: number } {
    const all = (folders.length > 0 ? folders : [toWorkspacePath(this.options.cwd)]).map((dir) => this.settingsFor(`${dir}/${CONFIG_FILE_NAME}`).analysis);
    return { maxFileBytes: Math.max(...all.map((s) => s.maxFileSize)), parseBudgetMs: Math.max(...all.map((s) => s.parseBudgetMs)) };
  }

  /** True for files the config's `ignore` globs exclude: never linted or reported. */
  isIgnored(file: string): boolean {
    const config = this.configFor(file);
    if (!config || config.ignore.length === 0) return false;
    let matcher = this.ignoreMatchers.get(config.path);
    if (!matcher) {
      matcher = globMatcher(config.ignore);
      this.ignoreMatchers.set(config.path, matcher);
    }
    return matcher(file);
  }

  /** Problems in the config files used so far (call after linting), as warnings. */
  notices(): ReportNotice[] {
    const out: ReportNotice[] = [];
    const configs = [...this.usedConfigs];
    if (this.override && !configs.includes(this.override)) configs.push(this.override);
    for (const config of configs.sort((a, b) => (a.path < b.path ? -1 : 1))) {
      for (const problem of config.problems) {
        out.push({
          level: 'warning', path: displayPath(this.options.cwd, config.path), absolutePath: config.path,
          message: `${problem.position ? `line ${problem.position.line}, column ${problem.position.column}: ` : ''}${problem.key ? `${problem.key}: ` : ''}${problem.message}`,
        });
      }
    }
    return out;
  }

  /** The absolute path of the baseline file for `file`: `--baseline`, else its config's, else ./wasm-safety-baseline.json. */
  baselineFileFor(file: string): string {
    if (this.options.baselineFile !== undefined) return toWorkspacePath(path.resolve(this.options.cwd, this.options.baselineFile));
    return this.configFor(file)?.baseline.file ?? toWorkspacePath(path.resolve(this.options.cwd, DEFAULT_BASELINE_FILE_NAME));
  }

  /**
   * The post-lint baseline step over every finding of the run (main thread). `apply`: baselined
   * findings get `suppression: external` unless the config says `baseline.show`; stale entries among
   * the checked files (`inScope`) become an info notice. `collect`: records each finding's key for
   * `baseline create|prune` and returns the findings unchanged.
   */
  applyBaseline(findings: readonly Finding[], textOf: (file: string) => string | undefined, inScope: (file: string) => boolean): { findings: Finding[]; notices: ReportNotice[] } {
    if (this.baselineMode === 'ignore') return { findings: [...findings], notices: [] };
    const groups = new Map<string, { indexes: number[]; keys: BaselineKey[] }>();
    findings.forEach((finding, index) => {
      if (this.baselineMode === 'apply' && this.options.baselineFile === undefined && this.configFor(finding.path)?.baseline.show) return;
      const file = this.baselineFileFor(finding.path);
      const group = groups.get(file) ?? { indexes: [], keys: [] };
      group.indexes.push(index);
      group.keys.push({ ruleId: finding.ruleId, path: finding.path, hash: findingCodeHash(textOf(finding.path) ?? '', finding.range) });
      groups.set(file, group);
    });

    if (this.baselineMode === 'collect') {
      for (const file of this.knownBaselineFiles()) if (!groups.has(file)) groups.set(file, { indexes: [], keys: [] });
      for (const [file, group] of groups) this.collected.set(file, { file: this.files.baseline(file), keys: group.keys });
      return { findings: [...findings], notices: [] };
    }

    const out = [...findings];
    const notices: ReportNotice[] = [];
    // Baselines that exist but matched nothing in this run can still have stale entries for checked files.
    for (const file of this.knownBaselineFiles()) if (!groups.has(file)) groups.set(file, { indexes: [], keys: [] });
    for (const [file, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const loaded = this.files.baseline(file);
      const shown = displayPath(this.options.cwd, loaded.path);
      for (const problem of loaded.problems) notices.push({ level: 'warning', path: shown, absolutePath: loaded.path, message: problem });
      if (!loaded.exists) continue;
      const baselineDir = dirname(loaded.path);
      const match = matchBaseline(loaded.baseline, baselineDir, group.keys, inScope);
      match.baselined.forEach((baselined, i) => {
        if (!baselined) return;
        const index = group.indexes[i];
        out[index] = { ...out[index], suppression: { kind: 'external', justification: `baselined in ${shown}` } };
      });
      if (match.stale.length > 0) {
        const count = match.stale.reduce((n, e) => n + e.count, 0);
        const examples = match.stale.slice(0, 3).map((e) => `${e.rule} in ${e.path}`).join(', ');
        notices.push({
          level: 'info', path: shown, absolutePath: loaded.path,
          message: `${count} baselined finding${count === 1 ? ' is' : 's are'} no longer reported (${examples}${match.stale.length > 3 ? ', …' : ''}); run \`wasm-safety baseline prune\` to remove ${count === 1 ? 'it' : 'them'}`,
        });
      }
    }
    return { findings: out, notices };
  }

  /** Baseline files named by the configs used (or --baseline), so their stale entries are found even when nothing matched. */
  private knownBaselineFiles(): string[] {
    if (this.options.baselineFile !== undefined) return [toWorkspacePath(path.resolve(this.options.cwd, this.options.baselineFile))];
    const files = new Set<string>();
    for (const config of this.usedConfigs) if (!config.baseline.show) files.add(config.baseline.file);
    return [...files];
  }

  private projectRootOf(dir: string): string {
    let root = this.projectRoots.get(dir);
    if (root === undefined) {
      root = toWorkspacePath(projectRootOf(dir));
      this.projectRoots.set(dir, root);
    }
    return root;
  }
}

/**
 * `baseline create`: each baseline file with its entries for the checked files (`inScope`) replaced by
 * the collected findings; entries for files outside the checked paths are kept.
 */
export function createdBaselines(collected: ReadonlyMap<string, CollectedBaseline>, inScope: (file: string) => boolean): Map<string, Baseline> {
  const out = new Map<string, Baseline>();
  for (const [file, { file: loaded, keys }] of collected) {
    const dir = dirname(file);
    const fresh = createBaseline(keys, dir);
    const kept = loaded.baseline.entries.filter((e) => !inScope(resolvePath(dir, e.path)));
    out.set(file, { version: fresh.version, entries: [...kept, ...fresh.entries] });
  }
  return out;
}

/** `baseline prune`: each existing baseline without its entries that no longer match a checked file. */
export function prunedBaselines(collected: ReadonlyMap<string, CollectedBaseline>, inScope: (file: string) => boolean): Map<string, { baseline: Baseline; removed: number; existed: boolean }> {
  const out = new Map<string, { baseline: Baseline; removed: number; existed: boolean }>();
  for (const [file, { file: loaded, keys }] of collected) {
    out.set(file, { ...pruneBaseline(loaded.baseline, dirname(file), keys, inScope), existed: loaded.exists });
  }
  return out;
}

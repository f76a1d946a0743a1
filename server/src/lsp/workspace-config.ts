// The config files and baselines as the language server sees them: a file's settings are its nearest
// `wasm-safety.json` (searched up to its workspace folder, so each folder of a multi-root workspace and
// each nested crate gets its own) overridden by the editor settings the user set explicitly; files the
// config ignores are not reported; findings the baseline accepts are marked like in `check`. Everything
// is cached until a config or baseline file changes (`changed()`, from file events). Problems in a
// config file go to the output channel and, as warnings, onto the file itself.

import {
  basename, CONFIG_FILE_NAME, type ConfigFile, type ConfigProblem, DEFAULT_BASELINE_FILE_NAME, dirname, type Finding, findingCodeHash,
  formatConfigProblem, globMatcher, isWithin, matchBaseline, mergeLintSettings, type PathMatcher, type RuleMeta,
} from '../analysis/index';
import { ConfigFiles } from '../host/config-files';
import { projectRootOf } from '../host/disk-workspace';
import { isUntitledPath, type ServerSettings } from './from-lsp';
import type { ServerLog } from './log';

export class WorkspaceConfig {
  private readonly files: ConfigFiles;
  private readonly ignoreMatchers = new Map<string, PathMatcher>();
  private readonly reported = new Set<string>();
  /** Config files whose problems are shown as diagnostics (cleared when config files change). */
  private readonly withProblems = new Set<string>();
  private currentGeneration = 0;

  /**
   * `showProblems(path, problems)` publishes a config file's problems on that file (an empty list
   * clears them), so mistakes show in the Problems view with their line and column.
   */
  constructor(
    rules: readonly RuleMeta[],
    private readonly folders: () => readonly string[],
    private readonly log: ServerLog,
    private readonly showProblems: (configPath: string, problems: readonly ConfigProblem[]) => void,
  ) {
    this.files = new ConfigFiles(rules);
  }

  /** Bumped on every config or baseline change (part of the session revision). */
  get generation(): number {
    return this.currentGeneration;
  }

  /** The config file for `path`: the nearest one up to its innermost workspace folder (else its project root). */
  configFor(path: string): ConfigFile | undefined {
    if (isUntitledPath(path)) return undefined;
    let folder: string | undefined;
    for (const f of this.folders()) if (isWithin(f, path) && (!folder || f.length > folder.length)) folder = f;
    const config = this.files.nearest(path, folder ?? projectRootOf(dirname(path)));
    if (config) this.reportProblems(config);
    return config;
  }

  /** The editor settings for `path` with its config file underneath: explicit editor values win. */
  settingsFor(path: string, editor: ServerSettings): ServerSettings {
    const config = this.configFor(path);
    if (!config) return editor;
    return {
      ...editor,
      enable: editor.enable && !this.isIgnored(config, path),
      lint: mergeLintSettings([config.layer, editor.editorLayer]),
    };
  }

  /** Marks the findings of `path` that its baseline accepts (`suppression: external`), as `check` does. */
  markBaselined(path: string, findings: readonly Finding[], text: string): Finding[] {
    const config = this.configFor(path);
    const baselineFile = config ? config.baseline : undefined;
    if (findings.length === 0 || !baselineFile || baselineFile.show) return [...findings];
    const loaded = this.files.baseline(baselineFile.file);
    for (const problem of loaded.problems) this.log.once('warn', `baseline:${loaded.path}:${problem}`, `${loaded.path}: ${problem}`);
    if (!loaded.exists || loaded.baseline.entries.length === 0) return [...findings];
    const keys = findings.map((f) => ({ ruleId: f.ruleId, path: f.path, hash: findingCodeHash(text, f.range) }));
    const { baselined } = matchBaseline(loaded.baseline, dirname(loaded.path), keys, (p) => p === path);
    const justification = `baselined in ${basename(loaded.path)}`;
    return findings.map((f, i) => (baselined[i] ? { ...f, suppression: { kind: 'external', justification } } : f));
  }

  /** True for files whose change means settings or baselines must be re-read. */
  isConfigRelated(path: string): boolean {
    const name = basename(path);
    return name === CONFIG_FILE_NAME || name === DEFAULT_BASELINE_FILE_NAME || /^wasm-safety.*\.json$/.test(name);
  }

  /** A config or baseline file was created, changed or deleted: forget everything read. */
  changed(): void {
    this.currentGeneration++;
    // Cleared now; whatever is still wrong is shown again when the file is read for the next lint.
    for (const configPath of this.withProblems) this.showProblems(configPath, []);
    this.withProblems.clear();
    this.files.forget();
    this.ignoreMatchers.clear();
    this.reported.clear();
  }

  private isIgnored(config: ConfigFile, path: string): boolean {
    if (config.ignore.length === 0) return false;
    let matcher = this.ignoreMatchers.get(config.path);
    if (!matcher) {
      matcher = globMatcher(config.ignore);
      this.ignoreMatchers.set(config.path, matcher);
    }
    return matcher(path);
  }

  /** Config problems go to the output channel once per config version. */
  private reportProblems(config: ConfigFile): void {
    if (this.reported.has(config.path)) return;
    this.reported.add(config.path);
    for (const problem of config.problems) this.log.warn(`wasm-safety config: ${formatConfigProblem(problem)}`);
    if (config.problems.length > 0) {
      this.withProblems.add(config.path);
      this.showProblems(config.path, config.problems);
    }
  }
}

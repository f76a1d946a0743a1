// Finds and reads the configuration files (`wasm-safety.json`) and baseline files on disk for the CLI
// and the server. The nearest config file applies to a file: the search walks up from the file's
// folder and stops at a boundary (the workspace folder in the editor, the project root in the CLI), so
// multi-root workspaces and nested crates each get their own. Config files do not cascade: the nearest
// one is the whole configuration. Parsing and validation are pure (analysis/config/); this module only
// does the I/O and caches results until `forget()` (the server calls it when a config file changes).

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type Baseline, BASELINE_VERSION, CONFIG_FILE_NAME, type ConfigFile, dirname, isWithin, parseBaseline, parseConfigFile,
  type RuleMeta, serializeBaseline,
} from '../analysis/index';
import { toWorkspacePath } from './disk-workspace';

/** Config files larger than this are not read (a config is a few hundred bytes). */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedBaseline {
  /** Absolute '/'-separated path of the baseline file. */
  readonly path: string;
  readonly baseline: Baseline;
  /** False when the file does not exist (an empty baseline). */
  readonly exists: boolean;
  readonly problems: readonly string[];
}

function readText(file: string): { text?: string; error?: string } {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { error: 'not a file' };
    if (stat.size > MAX_CONFIG_BYTES) return { error: `${stat.size} bytes is over the ${MAX_CONFIG_BYTES}-byte limit for configuration files` };
    return { text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'does not exist' : `cannot read (${code ?? String(e)})` };
  }
}

export class ConfigFiles {
  /** Folder → the config file in it (absolute path), or null when it has none. */
  private readonly presence = new Map<string, string | null>();
  private readonly parsed = new Map<string, ConfigFile>();
  private readonly baselines = new Map<string, LoadedBaseline>();

  constructor(private readonly rules: readonly RuleMeta[]) {}

  /**
   * The config file that applies to `file` (absolute): the nearest `wasm-safety.json` in its folder or
   * a folder above, up to and including `boundary`; without a boundary, up to the file system root.
   */
  nearest(file: string, boundary: string | undefined): ConfigFile | undefined {
    const stop = boundary === undefined ? undefined : toWorkspacePath(boundary);
    let dir = dirname(toWorkspacePath(file));
    if (stop !== undefined && !isWithin(stop, dir)) return undefined;
    for (;;) {
      const found = this.configIn(dir);
      if (found) return this.load(found);
      if (dir === stop) return undefined;
      const parent = dirname(dir);
      if (parent === dir || parent === '.') return undefined;
      dir = parent;
    }
  }

  /** The config file at `file` (absolute), read and parsed once; a missing or unreadable file is a problem in the result. */
  load(file: string): ConfigFile {
    const configPath = toWorkspacePath(path.resolve(file));
    let config = this.parsed.get(configPath);
    if (!config) {
      const { text, error } = readText(configPath);
      config = text !== undefined
        ? parseConfigFile(configPath, text, this.rules)
        : { ...parseConfigFile(configPath, '{}', this.rules), problems: [{ source: configPath, message: `${error}; using the defaults` }] };
      this.parsed.set(configPath, config);
    }
    return config;
  }

  /** The baseline file at `file` (absolute); a missing file is an empty baseline, not a problem. */
  baseline(file: string): LoadedBaseline {
    const baselinePath = toWorkspacePath(path.resolve(file));
    let loaded = this.baselines.get(baselinePath);
    if (!loaded) {
      const { text, error } = readText(baselinePath);
      if (text !== undefined) {
        const { baseline, problems } = parseBaseline(text);
        loaded = { path: baselinePath, baseline, exists: true, problems };
      } else {
        loaded = { path: baselinePath, baseline: { version: BASELINE_VERSION, entries: [] }, exists: false, problems: error === 'does not exist' ? [] : [`${error}; no finding is baselined`] };
      }
      this.baselines.set(baselinePath, loaded);
    }
    return loaded;
  }

  /** Drops every cached answer (a config or baseline file was created, changed or deleted). */
  forget(): void {
    this.presence.clear();
    this.parsed.clear();
    this.baselines.clear();
  }

  private configIn(dir: string): string | undefined {
    let known = this.presence.get(dir);
    if (known === undefined) {
      const candidate = dir === '/' ? `/${CONFIG_FILE_NAME}` : `${dir}/${CONFIG_FILE_NAME}`;
      known = fs.existsSync(candidate) ? candidate : null;
      this.presence.set(dir, known);
    }
    return known ?? undefined;
  }
}

/** Writes a baseline file (stable, sorted text), creating its folder. */
export function writeBaselineFile(file: string, baseline: Baseline): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeBaseline(baseline));
}

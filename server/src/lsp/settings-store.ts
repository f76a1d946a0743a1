// Per-resource `wasmSafety` settings: pulled with `workspace/configuration` (scoped to a document or
// workspace folder URI), cached per scope, dropped on `workspace/didChangeConfiguration`. A client
// that cannot answer configuration requests gets the settings it pushed with didChangeConfiguration,
// else the defaults. What the client sends counts as set explicitly and overrides wasm-safety.json
// (Session.settingsFor layers the config file underneath; the VS Code client leaves defaults out).

import type { Connection } from 'vscode-languageserver';
import type { RuleMeta } from '../analysis/index';
import { DEFAULT_SERVER_SETTINGS, serverSettings, type ServerSettings } from './from-lsp';
import type { ServerLog } from './log';

export const SETTINGS_SECTION = 'wasmSafety';

export class SettingsStore {
  private readonly pending = new Map<string, Promise<ServerSettings>>();
  private readonly resolved = new Map<string, ServerSettings>();
  private pushed: ServerSettings | undefined;
  /** Bumped on every change, so caches built from settings can tell they are outdated. */
  private currentGeneration = 0;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
    private readonly rules: readonly RuleMeta[],
    private readonly log: ServerLog,
  ) {}

  get generation(): number {
    return this.currentGeneration;
  }

  /** The settings for a document or folder URI (undefined: the global scope). */
  get(scopeUri: string | undefined): Promise<ServerSettings> {
    const key = scopeUri ?? '';
    let settings = this.pending.get(key);
    if (!settings) {
      settings = this.fetch(scopeUri);
      this.pending.set(key, settings);
      const generation = this.currentGeneration;
      void settings.then((s) => {
        if (generation === this.currentGeneration) this.resolved.set(key, s);
      });
    }
    return settings;
  }

  /** The settings already known for a scope, without asking the client (for decisions that cannot wait). */
  peek(scopeUri: string | undefined): ServerSettings {
    return this.resolved.get(scopeUri ?? '') ?? this.pushed ?? DEFAULT_SERVER_SETTINGS;
  }

  /** Called for `workspace/didChangeConfiguration`; `pushedSettings` is that notification's `settings`. */
  changed(pushedSettings: unknown): void {
    this.currentGeneration++;
    this.pending.clear();
    this.resolved.clear();
    const section = typeof pushedSettings === 'object' && pushedSettings !== null ? (pushedSettings as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
    this.pushed = section === undefined ? undefined : this.read(section);
  }

  private async fetch(scopeUri: string | undefined): Promise<ServerSettings> {
    if (!this.canPull) return this.pushed ?? DEFAULT_SERVER_SETTINGS;
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION });
      return this.read(raw);
    } catch (e) {
      this.log.once('warn', 'settings-request-failed', `could not read the ${SETTINGS_SECTION} settings (${e instanceof Error ? e.message : String(e)}); using defaults`);
      return this.pushed ?? DEFAULT_SERVER_SETTINGS;
    }
  }

  private read(raw: unknown): ServerSettings {
    return serverSettings(raw, this.rules, (message) => this.log.once('warn', `settings:${message}`, message));
  }
}

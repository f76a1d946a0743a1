// The workspace model shared by the server and the CLI: the texts of every relevant file, the parsed
// trees of open documents, and the cached indexes derived from them (crates and build modes, the Rust
// export index per crate, wasm-bindgen glue modules, TS bindings). Hosts feed it text; it does no I/O.
//
// Invariants: a file's summaries are recomputed only when its text changes; crate and glue-module
// caches are dropped when a config file or a file that can be glue changes; a ParsedDocument is owned
// here (kept for open documents, created and deleted around each use otherwise — in scans, a summary's
// tree may wait, within a budget, for the lint of the same text: keepSummaryTrees).

import type { LanguageId, Notice } from '../model';
import { type Grammars, languageOfPath } from '../parsing/grammars';
import { unbudgeted } from '../parsing/budget';
import { ParsedDocument, ParseTimeoutError } from '../parsing/parsed-document';
import { globMatcher, type PathMatcher } from '../text/glob';
import { dirname, isWithin, normalizePath } from '../text/paths';
import { composeChanges, fitsLengths, type TextChange } from '../text/text-change';
import { discoverCrates, isCrateConfigFile } from './crate-config';
import type { WorkspaceQueries } from './file-context';
import { mayHaveSummaryItems, recordIndexSources, summarizeRustFile, type UnitSummaryCache } from './rust-summary';
import { declaredStaticNames, possiblyMutatingMentions } from '../rust/exclusive-access';
import { declaredResultAliases, declaredSpawnWrappers } from '../rust/syntax';
import { affectsWasmModules, extractTsImports, indexPackagesByName, type RawTsImports, recogniseWasmModule, resolveTsBindings } from './ts-summary';
import type { CrateIndex, CrateInfo, RustFileSummary, TsFileSummary, WasmModule } from './types';

interface FileEntry {
  /** Undefined for paths known only to exist (binary files such as `*_bg.wasm`). */
  text: string | undefined;
  readonly language: LanguageId | undefined;
  /** Present while the file is open in an editor: re-parsed incrementally when next used after a change. */
  doc: ParsedDocument | undefined;
  /** `doc` is behind `text`: updated lazily, so a burst of edits costs one incremental parse. */
  docStale: boolean;
  /** While `docStale`: where `text` differs from the document's text, when every edit since said so. */
  pendingChange?: TextChange;
  rustSummary: RustFileSummary | undefined;
  /** Open documents: the per-unit summaries of the last summarised version (an edit re-walks only changed units). */
  rustUnitSummaries?: UnitSummaryCache;
  tsImports: RawTsImports | undefined;
  tsSummary: { readonly generation: number; readonly summary: TsFileSummary } | undefined;
  /** Rust files: the SCREAMING_CASE names its text declares with `static` (rust/exclusive-access.ts), computed on first use. */
  staticNames?: readonly string[];
  /** Rust files: which of the crate's static names (`candidates`, joined) its text may borrow mutably, computed on first use. */
  mutatingMentions?: { readonly candidates: string; readonly names: ReadonlySet<string> };
  /** Rust files: the `Result` aliases its text declares (rust/syntax.ts `declaredResultAliases`), computed on first use. */
  resultAliases?: readonly [string, string][];
  /** Rust files: its functions that hand their future to `spawn_local` (`declaredSpawnWrappers`), computed on first use. */
  spawnWrappers?: readonly string[];
}

export interface WorkspaceOptions {
  /** Workspace folders (absolute paths). */
  readonly roots: readonly string[];
  readonly parseBudgetMs?: number;
}

interface CrateCache {
  readonly crates: CrateInfo[];
  readonly notices: Notice[];
  readonly crateOfPath: Map<string, CrateInfo | null>;
  rustFilesByCrate: Map<string, string[]> | undefined;
}

export class Workspace implements WorkspaceQueries {
  private currentRoots: readonly string[];
  private readonly files = new Map<string, FileEntry>();
  /** Bumped whenever the set of files, a config file or a possible glue file changes. */
  private structureGeneration = 0;
  /**
   * The crates, and (filled as asked) the crate of each path and the Rust files of each crate: dropped
   * together when config files or the set of files change.
   */
  private crateCache: CrateCache | undefined;
  private readonly crateIndexCache = new Map<string, CrateIndex>();
  private readonly wasmModuleCache = new Map<string, WasmModule | null>();
  private packageNameIndex: Map<string, string[]> | undefined;
  private wasmBuildPackageDirs: string[] | undefined;
  /** Temporary documents of the withDocument calls in progress (owned by those calls). */
  private readonly activeDocuments = new Map<string, ParsedDocument>();
  /** Trees a summary parsed, kept for the lint that follows (see keepSummaryTrees); owned here. */
  private spareTrees: { readonly budgetChars: number; usedChars: number; readonly docs: Map<string, ParsedDocument> } | undefined;
  /** `bindingModules` globs in effect (see setBindingModules), as a sorted key and a matcher. */
  private bindingModulesKey = '';
  private bindingModuleMatcher: PathMatcher = () => false;

  constructor(private readonly grammars: Grammars, private readonly options: WorkspaceOptions) {
    this.currentRoots = options.roots.map(normalizePath);
  }

  /** The workspace folders (absolute, normalised). */
  get roots(): readonly string[] {
    return this.currentRoots;
  }

  /**
   * Replaces the workspace folders (the editor added or removed one). Rules that place crates within
   * their folder read the roots, so everything derived from the set of files is dropped too.
   */
  setRoots(roots: readonly string[]): void {
    this.currentRoots = roots.map(normalizePath);
    this.structureChanged();
  }

  /**
   * Adds or replaces a file's text. `keepTree` keeps its parse tree for incremental re-parsing (open
   * documents). `change`: where `text` differs from `previousText`, when the editor said so — used only
   * if `previousText` is the text this file has (so a wrong hint cannot corrupt the tree).
   */
  setFile(rawPath: string, text: string, keepTree = false, change?: TextChange & { readonly previousText: string }): void {
    const path = normalizePath(rawPath);
    const existing = this.files.get(path);
    if (existing && existing.text === text && (existing.doc !== undefined) === keepTree) return;
    const entry: FileEntry = existing ?? {
      text: undefined, language: languageOfPath(path), doc: undefined, docStale: false,
      rustSummary: undefined, tsImports: undefined, tsSummary: undefined,
    };
    if (!existing) this.structureChanged();
    entry.text = text;
    let parseFailure: unknown;
    if (keepTree && entry.language) {
      // An open document's tree is brought up to date when it is next used (currentDocument): edits
      // that arrive while the server is busy are parsed once, as one combined edit.
      if (entry.doc) {
        const known = change !== undefined && existing !== undefined && existing.text === change.previousText
          && fitsLengths(change, change.previousText.length, text.length);
        const pending = !known ? undefined : entry.docStale ? entry.pendingChange && composeChanges(entry.pendingChange, change) : change;
        entry.docStale = entry.doc.text !== text;
        entry.pendingChange = entry.docStale && pending ? { start: pending.start, oldEnd: pending.oldEnd, newEnd: pending.newEnd } : undefined;
      } else {
        try {
          entry.doc = new ParsedDocument(this.grammars, entry.language, text, { budgetMs: this.options.parseBudgetMs });
        } catch (e) {
          // A first parse past its budget: keep no tree, but still record the text (the Linter's own
          // parse reports the timeout as a notice).
          if (!(e instanceof ParseTimeoutError)) parseFailure = e;
        }
      }
    } else if (entry.doc) {
      entry.doc.dispose();
      entry.doc = undefined;
      entry.docStale = false;
      entry.rustUnitSummaries = undefined;
    }
    this.invalidate(path, entry);
    this.files.set(path, entry);
    if (parseFailure !== undefined) throw parseFailure;
  }

  /** Records that a file exists without reading it (e.g. `foo_bg.wasm` next to glue). */
  addPath(rawPath: string): void {
    const path = normalizePath(rawPath);
    if (this.files.has(path)) return;
    this.files.set(path, { text: undefined, language: undefined, doc: undefined, docStale: false, rustSummary: undefined, tsImports: undefined, tsSummary: undefined });
    this.structureChanged();
  }

  /** Drops the kept parse tree of a document that was closed; its text stays indexed. */
  releaseTree(rawPath: string): void {
    const entry = this.files.get(normalizePath(rawPath));
    entry?.doc?.dispose();
    if (entry) {
      entry.doc = undefined;
      entry.docStale = false;
      entry.rustUnitSummaries = undefined;
    }
  }

  removeFile(rawPath: string): void {
    const path = normalizePath(rawPath);
    const entry = this.files.get(path);
    if (!entry) return;
    entry.doc?.dispose();
    this.files.delete(path);
    this.invalidate(path, entry);
    this.structureChanged();
  }

  /** Paths of every known file (with or without text), sorted. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** Paths of every file with text that the linter analyses (Rust, TS, TSX, JS). */
  lintablePaths(): string[] {
    const out: string[] = [];
    for (const [path, entry] of this.files) if (entry.language && entry.text !== undefined) out.push(path);
    return out.sort();
  }

  /** The language of a lintable file with text, else undefined. */
  languageOf(rawPath: string): LanguageId | undefined {
    const entry = this.files.get(normalizePath(rawPath));
    return entry?.text !== undefined ? entry.language : undefined;
  }

  hasTree(rawPath: string): boolean {
    return this.files.get(normalizePath(rawPath))?.doc !== undefined;
  }

  /**
   * Runs `use` with the file's parsed document: the kept one, or a temporary one deleted afterwards.
   * Nested calls for the same file (the Linter's run asking for that file's own summary) share the
   * temporary document, so a file is parsed once per lint, not once per question.
   */
  withDocument<T>(rawPath: string, use: (doc: ParsedDocument) => T): T {
    return this.useDocument(normalizePath(rawPath), use, false);
  }

  /**
   * `offerAsSpare`: a temporary document parsed here may be kept for the file's next use (the summary's
   * parse, handed to the lint: keepSummaryTrees) instead of being deleted.
   */
  private useDocument<T>(path: string, use: (doc: ParsedDocument) => T, offerAsSpare: boolean): T {
    const entry = this.files.get(path);
    if (!entry || entry.text === undefined || !entry.language) throw new Error(`not a lintable file: ${path}`);
    const kept = this.currentDocument(entry);
    if (kept) return use(kept);
    const active = this.activeDocuments.get(path);
    if (active) return use(active);
    const spare = this.takeSpareTree(path);
    const doc = spare ?? new ParsedDocument(this.grammars, entry.language, entry.text, { budgetMs: this.options.parseBudgetMs });
    this.activeDocuments.set(path, doc);
    let keep = false;
    try {
      const result = use(doc);
      keep = offerAsSpare && spare === undefined;
      return result;
    } finally {
      this.activeDocuments.delete(path);
      if (!keep || !this.keepSpareTree(path, doc)) doc.dispose();
    }
  }

  /**
   * Scans only (the CLI and its lint workers): from now on, trees parsed for a Rust file's summary are
   * kept, up to `budgetChars` characters of source (oldest dropped first), and the file's next use
   * takes its tree instead of parsing again. A scan summarises a crate's files when it lints the first
   * of them, then lints them in the same order: without this, every file that has a summary is parsed
   * twice. A tree costs about 45 bytes of memory per character of source, hence the budget.
   * `keepSummaryTrees(0)` deletes what is left and stops keeping. Texts that change drop their tree.
   */
  keepSummaryTrees(budgetChars: number): void {
    if (this.spareTrees) for (const doc of this.spareTrees.docs.values()) doc.dispose();
    this.spareTrees = budgetChars > 0 ? { budgetChars, usedChars: 0, docs: new Map() } : undefined;
  }

  /** The files whose summary's tree is kept, oldest first (for tests and diagnostics). */
  keptSummaryTrees(): string[] {
    return [...(this.spareTrees?.docs.keys() ?? [])];
  }

  private takeSpareTree(path: string): ParsedDocument | undefined {
    const spares = this.spareTrees;
    const doc = spares?.docs.get(path);
    if (!spares || !doc) return undefined;
    spares.docs.delete(path);
    spares.usedChars -= doc.text.length;
    return doc;
  }

  /** False when `doc` is not kept (no budget, or larger than the whole budget): the caller deletes it. */
  private keepSpareTree(path: string, doc: ParsedDocument): boolean {
    const spares = this.spareTrees;
    if (!spares || doc.text.length > spares.budgetChars) return false;
    for (const [oldest, old] of spares.docs) {
      if (spares.usedChars + doc.text.length <= spares.budgetChars) break;
      spares.docs.delete(oldest);
      spares.usedChars -= old.text.length;
      old.dispose();
    }
    spares.docs.set(path, doc);
    spares.usedChars += doc.text.length;
    return true;
  }

  /** The kept document of an open file, re-parsed first if edits arrived since its last use. */
  private currentDocument(entry: FileEntry): ParsedDocument | undefined {
    if (!entry.doc || !entry.docStale || entry.text === undefined) return entry.doc;
    entry.docStale = false;
    const change = entry.pendingChange;
    entry.pendingChange = undefined;
    try {
      entry.doc.update(entry.text, change);
    } catch (e) {
      // A re-parse past its budget leaves the old tree edited but not re-parsed: drop it rather than
      // keep a tree that no longer matches any text (the next edit starts a fresh one).
      entry.doc.dispose();
      entry.doc = undefined;
      throw e;
    }
    return entry.doc;
  }

  dispose(): void {
    this.keepSummaryTrees(0);
    for (const entry of this.files.values()) entry.doc?.dispose();
    this.files.clear();
  }

  // ---- WorkspaceQueries -------------------------------------------------------------------------

  fileExists(path: string): boolean {
    return this.files.has(normalizePath(path));
  }

  fileText(path: string): string | undefined {
    return this.files.get(normalizePath(path))?.text;
  }

  crates(): readonly CrateInfo[] {
    return this.crateState().crates;
  }

  /** Warnings about the analysis itself (e.g. a Cargo.toml that does not parse). */
  notices(): readonly Notice[] {
    return this.crateState().notices;
  }

  crateOf(rawPath: string): CrateInfo | undefined {
    const path = normalizePath(rawPath);
    const state = this.crateState();
    // Cached: building a crate's index asks this of every file, for every crate.
    const known = state.crateOfPath.get(path);
    if (known !== undefined) return known ?? undefined;
    let best: CrateInfo | undefined;
    for (const crate of state.crates) {
      if (isWithin(crate.root, path) && (!best || crate.root.length > best.root.length)) best = crate;
    }
    state.crateOfPath.set(path, best ?? null);
    return best;
  }

  crateIndex(crateRoot: string | undefined): CrateIndex {
    const key = crateRoot ?? '';
    const cached = this.crateIndexCache.get(key);
    if (cached) return cached;
    const state = this.crateState();
    const crate = crateRoot === undefined ? undefined : state.crates.find((c) => c.root === crateRoot);
    // Files grouped once for all crates: asking every file's crate for each crate grows with crates × files.
    state.rustFilesByCrate ??= this.groupRustFilesByCrate();
    // Shared and cached: outside the per-file analysis budget (parsing/budget.ts).
    const index = unbudgeted(() => {
      const summaries: RustFileSummary[] = [];
      const paths = state.rustFilesByCrate?.get(key) ?? [];
      for (const path of paths) {
        const summary = this.rustSummary(path);
        if (summary) summaries.push(summary);
      }
      // Every Rust file, not only those with a summary: a helper module may declare a cell, or borrow one mutably.
      const texts = paths.map((path) => this.files.get(path)).filter((entry): entry is FileEntry & { text: string } => entry?.text !== undefined);
      const candidates = [...new Set(texts.flatMap((entry) => (entry.staticNames ??= declaredStaticNames(entry.text))))].sort();
      const candidateKey = candidates.join(' ');
      const onlyShared = new Set(candidates);
      for (const entry of texts) {
        if (entry.mutatingMentions?.candidates !== candidateKey) entry.mutatingMentions = { candidates: candidateKey, names: possiblyMutatingMentions(entry.text, candidates) };
        for (const name of entry.mutatingMentions.names) onlyShared.delete(name);
      }
      // `type Result<T> = std::result::Result<T, JsValue>;` anywhere in the crate: one error type per name
      // (a name declared with two different error types, in two modules, is left out).
      const resultAliases = new Map<string, string>();
      const conflicting = new Set<string>();
      for (const entry of texts) {
        for (const [name, error] of (entry.resultAliases ??= declaredResultAliases(entry.text))) {
          const known = resultAliases.get(name);
          if (known !== undefined && known !== error) conflicting.add(name);
          else resultAliases.set(name, error);
        }
      }
      for (const name of conflicting) resultAliases.delete(name);
      const spawnWrappers = new Set(texts.flatMap((entry) => (entry.spawnWrappers ??= declaredSpawnWrappers(entry.text))));
      return mergeRustSummaries(crate, summaries, onlyShared, resultAliases, spawnWrappers);
    });
    this.crateIndexCache.set(key, index);
    return index;
  }

  /** The Rust files of each crate (key: its root, '' for files in none), in the order the files were added. */
  private groupRustFilesByCrate(): Map<string, string[]> {
    const byCrate = new Map<string, string[]>();
    for (const [path, entry] of this.files) {
      if (entry.language !== 'rust') continue;
      const key = this.crateOf(path)?.root ?? '';
      let list = byCrate.get(key);
      if (!list) byCrate.set(key, (list = []));
      list.push(path);
    }
    return byCrate;
  }

  rustSummary(rawPath: string): RustFileSummary | undefined {
    const path = normalizePath(rawPath);
    const entry = this.files.get(path);
    if (!entry || entry.language !== 'rust' || entry.text === undefined) return undefined;
    entry.rustSummary ??= mayHaveSummaryItems(entry.text)
      ? unbudgeted(() => this.useDocument(path, (doc) => {
        if (!entry.doc) return summarizeRustFile(path, doc.tree.rootNode, doc.text);
        const next: UnitSummaryCache = new Map();
        const summary = summarizeRustFile(path, doc.tree.rootNode, doc.text, { previous: entry.rustUnitSummaries, next, source: doc });
        entry.rustUnitSummaries = next;
        return summary;
      }, true))
      : emptyRustSummary(path);
    return entry.rustSummary;
  }

  /** The Rust summaries computed so far (plain data, e.g. to hand to lint workers). */
  computedRustSummaries(): RustFileSummary[] {
    const out: RustFileSummary[] = [];
    for (const entry of this.files.values()) if (entry.rustSummary) out.push(entry.rustSummary);
    return out;
  }

  /**
   * Installs a summary computed elsewhere (a lint worker's index phase) for a file whose text is
   * loaded here. Ignored when the path is unknown or not Rust; the next text change drops it as usual.
   */
  adoptRustSummary(summary: RustFileSummary): void {
    const entry = this.files.get(normalizePath(summary.path));
    if (entry && entry.language === 'rust' && entry.text !== undefined && !entry.rustSummary) entry.rustSummary = summary;
  }

  tsSummary(rawPath: string): TsFileSummary | undefined {
    const path = normalizePath(rawPath);
    const entry = this.files.get(path);
    if (!entry || !entry.language || entry.language === 'rust' || entry.text === undefined) return undefined;
    if (entry.tsSummary?.generation === this.structureGeneration) return entry.tsSummary.summary;
    entry.tsImports ??= unbudgeted(() => this.withDocument(path, (doc) => extractTsImports(path, doc.tree.rootNode, doc.text)));
    const summary = unbudgeted(() => resolveTsBindings(entry.tsImports!, this));
    entry.tsSummary = { generation: this.structureGeneration, summary };
    return summary;
  }

  /**
   * The configured binding modules (absolute globs, AnalysisSettings.bindingModules) that glue
   * recognition accepts without glue markers. The Linter sets them from each file's settings before
   * linting it; a change drops the glue-module cache and re-resolves TS bindings (no-op when equal).
   */
  setBindingModules(patterns: readonly string[]): void {
    const key = [...new Set(patterns)].sort().join('\u0000');
    if (key === this.bindingModulesKey) return;
    this.bindingModulesKey = key;
    this.bindingModuleMatcher = globMatcher(key === '' ? [] : key.split('\u0000'));
    this.wasmModuleCache.clear();
    this.structureGeneration++;
  }

  isConfiguredBindingModule(path: string): boolean {
    return this.bindingModuleMatcher(path);
  }

  wasmModule(rawPath: string): WasmModule | undefined {
    const path = normalizePath(rawPath);
    const cached = this.wasmModuleCache.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const module = unbudgeted(() => recogniseWasmModule(path, this, this.crateState().crates));
    this.wasmModuleCache.set(path, module ?? null);
    return module;
  }

  /** Directories of workspace package.json files whose scripts run wasm-pack or wasm-bindgen (ts/unbuilt-glue.ts). */
  wasmBuildPackages(): readonly string[] {
    this.wasmBuildPackageDirs ??= [...this.files]
      .filter(([path, entry]) => entry.text !== undefined && (path === 'package.json' || path.endsWith('/package.json'))
        && !path.includes('/node_modules/') && /\bwasm-(?:pack|bindgen)\b/.test(entry.text))
      .map(([path]) => dirname(path))
      .sort();
    return this.wasmBuildPackageDirs;
  }

  /** Directories of workspace packages whose package.json `name` is `name` (bare-specifier resolution, §B3). */
  packagesNamed(name: string): readonly string[] {
    this.packageNameIndex ??= indexPackagesByName([...this.files].map(([path, entry]) => [path, entry.text] as const));
    return this.packageNameIndex.get(name) ?? [];
  }

  // ---- cache maintenance -------------------------------------------------------------------------

  private crateState(): CrateCache {
    if (!this.crateCache) {
      const configs = new Map<string, string>();
      for (const [path, entry] of this.files) if (entry.text !== undefined && isCrateConfigFile(path)) configs.set(path, entry.text);
      this.crateCache = { ...discoverCrates(configs), crateOfPath: new Map(), rustFilesByCrate: undefined };
    }
    return this.crateCache;
  }

  private invalidate(path: string, entry: FileEntry): void {
    this.takeSpareTree(path)?.dispose();
    entry.rustSummary = undefined;
    entry.staticNames = undefined;
    entry.mutatingMentions = undefined;
    entry.resultAliases = undefined;
    entry.spawnWrappers = undefined;
    entry.tsImports = undefined;
    entry.tsSummary = undefined;
    if (entry.language === 'rust') {
      this.crateIndexCache.clear();
      this.dropModulesDerivedFromRust();
    }
    if (isCrateConfigFile(path)) {
      this.crateCache = undefined;
      this.crateIndexCache.clear();
      this.structureChanged();
    }
    if (affectsWasmModules(path)) this.structureChanged();
  }

  /**
   * Unbuilt glue takes its exports from the Rust index (ts/unbuilt-glue.ts): after a Rust change those
   * modules are recognised again, and TS summaries re-resolved so binding kinds follow.
   */
  private dropModulesDerivedFromRust(): void {
    let dropped = false;
    for (const [path, module] of this.wasmModuleCache) {
      if (!module?.unbuilt) continue;
      this.wasmModuleCache.delete(path);
      dropped = true;
    }
    if (dropped) this.structureGeneration++;
  }

  private structureChanged(): void {
    this.structureGeneration++;
    this.wasmModuleCache.clear();
    this.packageNameIndex = undefined;
    this.wasmBuildPackageDirs = undefined;
    this.crateIndexCache.clear();
    this.crateCache = undefined;
  }
}

function mergeRustSummaries(
  crate: CrateInfo | undefined, summaries: readonly RustFileSummary[], onlySharedGlobals: ReadonlySet<string>, resultAliases: ReadonlyMap<string, string>,
  spawnWrappers: ReadonlySet<string>,
): CrateIndex {
  const imports = new Map<string, CrateIndex['imports'] extends ReadonlyMap<string, infer V> ? V : never>();
  const structs = new Map<string, CrateIndex['structs'] extends ReadonlyMap<string, infer V> ? V : never>();
  const stateRoots = new Map<string, CrateIndex['stateRoots'] extends ReadonlyMap<string, infer V> ? V : never>();
  const exports: CrateIndex['exports'][number][] = [];
  const startFunctions: CrateIndex['startFunctions'][number][] = [];
  const setOnAbortCalls: CrateIndex['setOnAbortCalls'][number][] = [];
  let usesScheduleReinit = false;
  for (const s of [...summaries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    exports.push(...s.exports);
    startFunctions.push(...s.startFunctions);
    for (const i of s.imports) if (!imports.has(i.name)) imports.set(i.name, i);
    for (const st of s.structs) if (!structs.has(st.name)) structs.set(st.name, st);
    for (const r of s.stateRoots) if (!stateRoots.has(r.name)) stateRoots.set(r.name, r);
    for (const c of s.setOnAbortCalls) setOnAbortCalls.push({ path: s.path, ...c });
    usesScheduleReinit ||= s.usesScheduleReinit;
  }
  const index: CrateIndex = {
    crate, files: summaries.map((s) => s.path), exports, imports, structs, stateRoots, startFunctions, setOnAbortCalls, usesScheduleReinit, onlySharedGlobals,
    resultAliases,
    spawnWrappers,
  };
  const extra = `${[...onlySharedGlobals].sort().join(' ')}\u0003${JSON.stringify([...resultAliases].sort())}\u0003${[...spawnWrappers].sort().join(' ')}`;
  recordIndexSources(index, crate, index.files, [...summaries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), extra);
  return index;
}


function emptyRustSummary(path: string): RustFileSummary {
  return { path, exports: [], imports: [], structs: [], stateRoots: [], startFunctions: [], setOnAbortCalls: [], usesScheduleReinit: false };
}

// The workspace model's data: crates and their build modes, the Rust export/import/state index
// (catalog §B1), and the TS-side view of wasm-bindgen glue modules and the identifiers bound to them
// (catalog §B3, §A10). Plain data: paths are absolute and '/'-separated, ranges are UTF-16 offsets.

import type { TextRange } from '../model';

/** Catalog §A1: what a panic does at the export boundary. */
export type BuildMode = 'abort' | 'abort+handler' | 'unwind';

export interface CrateInfo {
  /** Directory that holds Cargo.toml. */
  readonly root: string;
  readonly manifestPath: string;
  /** `[package] name` (or the directory name when missing). */
  readonly name: string;
  /** `[lib] name`, else the package name with '-' replaced by '_' (what wasm-pack names the glue after). */
  readonly libName: string;
  readonly buildMode: BuildMode;
  /** Where the build mode came from, for messages: e.g. "`-Cpanic=unwind` in .cargo/config.toml". */
  readonly buildModeReason: string;
  /** True when `+ - *` are panic points (dev profile default; `overflow-checks` in [profile.release]). */
  readonly overflowChecks: boolean;
  /** The locked wasm-bindgen version (nearest Cargo.lock), else the Cargo.toml requirement as written. */
  readonly wasmBindgenVersion?: string;
  /** False when the crate depends on wasm-bindgen with `default-features = false` (no std: no PanicError). */
  readonly wasmBindgenStd: boolean;
  /** True when the crate depends on wasm-bindgen at all (directly or as a workspace dependency). */
  readonly usesWasmBindgen: boolean;
  /** Where the build-mode configuration lives, for findings about it (the manifest by default). */
  readonly configPath: string;
  /** Whether wasmBindgenVersion is the locked version or the Cargo.toml requirement. */
  readonly wasmBindgenVersionSource?: 'Cargo.lock' | 'Cargo.toml';
  /** Directory of the `[workspace]` manifest this crate is a member of (profiles come from there). */
  readonly workspaceRoot?: string;
  /** What build-mode detection saw (§A11), for rules about the configuration itself (C09). */
  readonly buildEvidence?: BuildModeEvidence;
  /**
   * Directories of the crate's path dependencies (`x = { path = "../x" }`, also through
   * `[workspace.dependencies]`): their `#[wasm_bindgen]` items are linked into this crate's module too.
   */
  readonly pathDependencies?: readonly string[];
}

/** One setting that build-mode detection read, for messages and for findings placed on it. */
export interface ConfigSetting {
  /** The setting as shown to users, e.g. "`-Cpanic=unwind`" or "`build-std = [\"std\", \"panic_unwind\"]`". */
  readonly text: string;
  /** The file that holds it. */
  readonly path: string;
  /** Where it is, relative to the crate: ".cargo/config.toml", "package.json script `build`". */
  readonly where: string;
}

/** Catalog §A11 inputs as found for one crate (every field is evidence, not the verdict: see buildMode). */
export interface BuildModeEvidence {
  /** The cargo profile the build uses: `release` (wasm-pack's default) unless a build script says otherwise. */
  readonly profile: string;
  /** The panic strategy rustflags or the profile ask for, before the build-std and `std` checks. */
  readonly requestedPanic: 'abort' | 'unwind' | 'immediate-abort';
  /** Where requestedPanic is set; absent for the target default. */
  readonly panicSetting?: ConfigSetting;
  /** `[profile.<name>] panic` as written, even when rustflags override it or it has no effect. */
  readonly profilePanic?: ConfigSetting & { readonly value: string };
  /** build-std in effect; `includesPanicUnwind` follows cargo (`std` brings `panic_unwind`). */
  readonly buildStd?: ConfigSetting & { readonly crates: readonly string[]; readonly includesPanicUnwind: boolean };
  /** Config-file rustflags asking for unwind that a higher-precedence source (e.g. `RUSTFLAGS=` in a script) discards. */
  readonly discardedRustflags?: ConfigSetting & { readonly discardedBy: ConfigSetting };
  /** The wasm-bindgen invocation that enables the abort handler (`--force-enable-abort-handler`, worker-build). */
  readonly abortHandler?: ConfigSetting;
  /** The wasm-bindgen invocation emits `__wbg_reset_state` (`--experimental-reset-state-function`, worker-build). */
  readonly resetStateFunction?: ConfigSetting;
  /** The build command that was read (package.json script or wrangler `[build] command`). */
  readonly buildScript?: ConfigSetting;
  /** Toolchain: `cargo +x` / `rustup run x` in the build command, else the `rust-toolchain(.toml)` channel. */
  readonly toolchain?: string;
}

export type Receiver = 'none' | '&self' | '&mut self' | 'self';

export interface RustExport {
  /** Rust identifier. */
  readonly name: string;
  /** Name JS sees: `js_name` if given, else the Rust identifier (wasm-bindgen does not camelCase). */
  readonly jsName: string;
  readonly path: string;
  /** Range of the function name. */
  readonly nameRange: TextRange;
  /** Range of the whole function item. */
  readonly range: TextRange;
  readonly receiver: Receiver;
  readonly isAsync: boolean;
  /** Set for methods: the `impl` type (Rust) and the JS class name (`js_class` or the type). */
  readonly implType?: string;
  readonly jsClass?: string;
  readonly isConstructor: boolean;
  readonly params: readonly { readonly name: string; readonly type: string }[];
  readonly returnType?: string;
  readonly isStart: boolean;
  /**
   * `#[wasm_bindgen(getter)]`/`(setter)` methods: a JS property, not a method. `property` is the name JS
   * sees (`getter = x`/`setter = x`, else `js_name`, else the identifier; setters drop a `set_` prefix).
   */
  readonly accessor?: { readonly kind: 'getter' | 'setter'; readonly property: string };
}

export interface RustImport {
  readonly name: string;
  readonly jsName?: string;
  readonly path: string;
  readonly nameRange: TextRange;
  /** `catch`: the import returns `Result` and JS exceptions become `Err` instead of unwinding. */
  readonly catch: boolean;
  readonly method: boolean;
  readonly jsNamespace?: string;
  readonly module?: string;
  readonly returnType?: string;
  /** `static_method_of = Class`: called as `Class::name(..)`. */
  readonly staticMethodOf?: string;
  /** `constructor`: runs `new Class(..)` in JS. */
  readonly isConstructor?: boolean;
  /** `getter`/`setter` (and indexing variants): a property access rather than a call. */
  readonly isGetter?: boolean;
  readonly isSetter?: boolean;
  /** For `method` imports: the type of the `this` parameter (`Element` for `this: &Element`). */
  readonly selfType?: string;
  /** For imports from an `inline_js` block: the source of the JS function, when it could be found. */
  readonly inlineJs?: string;
}

export interface RustStruct {
  readonly name: string;
  readonly jsName: string;
  readonly path: string;
  readonly nameRange: TextRange;
  /** `jsReadonly`: a `pub` field marked `#[wasm_bindgen(readonly)]` (JS gets a getter but no setter). */
  readonly fields: readonly { readonly name: string; readonly type: string; readonly isPub: boolean; readonly range: TextRange; readonly jsReadonly?: boolean }[];
}

export type StateRootKind = 'static' | 'static mut' | 'thread_local' | 'lazy_static' | 'struct_field';

export interface StateRoot {
  readonly name: string;
  readonly kind: StateRootKind;
  /** Type text as written, e.g. `RefCell<Store>`. */
  readonly type: string;
  /** Initialiser text when known (`RefCell::new(..)`), for lazy initialisers (U03). */
  readonly init?: string;
  readonly path: string;
  readonly nameRange: TextRange;
  /** For `struct_field`: the owning struct. */
  readonly owner?: string;
}

/** Everything §B1 needs from one Rust file; cached per file text and merged per crate. */
export interface RustFileSummary {
  readonly path: string;
  readonly exports: readonly RustExport[];
  readonly imports: readonly RustImport[];
  readonly structs: readonly RustStruct[];
  readonly stateRoots: readonly StateRoot[];
  /** `#[wasm_bindgen(start)]` functions (also listed in exports with isStart). */
  readonly startFunctions: readonly RustExport[];
  /** Ranges of `set_on_abort(` calls, and whether each is inside a start function. */
  readonly setOnAbortCalls: readonly { readonly range: TextRange; readonly inStart: boolean }[];
  readonly usesScheduleReinit: boolean;
}

/** §B1 for a whole crate: the union of its files' summaries. */
export interface CrateIndex {
  readonly crate: CrateInfo | undefined;
  readonly files: readonly string[];
  readonly exports: readonly RustExport[];
  readonly imports: ReadonlyMap<string, RustImport>;
  readonly structs: ReadonlyMap<string, RustStruct>;
  readonly stateRoots: ReadonlyMap<string, StateRoot>;
  readonly startFunctions: readonly RustExport[];
  readonly setOnAbortCalls: readonly { readonly path: string; readonly range: TextRange; readonly inStart: boolean }[];
  readonly usesScheduleReinit: boolean;
  /**
   * The SCREAMING_CASE names some Rust file of the crate (summarised or not) declares with `static` and
   * no file mentions in a way that may borrow a cell of that name mutably (rust/exclusive-access.ts);
   * undefined: unknown (assume any name may be borrowed mutably).
   */
  readonly onlySharedGlobals?: ReadonlySet<string>;
  /** `Result` aliases the crate's Rust files declare (`type Result<T> = Result<T, JsValue>`): name → error type as written. */
  readonly resultAliases?: ReadonlyMap<string, string>;
  /** Names of the crate's functions that hand their future to `spawn_local` (rust/syntax.ts `declaredSpawnWrappers`). */
  readonly spawnWrappers?: ReadonlySet<string>;
}

export type WasmExportKind = 'function' | 'class' | 'unknown';

export interface WasmModuleExport {
  readonly name: string;
  readonly kind: WasmExportKind;
  /** Functions: the `.d.ts` return type starts with `Promise<`. */
  readonly isAsync: boolean;
  /** Functions: the `.d.ts` return type text (a class name ⇒ the result is a WASM_INSTANCE, §B3). */
  readonly returnType?: string;
  /** Classes: method name → async-ness (from the `.d.ts`). */
  readonly methods?: ReadonlyMap<string, { readonly isAsync: boolean; readonly isStatic: boolean; readonly returnType?: string }>;
}

/** A module recognised as wasm-bindgen output (§A10). */
export interface WasmModule {
  /** The resolved glue entry (`pkg/foo.js`), or the `.d.ts` when only that exists. */
  readonly path: string;
  /** Why we think it is glue, for messages ("sibling foo_bg.wasm"). */
  readonly evidence: string;
  /** Exports known from the `.d.ts`/glue; empty when nothing could be read. */
  readonly exports: ReadonlyMap<string, WasmModuleExport>;
  /** Build mode read from glue markers (`class PanicError`, `__wbg_call_guard` …), when the glue is present. */
  readonly glueBuildMode?: BuildMode;
  /** The Rust crate that produced it (joined by lib name, §B4), when it is in the workspace. */
  readonly crateRoot?: string;
  /** Path-dependency crates whose `#[wasm_bindgen]` items are linked into it too (unbuilt glue: ts/unbuilt-glue.ts). */
  readonly linkedCrateRoots?: readonly string[];
  /**
   * True for the output of a crate that is not built in the workspace (wasm-pack's `pkg/` is usually not
   * committed): `path` is where the glue would be and `exports` come from the crate's Rust export index.
   */
  readonly unbuilt?: boolean;
}

export type WasmBindingKind = 'init' | 'namespace' | 'function' | 'class' | 'unknown';

/** An identifier in a TS/JS file bound to a wasm module (§B3 WASM_BINDINGS). */
export interface WasmBinding {
  readonly localName: string;
  /** `default`, `*`, or the exported name. */
  readonly importedName: string;
  readonly kind: WasmBindingKind;
  readonly modulePath: string;
  readonly range: TextRange;
}

export interface TsFileSummary {
  readonly path: string;
  /** Local identifier → binding. */
  readonly bindings: ReadonlyMap<string, WasmBinding>;
  /**
   * Glue classes and namespaces imported only as types (`import type { C }`, `import { type C }`): they
   * type annotations of objects created elsewhere, and are never calls. Local identifier → binding.
   */
  readonly typeBindings?: ReadonlyMap<string, WasmBinding>;
  /** Import specifiers of this file, resolved to absolute paths where they are relative. */
  readonly importSpecifiers: readonly { readonly specifier: string; readonly resolved?: string; readonly range: TextRange }[];
}

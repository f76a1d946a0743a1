// The failure-class inventory (`wasm-safety report`, the seed's "Phase 1, measurement"): plain data
// describing, for a workspace, each crate's build mode and abort handling, each wasm-bindgen export's
// shape and risk points, each TS call site into wasm and what its failure handling does, and the
// findings per family and rule. Serialisable as is (the CLI's JSON output is this, with relative paths).

import type { Family, Severity } from '../model';
import type { BuildMode } from '../workspace/types';

/** A place in a file: absolute '/'-separated path, 1-based line and column (UTF-16 code units). */
export interface InventoryLocation {
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** How a crate recovers from an abort (catalog §A9), as far as its source and build configuration show. */
export interface AbortHandling {
  /** `wasm_bindgen::handler::set_on_abort(..)` calls; `inStart` when inside the `#[wasm_bindgen(start)]` function. */
  readonly setOnAbort: readonly (InventoryLocation & { readonly inStart: boolean })[];
  /** `schedule_reinit()` is called somewhere in the crate. */
  readonly scheduleReinit: boolean;
  /** The build enables the abort handler (`--force-enable-abort-handler`, worker-build): the setting as written. */
  readonly abortHandlerFlag?: string;
  /** The build emits `__wbg_reset_state` (`--experimental-reset-state-function`): the setting as written. */
  readonly resetStateFunction?: string;
  /** Panic hooks installed (`std::panic::set_hook`, `console_error_panic_hook::set_once`): report, do not recover. */
  readonly panicHooks: readonly (InventoryLocation & { readonly call: string })[];
  /** One-word summary: `reinit` (set_on_abort + schedule_reinit, or a reset-state function), `handler` (set_on_abort without reinit), `hook-only`, `none`. */
  readonly verdict: 'reinit' | 'handler' | 'hook-only' | 'none';
}

export interface CrateInventory {
  readonly name: string;
  /** Absolute folder holding Cargo.toml. */
  readonly root: string;
  readonly buildMode: BuildMode;
  /** Where the build mode comes from ("default for wasm32", "`-Cpanic=unwind` in .cargo/config.toml"). */
  readonly buildModeReason: string;
  readonly wasmBindgenVersion?: string;
  readonly usesWasmBindgen: boolean;
  readonly abortHandling: AbortHandling;
  /** Statics, `static mut`, `thread_local!` and `lazy_static!` values: state that outlives a call. */
  readonly globalState: readonly { readonly name: string; readonly kind: string; readonly type: string }[];
  readonly exportCount: number;
}

/** `free` function, `static` method (no receiver), `constructor`, `&self`, `&mut self`, `self` (consumes the object), `start`. */
export type ExportReceiver = 'free' | 'static' | 'constructor' | '&self' | '&mut self' | 'self' | 'start';

export interface PanicPointEntry extends InventoryLocation {
  /** `macro`, `unwrap`, `index`, `division`, `overflow`, `throw`, `foreign` … (rust/panic-points.ts PanicKind). */
  readonly kind: string;
  /** `panic` (a Rust panic), `throw` (a JS exception thrown by Rust), `foreign` (a JS import that can throw). */
  readonly failure: string;
  readonly display: string;
}

export interface StateTouched {
  /** How the code names it: `STORE`, `self.items`, `COUNTER`. */
  readonly name: string;
  /** `static`, `thread_local`, `static mut`, `lazy_static`, `struct_field`, `shared_local` … */
  readonly kind: string;
  /** `borrow` (guard taken), `borrow_mut`, `write` (assigned or mutated), `read`. The strongest access wins. */
  readonly access: 'read' | 'borrow' | 'borrow_mut' | 'write';
}

export interface JsCallWhileBorrowed extends InventoryLocation {
  /** The call (`on_change(..)`, `cb.call1(..)`) or `.await`. */
  readonly call: string;
  /** What is borrowed: a state name, or `self` (wasm-bindgen borrows the exported object for the whole call). */
  readonly borrowed: string;
  readonly mode: 'shared' | 'mutable';
}

export interface ExportInventory extends InventoryLocation {
  /** Crate root, when the file belongs to a crate. */
  readonly crate?: string;
  /** Rust name; methods as `Type::name`. */
  readonly name: string;
  /** What JS calls: `jsName`, `Class.method`, `new Class`, `Class.prop` (accessors). */
  readonly jsName: string;
  readonly receiver: ExportReceiver;
  readonly isAsync: boolean;
  readonly accessor?: 'getter' | 'setter';
  readonly panicPoints: readonly PanicPointEntry[];
  readonly state: readonly StateTouched[];
  readonly jsCallsWhileBorrowed: readonly JsCallWhileBorrowed[];
}

/**
 * What happens to a failure of one call into wasm, from the call's point of view:
 * `classifies` — a handler looks at the failure class (PanicError / RuntimeError / a classifier);
 * `rethrows` — every handler path rethrows (the caller decides); `wraps` — rethrown as a new error that
 * drops the original; `swallows` — handled like any error, the program carries on; `propagates` — no
 * handler in this function (the caller's problem); `unobserved` — an async call whose promise nobody
 * awaits or handles; `top-level` — module code with no handler (an uncaught error).
 */
export type CallSiteHandling = 'classifies' | 'rethrows' | 'wraps' | 'swallows' | 'propagates' | 'unobserved' | 'top-level';

export interface CallSiteInventory extends InventoryLocation {
  /** The callee as written (`parse`, `wasm.parse`, `parser.feed`, `new Parser`). */
  readonly callee: string;
  /** `function`, `namespace`, `constructor`, `static`, `method`. */
  readonly kind: string;
  readonly isAsync: boolean;
  /** The glue module (absolute path). */
  readonly module: string;
  readonly handling: CallSiteHandling;
  /** Where the handler is (the `catch` keyword, the `.catch(` call), when there is one. */
  readonly handler?: InventoryLocation;
  /** In a test file (`*.test.ts`, `__tests__/` …): counted, but not listed one by one in the Markdown. */
  readonly inTest: boolean;
}

export interface RuleTotal {
  readonly ruleId: string;
  readonly family: Family;
  /** Unsuppressed findings. */
  readonly findings: number;
  readonly suppressed: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
}

export interface FamilyTotal {
  readonly family: Family;
  readonly findings: number;
  readonly suppressed: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly rules: readonly RuleTotal[];
}

export interface Inventory {
  readonly crates: readonly CrateInventory[];
  readonly exports: readonly ExportInventory[];
  readonly callSites: readonly CallSiteInventory[];
  /** Every family, in a fixed order, with every rule that exists (zero counts included). */
  readonly totals: readonly FamilyTotal[];
  /** Files whose facts could not be collected (a parse timeout, an internal error): the inventory is partial there. */
  readonly problems: readonly { readonly path: string; readonly message: string }[];
}

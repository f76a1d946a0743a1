// Fixture for reinit-by-calling-init (C04, TS side). The support glue `../pkg/fixture_case.js` is a web
// target (default export = init, plus initSync); sections may add a glue built with
// `--experimental-reset-state-function` under `reset-pkg/` with `// @file:` blocks.
import init, { initSync, load, parse, Parser } from '../pkg/fixture_case.js';
import * as wasm from '../pkg/fixture_case.js';

// ### reported: awaiting init() in the catch of a failed export call
export async function render(src: string): Promise<string> {
  try {
    return parse(src);
  } catch (e) {
    await init();
//        ^^^^^^ reinit-by-calling-init: `init()` does not recover from a failure of `parse(…)`: wasm-bindgen's init returns the existing instance once the module is initialised, so after a panic (a `RuntimeError` in this panic=abort build) later calls keep running on the same, possibly corrupted instance; recover with `__wbg_reset_state()` (built with `--experimental-reset-state-function`), `set_on_abort(schedule_reinit)` in Rust, or a fresh Worker
    return parse(src);
  }
}

// ### reported: initSync through the namespace, in an unwind build
// @build-mode: unwind
export function feedAll(bytes: BufferSource, chunks: string[]): number {
  const p = new wasm.Parser('');
  try {
    return chunks.reduce((n, c) => n + p.feed(c), 0);
  } catch {
    wasm.initSync({ module: bytes });
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ reinit-by-calling-init
    return 0;
  }
}

// ### reported: .catch(() => init()) on an async export
export function preload(url: string): Promise<unknown> {
  return load(url).catch(() => init().then(() => load(url)));
//                             ^^^^^^ reinit-by-calling-init
}

// ### reported: a same-file recovery helper that only calls init
async function recover(): Promise<void> {
  await init();
}

export async function count(src: string): Promise<number> {
  const parser = new Parser(src);
  try {
    return parser.feed(src);
  } catch {
    await recover();
//        ^^^^^^^^^ reinit-by-calling-init
    return -1;
  }
}

// ### reported with a fix: the glue has __wbg_reset_state
// @file: reset-pkg/engine.js
// | /* @ts-self-types="./engine.d.ts" */
// | export function render() {}
// @file: reset-pkg/engine.d.ts
// | /* tslint:disable */
// | /* eslint-disable */
// | export function render(template: string): string;
// | export function __wbg_reset_state(): void;
// | export function initSync(module: { module: BufferSource }): void;
// | export default function __wbg_init(module_or_path?: unknown): Promise<unknown>;
// @file: reset-pkg/engine_bg.wasm
import initEngine, { render as renderTemplate } from '../reset-pkg/engine.js';

export async function page(t: string): Promise<string> {
  try {
    return renderTemplate(t);
  } catch {
    await initEngine();
//        ^^^^^^^^^^^^ reinit-by-calling-init [fix]
    return '';
  }
}

// ### reported without the reset fix: init's result is used (`__wbg_reset_state()` returns nothing)
// @file: reset-pkg/engine.js
// | /* @ts-self-types="./engine.d.ts" */
// | export function render() {}
// @file: reset-pkg/engine.d.ts
// | /* tslint:disable */
// | /* eslint-disable */
// | export function render(template: string): string;
// | export function __wbg_reset_state(): void;
// | export default function __wbg_init(module_or_path?: unknown): Promise<{ memory: WebAssembly.Memory }>;
// @file: reset-pkg/engine_bg.wasm
import initAgain, { render as renderAgain } from '../reset-pkg/engine.js';

let pages = 0;

export async function pageCounted(t: string): Promise<string> {
  try {
    return renderAgain(t);
  } catch {
    const exports = await initAgain();
//                        ^^^^^^^^^^^ reinit-by-calling-init
    pages = exports.memory.buffer.byteLength / 65536;
    return '';
  }
}

// ### not reported: a fallback load (the first init failed, so the second one does instantiate)
export async function boot(primary: URL, fallback: URL): Promise<void> {
  try {
    await init({ module_or_path: primary });
    parse('warm-up');
  } catch {
    await init({ module_or_path: fallback });
  }
}

// ### not reported: the catch does not call init (catch-swallows-wasm-failure's business)
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch {
    return null;
  }
}

// ### not reported: the protected code never calls wasm
export async function fetchAndInit(url: string): Promise<void> {
  try {
    await fetch(url);
  } catch {
    await init();
  }
}

// ### not reported: an un-awaited async export call cannot reach this catch
export function fire(url: string): void {
  try {
    void load(url);
  } catch {
    initSync({ module: new Uint8Array() });
  }
}

// ### not reported: the handler resets the instance
// @file: reset-pkg/engine.js
// | /* @ts-self-types="./engine.d.ts" */
// | export function render() {}
// @file: reset-pkg/engine.d.ts
// | export function render(template: string): string;
// | export function __wbg_reset_state(): void;
// | export default function __wbg_init(module_or_path?: unknown): Promise<unknown>;
// @file: reset-pkg/engine_bg.wasm
import { render as renderPage, __wbg_reset_state } from '../reset-pkg/engine.js';

export function safePage(t: string): string {
  try {
    return renderPage(t);
  } catch (e) {
    __wbg_reset_state();
    throw e;
  }
}

// ### not reported: a local function named init is not the glue's init
export function refresh(src: string): string | null {
  const init = () => console.log('reset the view');
  try {
    return parse(src);
  } catch {
    init();
    return null;
  }
}

// ### not reported: broken code does not crash the rule
export function broken(src: string) {
  try { parse(src) } catch { init(

// The benchmark's input: a deterministic, generated workspace that looks like real wasm-bindgen
// projects (several crates, each a cdylib with wasm-bindgen exports, thread-local and static state,
// RefCell borrows and calls into JS, beside plain Rust modules with no wasm-bindgen at all, as real
// crates have; plus a TypeScript app importing each crate's generated bindings). Same seed and size,
// same bytes, so figures from different runs and machines compare.
//
// Also `generateDeepFile`: one Rust file nested `levels` deep (the growth benchmark's stack test).

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CorpusOptions {
  /** Approximate bytes of Rust to write (TS and config files come on top). */
  readonly rustBytes: number;
  readonly seed?: number;
}

export interface CorpusSummary {
  /** Source files written (Rust, TS; config files not counted). */
  readonly files: number;
  /** Bytes of those source files. */
  readonly bytes: number;
}

/** mulberry32: tiny, fast, deterministic (also the edit series of server/test/incremental.test.ts). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUST_FILE_BYTES = { min: 6_000, max: 28_000 };
/** Share of Rust modules that use wasm-bindgen (the rest are plain Rust). */
const WASM_MODULE_SHARE = 0.45;
const MODULES_PER_CRATE = 24;

/** Writes the corpus into `dir` (created; must be empty or absent). */
export function generateCorpus(dir: string, options: CorpusOptions): CorpusSummary {
  const rand = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  fs.mkdirSync(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  const write = (file: string, text: string, counted: boolean): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (counted) {
      files++;
      bytes += Buffer.byteLength(text);
    }
  };

  const appImports: { crate: string; exports: string[]; classes: string[] }[] = [];
  let rustWritten = 0;
  for (let c = 0; rustWritten < options.rustBytes; c++) {
    const crate = `crate${c}`;
    const crateDir = path.join(dir, 'crates', crate);
    const unwind = c % 3 === 0;
    write(path.join(crateDir, 'Cargo.toml'), cargoToml(crate, unwind), false);
    write(path.join(crateDir, 'package.json'), JSON.stringify({
      name: `${crate}-web`, private: true,
      scripts: { build: `wasm-pack build --target web --out-dir pkg${unwind ? ' -- -Z build-std=std,panic_unwind' : ''}` },
    }, null, 2), false);
    const modules: string[] = [];
    const exports: string[] = [];
    const classes: string[] = [];
    for (let m = 0; m < MODULES_PER_CRATE && rustWritten < options.rustBytes; m++) {
      const target = RUST_FILE_BYTES.min + Math.floor(rand() * (RUST_FILE_BYTES.max - RUST_FILE_BYTES.min));
      const name = `m${m}`;
      const text = rand() < WASM_MODULE_SHARE
        ? wasmModule(`${c}_${m}`, target, rand, pick, exports, classes)
        : plainModule(`${c}_${m}`, target, rand, pick);
      modules.push(name);
      write(path.join(crateDir, 'src', `${name}.rs`), text, true);
      rustWritten += Buffer.byteLength(text);
    }
    const lib = `//! Crate ${crate}: generated benchmark input.\n\n${modules.map((m) => `pub mod ${m};`).join('\n')}\n\nuse wasm_bindgen::prelude::*;\n\n#[wasm_bindgen(start)]\npub fn start() {\n    console_error_panic_hook::set_once();\n}\n`;
    write(path.join(crateDir, 'src', 'lib.rs'), lib, true);
    rustWritten += Buffer.byteLength(lib);
    appImports.push({ crate, exports, classes });
  }

  // The app: a few TS files per crate, calling the crate's exports through its generated bindings.
  for (const { crate, exports, classes } of appImports) {
    if (exports.length === 0) continue;
    for (let f = 0; f < 3; f++) {
      write(path.join(dir, 'app', 'src', crate, `view${f}.ts`), tsModule(crate, f, exports, classes, rand, pick), true);
    }
  }
  write(path.join(dir, 'app', 'package.json'), JSON.stringify({ name: 'app', private: true }, null, 2), false);
  return { files, bytes };
}

function cargoToml(name: string, unwind: boolean): string {
  return `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[dependencies]\nwasm-bindgen = "0.2.100"\nconsole_error_panic_hook = "0.1"\n\n[profile.release]\npanic = "${unwind ? 'unwind' : 'abort'}"\n`;
}

type Rand = () => number;
type Pick = <T>(items: readonly T[]) => T;

const FIELD_TYPES = ['u32', 'u64', 'i64', 'f64', 'String', 'Vec<u32>', 'Option<String>', 'bool'];
const WORDS = ['item', 'order', 'user', 'cell', 'row', 'node', 'edge', 'page', 'token', 'entry', 'slot', 'frame'];

function wasmModule(id: string, targetBytes: number, rand: Rand, pick: Pick, exports: string[], classes: string[]): string {
  const parts: string[] = [];
  parts.push(`//! Module ${id}: exports to JS, state and callbacks.\n\nuse std::cell::RefCell;\nuse std::collections::HashMap;\nuse std::sync::Mutex;\nuse wasm_bindgen::prelude::*;\n`);
  parts.push(`#[wasm_bindgen]\nextern "C" {\n    #[wasm_bindgen(js_namespace = console)]\n    fn log(message: &str);\n    #[wasm_bindgen(js_namespace = app)]\n    fn on_change_${id}(id: u32);\n    pub type Listener${id};\n    #[wasm_bindgen(method)]\n    fn notify(this: &Listener${id}, id: u32);\n}\n`);
  parts.push(`thread_local! {\n    static STORE_${id}: RefCell<HashMap<u32, String>> = RefCell::new(HashMap::new());\n    static COUNTS_${id}: RefCell<Vec<u64>> = RefCell::new(Vec::new());\n}\n\nstatic TOTALS_${id}: Mutex<Vec<u64>> = Mutex::new(Vec::new());\n`);
  const cls = `Model${id}`;
  classes.push(cls);
  parts.push(`#[wasm_bindgen]\npub struct ${cls} {\n    items: Vec<u32>,\n    names: HashMap<u32, String>,\n    cache: RefCell<Vec<u64>>,\n    listener: Option<Listener${id}>,\n    total: u64,\n}\n\n#[wasm_bindgen]\nimpl ${cls} {\n    #[wasm_bindgen(constructor)]\n    pub fn new() -> ${cls} {\n        ${cls} { items: Vec::new(), names: HashMap::new(), cache: RefCell::new(Vec::new()), listener: None, total: 0 }\n    }\n\n    pub fn add(&mut self, value: u32) {\n        self.items.push(value);\n        self.total += value as u64;\n        if let Some(listener) = &self.listener {\n            listener.notify(value);\n        }\n    }\n\n    pub fn get(&self, index: usize) -> u32 {\n        self.items[index]\n    }\n\n    pub fn rename(&mut self, id: u32, name: String) -> Result<(), JsValue> {\n        if name.is_empty() {\n            return Err(JsValue::from_str("empty name"));\n        }\n        self.names.insert(id, name);\n        Ok(())\n    }\n\n    pub fn cached(&self) -> usize {\n        self.cache.borrow().len()\n    }\n}\n`);
  exports.push(`${cls}`);
  let size = parts.reduce((n, p) => n + p.length, 0);
  for (let k = 0; size < targetBytes; k++) {
    const word = pick(WORDS);
    const name = `${word}_${id}_${k}`;
    let text: string;
    switch (k % 6) {
      case 0:
        text = `/// Stores the ${word} and tells the page.\n#[wasm_bindgen]\npub fn set_${name}(id: u32, value: String) {\n    STORE_${id}.with(|store| {\n        let mut map = store.borrow_mut();\n        map.insert(id, value);\n        on_change_${id}(id);\n    });\n}\n`;
        exports.push(`set_${name}`);
        break;
      case 1:
        text = `#[wasm_bindgen]\npub fn get_${name}(id: u32) -> Option<String> {\n    STORE_${id}.with(|store| store.borrow().get(&id).cloned())\n}\n`;
        exports.push(`get_${name}`);
        break;
      case 2:
        text = `#[wasm_bindgen]\npub fn record_${name}(amount: u64) -> u64 {\n    let mut totals = TOTALS_${id}.lock().unwrap();\n    totals.push(amount);\n    let sum: u64 = totals.iter().sum();\n    COUNTS_${id}.with(|c| c.borrow_mut().push(sum));\n    sum\n}\n`;
        exports.push(`record_${name}`);
        break;
      case 3:
        text = `#[wasm_bindgen]\npub fn parse_${name}(input: &str) -> Result<u32, JsError> {\n    let value: u32 = input.trim().parse().map_err(|_| JsError::new("not a number"))?;\n    if value > ${Math.floor(rand() * 1000) + 10} {\n        log("large value");\n    }\n    Ok(value * 2)\n}\n`;
        exports.push(`parse_${name}`);
        break;
      default:
        text = helperFunction(name, rand, pick);
    }
    parts.push(text);
    size += text.length;
  }
  return parts.join('\n');
}

function plainModule(id: string, targetBytes: number, rand: Rand, pick: Pick): string {
  const parts: string[] = [`//! Module ${id}: plain Rust (no wasm-bindgen).\n\nuse std::collections::HashMap;\nuse std::fmt;\n`];
  let size = parts[0].length;
  for (let k = 0; size < targetBytes; k++) {
    const word = pick(WORDS);
    const ty = `${word[0].toUpperCase()}${word.slice(1)}${id}_${k}`;
    let text: string;
    if (k % 3 === 0) {
      const fields = Array.from({ length: 2 + Math.floor(rand() * 5) }, (_, i) => `    pub f${i}: ${pick(FIELD_TYPES)},`).join('\n');
      text = `#[derive(Debug, Clone, Default)]\npub struct ${ty} {\n${fields}\n}\n\nimpl ${ty} {\n    pub fn new() -> Self {\n        Self::default()\n    }\n\n    pub fn describe(&self) -> String {\n        format!("{:?}", self)\n    }\n}\n\nimpl fmt::Display for ${ty} {\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n        write!(f, "${ty}")\n    }\n}\n`;
    } else if (k % 3 === 1) {
      text = `pub enum Kind${ty} {\n    A(u32),\n    B { name: String, weight: f64 },\n    C,\n}\n\npub fn classify_${word}_${k}(kind: &Kind${ty}) -> u32 {\n    match kind {\n        Kind${ty}::A(n) if *n > 10 => n * 2,\n        Kind${ty}::A(n) => *n,\n        Kind${ty}::B { weight, .. } => *weight as u32,\n        Kind${ty}::C => 0,\n    }\n}\n`;
    } else {
      text = helperFunction(`${word}_${id}_${k}`, rand, pick);
    }
    parts.push(text);
    size += text.length;
  }
  return parts.join('\n');
}

function helperFunction(name: string, rand: Rand, pick: Pick): string {
  const n = 1 + Math.floor(rand() * 50);
  return `fn helper_${name}(values: &[u32], index: &mut HashMap<u32, usize>) -> u64 {\n    let mut sum = 0u64;\n    for (i, v) in values.iter().enumerate() {\n        if *v % ${n} == 0 {\n            sum += *v as u64;\n        } else if let Some(seen) = index.get(v) {\n            sum += (*seen as u64) * ${n};\n        } else {\n            index.insert(*v, i);\n        }\n    }\n    let names: Vec<String> = values.iter().map(|v| format!("${pick(WORDS)}-{}", v)).collect();\n    sum + names.len() as u64\n}\n`;
}

function tsModule(crate: string, f: number, exports: string[], classes: string[], rand: Rand, pick: Pick): string {
  const fns = exports.filter((e) => !classes.includes(e));
  const chosen = Array.from(new Set(Array.from({ length: Math.min(8, fns.length) }, () => pick(fns))));
  const cls = pick(classes);
  const lines: string[] = [
    `// View ${f} of ${crate}: calls the crate's exports through its generated bindings.`,
    `import init, { ${[...chosen, cls].join(', ')} } from '../../../crates/${crate}/pkg/${crate}.js';`,
    '',
    `let model: ${cls} | undefined;`,
    '',
    `export async function start${f}(): Promise<void> {`,
    '  await init();',
    `  model = new ${cls}();`,
    '}',
    '',
  ];
  chosen.forEach((fn, i) => {
    const variant = Math.floor(rand() * 3);
    const args = fn.startsWith('set_') ? `${i}, 'v${i}'` : fn.startsWith('parse_') ? `'${i}'` : `${i}`;
    if (variant === 0) {
      lines.push(`export function use${i}(): unknown {`, '  try {', `    return ${fn}(${args});`, '  } catch (e) {', `    console.warn('${fn} failed', e);`, '    return undefined;', '  }', '}', '');
    } else if (variant === 1) {
      lines.push(`export function use${i}(): unknown {`, `  return ${fn}(${args});`, '}', '');
    } else {
      lines.push(`export function use${i}(values: number[]): number {`, '  let total = 0;', '  for (const v of values) {', `    model?.add(v);`, '    total += v;', '  }', `  void ${fn}(${args});`, '  return total;', '}', '');
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A Rust file whose blocks nest `levels` deep (stack-depth test: walks must be iterative). */
export function generateDeepFile(file: string, levels: number): number {
  const text = `pub fn deep() -> u32 {\n    let x = 0;\n${'{'.repeat(levels)} x + 1 ${'}'.repeat(levels)}\n}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** One wasm-bindgen Rust module of at least `lines` lines (the edit-latency benchmark's document). */
export function largeRustModule(lines: number, seed = 1): string {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  let text = '';
  for (let target = lines * 30; ; target = Math.ceil(target * 1.1)) {
    text = wasmModule('big', target, rand, pick, [], []);
    if (text.split('\n').length >= lines) return text;
  }
}

/** One TS module of at least `lines` lines calling wasm exports (the edit-latency benchmark's TS document). */
export function largeTsModule(lines: number, importPath: string, seed = 1): string {
  const rand = random(seed);
  const fns = Array.from({ length: 40 }, (_, k) => `${['set', 'get', 'record', 'parse'][k % 4]}_${WORDS[k % WORDS.length]}_big_${k}`);
  const out: string[] = [`// Generated: calls wasm exports through the bindings in ${importPath}.`, `import init, { ${fns.join(', ')}, Modelbig } from '${importPath}';`, '', 'const model = new Modelbig();', ''];
  for (let i = 0; out.length < lines; i++) {
    const fn = fns[Math.floor(rand() * fns.length)];
    if (i % 2 === 0) out.push(`export function step${i}(): unknown {`, '  try {', `    return ${fn}(${i});`, '  } catch (e) {', `    console.warn('${fn} failed', e);`, '    return undefined;', '  }', '}', '');
    else out.push(`export async function run${i}(values: number[]): Promise<number> {`, '  await init();', '  let total = 0;', '  for (const v of values) {', '    model.add(v);', '    total += v;', '  }', `  void ${fn}(${i});`, '  return total;', '}', '');
  }
  return `${out.join('\n')}\n`;
}

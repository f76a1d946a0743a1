// Loads web-tree-sitter and the four grammars once, and hands out one reusable Parser per language.
// The host supplies the wasm bytes (from disk, from the .vsix, or over fetch in a browser), so this
// module never touches the file system. Grammar failures name the grammar that failed.

import { Language, Parser } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import { installFastTransfers } from './fast-transfer';

/** Reads a wasm file by its file name: `web-tree-sitter.wasm` or `tree-sitter-<lang>.wasm`. */
export type WasmLoader = (fileName: string) => Promise<Uint8Array>;

export const GRAMMAR_FILES: Readonly<Record<LanguageId, string>> = {
  rust: 'tree-sitter-rust.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};

export const RUNTIME_WASM_FILE = 'web-tree-sitter.wasm';

export class GrammarLoadError extends Error {
  constructor(readonly grammarFile: string, cause: unknown) {
    super(`wasm-safety: failed to load grammar ${grammarFile}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GrammarLoadError';
  }
}

let runtimeInit: Promise<void> | undefined;
let fastTransfers = false;

/** Whether the runtime's transfer buffer is read and written directly (fast-transfer.ts); for tests. */
export function runtimeUsesFastTransfers(): boolean {
  return fastTransfers;
}

/** web-tree-sitter's emscripten runtime can be initialised once per JS realm. */
function initRuntime(load: WasmLoader): Promise<void> {
  runtimeInit ??= (async () => {
    let wasmBinary: Uint8Array;
    try {
      wasmBinary = await load(RUNTIME_WASM_FILE);
    } catch (e) {
      throw new GrammarLoadError(RUNTIME_WASM_FILE, e);
    }
    // The options object becomes the runtime's module object (see fast-transfer.ts).
    const runtime = { wasmBinary };
    await Parser.init(runtime);
    fastTransfers = installFastTransfers(runtime);
  })().catch((e: unknown) => {
    runtimeInit = undefined;
    throw e;
  });
  return runtimeInit;
}

export class Grammars {
  private readonly parsers = new Map<LanguageId, Parser>();

  private constructor(private readonly languages: ReadonlyMap<LanguageId, Language>) {}

  static async load(load: WasmLoader): Promise<Grammars> {
    await initRuntime(load);
    const languages = new Map<LanguageId, Language>();
    for (const [id, file] of Object.entries(GRAMMAR_FILES) as [LanguageId, string][]) {
      try {
        languages.set(id, await Language.load(await load(file)));
      } catch (e) {
        throw new GrammarLoadError(file, e);
      }
    }
    return new Grammars(languages);
  }

  language(id: LanguageId): Language {
    const language = this.languages.get(id);
    if (!language) throw new Error(`no grammar for ${id}`);
    return language;
  }

  /** One parser per language, reused for every parse (a Parser is cheap to keep, costly to create). */
  parser(id: LanguageId): Parser {
    let parser = this.parsers.get(id);
    if (!parser) {
      parser = new Parser();
      parser.setLanguage(this.language(id));
      this.parsers.set(id, parser);
    }
    return parser;
  }

  dispose(): void {
    for (const parser of this.parsers.values()) parser.delete();
    this.parsers.clear();
  }
}

/** The language of a file from its name, or undefined for files we do not lint. */
export function languageOfPath(path: string): LanguageId | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.rs')) return 'rust';
  if (lower.endsWith('.tsx')) return 'tsx';
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return 'typescript';
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs') || lower.endsWith('.jsx')) return 'javascript';
  return undefined;
}

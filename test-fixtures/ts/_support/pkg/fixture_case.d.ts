/* tslint:disable */
/* eslint-disable */

/**
 * Incremental parser over a source text; `feed` adds input, `finish` resolves the tree.
 */
export class Parser {
    free(): void;
    [Symbol.dispose](): void;
    constructor(src: string);
    /**
     * Parses everything fed so far and resolves with the syntax tree as a JS object.
     */
    finish(): Promise<any>;
    /**
     * Adds a chunk of input and returns the number of tokens read so far.
     */
    feed(chunk: string): number;
    static with_capacity(capacity: number): Parser;
    readonly token_count: number;
}

/**
 * Fetches `url` and parses the body.
 */
export function load(url: string): Promise<any>;

/**
 * Parses `src` and returns the canonical printed form.
 */
export function parse(src: string): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_parser_free: (a: number, b: number) => void;
    readonly __wbg_get_parser_token_count: (a: number) => number;
    readonly load: (a: number, b: number) => any;
    readonly parse: (a: number, b: number) => [number, number, number, number];
    readonly parser_feed: (a: number, b: number, c: number) => number;
    readonly parser_finish: (a: number) => any;
    readonly parser_new: (a: number, b: number) => number;
    readonly parser_with_capacity: (a: number) => number;
    readonly wasm_bindgen__closure__destroy__h6f0b4e2c1a7d9e35: (a: number, b: number) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h2d4c8a1e0f3b5c71: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__h9a1e3c5b7d2f4068: (a: number, b: number, c: any, d: any) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;

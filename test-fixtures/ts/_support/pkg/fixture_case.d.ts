/* tslint:disable */
/* eslint-disable */

/**
 * A connection to a node; its async methods hold their borrow of `self` until the promise settles.
 */
export class Client {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Connects to `url` and reads the current height.
     */
    static connect(url: string): Promise<Client>;
    /**
     * Fetches new blocks and updates the local state.
     */
    sync(): Promise<void>;
    /**
     * Fetches new blocks and returns the new state (exclusive borrow across the fetch).
     */
    syncState(): Promise<any>;
    /**
     * The height as of the last sync, re-read from the node (shared borrow across the fetch).
     */
    fetchHeight(): Promise<number>;
    /**
     * The known accounts (shared borrow across the fetch).
     */
    getAccounts(): Promise<any>;
    /**
     * The node URL.
     */
    url(): string;
    /**
     * Points the client at another node.
     */
    setUrl(url: string): void;
    /**
     * Starts a balance query; the returned promise owns a copy of the URL and does not borrow `self`.
     */
    queryBalance(account: string): Promise<any>;
}

/**
 * A document that can be merged with others.
 */
export class Doc {
    free(): void;
    [Symbol.dispose](): void;
    constructor(text: string);
    /**
     * Appends the text of `other` to this document.
     */
    append(other: Doc): void;
    /**
     * True when both documents hold the same text.
     */
    equals(other: Doc): boolean;
    /**
     * A copy of this document (a new object).
     */
    clone(): Doc;
}

/**
 * A text buffer that calls JS back: listeners after each change, visitors per line.
 */
export class Editor {
    free(): void;
    [Symbol.dispose](): void;
    constructor();
    /**
     * The whole text.
     */
    text(): string;
    /**
     * Inserts `s` at the end and calls every change listener before returning (`self` stays borrowed).
     */
    insert(s: string): void;
    /**
     * Replaces the text.
     */
    setText(text: string): void;
    /**
     * Registers a listener that `insert` calls after each change.
     */
    onChange(listener: Function): void;
    /**
     * Calls `f(line)` for each line, synchronously (a shared borrow of `self` is held meanwhile).
     */
    forEachLine(f: Function): void;
    /**
     * Replaces each line with `f(line)`, synchronously (an exclusive borrow of `self` is held meanwhile).
     */
    mapLines(f: Function): void;
    /**
     * Number of lines.
     */
    readonly length: number;
}

/**
 * A 2×2 matrix without a `clone` export.
 */
export class Matrix {
    free(): void;
    [Symbol.dispose](): void;
    constructor(a: number, b: number, c: number, d: number);
    /**
     * `self = self × other`.
     */
    mulAssign(other: Matrix): void;
    /**
     * The determinant.
     */
    det(): number;
}

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
 * A line-based diff of two documents.
 */
export function diff(a: Doc, b: Doc): string;

/**
 * Fetches `url` and parses the body.
 */
export function load(url: string): Promise<any>;

/**
 * Merges `src` into `dst`.
 */
export function merge(dst: Doc, src: Doc): void;

/**
 * Parses `src` and returns the canonical printed form.
 */
export function parse(src: string): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_client_free: (a: number, b: number) => void;
    readonly __wbg_doc_free: (a: number, b: number) => void;
    readonly __wbg_editor_free: (a: number, b: number) => void;
    readonly __wbg_matrix_free: (a: number, b: number) => void;
    readonly __wbg_parser_free: (a: number, b: number) => void;
    readonly client_connect: (a: number, b: number) => any;
    readonly client_fetchHeight: (a: number) => any;
    readonly client_getAccounts: (a: number) => any;
    readonly client_setUrl: (a: number, b: number, c: number) => void;
    readonly client_sync: (a: number) => any;
    readonly client_syncState: (a: number) => any;
    readonly client_queryBalance: (a: number, b: number, c: number) => any;
    readonly client_url: (a: number) => [number, number];
    readonly diff: (a: number, b: number) => [number, number];
    readonly doc_append: (a: number, b: number) => void;
    readonly doc_clone: (a: number) => number;
    readonly doc_equals: (a: number, b: number) => number;
    readonly doc_new: (a: number, b: number) => number;
    readonly editor_forEachLine: (a: number, b: any) => void;
    readonly editor_insert: (a: number, b: number, c: number) => void;
    readonly editor_length: (a: number) => number;
    readonly editor_mapLines: (a: number, b: any) => void;
    readonly editor_new: () => number;
    readonly editor_onChange: (a: number, b: any) => void;
    readonly editor_setText: (a: number, b: number, c: number) => void;
    readonly editor_text: (a: number) => [number, number];
    readonly matrix_det: (a: number) => number;
    readonly matrix_mulAssign: (a: number, b: number) => void;
    readonly matrix_new: (a: number, b: number, c: number, d: number) => number;
    readonly merge: (a: number, b: number) => void;
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

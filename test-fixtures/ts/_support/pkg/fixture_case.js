/* @ts-self-types="./fixture_case.d.ts" */

/**
 * A connection to a node; its async methods hold their borrow of `self` until the promise settles.
 */
export class Client {
    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(Client.prototype);
        obj.__wbg_ptr = ptr;
        ClientFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ClientFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_client_free(ptr, 0);
    }
    /**
     * Connects to `url` and reads the current height.
     * @param {string} url
     * @returns {Promise<Client>}
     */
    static connect(url) {
        const ptr0 = passStringToWasm0(url, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.client_connect(ptr0, len0);
        return ret;
    }
    /**
     * Fetches new blocks and updates the local state.
     * @returns {Promise<void>}
     */
    sync() {
        const ret = wasm.client_sync(this.__wbg_ptr);
        return ret;
    }
    /**
     * Fetches new blocks and returns the new state (exclusive borrow across the fetch).
     * @returns {Promise<any>}
     */
    syncState() {
        const ret = wasm.client_syncState(this.__wbg_ptr);
        return ret;
    }
    /**
     * The height as of the last sync, re-read from the node (shared borrow across the fetch).
     * @returns {Promise<number>}
     */
    fetchHeight() {
        const ret = wasm.client_fetchHeight(this.__wbg_ptr);
        return ret;
    }
    /**
     * The known accounts (shared borrow across the fetch).
     * @returns {Promise<any>}
     */
    getAccounts() {
        const ret = wasm.client_getAccounts(this.__wbg_ptr);
        return ret;
    }
    /**
     * The node URL.
     * @returns {string}
     */
    url() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.client_url(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Points the client at another node.
     * @param {string} url
     */
    setUrl(url) {
        const ptr0 = passStringToWasm0(url, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.client_setUrl(this.__wbg_ptr, ptr0, len0);
    }
    /**
     * Starts a balance query; the returned promise owns a copy of the URL and does not borrow `self`.
     * @param {string} account
     * @returns {Promise<any>}
     */
    queryBalance(account) {
        const ptr0 = passStringToWasm0(account, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.client_queryBalance(this.__wbg_ptr, ptr0, len0);
        return ret;
    }
}
if (Symbol.dispose) Client.prototype[Symbol.dispose] = Client.prototype.free;

/**
 * A document that can be merged with others.
 */
export class Doc {
    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(Doc.prototype);
        obj.__wbg_ptr = ptr;
        DocFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        DocFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_doc_free(ptr, 0);
    }
    /**
     * @param {string} text
     */
    constructor(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.doc_new(ptr0, len0);
        this.__wbg_ptr = ret >>> 0;
        DocFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Appends the text of `other` to this document.
     * @param {Doc} other
     */
    append(other) {
        _assertClass(other, Doc);
        wasm.doc_append(this.__wbg_ptr, other.__wbg_ptr);
    }
    /**
     * True when both documents hold the same text.
     * @param {Doc} other
     * @returns {boolean}
     */
    equals(other) {
        _assertClass(other, Doc);
        const ret = wasm.doc_equals(this.__wbg_ptr, other.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * A copy of this document (a new object).
     * @returns {Doc}
     */
    clone() {
        const ret = wasm.doc_clone(this.__wbg_ptr);
        return Doc.__wrap(ret);
    }
}
if (Symbol.dispose) Doc.prototype[Symbol.dispose] = Doc.prototype.free;

/**
 * A text buffer that calls JS back: listeners after each change, visitors per line.
 */
export class Editor {
    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(Editor.prototype);
        obj.__wbg_ptr = ptr;
        EditorFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        EditorFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_editor_free(ptr, 0);
    }
    constructor() {
        const ret = wasm.editor_new();
        this.__wbg_ptr = ret >>> 0;
        EditorFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * The whole text.
     * @returns {string}
     */
    text() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.editor_text(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Inserts `s` at the end and calls every change listener before returning (`self` stays borrowed).
     * @param {string} s
     */
    insert(s) {
        const ptr0 = passStringToWasm0(s, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.editor_insert(this.__wbg_ptr, ptr0, len0);
    }
    /**
     * Replaces the text.
     * @param {string} text
     */
    setText(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.editor_setText(this.__wbg_ptr, ptr0, len0);
    }
    /**
     * Registers a listener that `insert` calls after each change.
     * @param {Function} listener
     */
    onChange(listener) {
        wasm.editor_onChange(this.__wbg_ptr, listener);
    }
    /**
     * Calls `f(line)` for each line, synchronously (a shared borrow of `self` is held meanwhile).
     * @param {Function} f
     */
    forEachLine(f) {
        wasm.editor_forEachLine(this.__wbg_ptr, f);
    }
    /**
     * Replaces each line with `f(line)`, synchronously (an exclusive borrow of `self` is held meanwhile).
     * @param {Function} f
     */
    mapLines(f) {
        wasm.editor_mapLines(this.__wbg_ptr, f);
    }
    /**
     * Number of lines.
     * @returns {number}
     */
    get length() {
        const ret = wasm.editor_length(this.__wbg_ptr);
        return ret >>> 0;
    }
}
if (Symbol.dispose) Editor.prototype[Symbol.dispose] = Editor.prototype.free;

/**
 * A 2×2 matrix without a `clone` export.
 */
export class Matrix {
    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(Matrix.prototype);
        obj.__wbg_ptr = ptr;
        MatrixFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        MatrixFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_matrix_free(ptr, 0);
    }
    /**
     * @param {number} a
     * @param {number} b
     * @param {number} c
     * @param {number} d
     */
    constructor(a, b, c, d) {
        const ret = wasm.matrix_new(a, b, c, d);
        this.__wbg_ptr = ret >>> 0;
        MatrixFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * `self = self × other`.
     * @param {Matrix} other
     */
    mulAssign(other) {
        _assertClass(other, Matrix);
        wasm.matrix_mulAssign(this.__wbg_ptr, other.__wbg_ptr);
    }
    /**
     * The determinant.
     * @returns {number}
     */
    det() {
        const ret = wasm.matrix_det(this.__wbg_ptr);
        return ret;
    }
}
if (Symbol.dispose) Matrix.prototype[Symbol.dispose] = Matrix.prototype.free;

/**
 * Incremental parser over a source text; `feed` adds input, `finish` resolves the tree.
 */
export class Parser {
    static __wrap(ptr) {
        ptr = ptr >>> 0;
        const obj = Object.create(Parser.prototype);
        obj.__wbg_ptr = ptr;
        ParserFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ParserFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_parser_free(ptr, 0);
    }
    /**
     * @param {string} src
     */
    constructor(src) {
        const ptr0 = passStringToWasm0(src, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.parser_new(ptr0, len0);
        this.__wbg_ptr = ret >>> 0;
        ParserFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
    /**
     * Parses everything fed so far and resolves with the syntax tree as a JS object.
     * @returns {Promise<any>}
     */
    finish() {
        const ret = wasm.parser_finish(this.__wbg_ptr);
        return ret;
    }
    /**
     * Adds a chunk of input and returns the number of tokens read so far.
     * @param {string} chunk
     * @returns {number}
     */
    feed(chunk) {
        const ptr0 = passStringToWasm0(chunk, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.parser_feed(this.__wbg_ptr, ptr0, len0);
        return ret >>> 0;
    }
    /**
     * @param {number} capacity
     * @returns {Parser}
     */
    static with_capacity(capacity) {
        const ret = wasm.parser_with_capacity(capacity);
        return Parser.__wrap(ret);
    }
    /**
     * @returns {number}
     */
    get token_count() {
        const ret = wasm.__wbg_get_parser_token_count(this.__wbg_ptr);
        return ret >>> 0;
    }
}
if (Symbol.dispose) Parser.prototype[Symbol.dispose] = Parser.prototype.free;

/**
 * A line-based diff of two documents.
 * @param {Doc} a
 * @param {Doc} b
 * @returns {string}
 */
export function diff(a, b) {
    let deferred1_0;
    let deferred1_1;
    try {
        _assertClass(a, Doc);
        _assertClass(b, Doc);
        const ret = wasm.diff(a.__wbg_ptr, b.__wbg_ptr);
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
}

/**
 * Fetches `url` and parses the body.
 * @param {string} url
 * @returns {Promise<any>}
 */
export function load(url) {
    const ptr0 = passStringToWasm0(url, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.load(ptr0, len0);
    return ret;
}

/**
 * Merges `src` into `dst`.
 * @param {Doc} dst
 * @param {Doc} src
 */
export function merge(dst, src) {
    _assertClass(dst, Doc);
    _assertClass(src, Doc);
    wasm.merge(dst.__wbg_ptr, src.__wbg_ptr);
}

/**
 * Parses `src` and returns the canonical printed form.
 * @param {string} src
 * @returns {string}
 */
export function parse(src) {
    let deferred3_0;
    let deferred3_1;
    try {
        const ptr0 = passStringToWasm0(src, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.parse(ptr0, len0);
        var ptr2 = ret[0];
        var len2 = ret[1];
        if (ret[3]) {
            ptr2 = 0; len2 = 0;
            throw takeFromExternrefTable0(ret[2]);
        }
        deferred3_0 = ptr2;
        deferred3_1 = len2;
        return getStringFromWasm0(ptr2, len2);
    } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
    }
}

function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg___wbindgen_is_function_3c846841762788c1: function(arg0) {
            const ret = typeof(arg0) === 'function';
            return ret;
        },
        __wbg___wbindgen_is_undefined_52709e72fb9f179c: function(arg0) {
            const ret = arg0 === undefined;
            return ret;
        },
        __wbg___wbindgen_throw_6ddd609b62940d55: function(arg0, arg1) {
            throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg__wbg_cb_unref_6b5b6b8576d35cb1: function(arg0) {
            arg0._wbg_cb_unref();
        },
        __wbg_call_2d781c1f4d5c0ef8: function() { return handleError(function (arg0, arg1, arg2) {
            const ret = arg0.call(arg1, arg2);
            return ret;
        }, arguments); },
        __wbg_fetch_6bbc32f991730587: function(arg0, arg1, arg2) {
            const ret = fetch(getStringFromWasm0(arg1, arg2));
            return ret;
        },
        __wbg_new_ff7f9cc4c9a4a0cf: function(arg0, arg1) {
            try {
                var state0 = {a: arg0, b: arg1};
                var cb0 = (arg0, arg1) => {
                    const a = state0.a;
                    state0.a = 0;
                    try {
                        return wasm_bindgen__convert__closures_____invoke__h9a1e3c5b7d2f4068(a, state0.b, arg0, arg1);
                    } finally {
                        state0.a = a;
                    }
                };
                const ret = new Promise(cb0);
                return ret;
            } finally {
                state0.a = state0.b = 0;
            }
        },
        __wbg_queueMicrotask_40ec4fbc9e9d6c9f: function(arg0) {
            queueMicrotask(arg0);
        },
        __wbg_queueMicrotask_c5419c06eab41e73: function(arg0) {
            const ret = arg0.queueMicrotask;
            return ret;
        },
        __wbg_resolve_caf97c30b83f7053: function(arg0) {
            const ret = Promise.resolve(arg0);
            return ret;
        },
        __wbg_text_4e9d2b7a6ab1c3ee: function() { return handleError(function (arg0) {
            const ret = arg0.text();
            return ret;
        }, arguments); },
        __wbg_then_8b4d3b2a0c7d1e5f: function(arg0, arg1) {
            const ret = arg0.then(arg1);
            return ret;
        },
        __wbindgen_cast_0000000000000001: function(arg0, arg1) {
            // Cast intrinsic for `Closure(Closure { dtor_idx: 12, function: Function { arguments: [Externref], shim_idx: 13, ret: Result(Unit), inner_ret: Some(Result(Unit)) }, mutable: true }) -> Externref`.
            const ret = makeMutClosure(arg0, arg1, wasm.wasm_bindgen__closure__destroy__h6f0b4e2c1a7d9e35, wasm_bindgen__convert__closures_____invoke__h2d4c8a1e0f3b5c71);
            return ret;
        },
        __wbindgen_cast_0000000000000002: function(arg0, arg1) {
            // Cast intrinsic for `Ref(String) -> Externref`.
            const ret = getStringFromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
            const offset = table.grow(4);
            table.set(0, undefined);
            table.set(offset + 0, undefined);
            table.set(offset + 1, null);
            table.set(offset + 2, true);
            table.set(offset + 3, false);
        },
    };
    return {
        __proto__: null,
        "./fixture_case_bg.js": import0,
    };
}

function wasm_bindgen__convert__closures_____invoke__h2d4c8a1e0f3b5c71(arg0, arg1, arg2) {
    const ret = wasm.wasm_bindgen__convert__closures_____invoke__h2d4c8a1e0f3b5c71(arg0, arg1, arg2);
    if (ret[1]) {
        throw takeFromExternrefTable0(ret[0]);
    }
}

function wasm_bindgen__convert__closures_____invoke__h9a1e3c5b7d2f4068(arg0, arg1, arg2, arg3) {
    wasm.wasm_bindgen__convert__closures_____invoke__h9a1e3c5b7d2f4068(arg0, arg1, arg2, arg3);
}

const ClientFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_client_free(ptr >>> 0, 1));
const DocFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_doc_free(ptr >>> 0, 1));
const EditorFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_editor_free(ptr >>> 0, 1));
const MatrixFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_matrix_free(ptr >>> 0, 1));
const ParserFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_parser_free(ptr >>> 0, 1));

function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}

function addToExternrefTable0(obj) {
    const idx = wasm.__externref_table_alloc();
    wasm.__wbindgen_externrefs.set(idx, obj);
    return idx;
}

const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(state => state.dtor(state.a, state.b));

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(ptr, len);
}

let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}

function makeMutClosure(arg0, arg1, dtor, f) {
    const state = { a: arg0, b: arg1, cnt: 1, dtor };
    const real = (...args) => {
        // First up with a closure we increment the internal reference
        // count. This ensures that the Rust closure environment won't
        // be deallocated while we're invoking it.
        state.cnt++;
        const a = state.a;
        state.a = 0;
        try {
            return f(a, state.b, ...args);
        } finally {
            state.a = a;
            real._wbg_cb_unref();
        }
    };
    real._wbg_cb_unref = () => {
        if (--state.cnt === 0) {
            state.dtor(state.a, state.b);
            state.a = 0;
            CLOSURE_DTORS.unregister(state);
        }
    };
    CLOSURE_DTORS.register(real, state, state);
    return real;
}

function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}

function takeFromExternrefTable0(idx) {
    const value = wasm.__wbindgen_externrefs.get(idx);
    wasm.__externref_table_dealloc(idx);
    return value;
}

let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(ptr, len) {
    numBytesDecoded += len;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
        cachedTextDecoder.decode();
        numBytesDecoded = len;
    }
    return cachedTextDecoder.decode(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}

const cachedTextEncoder = new TextEncoder();

if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}

let WASM_VECTOR_LEN = 0;

let wasmModule, wasm;
function __wbg_finalize_init(instance, module) {
    wasm = instance.exports;
    wasmModule = module;
    cachedUint8ArrayMemory0 = null;
    wasm.__wbindgen_start();
    return wasm;
}

async function __wbg_load(module, imports) {
    if (typeof Response === 'function' && module instanceof Response) {
        if (typeof WebAssembly.instantiateStreaming === 'function') {
            try {
                return await WebAssembly.instantiateStreaming(module, imports);
            } catch (e) {
                const validResponse = module.ok && expectedResponseType(module.type);

                if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
                    console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);

                } else { throw e; }
            }
        }

        const bytes = await module.arrayBuffer();
        return await WebAssembly.instantiate(bytes, imports);
    } else {
        const instance = await WebAssembly.instantiate(module, imports);

        if (instance instanceof WebAssembly.Instance) {
            return { instance, module };
        } else {
            return instance;
        }
    }

    function expectedResponseType(type) {
        switch (type) {
            case 'basic': case 'cors': case 'default': return true;
        }
        return false;
    }
}

function initSync(module) {
    if (wasm !== undefined) return wasm;


    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
        }
    }

    const imports = __wbg_get_imports();
    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
    const instance = new WebAssembly.Instance(module, imports);
    return __wbg_finalize_init(instance, module);
}

async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;


    if (module_or_path !== undefined) {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }

    if (module_or_path === undefined) {
        module_or_path = new URL('fixture_case_bg.wasm', import.meta.url);
    }
    const imports = __wbg_get_imports();

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module);
}

export { initSync, __wbg_init as default };

// The §B3 WASM_CALL predicate for one TS/JS file: which call and `new` expressions enter wasm through
// wasm-bindgen glue. A call enters wasm when its callee is a bound glue function, a member of a glue
// namespace, a glue class (constructor or static method), a method of a WASM_INSTANCE (an identifier or
// `this.field` created from a glue class in the same function/class, a parameter typed as one, or a property
// destructured from a parameter whose object type declares it as one: `({ ed }: Props)`), or a
// same-file helper function that itself enters wasm.
//
// Facts are gathered from the engine's single traversal (`collect` for WASM_FACT_NODE_TYPES) and used
// afterwards, within the same lint run; nothing here outlives it. The rules that feed the traversal share
// one WasmCallFacts per run (`wasmCallFactsOf`): the facts, and the memoised helper answers, are the
// file's, not a rule's.

import type { Node } from 'web-tree-sitter';
import type { TextRange } from '../model';
import { walkTree } from '../parsing/walk';
import { handlerRethrows } from './catch-analysis';
import { untrackedFileContext, type FileContext } from '../workspace/file-context';
import type { WasmBinding, WasmModule, WasmModuleExport } from '../workspace/types';
import { oneLineCode, shortCode } from '../text/one-line';

/** Functions: code that runs when called, not where it is written. */
export const FUNCTION_SCOPE_TYPES: ReadonlySet<string> = new Set([
  'arrow_function', 'function_expression', 'function', 'function_declaration', 'generator_function',
  'generator_function_declaration', 'method_definition',
]);
export const CLASS_TYPES: ReadonlySet<string> = new Set(['class_declaration', 'class', 'abstract_class_declaration']);
/** Nested code that does not run in place: functions and class bodies. */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([...FUNCTION_SCOPE_TYPES, ...CLASS_TYPES]);

/**
 * Node types `WasmCallFacts.collect` wants to see during the engine's traversal: declarations, and the
 * functions and classes whose ranges scope them (tracked on a stack, because `Node.parent` costs a walk
 * down from the root in tree-sitter and would make deep files quadratic).
 */
export const WASM_FACT_NODE_TYPES = [
  'variable_declarator', 'assignment_expression', 'required_parameter', 'optional_parameter', 'public_field_definition',
  ...FUNCTION_TYPES,
] as const;

/** Array/iterator methods that call their callback before returning. */
const SYNC_CALLBACK_METHODS = new Set([
  'map', 'forEach', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'flatMap', 'sort', 'toSorted', 'from',
]);
const PROMISE_CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
/** Calls that take a promise and consume its rejection (test assertions). */
const REJECTION_CONSUMERS = /^(?:assert\.rejects|assert\.doesNotReject|expect|t\.throwsAsync|t\.notThrowsAsync|chai\.expect)$/;
/** Glue namespace members that are not calls into Rust exports. */
const NON_EXPORT_MEMBERS = new Set(['default', 'initSync', '__wbg_init', 'memory']);
/** Methods every glue class has that only release memory. */
const RELEASE_METHODS = new Set(['free', '[Symbol.dispose]']);

export type WasmCallKind = 'function' | 'namespace' | 'constructor' | 'static' | 'method' | 'helper';

export interface WasmCallSite {
  /** The `call_expression` or `new_expression` (for a function passed by reference: the expression that calls it). */
  readonly node: Node;
  readonly kind: WasmCallKind;
  /** Source text of the callee (`parse`, `wasm.parse`, `parser.feed`, `new Parser`), for messages. */
  readonly callee: string;
  /** The call returns a promise (async export/method, or an async helper). */
  readonly isAsync: boolean;
  readonly modulePath: string;
  /** For helper calls: the wasm call inside the helper that makes it one. */
  readonly inner?: WasmCallSite;
  /** The name the glue exports: the function (not its local alias), or the method for class calls. */
  readonly exportName?: string;
  /** For constructor, static and method calls: the glue class (ts/rust-join.ts maps both to the Rust export). */
  readonly className?: string;
}

export interface WasmCallSearch {
  /** Async calls count only when awaited (the default); otherwise their rejection never reaches the caller's catch. */
  readonly asyncMustBeAwaited?: boolean;
  /** Async calls that are returned from the scope also count (helper bodies, `.then` callbacks). */
  readonly returnedCounts?: boolean;
  /** Calls whose failure is consumed elsewhere (e.g. a `.catch(h)` in their own chain). */
  readonly consumed?: (site: WasmCallSite) => boolean;
  readonly firstOnly?: boolean;
}

interface Instance {
  readonly name: string;
  readonly className: string;
  readonly module: WasmModule;
  readonly scopeStart: number;
  readonly scopeEnd: number;
}

interface Helper {
  readonly key: string;
  readonly body: Node;
  readonly isAsync: boolean;
  readonly scopeStart: number;
  readonly scopeEnd: number;
}

function unwrapValue(node: Node | null): Node | null {
  let n = node;
  while (n && ['await_expression', 'parenthesized_expression', 'as_expression', 'non_null_expression', 'satisfies_expression', 'type_assertion'].includes(n.type)) {
    n = n.namedChild(n.type === 'type_assertion' ? n.namedChildCount - 1 : 0);
  }
  return n;
}

function isAsyncFunction(fn: Node): boolean {
  for (let i = 0; i < fn.childCount; i++) {
    const c = fn.child(i);
    if (!c) continue;
    if (c.type === 'async') return true;
    if (c.isNamed && c.type !== 'property_identifier' && c.type !== 'identifier') break;
  }
  return false;
}

const WHOLE_FILE: TextRange = { start: 0, end: Number.MAX_SAFE_INTEGER };

function typeName(type: string): string {
  return type.trim().replace(/^Promise\s*<(.*)>$/s, '$1').trim();
}

/** Per lint run (the engine builds a FileContext for each run), so a second run over the same tree starts afresh. */
const FACTS_OF_RUN = new WeakMap<FileContext, WasmCallFacts>();

/**
 * The WasmCallFacts of the lint run `ctx` belongs to, shared by the rules that feed it: each subscribes to
 * every WASM_FACT_NODE_TYPES type and passes each node it visits to `collect` first, so the shared facts
 * are the same whichever of those rules are enabled, and a node the engine hands to several rules is
 * collected once (nine rules collected the same facts, each their own, before: a third of a TS file's lint).
 */
export function wasmCallFactsOf(ctx: FileContext): WasmCallFacts {
  const file = untrackedFileContext(ctx);
  let facts = FACTS_OF_RUN.get(file);
  if (!facts) FACTS_OF_RUN.set(file, (facts = new WasmCallFacts(file)));
  return facts;
}

export class WasmCallFacts {
  /** The node `collect` took last: the engine passes the same node object to each subscribed rule in turn. */
  private lastCollected: Node | undefined;
  private readonly bindings: ReadonlyMap<string, WasmBinding>;
  /** Classes and namespaces imported as types only: they type annotations, never calls. */
  private readonly typeBindings: ReadonlyMap<string, WasmBinding>;
  private readonly instances = new Map<string, Instance[]>();
  /** `const self = this`: names standing for `this` (their instances are `this.x`), with their scopes. */
  private readonly thisAliases = new Map<string, TextRange[]>();
  /** Names holding a glue class itself (`C: typeof Parser`): `new C()` creates a Parser. */
  private readonly classValues = new Map<string, Instance[]>();
  /** `new Map<K, Parser>()` / `Map<K, Parser>`-typed names (`cache`, `this.cache`): `.get(k)` gives a Parser. */
  private readonly mapsOfInstances = new Map<string, Instance[]>();
  private readonly helpers = new Map<string, Helper[]>();
  private readonly helperResult = new Map<Helper, WasmCallSite | null>();
  private readonly helperInProgress = new Set<Helper>();
  /**
   * Declarations inside functions that hide an import or an outer glue object of the same name (a
   * parameter `parse`, `const parser = { … }`): name → the function ranges they cover.
   */
  private readonly shadows = new Map<string, TextRange[]>();
  /** Functions and classes that contain the traversal's current position, outermost first. */
  private readonly open: { readonly node: Node; readonly isClass: boolean }[] = [];

  constructor(private readonly ctx: FileContext) {
    this.bindings = ctx.ts?.bindings ?? new Map();
    this.typeBindings = ctx.ts?.typeBindings ?? new Map();
  }

  /** True when the file imports anything from wasm-bindgen glue (otherwise nothing here can match). */
  get active(): boolean {
    return this.bindings.size > 0 || this.typeBindings.size > 0;
  }

  /** The glue binding `name`; with `at`, unless a local declaration hides it at that offset (after the traversal). */
  binding(name: string, at?: number): WasmBinding | undefined {
    return at === undefined ? this.bindings.get(name) : this.bindingAt(name, at);
  }

  module(binding: WasmBinding): WasmModule | undefined {
    return this.ctx.workspace.wasmModule(binding.modulePath);
  }

  /**
   * Feeds a node of the engine's traversal (document order). Every node the caller subscribes to may be
   * passed: that keeps the function stack current for `enclosingFunction`/`outermostFunction`.
   */
  collect(node: Node): void {
    if (node === this.lastCollected) return; // another rule's visit of the same node fed it already
    this.collectNode(node);
    this.lastCollected = node;
  }

  private collectNode(node: Node): void {
    while (this.open.length > 0 && this.open[this.open.length - 1].node.endIndex <= node.startIndex) this.open.pop();
    switch (node.type) {
      case 'variable_declarator': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (name && name.type !== 'identifier' && value) {
          for (const id of patternIdentifiers(name)) this.addShadow(id, this.scope(false));
          return;
        }
        if (name?.type !== 'identifier') return;
        const annotation = node.namedChildren.find((c) => c.type === 'type_annotation');
        const declaredType = annotation ? annotation.text.replace(/^:\s*/, '') : undefined;
        const declared = declaredType !== undefined ? this.classOfType(declaredType) : undefined;
        if (declared) {
          // `const parser: Parser = pool.take()`, `let parser: Parser | undefined;`
          this.pushInstance({ name: name.text, ...declared, ...rangeOf(this.scope(false)) });
          return;
        }
        if (value?.type === 'this') {
          // `const self = this`: `self.parser` is `this.parser`.
          const list = this.thisAliases.get(name.text) ?? [];
          list.push(this.scope(false));
          this.thisAliases.set(name.text, list);
          return;
        }
        if (declaredType !== undefined && this.addClassValue(name.text, declaredType, this.scope(false))) return;
        if (declaredType !== undefined && this.addTypedMembers(name.text, declaredType, this.scope(false))) return;
        if (this.addMapOfInstances(name.text, declaredType, value, this.scope(false))) return;
        if (!value) return; // `let parser;`: may be given a glue object later
        if (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function') {
          this.addShadow(name, this.scope(false));
          this.addHelper(name.text, value, this.scope(false));
          return;
        }
        if (!this.addInstance(name.text, value, this.scope(false))) this.addShadow(name, this.scope(false));
        return;
      }
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) return;
        // `let parser; … parser = new Parser()`: the variable usually lives outside the assigning function.
        if (left.type === 'identifier') this.addInstance(left.text, right, WHOLE_FILE);
        else if (left.type === 'member_expression' && left.childForFieldName('object')?.type === 'this') {
          this.addInstance(left.text.replace(/\s+/g, ''), right, this.scope(true));
        }
        return;
      }
      case 'required_parameter':
      case 'optional_parameter': {
        const pattern = node.childForFieldName('pattern');
        const annotation = node.namedChildren.find((c) => c.type === 'type_annotation');
        if (pattern?.type === 'object_pattern' || pattern?.type === 'array_pattern') {
          // `function View({ ed }: { ed: Editor })`, `({ ed, text }: Props)`: a property typed as a glue class.
          const members = pattern.type === 'object_pattern' && annotation ? this.memberTypesOf(annotation.text.replace(/^:\s*/, '')) : undefined;
          for (const id of patternIdentifiers(pattern)) {
            const key = id.parent?.type === 'pair_pattern' ? id.parent.childForFieldName('key')?.text : id.text;
            const type = key !== undefined ? members?.get(key) : undefined;
            const cls = type !== undefined ? this.classOfType(type) : undefined;
            if (cls) this.pushInstance({ name: id.text, ...cls, ...rangeOf(this.scope(false)) });
            else this.addShadow(id, this.scope(false));
          }
          return;
        }
        if (pattern?.type !== 'identifier') return;
        const cls = annotation ? this.classOfType(annotation.text.replace(/^:\s*/, '')) : undefined;
        if (!cls) {
          this.addShadow(pattern, this.scope(false));
          // `state: State` with `interface State { handle: Doc }`: `state.handle` is a Doc; `C: typeof Doc` is the class.
          if (annotation && !this.addClassValue(pattern.text, annotation.text.replace(/^:\s*/, ''), this.scope(false))) {
            this.addTypedMembers(pattern.text, annotation.text.replace(/^:\s*/, ''), this.scope(false));
          }
          return;
        }
        // The function whose parameter this is was visited (pushed) just before.
        this.pushInstance({ name: pattern.text, ...cls, ...rangeOf(this.scope(false)) });
        if (node.namedChildren.some((c) => c.type === 'accessibility_modifier' || c.type === 'override_modifier') || /^\s*readonly\b/.test(node.text)) {
          this.pushInstance({ name: `this.${pattern.text}`, ...cls, ...rangeOf(this.scope(true)) });
        }
        return;
      }
      case 'public_field_definition': {
        const name = node.childForFieldName('name');
        if (!name) return;
        const value = node.childForFieldName('value');
        if (value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')) {
          this.addHelper(`this.${name.text}`, value, this.scope(true)); // `private run = () => { … }`
          return;
        }
        const annotation = node.namedChildren.find((c) => c.type === 'type_annotation');
        const cls = (value ? this.classOfValue(value) : undefined) ?? (annotation ? this.classOfType(annotation.text.replace(/^:\s*/, '')) : undefined);
        if (cls) this.pushInstance({ name: `this.${name.text}`, ...cls, ...rangeOf(this.scope(true)) });
        else this.addMapOfInstances(`this.${name.text}`, annotation?.text.replace(/^:\s*/, ''), value, this.scope(true));
        return;
      }
      case 'function_declaration':
      case 'generator_function_declaration': {
        const name = node.childForFieldName('name');
        if (name) {
          this.addShadow(name, this.scope(false));
          this.addHelper(name.text, node, this.scope(false));
        }
        break;
      }
      case 'method_definition': {
        const name = node.childForFieldName('name');
        if (name && name.type === 'property_identifier') this.addHelper(`this.${name.text}`, node, this.scope(true));
        break;
      }
    }
    if (FUNCTION_SCOPE_TYPES.has(node.type)) this.shadowPlainParameters(node);
    if (FUNCTION_TYPES.has(node.type)) this.open.push({ node, isClass: CLASS_TYPES.has(node.type) });
  }

  /** Parameters that are plain identifiers (`x => …`, JavaScript's `function (parse) {…}`) hide outer names. */
  private shadowPlainParameters(fn: Node): void {
    const scope = { start: fn.startIndex, end: fn.endIndex };
    const single = fn.childForFieldName('parameter');
    if (single?.type === 'identifier') this.addShadow(single, scope);
    for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p.type === 'identifier') this.addShadow(p, scope);
      else if (p.type === 'assignment_pattern') {
        const left = p.childForFieldName('left');
        if (left?.type === 'identifier') this.addShadow(left, scope);
      } else if (p.type === 'object_pattern' || p.type === 'array_pattern') {
        for (const id of patternIdentifiers(p)) this.addShadow(id, scope);
      }
    }
  }

  /** A declaration inside a function hides an import or outer object of the same name there. */
  private addShadow(name: Node, scope: TextRange): void {
    if (scope === WHOLE_FILE) return; // top level: imports cannot be redeclared; top-level objects are recorded as such
    const binding = this.bindings.get(name.text);
    if (binding && binding.range.start === name.startIndex) return; // the binding's own declaration (`const { parse } = await import(…)`)
    const list = this.shadows.get(name.text) ?? [];
    list.push(scope);
    this.shadows.set(name.text, list);
  }

  /** A local declaration hides `name` at `at` (narrower than `than`, the range of the outer declaration, if given). */
  private shadowedAt(name: string, at: number, than?: { scopeStart: number; scopeEnd: number }): boolean {
    for (const s of this.shadows.get(name) ?? []) {
      if (at < s.start || at > s.end) continue;
      if (!than || s.end - s.start < than.scopeEnd - than.scopeStart) return true;
    }
    return false;
  }

  /** The glue binding `name` refers to at offset `at`, unless a local declaration hides it there. */
  private bindingAt(name: string, at: number): WasmBinding | undefined {
    const b = this.bindings.get(name);
    return b && !this.shadowedAt(name, at) ? b : undefined;
  }

  /** Range of the innermost open function (or class) at the traversal position; the whole file at top level. */
  private scope(isClass: boolean): TextRange {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const entry = this.open[i];
      if (entry.isClass === isClass) return { start: entry.node.startIndex, end: entry.node.endIndex };
    }
    return WHOLE_FILE;
  }

  /** During the traversal, right after `collect(node)`: the innermost function containing it. */
  enclosingFunction(): Node | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) if (!this.open[i].isClass) return this.open[i].node;
    return undefined;
  }

  /** During the traversal, right after `collect(node)`: the outermost function containing it. */
  outermostFunction(): Node | undefined {
    return this.open.find((e) => !e.isClass)?.node;
  }

  private addHelper(key: string, fn: Node, scope: TextRange): void {
    const body = fn.childForFieldName('body');
    if (!body) return;
    const list = this.helpers.get(key) ?? [];
    list.push({ key, body, isAsync: isAsyncFunction(fn), ...rangeOf(scope) });
    this.helpers.set(key, list);
  }

  private addInstance(name: string, value: Node, scope: TextRange): boolean {
    const cls = this.classOfValue(value);
    if (cls) this.pushInstance({ name, ...cls, ...rangeOf(scope) });
    return cls !== undefined;
  }

  private pushInstance(instance: Instance): void {
    const list = this.instances.get(instance.name) ?? [];
    list.push(instance);
    this.instances.set(instance.name, list);
  }

  /** `name: typeof Parser`: the glue class itself, whose `new name()` creates a Parser. */
  private addClassValue(name: string, typeText: string, scope: TextRange): boolean {
    const m = /^typeof\s+([A-Za-z_$][\w$.]*)$/.exec(typeText);
    const cls = m ? this.classOfType(m[1]) : undefined;
    if (!cls) return false;
    const list = this.classValues.get(name) ?? [];
    list.push({ name, ...cls, ...rangeOf(scope) });
    this.classValues.set(name, list);
    return true;
  }

  /** `name: T` where `T`'s members (a literal or a same-file interface) include glue classes: `name.member` instances. */
  private addTypedMembers(name: string, typeText: string, scope: TextRange): boolean {
    if (!/^[A-Za-z_$][\w$]*$|^\{/.test(typeText)) return false;
    let added = false;
    for (const [member, type] of this.memberTypesOf(typeText) ?? []) {
      const cls = this.classOfType(type);
      if (!cls) continue;
      this.pushInstance({ name: `${name}.${member}`, ...cls, ...rangeOf(scope) });
      added = true;
    }
    return added;
  }

  /** `new Map<string, Parser>()` or a `Map<string, Parser>` annotation: `name.get(k)` gives a Parser. */
  private addMapOfInstances(name: string, typeText: string | undefined, value: Node | null | undefined, scope: TextRange): boolean {
    let args: string | undefined = typeText !== undefined ? /^(?:Map|ReadonlyMap|WeakMap)\s*<(.*)>$/s.exec(typeText)?.[1] : undefined;
    const v = value ? unwrapValue(value) : null;
    if (args === undefined && v?.type === 'new_expression' && /^(?:Map|WeakMap)$/.test(v.childForFieldName('constructor')?.text ?? '')) {
      const typeArgs = v.namedChildren.find((c) => c.type === 'type_arguments');
      args = typeArgs?.text.slice(1, -1);
    }
    if (args === undefined) return false;
    // The value type: after the top-level comma.
    let depth = 0;
    let comma = -1;
    for (let i = 0; i < args.length; i++) {
      const c = args[i];
      if (c === '<' || c === '{' || c === '(' || c === '[') depth++;
      else if ((c === '>' && args[i - 1] !== '=') || c === '}' || c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) comma = i;
    }
    const cls = comma >= 0 ? this.classOfType(args.slice(comma + 1).trim()) : undefined;
    if (!cls) return false;
    const list = this.mapsOfInstances.get(name) ?? [];
    list.push({ name, ...cls, ...rangeOf(scope) });
    this.mapsOfInstances.set(name, list);
    return true;
  }

  /** `self.x` where `const self = this` is visible at `at`: `this.x`; else `key`. */
  private withoutThisAlias(key: string, at: number): string {
    const dot = key.indexOf('.');
    if (dot < 0) return key;
    const scopes = this.thisAliases.get(key.slice(0, dot));
    return scopes?.some((s) => at >= s.start && at <= s.end) ? `this${key.slice(dot)}` : key;
  }

  /**
   * The property types of an object type: a literal (`{ ed: Editor; text: string }`) or an interface or
   * type alias of that name declared in this file (`Props`). Plain `name: Type` members only.
   */
  private memberTypesOf(typeText: string): Map<string, string> | undefined {
    let body: string | undefined;
    if (typeText.startsWith('{')) body = typeText;
    else if (/^[A-Za-z_$][\w$]*$/.test(typeText)) {
      const decl = new RegExp(`\\b(?:interface\\s+${typeText}\\b[^{]*|type\\s+${typeText}\\s*=\\s*)\\{`).exec(this.ctx.text);
      if (decl) body = balancedBraces(this.ctx.text, decl.index + decl[0].length - 1);
    }
    if (body === undefined) return undefined;
    const members = new Map<string, string>();
    // Members at the top level of the braces only (a nested `{ … }` type is skipped whole).
    let depth = 0;
    let top = '';
    const inner = body.slice(1, -1);
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c === '{' || c === '(' || c === '<' || c === '[') depth++;
      else if ((c === '}' || c === ')' || c === ']' || (c === '>' && inner[i - 1] !== '=')) && depth > 0) depth--; // `=>` closes nothing
      else if (depth === 0) top += c;
    }
    for (const m of top.matchAll(/(?:^|[;,\n])\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:\s*([A-Za-z_$][\w$.]*(?:\s*\|\s*(?:null|undefined))*)\s*(?=[;,\n]|$)/g)) {
      members.set(m[1], m[2]);
    }
    return members;
  }

  /** The glue class a type annotation names (`Parser`, `wasm.Parser`, `Parser | null`). */
  private classOfType(typeText: string): { className: string; module: WasmModule } | undefined {
    const parts = typeText.split('|').map((p) => p.trim()).filter((p) => p !== 'null' && p !== 'undefined');
    if (parts.length !== 1) return undefined;
    const [head, member] = parts[0].split('.', 2);
    const b = this.bindings.get(head) ?? this.typeBindings.get(head);
    if (!b) return undefined;
    const module = this.module(b);
    if (!module) return undefined;
    if (member === undefined && b.kind === 'class') return { className: b.importedName, module };
    if (member !== undefined && b.kind === 'namespace' && module.exports.get(member)?.kind === 'class') return { className: member, module };
    return undefined;
  }

  /** The glue class of the object a value expression creates: `new C()`, `C.create()`, `make()` returning C. */
  /** The glue class whose instance a value expression creates (`new C()`, `C.create()`, a function returning C), if any. */
  createdInstanceClass(value: Node): { className: string; modulePath: string } | undefined {
    const cls = this.classOfValue(value);
    return cls ? { className: cls.className, modulePath: cls.module.path } : undefined;
  }

  private classOfValue(value: Node): { className: string; module: WasmModule } | undefined {
    const v = unwrapValue(value);
    if (!v) return undefined;
    if (v.type === 'new_expression') {
      const ctor = v.childForFieldName('constructor');
      return ctor ? this.classOfCallee(ctor) : undefined;
    }
    if (v.type !== 'call_expression') return undefined;
    const fn = v.childForFieldName('function');
    if (!fn) return undefined;
    let module: WasmModule | undefined;
    let returnType: string | undefined;
    if (fn.type === 'identifier') {
      const b = this.bindingAt(fn.text, fn.startIndex);
      module = b && b.kind === 'function' ? this.module(b) : undefined;
      returnType = module?.exports.get(b!.importedName)?.returnType;
    } else if (fn.type === 'member_expression') {
      const object = fn.childForFieldName('object');
      const prop = fn.childForFieldName('property')?.text ?? '';
      if (prop === 'get' && object) {
        // `cache.get(key)` on a `Map<K, Parser>`.
        const key = WasmCallFacts.receiverKey(object);
        const map = key !== undefined ? this.mapAt(key, v.startIndex) : undefined;
        if (map) return { className: map.className, module: map.module };
      }
      const cls = object ? this.classOfCallee(object) : undefined;
      if (cls) {
        module = cls.module;
        const m = cls.module.exports.get(cls.className)?.methods?.get(prop);
        returnType = m?.isStatic ? m.returnType : undefined;
      } else if (object?.type === 'identifier') {
        const b = this.bindingAt(object.text, object.startIndex);
        if (b?.kind === 'namespace') {
          module = this.module(b);
          returnType = module?.exports.get(prop)?.returnType;
        }
      }
    }
    if (!module || !returnType) return undefined;
    const name = typeName(returnType);
    return module.exports.get(name)?.kind === 'class' ? { className: name, module } : undefined;
  }

  /** `Parser` (class binding) or `wasm.Parser` (namespace member that is a class). */
  private classOfCallee(node: Node): { className: string; module: WasmModule } | undefined {
    if (node.type === 'identifier') {
      const b = this.bindingAt(node.text, node.startIndex);
      if (!b) {
        const value = this.classValueAt(node.text, node.startIndex);
        return value ? { className: value.className, module: value.module } : undefined;
      }
      if (b.kind !== 'class' && b.kind !== 'unknown') return undefined;
      const module = this.module(b);
      return module ? { className: b.importedName, module } : undefined;
    }
    if (node.type === 'member_expression') {
      const object = node.childForFieldName('object');
      const prop = node.childForFieldName('property')?.text;
      const b = object?.type === 'identifier' ? this.bindingAt(object.text, object.startIndex) : undefined;
      if (!b || b.kind !== 'namespace' || !prop) return undefined;
      const module = this.module(b);
      if (!module) return undefined;
      const exp = module.exports.get(prop);
      if (exp ? exp.kind === 'class' : module.exports.size === 0) return { className: prop, module };
    }
    return undefined;
  }

  /**
   * The glue class of the WASM_INSTANCE `name` (an identifier, or `this.field` without spaces) visible at
   * offset `at`, for rules that ask which object a call or an argument is (TR1–TR3). After the traversal.
   */
  instanceOf(name: string, at: number): { readonly className: string; readonly module: WasmModule; readonly scope: TextRange } | undefined {
    const inst = this.instanceAt(name, at);
    return inst ? { className: inst.className, module: inst.module, scope: { start: inst.scopeStart, end: inst.scopeEnd } } : undefined;
  }

  /** The receiver key of a method call's object (`parser`, `this.parser`), as `instanceOf` takes it. */
  static receiverKey(object: Node): string | undefined {
    let receiver = object;
    while (receiver.type === 'non_null_expression' || receiver.type === 'parenthesized_expression') receiver = receiver.namedChild(0) ?? receiver;
    if (receiver.type === 'identifier') return receiver.text;
    const objectType = receiver.type === 'member_expression' ? receiver.childForFieldName('object')?.type : undefined;
    // `this.parser`, and one level below a name (`state.handle`, `self.parser` with `const self = this`).
    if (objectType === 'this' || objectType === 'identifier') return receiver.text.replace(/\s+/g, '').replace(/\?\./g, '.');
    return undefined;
  }

  private instanceAt(key: string, at: number): Instance | undefined {
    return this.innermostAt(this.instances, this.withoutThisAlias(key, at), at);
  }

  private classValueAt(name: string, at: number): Instance | undefined {
    return this.innermostAt(this.classValues, name, at);
  }

  private mapAt(key: string, at: number): Instance | undefined {
    return this.innermostAt(this.mapsOfInstances, this.withoutThisAlias(key, at), at);
  }

  /** The entry for `name` whose scope is the narrowest containing `at`, unless a local declaration hides it. */
  private innermostAt<T extends { readonly scopeStart: number; readonly scopeEnd: number }>(entries: ReadonlyMap<string, readonly T[]>, name: string, at: number): T | undefined {
    let best: T | undefined;
    for (const e of entries.get(name) ?? []) {
      if (at < e.scopeStart || at > e.scopeEnd) continue;
      if (!best || e.scopeEnd - e.scopeStart < best.scopeEnd - best.scopeStart) best = e;
    }
    return best && !this.shadowedAt(name, at, best) ? best : undefined;
  }

  private helperAt(key: string, at: number): Helper | undefined {
    return this.innermostAt(this.helpers, key, at);
  }

  /**
   * The glue class of the WASM_INSTANCE named `name` (`doc`, `this.parser`) visible at `at`, if it is one:
   * for rules about the object's own lifecycle (`free()`, `using`), which `classify` leaves out.
   */
  instanceClassAt(name: string, at: number): { className: string; modulePath: string } | undefined {
    const inst = this.instanceAt(name.replace(/\s+/g, ''), at);
    return inst ? { className: inst.className, modulePath: inst.module.path } : undefined;
  }

  /** The glue class a value expression creates (`new Doc()`, `Doc.open()`, a glue function returning a class). */
  classOfCreatedValue(value: Node): { className: string; modulePath: string } | undefined {
    const cls = this.classOfValue(value);
    return cls ? { className: cls.className, modulePath: cls.module.path } : undefined;
  }

  /**
   * The wasm call whose rejection reaches the end of `receiver`'s promise chain: the call itself, or a
   * `.then`/`.finally` callback of the chain that calls wasm (before any earlier `.then(ok, h)`).
   */
  chainSource(receiver: Node): WasmCallSite | undefined {
    let current: Node | null = receiver;
    while (current) {
      while (current && current.type === 'parenthesized_expression') current = current.namedChild(0);
      if (!current || current.type !== 'call_expression') return undefined;
      const direct = this.classify(current);
      if (direct) return direct;
      const fn = current.childForFieldName('function');
      const prop = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
      if (!fn || (prop !== 'then' && prop !== 'finally')) return undefined;
      const callback = current.childForFieldName('arguments')?.namedChild(0);
      if (callback) {
        const inCallback = this.callbackEntersWasm(callback);
        if (inCallback) return inCallback;
      }
      // `.then(ok, h)` earlier in the chain: failures before it are h's business.
      if (prop === 'then' && (current.childForFieldName('arguments')?.namedChildCount ?? 0) >= 2) return undefined;
      current = fn.childForFieldName('object');
    }
    return undefined;
  }

  /** The wasm call a callback makes when it runs (a function expression, or a function passed by name). */
  callbackEntersWasm(callback: Node): WasmCallSite | undefined {
    if (FUNCTION_TYPES.has(callback.type)) {
      const body = callback.childForFieldName('body');
      return body ? this.callsIn(body, { returnedCounts: true, firstOnly: true })[0] : undefined;
    }
    // `.then(render)`, `.then(wasm.parse)`: a function passed by name.
    return this.functionReference(callback, callback);
  }

  /** Same-file helper function named `key` (`name` or `this.name`) visible at `at`, for classifier lookups. */
  helperBody(key: string, at: number): Node | undefined {
    return this.helperAt(key, at)?.body;
  }

  /** The wasm call a same-file function makes when it runs (for callbacks passed by name: `.then(render)`). */
  helperReference(key: string, at: number): WasmCallSite | undefined {
    const helper = this.helperAt(key, at);
    return helper ? this.helperEntersWasm(helper) : undefined;
  }

  /**
   * A wasm function passed by reference (`urls.map(load)`, `.then(wasm.parse)`): the site is the expression
   * that will call it (`call`), the callee is the reference.
   */
  functionReference(ref: Node, call: Node): WasmCallSite | undefined {
    if (ref.type === 'identifier') {
      const b = this.bindingAt(ref.text, ref.startIndex);
      if (b && (b.kind === 'function' || b.kind === 'unknown')) {
        const module = this.module(b);
        if (module) return { node: call, kind: 'function', callee: ref.text, isAsync: module.exports.get(b.importedName)?.isAsync ?? false, modulePath: module.path, exportName: b.importedName };
      }
      const inner = b ? undefined : this.helperReference(ref.text, ref.startIndex);
      return inner ? { node: call, kind: 'helper', callee: ref.text, isAsync: inner.isAsync, modulePath: inner.modulePath, inner } : undefined;
    }
    if (ref.type === 'member_expression') {
      const object = ref.childForFieldName('object');
      const prop = ref.childForFieldName('property')?.text ?? '';
      const b = object?.type === 'identifier' ? this.bindingAt(object.text, object.startIndex) : undefined;
      const module = b?.kind === 'namespace' ? this.module(b) : undefined;
      const exp = module?.exports.get(prop);
      if (module && exp?.kind === 'function') return { node: call, kind: 'namespace', callee: ref.text, isAsync: exp.isAsync, modulePath: module.path, exportName: prop };
    }
    return undefined;
  }

  /** WASM_CALL: the wasm entry a call/new expression makes, if any. */
  classify(node: Node): WasmCallSite | undefined {
    if (node.type === 'new_expression') {
      const ctor = node.childForFieldName('constructor');
      const cls = ctor ? this.classOfCallee(ctor) : undefined;
      return cls && ctor ? { node, kind: 'constructor', callee: `new ${oneLineCode(ctor.text)}`, isAsync: false, modulePath: cls.module.path, className: cls.className } : undefined;
    }
    if (node.type !== 'call_expression') return undefined;
    const fn = node.childForFieldName('function');
    if (!fn) return undefined;
    if (fn.type === 'identifier') {
      const b = this.bindingAt(fn.text, fn.startIndex);
      if (b) {
        if (b.kind !== 'function' && b.kind !== 'unknown') return undefined;
        const module = this.module(b);
        if (!module) return undefined;
        return { node, kind: 'function', callee: oneLineCode(fn.text), isAsync: module.exports.get(b.importedName)?.isAsync ?? false, modulePath: module.path, exportName: b.importedName };
      }
      return this.helperCall(node, fn.text, fn.text);
    }
    if (fn.type !== 'member_expression') return undefined;
    const object = fn.childForFieldName('object');
    const propNode = fn.childForFieldName('property');
    if (!object || !propNode) return undefined;
    const prop = propNode.text;
    const callee = oneLineCode(fn.text);
    if (object.type === 'this') return this.helperCall(node, `this.${prop}`, callee);
    if (object.type === 'identifier') {
      const b = this.bindingAt(object.text, object.startIndex);
      if (b?.kind === 'namespace') {
        const module = this.module(b);
        if (!module || NON_EXPORT_MEMBERS.has(prop)) return undefined;
        const exp = module.exports.get(prop);
        if (exp ? exp.kind !== 'function' : module.exports.size > 0) return undefined;
        return { node, kind: 'namespace', callee, isAsync: exp?.isAsync ?? false, modulePath: module.path, exportName: prop };
      }
    }
    const cls = this.classOfCallee(object);
    if (cls) return this.memberCall(node, cls.module, cls.className, prop, callee, true);
    if (object.type === 'new_expression') {
      const created = this.classOfValue(object);
      return created ? this.memberCall(node, created.module, created.className, prop, callee, false) : undefined;
    }
    const instanceName = WasmCallFacts.receiverKey(object);
    const inst = instanceName ? this.instanceAt(instanceName, node.startIndex) : undefined;
    return inst ? this.memberCall(node, inst.module, inst.className, prop, callee, false) : undefined;
  }

  private memberCall(node: Node, module: WasmModule, className: string, prop: string, callee: string, isStatic: boolean): WasmCallSite | undefined {
    if (!isStatic && RELEASE_METHODS.has(prop)) return undefined;
    const cls: WasmModuleExport | undefined = module.exports.get(className);
    const method = cls?.methods?.get(prop);
    // Known class, unknown member: a JS builtin (`toString`, `constructor`) or a getter, not an export call.
    if (cls?.methods && (!method || method.isStatic !== isStatic)) return undefined;
    return { node, kind: isStatic ? 'static' : 'method', callee, isAsync: method?.isAsync ?? false, modulePath: module.path, exportName: prop, className };
  }

  private helperCall(node: Node, key: string, callee: string): WasmCallSite | undefined {
    const helper = this.helperAt(key, node.startIndex);
    if (!helper) return undefined;
    const inner = this.helperEntersWasm(helper);
    if (!inner) return undefined;
    return { node, kind: 'helper', callee, isAsync: helper.isAsync || inner.isAsync, modulePath: inner.modulePath, inner };
  }

  /** The first wasm call a helper makes (following helpers up to a few levels), memoised for the run. */
  private helperEntersWasm(helper: Helper): WasmCallSite | undefined {
    const cached = this.helperResult.get(helper);
    if (cached !== undefined) return cached ?? undefined;
    if (this.helperInProgress.has(helper) || this.helperInProgress.size >= 4) return undefined;
    this.helperInProgress.add(helper);
    let found: WasmCallSite | undefined;
    try {
      const sites = this.callsIn(helper.body, { returnedCounts: true });
      // A helper whose only wasm calls are un-awaited async ones returns (or drops) their promises.
      found = sites.find((s) => !s.isAsync) ?? sites[0];
    } finally {
      this.helperInProgress.delete(helper);
    }
    this.helperResult.set(helper, found ?? null);
    return found;
  }

  /**
   * The wasm calls made when `scope` runs: calls in nested functions are skipped unless the function runs
   * immediately (IIFE, array callbacks, awaited `new Promise` executors and `.then` chains), and the body of
   * an inner `try` whose catch does not rethrow is skipped (its failures stop there; its catch and finally
   * still run in the scope).
   */
  callsIn(scope: Node, search: WasmCallSearch = {}): WasmCallSite[] {
    const out: WasmCallSite[] = [];
    const asyncMustBeAwaited = search.asyncMustBeAwaited ?? true;
    const pending: Node[] = [scope];
    while (pending.length > 0 && !(search.firstOnly && out.length > 0)) {
      const root = pending.pop()!;
      walkTree(root, (node) => {
        if (search.firstOnly && out.length > 0) return false;
        if (node.id !== scope.id) {
          if (FUNCTION_TYPES.has(node.type)) return runsImmediately(node);
          if (node.type === 'try_statement' && swallowsInnerFailures(node)) {
            const handler = node.childForFieldName('handler');
            const finalizer = node.childForFieldName('finalizer');
            if (finalizer) pending.push(finalizer);
            if (handler) pending.push(handler);
            return false;
          }
        }
        this.consider(node, scope, search, asyncMustBeAwaited, out);
        return true;
      });
    }
    return out;
  }

  private consider(node: Node, scope: Node, search: WasmCallSearch, asyncMustBeAwaited: boolean, out: WasmCallSite[]): void {
    if (node.type !== 'call_expression' && node.type !== 'new_expression') return;
    const site = this.classify(node);
    if (!site) return;
    if (site.isAsync && asyncMustBeAwaited) {
      // `Node.parent` walks down from the root: ask only here, for the rare async call. An expression-bodied
      // arrow's body is its return value.
      const returned = search.returnedCounts && (isReturned(node, scope) || (node.id === scope.id && isExpressionBody(scope)));
      if (!returned && !isAwaited(node, scope)) return;
      if (consumedByAssertion(node)) return;
    }
    if (search.consumed?.(site)) return;
    out.push(site);
  }
}

function rangeOf(r: TextRange): { scopeStart: number; scopeEnd: number } {
  return { scopeStart: r.start, scopeEnd: r.end };
}

/** A try whose catch does not rethrow: failures of its body never reach an enclosing handler. */
function swallowsInnerFailures(tryNode: Node): boolean {
  const body = tryNode.childForFieldName('handler')?.childForFieldName('body');
  return body !== null && body !== undefined && !handlerRethrows(body);
}

/** A nested function that runs before its enclosing expression finishes. */
export function runsImmediately(fn: Node): boolean {
  let child = fn;
  let parent = fn.parent;
  while (parent?.type === 'parenthesized_expression') {
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === child.id) return true; // IIFE
  if (parent.type !== 'arguments') return false;
  const call = parent.parent;
  if (!call) return false;
  // A Promise executor runs at once, but its throw becomes a rejection: it reaches a catch only when awaited.
  if (call.type === 'new_expression') return call.childForFieldName('constructor')?.text === 'Promise' && isAwaited(call, null);
  if (call.type !== 'call_expression') return false;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression') return false;
  const method = callee.childForFieldName('property')?.text ?? '';
  if (SYNC_CALLBACK_METHODS.has(method)) return true;
  if (PROMISE_CHAIN_METHODS.has(method)) return isAwaited(outermostChain(call), null);
  return false;
}

/** The outermost expression of a `.then().catch()…` chain that `call` belongs to. */
export function outermostChain(call: Node): Node {
  let n = call;
  for (;;) {
    const member = n.parent;
    if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== n.id) return n;
    const outer = member.parent;
    if (outer?.type !== 'call_expression' || !PROMISE_CHAIN_METHODS.has(member.childForFieldName('property')?.text ?? '')) return n;
    n = outer;
  }
}

/** An `await` between the node and `scope` (exclusive), through the node's own promise chain and containers. */
export function isAwaited(node: Node, scope: Node | null): boolean {
  // Inside `xs.map((x) => load(x))` the promise is an element of an array: awaited only through `Promise.all(…)` & co.
  let inArray = false;
  let child = node;
  for (let p = node.parent; p && (!scope || p.id !== scope.id); child = p, p = p.parent) {
    if (p.type === 'await_expression') return !inArray;
    if (p.type === 'for_in_statement' && /^\s*for\s+await\b/.test(p.text)) return true;
    if (p.type === 'arrow_function' && p.childForFieldName('body')?.id === child.id && isMapCallback(p)) {
      inArray = true;
      continue;
    }
    if (inArray && p.type === 'call_expression' && PROMISE_COMBINATORS.test(p.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '')) inArray = false;
    if (p.type.endsWith('_statement') || p.type === 'statement_block' || FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

const PROMISE_COMBINATORS = /^Promise\.(?:all|allSettled|any|race)$/;

/** An expression-bodied arrow given to `.map`/`.flatMap`: its values become the elements of the result. */
function isMapCallback(arrow: Node): boolean {
  const args = arrow.parent;
  const call = args?.type === 'arguments' ? args.parent : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  return method === 'map' || method === 'flatMap';
}

function isExpressionBody(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'arrow_function' && parent.childForFieldName('body')?.id === node.id;
}

function isReturned(node: Node, scope: Node): boolean {
  for (let p = node.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type === 'return_statement') return true;
    if (p.type === 'arrow_function') return p.childForFieldName('body')?.type !== 'statement_block';
    if (p.type.endsWith('_statement') || p.type === 'statement_block' || FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

function consumedByAssertion(node: Node): boolean {
  const args = node.parent;
  const call = args?.type === 'arguments' ? args.parent : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return callee !== null && callee !== undefined && REJECTION_CONSUMERS.test(callee.text.replace(/\s+/g, ''));
}

/** The text of a callee for messages, shortened: `parser.feed(…)`. */
export function describeCall(site: WasmCallSite): string {
  const callee = oneLineCode(site.callee);
  if (callee.length <= 60) return `${callee}(…)`;
  // The method's name says which call it is: the receiver gives way (`this.#conversationsOf….findMessages`).
  const dot = callee.lastIndexOf('.');
  const method = callee.slice(dot + 1);
  if (dot <= 0 || method.length > 40 || /[()[\]]/.test(method)) return `${shortCode(callee, 60)}(…)`;
  return `${shortCode(callee.slice(0, dot), 59 - method.length)}.${method}(…)`;
}

/** The text of the `{ … }` that opens at `open` (braces balanced; to the end of `text` when unbalanced). */
function balancedBraces(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** The identifiers a destructuring pattern declares (`{ a, b: c, ...d }`, `[x, , y = 1]`), not its default values. */
function patternIdentifiers(pattern: Node): Node[] {
  const out: Node[] = [];
  const pending: Node[] = [pattern];
  while (pending.length > 0) {
    const n = pending.pop()!;
    switch (n.type) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        out.push(n);
        break;
      case 'object_pattern':
      case 'array_pattern':
      case 'rest_pattern':
        pending.push(...n.namedChildren);
        break;
      case 'pair_pattern': {
        const value = n.childForFieldName('value');
        if (value) pending.push(value);
        break;
      }
      case 'assignment_pattern':
      case 'object_assignment_pattern': {
        const left = n.childForFieldName('left');
        if (left) pending.push(left);
        break;
      }
    }
  }
  return out;
}

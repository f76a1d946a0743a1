// JS call points that need the receiver's type (catalog §B2 JS_CALL_POINT (a): "any function of any
// `#[wasm_bindgen] extern` block of the crate"). `jsCallPointOf` leaves out `method` imports whose names
// are common in plain Rust (`emit`, `get`, `update` …) because `x.emit(..)` alone cannot be told apart
// from a Rust method, and it leaves out `getter`/`setter` imports (property accesses). Here a method
// import counts when the receiver's declared type is the import's `this` type — a parameter `bus: &Bus`,
// a `let bus: Bus = …`, `x.unchecked_ref::<Bus>()`/`dyn_into::<Bus>()`, a `self.bus` field declared
// `Bus` — and getters/setters count as `indirect` calls: like `Reflect::get`, a property access runs JS
// only when the property is an accessor. Kept apart from js-calls.ts so that its other callers (panic
// points, other rules) keep their behaviour; R01 asks both.

import type { Node } from 'web-tree-sitter';
import type { RustImport } from '../workspace/types';
import type { RustEnv } from './env';
import type { JsCallPoint } from './js-calls';
import { receiverType, type StateResolver } from './state';
import { asMethodCall, enclosingImplType, stripTransparent, typeBaseName } from './syntax';
import { shortCode } from '../text/one-line';

/** JS namespaces whose functions never call back into wasm (as in js-calls.ts). */
const HARMLESS_NAMESPACES = new Set(['console', 'Math', 'Date', 'performance', 'Number', 'crypto']);

/** A call of a crate `method` import recognised through its receiver's type, or of a getter/setter import. */
export function typedJsCallPointOf(node: Node, env: RustEnv, resolver: StateResolver | undefined): JsCallPoint | undefined {
  const m = asMethodCall(node);
  if (!m) return undefined;
  const imp = env.importNamed(m.method);
  if (!imp || !imp.method || !imp.selfType || isHarmless(imp)) return undefined;
  // A Rust method of the same name in this file on another type is not the import.
  const type = receiverTypeName(m.receiver, env, resolver);
  if (!type || type !== imp.selfType) return undefined;
  const display = `${shortText(m.receiver.text)}.${m.method}(..)`;
  const accessor = imp.isGetter === true || imp.isSetter === true;
  return {
    node, kind: 'import', display, import: imp,
    certainty: accessor || imp.inlineJs !== undefined ? 'indirect' : 'direct',
  };
}

function isHarmless(imp: RustImport): boolean {
  const ns = imp.jsNamespace?.split('.')[0];
  return ns !== undefined && HARMLESS_NAMESPACES.has(ns);
}

/** The declared type of a receiver expression, as a base name (`&web::Bus` → `Bus`), when it is written down. */
export function receiverTypeName(receiver: Node, env: RustEnv, resolver: StateResolver | undefined): string | undefined {
  let n = stripTransparent(receiver);
  for (let hops = 0; hops < 6; hops++) {
    // `x.unchecked_ref::<Bus>()`, `x.dyn_into::<Bus>().unwrap()`, `x.dyn_ref::<Bus>().unwrap()`
    const m = asMethodCall(n);
    if (m) {
      const generic = n.childForFieldName('function');
      if (generic?.type === 'generic_function' && /^(unchecked_ref|unchecked_into|dyn_into|dyn_ref)$/.test(m.method)) {
        const args = generic.childForFieldName('type_arguments');
        return args ? clean(args.text.replace(/^<|>$/g, '')) : undefined;
      }
      if (/^(unwrap|expect|unwrap_throw|expect_throw|clone|as_ref)$/.test(m.method) && m.args.length <= 1) {
        n = stripTransparent(m.receiver);
        continue;
      }
      return undefined;
    }
    if (n.type === 'field_expression') {
      const value = n.childForFieldName('value');
      const field = n.childForFieldName('field')?.text;
      if (value?.type === 'self' && field) {
        const impl = enclosingImplType(n);
        const t = impl ? env.structFields(impl)?.get(field) : undefined;
        return t ? clean(t) : undefined;
      }
      if (resolver) {
        const t = receiverType(n, env, resolver);
        return t ? clean(t) : undefined;
      }
      return undefined;
    }
    if (n.type === 'identifier' && resolver) {
      const b = resolver.bindings.lookup(n.text, n.startIndex);
      if (!b) return undefined;
      const binder = b.binder;
      if (binder.type === 'parameter') {
        const t = binder.childForFieldName('type');
        return t ? clean(t.text) : undefined;
      }
      if (binder.type === 'let_declaration') {
        const t = binder.childForFieldName('type');
        if (t) return clean(t.text);
        const value = binder.childForFieldName('value');
        if (!value) return undefined;
        n = stripTransparent(value);
        continue;
      }
      // `for bus in &self.buses` / closure parameters: no declared type we can read.
      if (binder.type === 'closure_expression') {
        const param = closureParameterType(binder, n.text);
        return param ? clean(param) : undefined;
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

function closureParameterType(closure: Node, name: string): string | undefined {
  const params = closure.childForFieldName('parameters');
  if (!params) return undefined;
  for (const p of params.namedChildren) {
    if (p.type !== 'parameter') continue;
    const pattern = p.childForFieldName('pattern');
    if (pattern?.text.replace(/^mut\s+/, '') === name) return p.childForFieldName('type')?.text;
  }
  return undefined;
}

/** `&mut crate::js::Bus` → `Bus`; wrappers such as `Option<Bus>` stay as they are (not the import's type). */
function clean(type: string): string {
  return typeBaseName(type.trim().replace(/^&\s*('\w+\s+)?(mut\s+)?/, ''));
}

function shortText(text: string): string {
  return shortCode(text, 32);
}

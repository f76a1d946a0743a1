// Full-stack crates (Leptos, Dioxus fullstack) compile the same source twice: for the server and for
// the wasm client. Code that only the server build contains never runs in the wasm module, so rules
// about wasm failure modes should not report it: server functions (`#[server]`, `#[server(..)]`,
// `#[leptos::server]`, `#[dioxus::prelude::server]` — the client build replaces their bodies with an
// HTTP call) and items under a `cfg` that requires `feature = "ssr"` or `feature = "server"` (the
// conventional server features of those frameworks). A complement to TestCodeOracle, which handles
// test code and `cfg(not(target_arch = "wasm32"))`; verdicts are cached per item for one lint run.

import type { Node } from 'web-tree-sitter';
import type { RustEnv } from './env';
import { parentOf } from './parents';
import { attributesOf, type Attribute } from './syntax';

const ITEM_TYPES = new Set(['function_item', 'mod_item', 'impl_item', 'struct_item', 'enum_item', 'static_item', 'const_item', 'macro_invocation', 'trait_item']);

/** True when `node` lies in a server function or in an item compiled only with a server feature. */
export function isServerOnlyCode(node: Node, env: RustEnv): boolean {
  for (let n: Node | null = node; n; n = parentOf(n)) {
    if (!ITEM_TYPES.has(n.type)) continue;
    const item = n;
    if (env.memo('server-only', item, () => attributesOf(item).some(isServerOnlyAttribute))) return true;
  }
  return false;
}

export function isServerOnlyAttribute(a: Attribute): boolean {
  if (a.name === 'server' && !a.conditional) return true;
  if (a.name !== 'cfg' || !a.args || a.conditional) return false;
  return cfgRequiresServerFeature(a.args.text);
}

/** `cfg(feature = "ssr")`, `cfg(all(feature = "server", …))` — not under `not(..)` or `any(..)`. */
export function cfgRequiresServerFeature(argsText: string): boolean {
  let s = argsText;
  for (let i = 0; i < 3; i++) s = s.replace(/\b(not|any)\s*\((?:[^()]|\([^()]*\))*\)/g, '');
  return /\bfeature\s*=\s*"(ssr|server)"/.test(s);
}

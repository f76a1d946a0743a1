// Recognises code that never runs in the wasm module, which no rule reports. Test code: items under `#[cfg(test)]` (including
// `#[cfg(all(test, …))]`, but not `#[cfg(not(test))]`), `#[test]`-like functions (`#[test]`,
// `#[wasm_bindgen_test]`, `#[tokio::test]`, `#[bench]`…), files with an inner `#![cfg(test)]`,
// and integration tests and benches (`<crate>/tests/`, `<crate>/benches/`). Native-only code: items under
// `#[cfg(not(target_arch = "wasm32"))]` / `#[cfg(not(target_family = "wasm"))]` (crates that also build
// a napi or native version, like resvg-js).

import type { Node } from 'web-tree-sitter';
import { attributesOf, type Attribute } from './syntax';
import { parentOf } from './parents';

const ITEM_TYPES = new Set([
  'function_item', 'mod_item', 'impl_item', 'trait_item', 'struct_item', 'enum_item', 'macro_invocation',
  'static_item', 'const_item', 'foreign_mod_item', 'use_declaration', 'macro_definition',
]);

/** True for an attribute that marks its item as test-only or native-only. */
export function isTestAttribute(a: Attribute): boolean {
  if (a.name === 'test' || a.name === 'bench' || a.name === 'wasm_bindgen_test' || a.name === 'rstest' || a.name === 'quickcheck') return true;
  if (a.name === 'cfg' && a.args && !a.conditional) return cfgMentionsTest(a.args.text) || cfgExcludesWasm(a.args.text);
  return false;
}

/** `cfg(not(target_arch = "wasm32"))`, `cfg(all(not(target_family = "wasm"), …))`: never compiled for wasm. */
export function cfgExcludesWasm(argsText: string): boolean {
  const t = argsText.replace(/\s+/g, '');
  if (/^\(any\(/.test(t)) return false;
  return /not\(target_arch="wasm32"\)|not\(target_family="wasm"\)/.test(t);
}

/** `cfg(test)`, `cfg(all(test, feature = "x"))` → true; `cfg(not(test))`, `cfg(any(test, x))` → only when test is required. */
export function cfgMentionsTest(argsText: string): boolean {
  let s = argsText;
  // Remove `not(...)` groups (possibly nested once), then `any(...)` groups that contain something besides test.
  for (let i = 0; i < 3; i++) s = s.replace(/\bnot\s*\((?:[^()]|\([^()]*\))*\)/g, '');
  s = s.replace(/\bany\s*\(((?:[^()]|\([^()]*\))*)\)/g, (_m, inner: string) => (/^\s*test\s*$/.test(inner) ? 'test' : ''));
  s = s.replace(/"[^"]*"/g, '""');
  return /\btest\b/.test(s);
}

/** True when the file (by path) is an integration test or bench of its crate. */
export function isTestPath(path: string, crateRoot: string | undefined): boolean {
  if (crateRoot !== undefined) {
    const prefix = crateRoot.endsWith('/') ? crateRoot : crateRoot + '/';
    if (!path.startsWith(prefix)) return false;
    const rel = path.slice(prefix.length);
    return rel.startsWith('tests/') || rel.startsWith('benches/');
  }
  return /\/(tests|benches)\/[^/]+\.rs$/.test(path);
}

/**
 * Answers "is this node test (or native-only) code?" for one file, caching the verdict per item so that many questions
 * about the same function cost one attribute scan each.
 */
export class TestCodeOracle {
  private readonly itemVerdicts = new Map<number, boolean>();
  private fileIsTest: boolean | undefined;

  constructor(private readonly root: Node, private readonly testPath = false) {}

  isTestCode(node: Node): boolean {
    if (this.testPath || this.wholeFileIsTest()) return true;
    for (let n: Node | null = node; n; n = parentOf(n)) {
      if (!ITEM_TYPES.has(n.type)) continue;
      let verdict = this.itemVerdicts.get(n.id);
      if (verdict === undefined) {
        verdict = attributesOf(n).some(isTestAttribute) || hasInnerCfgTest(n);
        this.itemVerdicts.set(n.id, verdict);
      }
      if (verdict) return true;
    }
    return false;
  }

  private wholeFileIsTest(): boolean {
    this.fileIsTest ??= innerAttributesOf(this.root).some((text) => /^#!\[\s*cfg\s*\(/.test(text) && cfgMentionsTest(text.replace(/^#!\[\s*cfg/, '')));
    return this.fileIsTest;
  }
}

/** `mod tests { #![cfg(test)] … }` */
function hasInnerCfgTest(item: Node): boolean {
  if (item.type !== 'mod_item') return false;
  const body = item.childForFieldName('body');
  return body ? innerAttributesOf(body).some((text) => /^#!\[\s*cfg\s*\(/.test(text) && cfgMentionsTest(text.replace(/^#!\[\s*cfg/, ''))) : false;
}

function innerAttributesOf(container: Node): string[] {
  const out: string[] = [];
  for (let i = 0; i < container.namedChildCount; i++) {
    const child = container.namedChild(i);
    if (!child) continue;
    if (child.type === 'inner_attribute_item') out.push(child.text);
    else if (child.type !== 'line_comment' && child.type !== 'block_comment') break;
  }
  return out;
}

// Reads every module reference of a TS/JS file from its syntax tree (catalog §B3): ESM imports
// (default, named with `as`, namespace; type-only ones skipped), `export … from`, `import x = require()`,
// and dynamic `import()` / `require()` whose result is bound to a name or destructured. The result is
// plain data (no Nodes): the Workspace caches it per file text and resolves it per structure generation.

import type { Node, TreeCursor } from 'web-tree-sitter';
import type { TextRange } from '../model';

export type ImportForm = 'import' | 'export-from' | 'import-equals' | 'dynamic-import' | 'require';

export interface RawImportBinding {
  readonly localName: string;
  /** `default`, `*` (namespace), or the imported name. */
  readonly importedName: string;
  /** Range of the local identifier. */
  readonly range: TextRange;
  /** `import type { X }` / `import { type X }`: names a type only (annotations), never a value that is called. */
  readonly typeOnly?: true;
}

export interface RawImport {
  readonly specifier: string;
  /** Range of the string literal holding the specifier. */
  readonly range: TextRange;
  readonly form: ImportForm;
  readonly bindings: readonly RawImportBinding[];
}

export interface RawTsImports {
  readonly path: string;
  readonly imports: readonly RawImport[];
}

const range = (n: Node): TextRange => ({ start: n.startIndex, end: n.endIndex });

/** The string value of a `string` node, or of a template literal without substitutions. */
function stringValue(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type === 'template_string' && !node.namedChildren.some((c) => c.type === 'template_substitution')) return node.text.slice(1, -1);
  return undefined;
}

function hasTypeKeyword(node: Node): boolean {
  // `import type …`, `export type … from`, `import { type X }`: the anonymous `type` token is a direct child.
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c && !c.isNamed && c.type === 'type') return true;
  }
  return false;
}

function readImportStatement(node: Node): RawImport | undefined {
  const source = node.childForFieldName('source');
  const requireClause = node.namedChildren.find((c) => c.type === 'import_require_clause');
  if (requireClause) {
    // `import wasm = require('./pkg/x.js')`
    const id = requireClause.namedChildren.find((c) => c.type === 'identifier');
    const spec = requireClause.childForFieldName('source') ?? requireClause.namedChildren.find((c) => c.type === 'string') ?? null;
    const specifier = stringValue(spec);
    if (specifier === undefined || !spec) return undefined;
    return { specifier, range: range(spec), form: 'import-equals', bindings: id ? [{ localName: id.text, importedName: '*', range: range(id) }] : [] };
  }
  const specifier = stringValue(source);
  if (specifier === undefined || !source) return undefined;
  const typeOnlyStatement = hasTypeKeyword(node);
  const bindings: RawImportBinding[] = [];
  const clause = node.namedChildren.find((c) => c.type === 'import_clause');
  for (const part of clause?.namedChildren ?? []) {
    if (part.type === 'identifier') {
      if (!typeOnlyStatement) bindings.push({ localName: part.text, importedName: 'default', range: range(part) });
    } else if (part.type === 'namespace_import') {
      const id = part.namedChildren.find((c) => c.type === 'identifier');
      if (id) bindings.push({ localName: id.text, importedName: '*', range: range(id), ...(typeOnlyStatement ? { typeOnly: true as const } : {}) });
    } else if (part.type === 'named_imports') {
      for (const spec of part.namedChildren) {
        if (spec.type !== 'import_specifier') continue;
        const typeOnly = typeOnlyStatement || hasTypeKeyword(spec);
        const name = spec.childForFieldName('name');
        const alias = spec.childForFieldName('alias');
        if (!name) continue;
        const imported = name.type === 'string' ? name.text.slice(1, -1) : name.text;
        const local = alias ?? name;
        bindings.push({ localName: local.text, importedName: imported, range: range(local), ...(typeOnly ? { typeOnly: true as const } : {}) });
      }
    }
  }
  return { specifier, range: range(source), form: 'import', bindings };
}

function readExportFrom(node: Node): RawImport | undefined {
  const source = node.childForFieldName('source');
  const specifier = stringValue(source);
  if (specifier === undefined || !source) return undefined;
  return { specifier, range: range(source), form: 'export-from', bindings: [] };
}

/**
 * Bindings of `const x = await import(…)`, `const { a, b: c } = require(…)`, and of a module namespace
 * assigned to a variable declared elsewhere (`rp = await import(…)`, `import(…).then((m) => { rp = m; })`);
 * empty when the result is not bound.
 */
function bindingsOfDynamic(call: Node): RawImportBinding[] {
  let value: Node = call;
  let parent = call.parent;
  while (parent && (parent.type === 'await_expression' || parent.type === 'parenthesized_expression')) {
    value = parent;
    parent = parent.parent;
  }
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === value.id) {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? [{ localName: left.text, importedName: '*', range: range(left) }] : [];
  }
  if (parent?.type === 'member_expression' && value.id === call.id && parent.childForFieldName('property')?.text === 'then') return assignedInThen(parent);
  if (!parent || parent.type !== 'variable_declarator' || parent.childForFieldName('value')?.id !== value.id) return [];
  const name = parent.childForFieldName('name');
  if (!name) return [];
  if (name.type === 'identifier') return [{ localName: name.text, importedName: '*', range: range(name) }];
  if (name.type !== 'object_pattern') return [];
  const out: RawImportBinding[] = [];
  for (const prop of name.namedChildren) {
    if (prop.type === 'shorthand_property_identifier_pattern') out.push({ localName: prop.text, importedName: prop.text, range: range(prop) });
    else if (prop.type === 'object_assignment_pattern') {
      const left = prop.childForFieldName('left');
      if (left?.type === 'shorthand_property_identifier_pattern') out.push({ localName: left.text, importedName: left.text, range: range(left) });
    } else if (prop.type === 'pair_pattern') {
      const key = prop.childForFieldName('key');
      const value = prop.childForFieldName('value');
      // `{ a: b = fallback }` binds `b` too.
      const local = value?.type === 'assignment_pattern' ? value.childForFieldName('left') : value;
      if (!key || local?.type !== 'identifier') continue;
      const imported = key.type === 'string' ? key.text.slice(1, -1) : key.text;
      out.push({ localName: local.text, importedName: imported, range: range(local) });
    }
  }
  return out;
}

/** `import(…).then((m) => { rp = m; })` / `.then(m => (rp = m))`: the variables the namespace is assigned to. */
function assignedInThen(member: Node): RawImportBinding[] {
  const callback = member.parent?.type === 'call_expression' ? member.parent.childForFieldName('arguments')?.namedChild(0) : undefined;
  if (!callback || (callback.type !== 'arrow_function' && callback.type !== 'function_expression')) return [];
  const single = callback.childForFieldName('parameter');
  const params = callback.childForFieldName('parameters')?.namedChildren ?? [];
  const param = single ?? (params.length === 1 ? params[0].childForFieldName('pattern') ?? params[0] : undefined);
  if (param?.type !== 'identifier') return [];
  const out: RawImportBinding[] = [];
  const pending: Node[] = [callback.childForFieldName('body') ?? callback];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.type === 'assignment_expression') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right?.type === 'identifier' && right.text === param.text) {
        out.push({ localName: left.text, importedName: '*', range: range(left) });
      }
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && c.type !== 'arrow_function' && c.type !== 'function_expression' && c.type !== 'function_declaration') pending.push(c);
    }
  }
  return out;
}

function readDynamic(call: Node): RawImport | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const form = fn.type === 'import' ? 'dynamic-import' : fn.type === 'identifier' && fn.text === 'require' ? 'require' : undefined;
  if (!form) return undefined;
  const arg = call.childForFieldName('arguments')?.namedChild(0) ?? null;
  const specifier = stringValue(arg);
  if (specifier === undefined || !arg) return undefined;
  return { specifier, range: range(arg), form, bindings: bindingsOfDynamic(call) };
}

/** Dynamic imports and requires can sit anywhere; walk with a cursor and materialise only call nodes. */
function collectDynamic(root: Node, out: RawImport[]): void {
  const cursor: TreeCursor = root.walk();
  try {
    for (;;) {
      if (cursor.nodeType === 'call_expression') {
        const found = readDynamic(cursor.currentNode);
        if (found) out.push(found);
      }
      if (cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

export function extractImports(path: string, root: Node, text: string): RawTsImports {
  const imports: RawImport[] = [];
  for (const node of root.namedChildren) {
    if (node.type === 'import_statement') {
      const found = readImportStatement(node);
      if (found) imports.push(found);
    } else if (node.type === 'export_statement' && node.childForFieldName('source')) {
      const found = readExportFrom(node);
      if (found) imports.push(found);
    }
  }
  if (/\b(?:import|require)\s*\(/.test(text)) collectDynamic(root, imports);
  imports.sort((a, b) => a.range.start - b.range.start);
  return { path, imports };
}

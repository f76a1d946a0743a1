// TOML reading for crate discovery (Cargo.toml, .cargo/config.toml, rust-toolchain.toml, wrangler.toml):
// smol-toml behind a function that never throws, plus the small type guards the callers need to read
// untrusted documents field by field.

import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml is an ES module with a CommonJS build; this project compiles to CommonJS, where a static
// `import` of an ES module does not type-check, so the CommonJS build is loaded explicitly (the bundler
// resolves the same `require` condition). The types still come from the package's declarations.
const smolToml: typeof SmolToml = require('smol-toml');

export type TomlTable = { readonly [key: string]: unknown };

export type TomlResult =
  | { readonly ok: true; readonly table: TomlTable }
  | { readonly ok: false; readonly message: string; readonly line?: number };

/** Parses a TOML document; a syntax error becomes a value (first line of the message, 1-based line). */
export function parseToml(text: string): TomlResult {
  try {
    return { ok: true, table: smolToml.parse(text) as TomlTable };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const message = raw.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    const line = error instanceof smolToml.TomlError && Number.isInteger(error.line) ? error.line : undefined;
    return { ok: false, message, line };
  }
}

export function asTable(value: unknown): TomlTable | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? (value as TomlTable) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** The strings of an array value (other elements dropped); undefined when not an array. */
export function asStringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** Follows a key path through nested tables. */
export function getPath(table: TomlTable | undefined, ...keys: string[]): unknown {
  let current: unknown = table;
  for (const key of keys) {
    const t = asTable(current);
    if (!t || !Object.prototype.hasOwnProperty.call(t, key)) return undefined;
    current = t[key];
  }
  return current;
}

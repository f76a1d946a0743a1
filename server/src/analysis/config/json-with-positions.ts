// A strict JSON reader for configuration files that says WHERE things are: syntax errors come with a
// 1-based line:column, and every object member keeps the position of its key, so validation messages
// can point at the offending key. JSON.parse gives neither (its messages differ between Node versions
// and lose positions). Nesting is bounded (config files are shallow; a hostile file cannot overflow the
// stack) and duplicate keys are reported, since the later one silently winning hides mistakes.

export interface JsonPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export interface JsonReadResult {
  /** Undefined when the text is not valid JSON. */
  readonly value: JsonValue | undefined;
  /** Position of each object key, by its JSON pointer-like path (`rules.my-rule.severity`). */
  readonly keyPositions: ReadonlyMap<string, JsonPosition>;
  readonly error?: { readonly message: string; readonly position: JsonPosition };
  /** Keys that appear twice in one object (the later value is kept). */
  readonly duplicateKeys: readonly { readonly path: string; readonly position: JsonPosition }[];
}

const MAX_DEPTH = 64;

class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export function positionAt(text: string, offset: number): JsonPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses `text` (a leading BOM is allowed). Never throws. */
export function readJson(text: string): JsonReadResult {
  const keyPositions = new Map<string, JsonPosition>();
  const duplicateKeys: { path: string; position: JsonPosition }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const skipWhitespace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of file' : `'${text[i]}'`);

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const ch = text[i];
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\n' || ch === '\r') fail('unterminated string (strings cannot span lines)', start);
      if (ch === '\\') {
        const next = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (next !== undefined && simple[next] !== undefined) {
          out += simple[next];
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('invalid escape sequence in string');
        }
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('control character in string');
      out += ch;
      i++;
    }
  };

  const readNumber = (): number => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail(`unexpected ${describe()}`);
    i += match![0].length;
    return Number(match![0]);
  };

  const readValue = (path: string, depth: number): JsonValue => {
    skipWhitespace();
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const ch = text[i];
    if (ch === '{') return readObject(path, depth);
    if (ch === '[') return readArray(path, depth);
    if (ch === '"') return readString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return readNumber();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
    if (ch === "'") fail('strings must use double quotes');
    return fail(`expected a value, found ${describe()}`);
  };

  const readObject = (path: string, depth: number): JsonObject => {
    i++; // {
    const out: Record<string, JsonValue> = {};
    skipWhitespace();
    if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
      if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before }' : `expected a property name in double quotes, found ${describe()}`);
      const keyOffset = i;
      const key = readString();
      const keyPath = path === '' ? key : `${path}.${key}`;
      const position = positionAt(text, keyOffset);
      if (Object.prototype.hasOwnProperty.call(out, key)) duplicateKeys.push({ path: keyPath, position });
      keyPositions.set(keyPath, position);
      skipWhitespace();
      if (text[i] !== ':') fail(`expected ':' after "${key}", found ${describe()}`);
      i++;
      const value = readValue(keyPath, depth + 1);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(`expected ',' or '}' after the value of "${key}", found ${describe()}`);
    }
  };

  const readArray = (path: string, depth: number): JsonValue[] => {
    i++; // [
    const out: JsonValue[] = [];
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[i] === ']') fail('trailing comma before ]');
      out.push(readValue(`${path}[${out.length}]`, depth + 1));
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(`expected ',' or ']' in array, found ${describe()}`);
    }
  };

  try {
    const value = readValue('', 0);
    skipWhitespace();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return { value, keyPositions, duplicateKeys };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { value: undefined, keyPositions, duplicateKeys, error: { message: e.message, position: positionAt(text, e.offset) } };
  }
}

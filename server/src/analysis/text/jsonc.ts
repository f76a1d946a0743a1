// JSONC, the JSON dialect of tsconfig.json and wrangler.jsonc: comments and trailing commas allowed.
// Strings are copied as they are, so `"a//b"` or `"e,}"` inside one stay intact.

/** JSONC text as JSON: line and block comments outside strings dropped, and trailing commas. */
export function jsoncToJson(text: string): string {
  // Pieces of the text without comments and without trailing commas; strings are copied as they are.
  const out: string[] = [];
  let from = 0;
  let pendingComma = -1; // index in `out` of a comma that a `}` or `]` would make trailing
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      pendingComma = -1;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      out.push(text.slice(from, i));
      if (text[i + 1] === '/') {
        const end = text.indexOf('\n', i);
        i = end < 0 ? text.length : end;
      } else {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      }
      from = i;
    } else if (c === ',') {
      out.push(text.slice(from, i));
      pendingComma = out.length;
      out.push(',');
      from = ++i;
    } else if (c === '}' || c === ']') {
      out.push(text.slice(from, i));
      if (pendingComma >= 0) out[pendingComma] = '';
      pendingComma = -1;
      from = i;
      i++;
    } else {
      if (!/\s/.test(c)) pendingComma = -1;
      i++;
    }
  }
  out.push(text.slice(from));
  return out.join('');
}

/** A JSONC object (comments and trailing commas allowed), or undefined (not an object, or not JSON at all). */
export function parseJsonc(text: string): Record<string, unknown> | undefined {
  try {
    const json = JSON.parse(jsoncToJson(text)) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// Finds and reads the rule documentation pages (docs/rules/<id>.md) shipped with the tool, for the
// editor hover, the "Show documentation" action and SARIF `help`. Offline by design: the .vsix and the
// npm package carry docs/ next to dist/, and a development checkout has it at the repository root, so
// the folder is looked up from this module's own location upwards (dist/server.js and dist/cli.js →
// ../docs; out/server/src/host/ → ../../../../docs), the same way wasm-files.ts finds the grammars.

import * as fs from 'node:fs';
import * as path from 'node:path';

const DOCS_SUBFOLDER = path.join('docs', 'rules');

let cachedDirectory: string | null | undefined;
const cachedPages = new Map<string, string | null>();

/** The absolute `docs/rules` folder, or undefined when this installation has none. */
export function ruleDocsDirectory(): string | undefined {
  if (cachedDirectory === undefined) {
    cachedDirectory = null;
    const override = process.env.WASM_SAFETY_DOCS_DIR;
    const candidates = override ? [override] : [];
    for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, DOCS_SUBFOLDER));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) {
        cachedDirectory = candidate;
        break;
      }
    }
  }
  return cachedDirectory ?? undefined;
}

/** Absolute path of a rule's page when it exists. Rule ids are kebab-case, so nothing escapes the folder. */
export function ruleDocFile(ruleId: string): string | undefined {
  const directory = ruleDocsDirectory();
  if (!directory || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(ruleId)) return undefined;
  const file = path.join(directory, `${ruleId}.md`);
  return fs.existsSync(file) ? file : undefined;
}

/** The Markdown of a rule's page (read once per process), or undefined when there is none. */
export function readRuleDoc(ruleId: string): string | undefined {
  let text = cachedPages.get(ruleId);
  if (text === undefined) {
    const file = ruleDocFile(ruleId);
    try {
      text = file ? fs.readFileSync(file, 'utf8') : null;
    } catch {
      text = null;
    }
    cachedPages.set(ruleId, text);
  }
  return text ?? undefined;
}

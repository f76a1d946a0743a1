// Shared pieces of the reliability tests (issue 9): the mode switch between the quick run inside
// `npm test` and the full run of `npm run test:stress` (WASM_SAFETY_STRESS=1), fuzz seeds (a fixed one,
// a random one printed on failure, WASM_SAFETY_FUZZ_SEED to replay), an independent reference model of
// an LSP text document (what the LSP specification says incremental changes do, written without
// vscode-languageserver-textdocument so the server's copy is checked against something else), a
// temporary crate on disk, and the server started with its test hooks on.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Position, Range } from 'vscode-languageserver-protocol';
import { LspTestClient, REPO_ROOT } from '../support/lsp-client';

/** True under `npm run test:stress`: full budgets. Otherwise the quick variant that fits `npm test`. */
export const STRESS = process.env.WASM_SAFETY_STRESS === '1';

/** Tests too slow for `npm test` pass this as `skip` (node:test shows the reason). */
export const STRESS_ONLY: false | string = STRESS ? false : 'runs in `npm run test:stress` (WASM_SAFETY_STRESS=1)';

/** The fixed seed of CI runs. */
export const FIXED_SEED = 20261126;

/** WASM_SAFETY_FUZZ_SEED replays one seed (printed by a failing run) instead of the usual seeds. */
export function replaySeed(): number | undefined {
  const raw = process.env.WASM_SAFETY_FUZZ_SEED;
  if (raw === undefined || raw === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`WASM_SAFETY_FUZZ_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return seed;
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Line starts of a text as LSP counts lines: \n, \r\n and \r all end a line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Length of line `line` without its terminator. */
function lineLength(text: string, starts: readonly number[], line: number): number {
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  while (end > starts[line] && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return end - starts[line];
}

/**
 * The offset of an LSP position, as the specification defines it: a character past the end of its
 * line "defaults back to the line length" (the terminator is not part of the line); a line past the
 * last one means the end of the document (the spec leaves it open; editors and
 * vscode-languageserver-textdocument clamp there); negative numbers clamp to 0.
 */
export function offsetAt(text: string, position: Position, starts = lineStarts(text)): number {
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return text.length;
  const character = Math.max(0, Math.min(position.character, lineLength(text, starts, position.line)));
  return starts[position.line] + character;
}

export function positionAt(text: string, offset: number, starts = lineStarts(text)): Position {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

/** The reference model of one open document: its text and version, and an undo stack of inverse edits. */
export class DocumentModel {
  private readonly undoStack: { start: number; insertedLength: number; removed: string }[] = [];

  constructor(public text: string, public version: number) {}

  /** Applies one incremental change (range as sent, possibly reversed or past the end); returns the offsets used. */
  apply(range: Range, newText: string, rememberForUndo = true): { start: number; end: number } {
    const starts = lineStarts(this.text);
    // A reversed range is "well-formed" by swapping its ends (what every implementation does).
    const a = offsetAt(this.text, range.start, starts);
    const b = offsetAt(this.text, range.end, starts);
    const [start, end] = a <= b ? [a, b] : [b, a];
    if (rememberForUndo) this.undoStack.push({ start, insertedLength: newText.length, removed: this.text.slice(start, end) });
    this.text = this.text.slice(0, start) + newText + this.text.slice(end);
    return { start, end };
  }

  /** The change that undoes the latest edit (in positions of the current text), or undefined. */
  undoChange(): { range: Range; text: string } | undefined {
    const last = this.undoStack.pop();
    if (!last) return undefined;
    const starts = lineStarts(this.text);
    return {
      range: { start: positionAt(this.text, last.start, starts), end: positionAt(this.text, last.start + last.insertedLength, starts) },
      text: last.removed,
    };
  }

  /** Forgets the undo history (after an edit whose positions could not be reproduced exactly). */
  clearUndo(): void {
    this.undoStack.length = 0;
  }
}

/** A temporary crate (Cargo.toml + src/) for documents to live in; removed by `dispose`. */
export function temporaryCrate(prefix: string): { root: string; src: string; dispose(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(
    path.join(root, 'Cargo.toml'),
    '[package]\nname = "fuzzed"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[dependencies]\nwasm-bindgen = "0.2"\n',
  );
  return { root, src: path.join(root, 'src'), dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The server process with its test hooks on (test-only requests, optional fault injection). */
export function startHookedServer(options: { faultInjection?: string; nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): LspTestClient {
  return LspTestClient.start(undefined, {
    env: { WASM_SAFETY_TEST_HOOKS: '1', WASM_SAFETY_FAULT_INJECTION: options.faultInjection ?? '', ...options.env },
    nodeArgs: options.nodeArgs,
  });
}

export interface DocumentState {
  version: number;
  text: string;
  workspaceText: string | undefined;
  treeMatchesFreshParse: boolean | undefined;
  freshTreeHasErrors: boolean | undefined;
}

/** Fixture texts (Rust and TS) used as starting documents and as paste material. */
export function fixtureTexts(): { rust: string[]; ts: string[] } {
  const read = (dir: string, ext: RegExp): string[] =>
    fs.readdirSync(path.join(REPO_ROOT, 'test-fixtures', dir)).filter((f) => ext.test(f)).sort().map((f) => fs.readFileSync(path.join(REPO_ROOT, 'test-fixtures', dir, f), 'utf8'));
  return { rust: read('rust', /\.rs$/), ts: read('ts', /\.ts$/) };
}

/** Lines the server logged that mean something escaped a guard or an internal error happened. */
export function unexpectedLogLines(log: readonly string[], allowed: readonly RegExp[] = []): string[] {
  return log.filter((line) => /failed:|internal error|Unhandled|uncaught/i.test(line) && !allowed.some((re) => re.test(line)));
}

/** RSS of a process in kilobytes, from /proc/<pid>/status (Linux). */
export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

// Owns the syntax tree of one text and keeps it current with incremental re-parses
// (`tree.edit` + parse with the old tree). The previous tree is deleted as soon as the new one exists:
// this class is the single owner of its Tree, and nodes must not be kept past `update`/`dispose`.

import { Edit, type Point, type Tree } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import { fitsLengths, type TextChange } from '../text/text-change';
import type { Grammars } from './grammars';

export class ParseTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`parsing took longer than ${budgetMs} ms and was abandoned`);
    this.name = 'ParseTimeoutError';
  }
}

export interface ParseOptions {
  /** Abandon a parse that runs longer than this (a pathological file must not hang the editor). */
  readonly budgetMs?: number;
}

/** What the last re-parse changed: the edit that was applied to the old tree. */
export interface DocumentUpdate {
  readonly change: TextChange;
}

export class ParsedDocument {
  private currentTree: Tree | undefined;
  private currentText: string;
  private updates = 0;
  private update_: DocumentUpdate | undefined;

  /** @throws ParseTimeoutError when the budget runs out */
  constructor(
    private readonly grammars: Grammars,
    readonly language: LanguageId,
    text: string,
    private readonly options: ParseOptions = {},
    /** An edited tree of a previous text to parse incrementally from (still owned by the caller). */
    previous?: Tree,
  ) {
    this.currentText = text;
    this.currentTree = this.parse(text, previous);
  }

  get text(): string {
    return this.currentText;
  }

  get tree(): Tree {
    if (!this.currentTree) throw new Error('ParsedDocument used after dispose');
    return this.currentTree;
  }

  /** How many times the tree was re-parsed: what derived data (engine/incremental.ts) was made for. */
  get generation(): number {
    return this.updates;
  }

  /** What the last re-parse changed (from generation - 1 to this one); undefined before the first. */
  get lastUpdate(): DocumentUpdate | undefined {
    return this.update_;
  }

  /**
   * Re-parses `newText` incrementally, reusing the unchanged parts of the old tree. `change`: where the
   * text changed, when the caller knows (the editor said so), else the texts are compared.
   */
  update(newText: string, change?: TextChange): void {
    const oldText = this.currentText;
    if (newText === oldText) return;
    const oldTree = this.tree;
    const edit = change && fitsLengths(change, oldText.length, newText.length) ? editOf(oldText, newText, change) : singleEditBetween(oldText, newText);
    oldTree.edit(edit);
    this.update_ = undefined; // until the new tree exists (a parse past its budget throws)
    const newTree = this.parse(newText, oldTree);
    oldTree.delete();
    this.currentTree = newTree;
    this.currentText = newText;
    this.updates++;
    this.update_ = { change: { start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex } };
  }

  /**
   * A separate document for `newText`, parsed incrementally from a copy of this document's tree (this
   * document is left as it is). Checking a fix this way costs the edited region, not the whole file.
   */
  derive(newText: string): ParsedDocument {
    const copy = this.tree.copy();
    try {
      copy.edit(singleEditBetween(this.currentText, newText));
      return new ParsedDocument(this.grammars, this.language, newText, {}, copy);
    } finally {
      copy.delete();
    }
  }

  dispose(): void {
    this.currentTree?.delete();
    this.currentTree = undefined;
  }

  private parse(text: string, oldTree: Tree | undefined): Tree {
    const parser = this.grammars.parser(this.language);
    const budget = this.options.budgetMs;
    const deadline = budget === undefined ? undefined : Date.now() + budget;
    const tree = parser.parse(text, oldTree ?? null, deadline === undefined ? undefined : {
      // Returning true cancels the parse (web-tree-sitter's documented protocol).
      progressCallback: (() => Date.now() > deadline) as unknown as () => void,
    });
    if (!tree) {
      parser.reset();
      throw new ParseTimeoutError(budget ?? 0);
    }
    return tree;
  }
}

/** The smallest single edit (common prefix and suffix removed) that turns `oldText` into `newText`. */
export function singleEditBetween(oldText: string, newText: string): Edit {
  const minLength = Math.min(oldText.length, newText.length);
  // Whole chunks first (string equality runs natively), then characters: a large file costs microseconds.
  let start = 0;
  while (start + CHUNK <= minLength && oldText.slice(start, start + CHUNK) === newText.slice(start, start + CHUNK)) start += CHUNK;
  while (start < minLength && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd - CHUNK >= start && newEnd - CHUNK >= start && oldText.slice(oldEnd - CHUNK, oldEnd) === newText.slice(newEnd - CHUNK, newEnd)) {
    oldEnd -= CHUNK;
    newEnd -= CHUNK;
  }
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return editOf(oldText, newText, { start, oldEnd, newEnd });
}

/** The tree-sitter edit of a known change (its points counted from the texts). */
function editOf(oldText: string, newText: string, { start, oldEnd, newEnd }: TextChange): Edit {
  const startPosition = pointAt(oldText, start);
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    // The texts agree up to `start`: count on from there.
    oldEndPosition: pointAfter(oldText, start, startPosition, oldEnd),
    newEndPosition: pointAfter(newText, start, startPosition, newEnd),
  });
}

const CHUNK = 2048;

/** The point of `offset`, counting on from `from` (whose point is `at`). */
function pointAfter(text: string, from: number, at: Point, offset: number): Point {
  let row = at.row;
  let lineStart = from - at.column;
  for (let i = text.indexOf('\n', from); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** Row/column (UTF-16) of an offset; tree-sitter counts rows by '\n' only. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

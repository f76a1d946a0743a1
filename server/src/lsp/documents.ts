// The editor's open documents (incrementally synchronised by vscode-languageserver's TextDocuments)
// and the mapping between their URIs and workspace paths. A path whose document is open belongs to
// the editor: its text in the Workspace is the buffer's text, and disk events leave it alone.

import { type Connection, TextDocuments, type TextDocumentsConfiguration } from 'vscode-languageserver';
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { composeChanges, LineIndex, type TextChange } from '../analysis/index';
import { documentPath } from './from-lsp';

export interface OpenDocument {
  readonly path: string;
  /** The live document: its text and version always reflect the latest change received. */
  readonly document: EditorDocument;
}

export interface DocumentEvents {
  opened(doc: OpenDocument): void;
  changed(doc: OpenDocument): void;
  closed(doc: OpenDocument): void;
  saved(doc: OpenDocument): void;
}

/**
 * An open document: URI, language, version and text, with a line index kept current change by change
 * (the diagnostics, code actions and hovers of the document use it) and the extent of the last update
 * (so the parser need not compare the old and new texts to find what changed).
 *
 * It replaces vscode-languageserver-textdocument's TextDocument, whose incremental line-offset
 * bookkeeping (1.0.12) goes wrong in two cases the fuzz test (server/test/stress/fuzz-edits.test.ts)
 * found, after which every later position maps to the wrong offset:
 *   - a range whose line is past the last line (its offsets array gets holes: positions become NaN);
 *   - an edit that joins a '\r' and a '\n' into one CRLF break (it keeps counting two lines).
 * Positions are resolved with TextDocument's own rules (a character past the end of its line clamps to
 * the line's end, a line past the end to the end of the document, a reversed range is swapped); the line
 * index is re-scanned only around each change (LineIndex.afterEdit).
 */
export class EditorDocument implements TextDocument {
  private text: string;
  private index: LineIndex;
  private change: (TextChange & { readonly previousText: string }) | undefined;

  constructor(readonly uri: string, readonly languageId: string, public version: number, text: string) {
    this.text = text;
    this.index = new LineIndex(text);
  }

  /** The line index of the current text. */
  get lines(): LineIndex {
    return this.index;
  }

  get lineCount(): number {
    return this.index.lineCount;
  }

  getText(range?: Range): string {
    if (!range) return this.text;
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  offsetAt(position: Position): number {
    const lines = this.index;
    if (position.line >= lines.lineCount) return this.text.length;
    if (position.line < 0) return 0;
    const lineStart = lines.lineStart(position.line);
    if (position.character <= 0) return lineStart;
    const nextLineStart = position.line + 1 < lines.lineCount ? lines.lineStart(position.line + 1) : this.text.length;
    return this.beforeLineBreak(Math.min(lineStart + position.character, nextLineStart), lineStart);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line } = this.index.positionAt(clamped);
    const lineStart = this.index.lineStart(line);
    return { line, character: this.beforeLineBreak(clamped, lineStart) - lineStart };
  }

  /** Applies the changes of one didChange notification, in order. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const previousText = this.text;
    let envelope: TextChange | undefined;
    let known = true;
    for (const change of changes) {
      if (!('range' in change)) {
        this.replaceText(change.text, undefined);
        known = false;
        continue;
      }
      const a = this.offsetAt(change.range.start);
      const b = this.offsetAt(change.range.end);
      const start = Math.min(a, b);
      const edit: TextChange = { start, oldEnd: Math.max(a, b), newEnd: start + change.text.length };
      this.replaceText(this.text.slice(0, start) + change.text + this.text.slice(edit.oldEnd), edit);
      envelope = envelope ? composeChanges(envelope, edit) : edit;
    }
    this.version = version;
    this.change = known && envelope ? { ...envelope, previousText } : undefined;
  }

  /**
   * Where the last update changed the text, with the text before it; undefined when unknown (a full-text
   * change) or already taken. Taking it drops the reference to the old text.
   */
  takeChange(): (TextChange & { readonly previousText: string }) | undefined {
    const change = this.change;
    this.change = undefined;
    return change;
  }

  private replaceText(text: string, change: TextChange | undefined): void {
    this.index = change ? this.index.afterEdit(text, change) : new LineIndex(text);
    this.text = text;
  }

  /** TextDocument's rule: an offset inside or after a line break moves back to the end of the line's text. */
  private beforeLineBreak(offset: number, lineStart: number): number {
    while (offset > lineStart && isLineBreak(this.text.charCodeAt(offset - 1))) offset--;
    return offset;
  }
}

function isLineBreak(code: number): boolean {
  return code === 13 || code === 10;
}

const EDITOR_DOCUMENTS: TextDocumentsConfiguration<EditorDocument> = {
  create: (uri, languageId, version, content) => new EditorDocument(uri, languageId, version, content),
  update(document, changes, version) {
    document.update(changes, version);
    return document;
  },
};

export class OpenDocuments {
  private readonly synced = new TextDocuments(EDITOR_DOCUMENTS);
  private readonly pathByUri = new Map<string, string>();
  private readonly byPath = new Map<string, OpenDocument>();

  /** Takes over the connection's text document notifications and forwards them as `events`. */
  listen(connection: Connection, events: DocumentEvents, guard: (where: string, f: (doc: OpenDocument) => void) => (doc: OpenDocument) => void): void {
    const opened = guard('didOpen', (doc) => events.opened(doc));
    const changed = guard('didChange', (doc) => events.changed(doc));
    const closed = guard('didClose', (doc) => events.closed(doc));
    const saved = guard('didSave', (doc) => events.saved(doc));
    // TextDocuments fires onDidChangeContent synchronously right after onDidOpen; opened() has seen that text.
    let justOpened: string | undefined;
    this.synced.onDidOpen(({ document }) => {
      const path = documentPath(document.uri, document.languageId);
      if (path === undefined) return; // a scheme we do not serve
      const previous = this.byPath.get(path);
      if (previous) this.pathByUri.delete(previous.document.uri); // the same file under another URI spelling
      const doc: OpenDocument = { path, document };
      this.pathByUri.set(document.uri, path);
      this.byPath.set(path, doc);
      justOpened = document.uri;
      opened(doc);
    });
    this.synced.onDidChangeContent(({ document }) => {
      if (justOpened === document.uri) {
        justOpened = undefined;
        return;
      }
      const doc = this.get(document.uri);
      if (doc) changed(doc);
    });
    this.synced.onDidClose(({ document }) => {
      const doc = this.get(document.uri);
      if (!doc) return;
      this.pathByUri.delete(document.uri);
      this.byPath.delete(doc.path);
      closed(doc);
    });
    this.synced.onDidSave(({ document }) => {
      const doc = this.get(document.uri);
      if (doc) saved(doc);
    });
    this.synced.listen(connection);
  }

  get(uri: string): OpenDocument | undefined {
    const path = this.pathByUri.get(uri);
    const doc = path === undefined ? undefined : this.byPath.get(path);
    return doc?.document.uri === uri ? doc : undefined;
  }

  atPath(path: string): OpenDocument | undefined {
    return this.byPath.get(path);
  }

  isOpen(path: string): boolean {
    return this.byPath.has(path);
  }

  all(): OpenDocument[] {
    return [...this.byPath.values()];
  }
}

// The editor's open documents (incrementally synchronised by vscode-languageserver's TextDocuments)
// and the mapping between their URIs and workspace paths. A path whose document is open belongs to
// the editor: its text in the Workspace is the buffer's text, and disk events leave it alone.

import { type Connection, TextDocuments, type TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { documentPath } from './from-lsp';

export interface OpenDocument {
  readonly path: string;
  /** The live document: its text and version always reflect the latest change received. */
  readonly document: TextDocument;
}

export interface DocumentEvents {
  opened(doc: OpenDocument): void;
  changed(doc: OpenDocument): void;
  closed(doc: OpenDocument): void;
  saved(doc: OpenDocument): void;
}

/**
 * How TextDocuments creates and updates documents: TextDocument, with a safer `update`. The incremental
 * line-offset bookkeeping of vscode-languageserver-textdocument 1.0.12 goes wrong in two cases the fuzz
 * test (server/test/stress/fuzz-edits.test.ts) found, after which every later position maps to the wrong
 * offset and the server's text silently differs from the editor's:
 *   - a range whose line is past the last line (its offsets array gets holes: positions become NaN);
 *   - an edit that joins a '\r' and a '\n' into one CRLF break (it keeps counting two lines).
 * So each change is resolved here with the document's own position rules (a character past the end of
 * its line clamps to the line's end, a line past the end to the end of the document, a reversed range
 * is swapped) and stored as a full-content change, which recomputes the line offsets from the text.
 * The cost is one pass over the text per change, which the analysis makes anyway.
 */
const SAFELY_UPDATED_TEXT_DOCUMENT: TextDocumentsConfiguration<TextDocument> = {
  create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    for (const change of changes) {
      let text = change.text;
      if ('range' in change) {
        const a = document.offsetAt(change.range.start);
        const b = document.offsetAt(change.range.end);
        const old = document.getText();
        text = old.slice(0, Math.min(a, b)) + change.text + old.slice(Math.max(a, b));
      }
      TextDocument.update(document, [{ text }], version);
    }
    if (changes.length === 0) TextDocument.update(document, [], version);
    return document;
  },
};

export class OpenDocuments {
  private readonly synced = new TextDocuments(SAFELY_UPDATED_TEXT_DOCUMENT);
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

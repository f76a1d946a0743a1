// EditorDocument (the server's open-document model) against vscode-languageserver-textdocument's
// position rules: random incremental changes — positions past the end of a line or of the document,
// reversed ranges, CR/LF/CRLF breaks split and joined, several changes per notification — must give
// the text a freshly created TextDocument computes, a line index equal to a fresh one, the same
// offset/position conversions, and a reported change whose outside is unchanged.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../src/analysis/index';
import { EditorDocument } from '../src/lsp/documents';
import { random as seeded } from '../../scripts/bench/corpus';

describe('EditorDocument', () => {
  it('applies random changes as TextDocument resolves them, with a line index equal to a fresh one', () => {
    const random = seeded(17);
    const alphabet = ['a', 'é', '😀', ' ', '\r', '\n', '\r\n'];
    const piece = (max: number): string => Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const position = (reference: TextDocument): { line: number; character: number } => ({
      line: Math.floor(random() * (reference.lineCount + 2)) - (random() < 0.05 ? 2 : 0),
      character: Math.floor(random() * 8) - (random() < 0.05 ? 1 : 0),
    });
    let text = piece(30);
    const doc = new EditorDocument('file:///a.rs', 'rust', 1, text);
    for (let step = 0; step < 2000; step++) {
      const changes = Array.from({ length: random() < 0.2 ? 3 : 1 }, () => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: piece(4) }));
      const before = text;
      for (const change of changes) {
        // Each change's range is chosen on the text the previous ones produced (as an editor sends them).
        const reference = TextDocument.create('file:///a.rs', 'rust', 1, text);
        change.range = { start: position(reference), end: position(reference) };
        const a = reference.offsetAt(change.range.start);
        const b = reference.offsetAt(change.range.end);
        text = text.slice(0, Math.min(a, b)) + change.text + text.slice(Math.max(a, b));
      }
      doc.update(changes, step + 2);
      assert.equal(doc.getText(), text, `step ${step}`);
      assert.equal(doc.version, step + 2);
      const fresh = new LineIndex(text);
      assert.equal(doc.lines.lineCount, fresh.lineCount, `step ${step}`);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(doc.lines.lineStart(line), fresh.lineStart(line), `step ${step}, line ${line}`);
      const reference = TextDocument.create('file:///a.rs', 'rust', 1, text);
      assert.equal(doc.lineCount, reference.lineCount);
      for (let k = 0; k < 5; k++) {
        const p = position(reference);
        assert.equal(doc.offsetAt(p), reference.offsetAt(p), `step ${step}: offsetAt ${JSON.stringify(p)}`);
        const offset = Math.floor(random() * (text.length + 3)) - 1;
        assert.deepEqual(doc.positionAt(offset), reference.positionAt(offset), `step ${step}: positionAt ${offset}`);
      }
      const change = doc.takeChange();
      assert.ok(change, `step ${step}: the change is known`);
      assert.equal(change.previousText, before);
      assert.equal(before.length - change.oldEnd, text.length - change.newEnd);
      assert.equal(text.slice(0, change.start), before.slice(0, change.start));
      assert.equal(text.slice(change.newEnd), before.slice(change.oldEnd));
      assert.equal(doc.takeChange(), undefined, 'taken once');
      if (text.length > 300) {
        text = text.slice(0, 150);
        doc.update([{ text }], step + 2);
        assert.equal(doc.takeChange(), undefined, 'a full-text change is not a known change');
      }
    }
  });
});

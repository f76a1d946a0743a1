// Property-based fuzzing of incremental document sync through the real server process (issue 9.1).
// fast-check generates sequences of didChange edits on Rust and TypeScript documents (insertions,
// deletions, replacements, large pastes, undo of the previous edit, several changes in one
// notification, whole-text replacements, positions past the end of a line or of the document,
// reversed ranges, CR/CRLF/lone surrogates/NUL/BOM in inserted text), interleaved with code-action
// requests (random, reversed and out-of-document ranges; requests naming outdated diagnostics),
// hover requests when the server offers hover, waits for diagnostics and text checkpoints. Invariants:
//   - the server process never exits and logs no guard failure or internal error;
//   - publishes for a document never go back to an older version, and every published range lies
//     inside the text of the version it names;
//   - the server's text (as synchronised, and the Workspace's copy) equals the reference model of the
//     document (stress-support.ts: the LSP spec's clamping rules), and its incrementally updated tree
//     prints the same as a fresh parse (test-only request, see server/src/lsp/test-hooks.ts);
//   - code-action edits target the current version and lie inside the document; requests naming
//     diagnostics of an older version are refused;
//   - after the sequence, the diagnostics equal those of a fresh open of the same text.
// Budget: `npm test` runs a short sequence with the fixed seed; `npm run test:stress` runs at least
// 10,000 edit steps (the fixed seed, then a random one), time-boxed. A failure prints the seed;
// WASM_SAFETY_FUZZ_SEED=<seed> replays it.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CodeAction, Diagnostic, InitializeResult, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { fileUri, type LspTestClient } from '../support/lsp-client';
import {
  DocumentModel, type DocumentState, FIXED_SEED, fixtureTexts, lineStarts, offsetAt, randomSeed, replaySeed, STRESS, startHookedServer,
  temporaryCrate, unexpectedLogLines,
} from './stress-support';

/** Edit steps (didChange notifications) to run: the issue asks for at least 10,000 in CI. */
const TARGET_STEPS = STRESS ? 10_000 : 250;
/** Time box of the whole fuzz run; hitting it before TARGET_STEPS fails the test (with the count reached). */
const TIME_BOX_MS = STRESS ? 6 * 60_000 : 60_000;
/** Runs per fast-check batch; each batch has its own seed (printed on failure). */
const RUNS_PER_BATCH = 10;
/** Documents are not grown past this by pastes (keeps every step's re-lint in the milliseconds). */
const MAX_DOCUMENT_CHARS = 200_000;

// ---- the operations --------------------------------------------------------------------------------

/** A position chosen relative to the current text: `line` is reduced modulo (lines + 3), so ~2 in lineCount+3 are past the end. */
interface PositionSpec {
  readonly line: number;
  readonly character: number;
}

type Op =
  | { readonly kind: 'insert'; readonly at: PositionSpec; readonly text: string }
  | { readonly kind: 'delete'; readonly from: PositionSpec; readonly to: PositionSpec }
  | { readonly kind: 'replace'; readonly from: PositionSpec; readonly to: PositionSpec; readonly text: string }
  | { readonly kind: 'paste'; readonly at: PositionSpec; readonly source: number; readonly offset: number; readonly length: number }
  | { readonly kind: 'undo' }
  | { readonly kind: 'multi'; readonly changes: readonly { from: PositionSpec; to: PositionSpec; text: string }[] }
  | { readonly kind: 'full'; readonly text: string }
  | { readonly kind: 'waitDiagnostics' }
  | { readonly kind: 'codeAction'; readonly from: PositionSpec; readonly to: PositionSpec; readonly stale: boolean }
  | { readonly kind: 'hover'; readonly at: PositionSpec }
  | { readonly kind: 'check' };

const TOKENS = [
  '{', '}', '(', ')', '[', ']', ';', ',', '.', '\n', '\r\n', '\r', '"', "'", '`', '/*', '*/', '//', '/// ', 'r#"', '"#', '<', '>', '::',
  'fn f() {', 'pub fn g(x: u32) -> u32 { x }\n', 'unsafe ', '.unwrap()', '.borrow_mut()', 'panic!("x");', '#[wasm_bindgen]\n', 'impl S {',
  'thread_local! { static S: RefCell<u32> = RefCell::new(0); }\n', 'await ', 'async ', 'try { f(); } catch (e) {}\n', 'catch (e) {',
  'import init from "./pkg/x.js";\n', '=>', '\t', '    ', 'é', '😀', '\uD800', '\uDC00', '\u0000', '\uFEFF', '\u2028', 'ℝ',
];

const positionSpec: fc.Arbitrary<PositionSpec> = fc.record({
  line: fc.nat({ max: 1_000_000 }),
  character: fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 90 }) }, { weight: 1, arbitrary: fc.constant(1_000_000) }),
});

const insertedText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }).map((t) => t.join('')) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  // Any UTF-16 code units, lone surrogates included.
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 }) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: positionSpec, text: insertedText }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('delete' as const), from: positionSpec, to: positionSpec }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), from: positionSpec, to: positionSpec, text: insertedText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('paste' as const), at: positionSpec, source: fc.nat(), offset: fc.nat(), length: fc.integer({ min: 1_000, max: 30_000 }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'undo' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('multi' as const),
      changes: fc.array(fc.record({ from: positionSpec, to: positionSpec, text: insertedText }), { minLength: 2, maxLength: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('full' as const), text: insertedText }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'waitDiagnostics' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('codeAction' as const), from: positionSpec, to: positionSpec, stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hover' as const), at: positionSpec }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'check' as const }) },
);

const scenario = fc.record({
  language: fc.constantFrom('rust' as const, 'typescript' as const),
  base: fc.nat(),
  ops: fc.array(op, { minLength: 10, maxLength: 60 }),
});

// ---- running a scenario ------------------------------------------------------------------------------

function resolvePosition(text: string, spec: PositionSpec): { line: number; character: number } {
  const lines = lineStarts(text).length;
  return { line: spec.line % (lines + 3), character: spec.character };
}

function withoutVersion(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map((d) => ({ ...d, data: { ...(d.data as object), version: undefined } }));
}

/** True when every range lies inside `text` (line exists, character within the line). */
function rangesInside(diagnostics: readonly Diagnostic[], text: string): string | undefined {
  const starts = lineStarts(text);
  for (const d of diagnostics) {
    for (const p of [d.range.start, d.range.end]) {
      if (p.line >= starts.length || offsetAt(text, p, starts) !== starts[p.line] + p.character) {
        return `${String(d.code)} at ${JSON.stringify(d.range)} is outside the text (${starts.length} lines)`;
      }
    }
  }
  return undefined;
}

interface FuzzStats {
  steps: number;
  contentChanges: number;
  codeActions: number;
  hovers: number;
  checks: number;
  runs: number;
  /** Checkpoints where the text had syntax errors and the incremental tree's error recovery differed from a fresh parse. */
  errorRecoveryDifferences: number;
}

class Fuzzer {
  private documentCounter = 0;

  constructor(
    private readonly client: LspTestClient,
    private readonly srcDir: string,
    private readonly fixtures: { rust: string[]; ts: string[] },
    private readonly hover: boolean,
    readonly stats: FuzzStats,
  ) {}

  async run(language: 'rust' | 'typescript', base: number, ops: readonly Op[]): Promise<void> {
    const { client } = this;
    const texts = language === 'rust' ? this.fixtures.rust : this.fixtures.ts;
    const pasteMaterial = [...this.fixtures.rust, ...this.fixtures.ts];
    const uri = fileUri(path.join(this.srcDir, `fuzz${++this.documentCounter}.${language === 'rust' ? 'rs' : 'ts'}`));
    const model = new DocumentModel(texts[base % texts.length], 1);
    const textOfVersion = new Map<number, string>([[1, model.text]]);
    const firstPublish = client.published.length;
    await client.open(uri, language, model.version, model.text);

    const send = async (changes: TextDocumentContentChangeEvent[]): Promise<void> => {
      model.version++;
      textOfVersion.set(model.version, model.text);
      this.stats.steps++;
      this.stats.contentChanges += changes.length;
      await client.change(uri, model.version, changes);
    };
    const change = (from: PositionSpec, to: PositionSpec, text: string): TextDocumentContentChangeEvent => {
      const range: Range = { start: resolvePosition(model.text, from), end: resolvePosition(model.text, to) };
      model.apply(range, text);
      return { range, text };
    };

    for (const step of ops) {
      switch (step.kind) {
        case 'insert':
          await send([change(step.at, step.at, step.text)]);
          break;
        case 'delete':
          await send([change(step.from, step.to, '')]);
          break;
        case 'replace':
          await send([change(step.from, step.to, step.text)]);
          break;
        case 'paste': {
          if (model.text.length > MAX_DOCUMENT_CHARS) break;
          const source = pasteMaterial[step.source % pasteMaterial.length].repeat(8);
          const start = step.offset % source.length;
          await send([change(step.at, step.at, source.slice(start, start + step.length))]);
          break;
        }
        case 'undo': {
          const undo = model.undoChange();
          if (!undo) break;
          model.apply(undo.range, undo.text, false);
          await send([{ range: undo.range, text: undo.text }]);
          break;
        }
        case 'multi': {
          // Changes of one notification apply in order, each to the result of the previous (LSP).
          const changes = step.changes.map((c) => change(c.from, c.to, c.text));
          await send(changes);
          break;
        }
        case 'full':
          model.text = step.text;
          model.clearUndo();
          await send([{ text: step.text }]);
          break;
        case 'waitDiagnostics':
          await this.waitForVersion(uri, model.version);
          break;
        case 'codeAction':
          await this.codeAction(uri, model, step);
          break;
        case 'hover':
          if (this.hover) {
            this.stats.hovers++;
            await client.request('textDocument/hover', { textDocument: { uri }, position: resolvePosition(model.text, step.at) });
          }
          break;
        case 'check':
          await this.checkState(uri, model);
          break;
      }
    }

    const settled = await this.waitForVersion(uri, model.version);
    await this.checkState(uri, model);

    // Publishes never go back in version, and each range lies in the text of the version it names.
    let lastVersion = 0;
    for (const p of client.published.slice(firstPublish)) {
      if (p.uri !== uri || p.version === undefined || p.version === null) continue;
      assert.ok(p.version >= lastVersion, `publish for version ${p.version} after one for version ${lastVersion}`);
      lastVersion = p.version;
      const text = textOfVersion.get(p.version);
      assert.ok(text !== undefined, `publish for version ${p.version}, which was never sent`);
      const outside = rangesInside(p.diagnostics, text);
      assert.equal(outside, undefined, `version ${p.version}: ${outside}`);
    }

    // A fresh open of the same text (no incremental history) gives the same diagnostics.
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    const reopened = model.version + 1;
    await client.open(uri, language, reopened, model.text);
    const fresh = await this.waitForVersion(uri, reopened);
    assert.deepEqual(withoutVersion(fresh.diagnostics), withoutVersion(settled.diagnostics), 'diagnostics after the edits equal those of a fresh open');
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    this.stats.runs++;
  }

  private async waitForVersion(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const { client } = this;
    // The latest publish for the uri, once it names `version`.
    let found: PublishDiagnosticsParams | undefined;
    await client.waitFor(`diagnostics of ${uri} version ${version}`, () => {
      for (let i = client.published.length - 1; i >= 0; i--) {
        const p = client.published[i];
        if (p.uri !== uri) continue;
        if (p.version === version) found = p;
        return found !== undefined;
      }
      return false;
    }, 30_000);
    return found!;
  }

  private async checkState(uri: string, model: DocumentModel): Promise<void> {
    this.stats.checks++;
    const state = await this.client.request<DocumentState | null>('wasmSafety/test/documentState', { uri, compareTree: true });
    assert.ok(state, `the server holds ${uri}`);
    assert.equal(state.version, model.version, 'server version');
    assert.equal(state.text, model.text, 'server text equals the reference model');
    assert.equal(state.workspaceText, model.text, 'the Workspace lints the same text');
    // Without syntax errors the incremental tree must equal a fresh parse. With errors, tree-sitter's error
    // recovery may legitimately shape the ERROR nodes differently; the diagnostics comparison with a
    // fresh open (end of each run) is what must hold then. Those cases are counted.
    if (state.freshTreeHasErrors) {
      if (state.treeMatchesFreshParse === false) this.stats.errorRecoveryDifferences++;
    } else {
      assert.equal(state.treeMatchesFreshParse, true, 'the incrementally updated tree equals a fresh parse (error-free text)');
    }
  }

  private async codeAction(uri: string, model: DocumentModel, step: Extract<Op, { kind: 'codeAction' }>): Promise<void> {
    const { client } = this;
    this.stats.codeActions++;
    const range: Range = { start: resolvePosition(model.text, step.from), end: resolvePosition(model.text, step.to) };
    if (step.stale) {
      // Name a diagnostic published for an older version: the request must be refused.
      const old = [...client.published].reverse().find((p) => p.uri === uri && p.version !== undefined && p.version !== null && p.version < model.version && p.diagnostics.length > 0);
      if (old) {
        const actions = await client.codeActions({ textDocument: { uri }, range: old.diagnostics[0].range, context: { diagnostics: [old.diagnostics[0]] } });
        assert.deepEqual(actions ?? [], [], `code actions for a diagnostic of version ${old.version} while the document is at ${model.version}`);
        return;
      }
    }
    const actions = (await client.codeActions({ textDocument: { uri }, range, context: { diagnostics: [], only: step.stale ? ['source.fixAll'] : undefined } })) ?? [];
    assert.ok(Array.isArray(actions), 'code actions answer with an array');
    const starts = lineStarts(model.text);
    for (const action of actions as CodeAction[]) {
      for (const docChange of (action.edit?.documentChanges ?? []) as TextDocumentEdit[]) {
        if (!('textDocument' in docChange) || docChange.textDocument.uri !== uri) continue;
        assert.equal(docChange.textDocument.version, model.version, `"${action.title}" targets the current version`);
        for (const edit of docChange.edits) {
          for (const p of [edit.range.start, edit.range.end]) {
            assert.ok(p.line < starts.length && offsetAt(model.text, p, starts) === starts[p.line] + p.character, `"${action.title}" edit ${JSON.stringify(edit.range)} lies inside the document`);
          }
        }
      }
    }
  }
}

describe('fuzzed incremental edits through the real server', () => {
  let crate: ReturnType<typeof temporaryCrate>;
  let client: LspTestClient;
  let initialized: InitializeResult;

  before(async () => {
    crate = temporaryCrate('wasm-safety-fuzz-');
    client = startHookedServer();
    client.settings = { enable: true, debounceMs: 0 };
    initialized = await client.initialize(crate.root);
  });

  after(() => {
    client?.dispose();
    crate?.dispose();
  });

  it(`survives ${TARGET_STEPS.toLocaleString('en')}+ random edit steps with text, version and diagnostics invariants`, async () => {
    const stats: FuzzStats = { steps: 0, contentChanges: 0, codeActions: 0, hovers: 0, checks: 0, runs: 0, errorRecoveryDifferences: 0 };
    const fuzzer = new Fuzzer(client, crate.src, fixtureTexts(), initialized.capabilities.hoverProvider !== undefined, stats);
    const property = fc.asyncProperty(scenario, async ({ language, base, ops }) => fuzzer.run(language, base, ops));
    const started = Date.now();
    const replay = replaySeed();
    // The fixed seed first (reproducible CI), then (stress runs) a random one; each batch's seed is printed on failure.
    const seeds = replay !== undefined ? [replay] : STRESS ? [FIXED_SEED, randomSeed()] : [FIXED_SEED];
    const batches: string[] = [];
    for (const [group, seed] of seeds.entries()) {
      // Each seed group runs batches until its share of the steps is done.
      const groupTarget = replay !== undefined ? 1 : Math.ceil((TARGET_STEPS * (group + 1)) / seeds.length);
      for (let batch = 0; stats.steps < groupTarget && Date.now() - started < TIME_BOX_MS; batch++) {
        const batchSeed = seed + batch;
        batches.push(String(batchSeed));
        try {
          await fc.assert(property, { seed: batchSeed, numRuns: RUNS_PER_BATCH, endOnFailure: true });
        } catch (e) {
          // fast-check keeps the property's own error as `cause`: that is the invariant that broke.
          const cause = e instanceof Error && e.cause instanceof Error ? `\nCause: ${e.cause.message}` : '';
          const message = (e instanceof Error ? e.message : String(e)) + cause;
          throw new Error(`fuzz batch with seed ${batchSeed} failed (replay: WASM_SAFETY_FUZZ_SEED=${batchSeed} npm run test:stress)\n${message}`);
        }
        if (replay !== undefined) break;
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `fuzz: ${stats.steps} edit steps (${stats.contentChanges} content changes) in ${stats.runs} documents, ${stats.codeActions} code-action and ` +
        `${stats.hovers} hover requests, ${stats.checks} text/tree checkpoints (${stats.errorRecoveryDifferences} with differing error recovery), ${seconds} s; ` +
        `seeds ${batches.join(', ')}; crashes: 0\n`,
    );
    assert.equal(client.hasExited, false, 'the server is still running');
    assert.deepEqual(unexpectedLogLines(client.log), [], 'no guard failure or internal error in the server log');
    if (replay === undefined) assert.ok(stats.steps >= TARGET_STEPS, `ran ${stats.steps} of ${TARGET_STEPS} steps before the ${TIME_BOX_MS / 1000} s time box`);
    assert.equal(await client.shutdown(), 0);
  });
});

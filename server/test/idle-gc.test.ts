// The language server's idle young-generation collection (lsp/idle-gc.ts): it collects once, a quiet
// moment after work ends, never while work is starting, and only when node exposes `gc`.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleCollector, minorCollection } from '../src/lsp/idle-gc';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('IdleCollector', () => {
  it('collects once after the quiet time that follows the last piece of work', async () => {
    let collections = 0;
    const collector = new IdleCollector(() => collections++, 20);
    collector.workDone();
    collector.workDone(); // a second publish restarts the wait: still one collection
    assert.equal(collector.pending, true);
    await sleep(60);
    assert.equal(collections, 1);
    assert.equal(collector.pending, false);
  });

  it('does not collect when work starts during the quiet time', async () => {
    let collections = 0;
    const collector = new IdleCollector(() => collections++, 20);
    collector.workDone();
    await sleep(5);
    collector.busy();
    await sleep(60);
    assert.equal(collections, 0);
    collector.workDone();
    await sleep(60);
    assert.equal(collections, 1);
  });

  it('does nothing without a collection function (node started without --expose-gc)', async () => {
    const collector = new IdleCollector(undefined, 1);
    collector.workDone();
    assert.equal(collector.pending, false);
  });

  it('asks node for a young-generation collection when gc is exposed', () => {
    const global = globalThis as { gc?: unknown };
    const saved = global.gc;
    try {
      const calls: unknown[] = [];
      global.gc = (options: unknown) => calls.push(options);
      minorCollection()!();
      assert.deepEqual(calls, [{ type: 'minor' }]);
      global.gc = undefined;
      assert.equal(minorCollection(), undefined);
    } finally {
      global.gc = saved;
    }
  });
});

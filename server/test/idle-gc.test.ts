// The language server's idle collections (lsp/idle-gc.ts): they run a quiet moment after work ends
// (once, or once per delay of a sequence), never while work is starting, and only when node exposes `gc`.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullCollection, IdleCollector, minorCollection } from '../src/lsp/idle-gc';

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

  it('collects once per delay of a sequence, each after the one before, until work starts', async () => {
    const times: number[] = [];
    const started = Date.now();
    const collector = new IdleCollector(() => times.push(Date.now() - started), [10, 40]);
    collector.workDone();
    await sleep(25);
    assert.equal(times.length, 1, 'the first collection after 10 ms');
    assert.equal(collector.pending, true, 'the second one waits');
    await sleep(60);
    assert.equal(times.length, 2);
    assert.ok(times[1] - times[0] >= 35, `the second collection ${times[1] - times[0]} ms after the first`);
    assert.equal(collector.pending, false);
    collector.workDone();
    await sleep(25);
    collector.busy(); // work starts between the two: the second collection does not happen
    await sleep(60);
    assert.equal(times.length, 3);
  });

  it('does nothing without a collection function (node started without --expose-gc)', async () => {
    const collector = new IdleCollector(undefined, 1);
    collector.workDone();
    assert.equal(collector.pending, false);
  });

  it('asks node for a young-generation or a full collection when gc is exposed', () => {
    const global = globalThis as { gc?: unknown };
    const saved = global.gc;
    try {
      const calls: unknown[] = [];
      global.gc = (options: unknown) => calls.push(options);
      minorCollection()!();
      assert.deepEqual(calls, [{ type: 'minor' }]);
      fullCollection()!();
      assert.deepEqual(calls, [{ type: 'minor' }, undefined], 'a full collection is a plain gc() call');
      global.gc = undefined;
      assert.equal(minorCollection(), undefined);
      assert.equal(fullCollection(), undefined);
    } finally {
      global.gc = saved;
    }
  });
});

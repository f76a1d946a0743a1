// Tests of config-file discovery on disk (host/config-files.ts): the nearest wasm-safety.json walking up
// from a file, bounded by the workspace folder / project root, so multi-root workspaces and nested
// crates each get their own; caching until forget(); baseline files read as empty when missing.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ALL_RULES } from '../src/analysis/index';
import { ConfigFiles, writeBaselineFile } from '../src/host/config-files';
import { toWorkspacePath } from '../src/host/disk-workspace';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-config-files-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const ws = (rel: string): string => toWorkspacePath(path.join(root, rel));

describe('ConfigFiles', () => {
  write('wasm-safety.json', '{ "rules": { "static-mut-export-state": "off" } }');
  write('crates/inner/wasm-safety.json', '{ "maxFileSize": 10 }');
  const deepFile = write('crates/inner/src/deep/lib.rs', '');
  const outerFile = write('crates/other/src/lib.rs', '');

  it('picks the nearest file walking up from the file\'s folder', () => {
    const files = new ConfigFiles(ALL_RULES);
    assert.equal(files.nearest(deepFile, root)?.path, ws('crates/inner/wasm-safety.json'));
    assert.equal(files.nearest(outerFile, root)?.path, ws('wasm-safety.json'));
  });

  it('stops at the boundary (a workspace folder of a multi-root workspace, or the project root)', () => {
    const files = new ConfigFiles(ALL_RULES);
    assert.equal(files.nearest(outerFile, path.join(root, 'crates', 'other')), undefined, 'the root file is outside the folder');
    assert.equal(files.nearest(deepFile, path.join(root, 'crates', 'inner')), files.load(path.join(root, 'crates', 'inner', 'wasm-safety.json')));
    assert.equal(files.nearest(outerFile, path.join(root, 'elsewhere')), undefined, 'a file outside the boundary gets no config');
  });

  it('caches until forget(), so created and deleted files are noticed after a change event', () => {
    const files = new ConfigFiles(ALL_RULES);
    assert.equal(files.nearest(outerFile, root)?.path, ws('wasm-safety.json'));
    const created = write('crates/other/wasm-safety.json', '{}');
    assert.equal(files.nearest(outerFile, root)?.path, ws('wasm-safety.json'), 'cached');
    files.forget();
    assert.equal(files.nearest(outerFile, root)?.path, ws('crates/other/wasm-safety.json'));
    fs.rmSync(created);
    files.forget();
    assert.equal(files.nearest(outerFile, root)?.path, ws('wasm-safety.json'));
  });

  it('reads baselines: a missing file is empty without a problem, a written one reads back', () => {
    const files = new ConfigFiles(ALL_RULES);
    const missing = files.baseline(path.join(root, 'none.json'));
    assert.deepEqual([missing.exists, missing.baseline.entries, missing.problems], [false, [], []]);
    const file = path.join(root, 'ci', 'baseline.json');
    writeBaselineFile(file, { version: 1, entries: [{ rule: 'r', path: 'a.rs', hash: '0123456789abcdef', count: 2 }] });
    const read = files.baseline(file);
    assert.equal(read.exists, true);
    assert.deepEqual(read.baseline.entries, [{ rule: 'r', path: 'a.rs', hash: '0123456789abcdef', count: 2 }]);
  });
});

// Tests for the disk scan's context roots (host/disk-workspace.ts): which project root a checked path
// brings in (`indexRootsOf`), and which git-ignored folders of that context are left unread
// (`contextOutside`, `gitignoredFolderPatterns`) while wasm-bindgen output and the checked paths are read.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Grammars, Workspace } from '../src/analysis/index';
import { gitignoredFolderPatterns, indexRootsOf, scanIntoWorkspace, toWorkspacePath } from '../src/host/disk-workspace';
import { loadGrammars } from '../src/host/wasm-files';
import { makeTempTree, removeTempTrees } from './support/temp-tree';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const roots: string[] = [];
after(() => removeTempTrees(roots));

function makeTree(files: Readonly<Record<string, string>>): string {
  return makeTempTree('wasm-safety-scan-', files, roots);
}

describe('gitignoredFolderPatterns', () => {
  it('reads plain folder names at any depth and anchored paths; leaves globs, negations and comments out', () => {
    const ignored = gitignoredFolderPatterns('# output\ndist/\n/out\nweb/build/\n*.log\n!keep/\nbench-output\ncache*/\n\n');
    assert.ok(ignored.matches('dist'));
    assert.ok(ignored.matches(path.join('packages', 'app', 'dist')));
    assert.ok(ignored.matches('out'));
    assert.ok(!ignored.matches(path.join('src', 'out')), 'an anchored pattern names one folder only');
    assert.ok(ignored.matches(path.join('web', 'build')));
    assert.ok(!ignored.matches('build'));
    assert.ok(ignored.matches('bench-output'));
    assert.ok(!ignored.matches('keep'));
    assert.ok(!ignored.matches('cache1'), 'globs are not interpreted: the folder is scanned');
    assert.ok(!ignored.matches('src'));
  });
});

describe('scan with context outside the checked paths', () => {
  it('brings in the project root, skips its git-ignored folders, and still reads ignored wasm-bindgen output and checked paths', async () => {
    const root = makeTree({
      '.gitignore': 'dist/\npkg/\nbench-output/\n',
      'Cargo.toml': '[package]\nname = "scan_case"\nversion = "0.1.0"\n',
      'src/lib.rs': 'pub fn a() {}\n',
      'pkg/scan_case.js': 'export function a() {}\n',
      'pkg/scan_case_bg.wasm': '\0asm',
      'dist/bundle.js': 'console.log(1);\n',
      'bench-output/corpus/src/lib.rs': 'pub fn b() {}\n',
      'bench-output/other/src/lib.rs': 'pub fn c() {}\n',
      'web/app.ts': "import { a } from '../pkg/scan_case.js';\na();\n",
      'web/dist/local.ts': 'export const x = 1;\n',
    });
    const web = path.join(root, 'web');
    assert.deepEqual(indexRootsOf([web]), [root, web]);
    const scanned = async (targets: string[]): Promise<Set<string>> => {
      const workspace = new Workspace(grammars, { roots: indexRootsOf(targets).map(toWorkspacePath) });
      try {
        await scanIntoWorkspace(workspace, indexRootsOf(targets), { maxFileBytes: 1_000_000, contextOutside: targets });
        const known = ['src/lib.rs', 'pkg/scan_case.js', 'dist/bundle.js', 'bench-output/corpus/src/lib.rs', 'bench-output/other/src/lib.rs', 'web/app.ts', 'web/dist/local.ts'];
        return new Set(known.filter((f) => workspace.fileExists(toWorkspacePath(path.join(root, f)))));
      } finally {
        workspace.dispose();
      }
    };
    // Checking web/: the crate and the (ignored) glue are context; dist/ and bench-output/ are not read;
    // web/dist/ is inside the checked path, so it is read.
    assert.deepEqual([...await scanned([web])].sort(), ['pkg/scan_case.js', 'src/lib.rs', 'web/app.ts', 'web/dist/local.ts']);
    // Checking the project root itself: everything is what was asked about.
    assert.deepEqual((await scanned([root])).size, 7);
    // Checking an ignored folder: read, and so is the way to it, not the rest of the ignored folder.
    const inIgnored = await scanned([path.join(root, 'bench-output', 'corpus')]);
    assert.ok(inIgnored.has('bench-output/corpus/src/lib.rs'));
    assert.ok(!inIgnored.has('bench-output/other/src/lib.rs'));
  });
});

describe('scan: wasm-bindgen packages imported from node_modules', () => {
  it('loads the top folder of an imported package that holds a *_bg.wasm, and nothing of other packages', async () => {
    const root = makeTree({
      'package.json': '{ "name": "app", "dependencies": { "my-wasm-pkg": "^0.1.0", "left-pad": "^1.0.0" } }',
      'src/main.ts': "import * as wasm from 'my-wasm-pkg';\nimport pad from 'left-pad';\nimport { x } from '@scope/wasm-core/sub';\nexport const y = wasm.render(pad('a', 2)) + x;\n",
      'node_modules/my-wasm-pkg/package.json': '{ "name": "my-wasm-pkg", "main": "my_wasm_pkg.js", "types": "my_wasm_pkg.d.ts" }',
      'node_modules/my-wasm-pkg/my_wasm_pkg.js': 'export function render(s) { return s; }\n',
      'node_modules/my-wasm-pkg/my_wasm_pkg.d.ts': 'export function render(s: string): string;\n',
      'node_modules/my-wasm-pkg/my_wasm_pkg_bg.wasm': '\0asm',
      'node_modules/my-wasm-pkg/docs/readme.js': 'x',
      'node_modules/left-pad/package.json': '{ "name": "left-pad", "main": "index.js" }',
      'node_modules/left-pad/index.js': 'module.exports = (s) => s;\n',
      'node_modules/@scope/wasm-core/package.json': '{ "name": "@scope/wasm-core" }',
      'node_modules/@scope/wasm-core/core.js': 'export const x = 1;\n',
      'node_modules/@scope/wasm-core/core_bg.wasm': '\0asm',
    });
    const workspace = new Workspace(grammars, { roots: [toWorkspacePath(root)] });
    try {
      const scan = await scanIntoWorkspace(workspace, [root], { maxFileBytes: 1_000_000 });
      const has = (f: string): boolean => workspace.fileExists(toWorkspacePath(path.join(root, f)));
      assert.ok(has('node_modules/my-wasm-pkg/package.json') && has('node_modules/my-wasm-pkg/my_wasm_pkg.js') && has('node_modules/my-wasm-pkg/my_wasm_pkg.d.ts'));
      assert.ok(has('node_modules/my-wasm-pkg/my_wasm_pkg_bg.wasm'));
      assert.ok(!has('node_modules/my-wasm-pkg/docs/readme.js'), 'only the top folder');
      assert.ok(has('node_modules/@scope/wasm-core/core.js'), 'scoped package through a subpath import');
      assert.ok(!has('node_modules/left-pad/index.js'), 'not wasm-bindgen output');
      assert.deepEqual(scan.lintable.map((f) => path.relative(root, f)), ['src/main.ts'], 'nothing of node_modules is linted');
    } finally {
      workspace.dispose();
    }
  });
});

// `npm run test:e2e`: the real-editor tests, one after another, with a closing `N passed, N failed`
// line: the extension-host suite in VS Code (trusted, then in Restricted Mode), the Playwright UI test
// against the installed .vsix, and headless Neovim over `wasm-safety lsp --stdio`.
// Needs scripts/e2e/setup-editors.sh to have run, and `npm run package` (done here first).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

/** Runs a command, echoing its output; resolves with its exit code and everything it printed. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const results = [];
function record(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  results.push(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? ` (${detail})` : ''}`);
}

/** Counts the Mocha tests of a suite run from its `[suite] mocha: N passed, M failed` line. */
function recordSuite(name, { code, output }) {
  const m = /\[suite\] mocha: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
  if (!m) return record(name, false, `no test summary; exit code ${code}`);
  passed += Number(m[1]);
  failed += Number(m[2]);
  if (code !== 0 && Number(m[2]) === 0) failed++;
  skipped += Number(m[3]);
  results.push(`${code === 0 ? 'PASS' : 'FAIL'}  ${name} (${m[1]} passed, ${m[2]} failed, ${m[3]} skipped)`);
}

console.log('== e2e: packaging the .vsix');
const pkg = await run('npm', ['run', '--silent', 'package']);
const vsix = path.join(root, `wasm-safety-${version}.vsix`);
if (pkg.code !== 0 || !fs.existsSync(vsix)) {
  record('npm run package', false, `exit code ${pkg.code}`);
} else {
  console.log('== e2e: extension-host suite in VS Code (code-server build), trusted workspace');
  recordSuite('VS Code extension-host suite', await run('node', ['out/client/src/test/run-test.js']));
  console.log('== e2e: extension-host suite in VS Code, Restricted Mode (untrusted workspace)');
  recordSuite('VS Code extension-host suite, Restricted Mode', await run('node', ['out/client/src/test/run-test.js', '--restricted']));
  console.log('== e2e: Playwright UI test against the installed .vsix');
  const ui = await run('bash', ['scripts/e2e/run-vscode.sh'], { MODE: 'ui', VSIX: vsix });
  record('VS Code UI test (installed .vsix, Chromium)', ui.code === 0, 'screenshots in test-output/e2e/ui/');
}
console.log('== e2e: Neovim over wasm-safety lsp --stdio');
const nvim = await run('bash', ['scripts/e2e/run-nvim.sh']);
record('Neovim LSP client', nvim.code === 0);

console.log('\n== e2e results');
for (const line of results) console.log(line);
console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 ? 0 : 1;

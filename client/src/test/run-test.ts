// Runs the extension-host integration suite (client/src/test/suite). Where a VS Code build can be had,
// through @vscode/test-electron: VSCODE_EXECUTABLE_PATH=<VS Code binary>, or WASM_SAFETY_E2E_DOWNLOAD=1
// to let it download one (needs network access to VS Code's servers). Otherwise (this project's
// machines) in the real VS Code build inside code-server, through scripts/e2e/run-vscode.sh.
// Usage: node out/client/src/test/run-test.js [--restricted]

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SUITE = path.join(ROOT, 'out', 'client', 'src', 'test', 'suite', 'index.js');
const SAMPLE = path.join(ROOT, 'test-fixtures', 'sample-workspace');

async function main(): Promise<number> {
  const restricted = process.argv.includes('--restricted');
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (executable || process.env.WASM_SAFETY_E2E_DOWNLOAD === '1') {
    const { runTests } = await import('@vscode/test-electron');
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-ws-'));
    fs.cpSync(SAMPLE, workspace, { recursive: true });
    try {
      await runTests({
        ...(executable ? { vscodeExecutablePath: executable } : { version: 'stable' }),
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: SUITE,
        extensionTestsEnv: { WASM_SAFETY_E2E_RESTRICTED: restricted ? '1' : '0' },
        launchArgs: [workspace, '--disable-extensions', ...(restricted ? [] : ['--disable-workspace-trust'])],
      });
      return 0;
    } catch (e) {
      console.error(`extension tests failed: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'e2e', 'run-vscode.sh')], {
    stdio: 'inherit',
    env: { ...process.env, MODE: 'tests', RESTRICTED: restricted ? '1' : '0', OUT: path.join(ROOT, 'test-output', 'e2e', restricted ? 'tests-restricted' : 'tests') },
  });
  return result.status ?? 1;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});

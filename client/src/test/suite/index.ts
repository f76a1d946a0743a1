// Entry point of the extension-host integration suite, in the shape @vscode/test-electron expects
// (`extensionTestsPath` → `run()` resolves or rejects). Runs the Mocha suites in extension.test.js and restart.test.js.

import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  // Last: it kills the server process (the client restarts it).
  mocha.addFile(path.join(__dirname, 'restart.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // A machine-readable closing line for the e2e runner (it prints the overall `N passed, N failed`).
      const stats = runner.stats;
      console.log(`[suite] mocha: ${stats?.passes ?? 0} passed, ${failures} failed, ${stats?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}

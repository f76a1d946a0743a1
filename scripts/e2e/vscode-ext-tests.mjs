// Runs the extension's integration suite (extensionTestsPath) inside the real Node extension host of
// the VS Code build in code-server, with the extension loaded in development mode, and exits with
// the suite's exit code. The workbench signals the end by calling window.codeAutomationExit(code).
// Usage: TOOLS=… node vscode-ext-tests.mjs BASE_URL EXTENSION_DIR TESTS_PATH WORKSPACE
import { createRequire } from 'node:module';
import util from 'node:util';

const { chromium } = createRequire(`${process.env.TOOLS}/`)('playwright-core');
const [base, devPath, testsPath, folder] = process.argv.slice(2);
const host = new URL(base).host; // code-server's remote authority is host:port
const remote = (p) => `vscode-remote://${host}${p}`;
const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)]];
const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
const started = Date.now();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
// Extension-host console output reaches the page console as ('%c INFO', 'color: …', fmt, …args).
const shown = /\[suite\]|passing|failing|pending|✔|✓|^\s+\d+\) |Error|expected|the editor shows/;
page.on('console', async (message) => {
  let args;
  try {
    args = await Promise.all(message.args().map((a) => a.jsonValue()));
  } catch {
    args = [message.text()];
  }
  if (typeof args[0] === 'string' && args[0].startsWith('%c')) args = args.slice(2);
  const text = util.format(...args);
  if (text.startsWith('Failed to load resource')) return;
  if (process.env.VERBOSE || shown.test(text)) console.log('  ' + text.slice(0, 4000));
});
const exitCode = await new Promise((resolve) => {
  const timer = setTimeout(() => {
    console.log('extension tests: TIMEOUT waiting for the suite to finish');
    resolve(124);
  }, Number(process.env.EXT_TEST_TIMEOUT_MS || 240000));
  page.exposeFunction('codeAutomationExit', (code) => {
    clearTimeout(timer);
    resolve(code);
  }).then(() => page.goto(url));
});
await new Promise((r) => setTimeout(r, 500)); // let the last console lines drain
console.log(`extension tests: exit code ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
await browser.close();
process.exit(exitCode);

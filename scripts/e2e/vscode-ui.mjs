// UI test: Playwright drives the real VS Code workbench (code-server) in Debian's Chromium with the
// extension installed from the .vsix. Opens a Rust and a TS file of the sample workspace, sees the
// squiggles and the Problems panel rows, opens the quick-fix menu with Ctrl+., applies a fix, saves,
// and checks the file on disk. A screenshot of every step is written to OUT_DIR.
// Usage: TOOLS=… WORKSPACE=/abs/ws node vscode-ui.mjs 'http://127.0.0.1:PORT/?folder=/abs/ws' OUT_DIR
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const { chromium } = createRequire(`${process.env.TOOLS}/`)('playwright-core');
const [url, out] = process.argv.slice(2);
const workspace = process.env.WORKSPACE;
fs.mkdirSync(out, { recursive: true });
const started = Date.now();
const log = (...a) => console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
let step = 0;
const shot = async (page, name) => {
  const file = path.join(out, `${String(++step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  log('screenshot', path.basename(file));
};

/** Waits for a selector; on timeout says what was expected and what the page showed. */
async function expectVisible(page, locator, what, timeout = 60000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    const problems = await page.locator('.markers-panel .monaco-list-row').allInnerTexts().catch(() => []);
    throw new Error(`expected ${what}; the Problems panel showed: ${problems.map((t) => t.replace(/\s+/g, ' ')).join(' | ') || '(nothing)'}`);
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
let ok = false;
try {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  log('workbench loaded');
  await shot(page, 'workbench');

  async function openFile(relative) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(relative);
    const name = path.basename(relative);
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab[aria-label*="${name}"]`, { timeout: 15000 });
    log('opened', relative);
  }
  async function goTo(line, column) {
    // Quick Open with the ':' prefix is "Go to Line/Column" (the browser may keep Ctrl+G for itself).
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15000 });
  }

  // 1) Rust: the R01 squiggle (error) and its Problems row.
  await openFile('store/src/lib.rs');
  await expectVisible(page, page.locator('.monaco-editor .squiggly-error'), 'an error squiggle in store/src/lib.rs');
  await page.keyboard.press('Control+Shift+M');
  await expectVisible(page, page.locator('.markers-panel .monaco-list-row', { hasText: 'borrow-held-across-js-call' }), 'a Problems row for borrow-held-across-js-call');
  log('Rust finding in the editor and the Problems panel');
  await shot(page, 'rust-diagnostic');

  // 2) TS: the C01 squiggle (warning) and its Problems row.
  await openFile('app/src/main.ts');
  await expectVisible(page, page.locator('.monaco-editor .squiggly-warning'), 'a warning squiggle in app/src/main.ts');
  await expectVisible(page, page.locator('.markers-panel .monaco-list-row', { hasText: 'catch-swallows-wasm-failure' }), 'a Problems row for catch-swallows-wasm-failure');
  log('TS finding in the editor and the Problems panel');
  await shot(page, 'ts-diagnostic');

  // 3) Quick fix with Ctrl+. on the `catch` keyword of saveItem.
  const source = fs.readFileSync(path.join(workspace, 'app/src/main.ts'), 'utf8');
  const catchOffset = source.indexOf('catch', source.indexOf('saveItem'));
  const before = source.slice(0, catchOffset).split('\n');
  await page.locator('.monaco-editor .view-lines').first().click();
  await goTo(before.length, before[before.length - 1].length + 2);
  const title = 'Rethrow wasm aborts';
  const menuRow = page.locator('.action-widget .monaco-list-row', { hasText: title });
  // Ctrl+. asks every code-action provider at once; while the server is still busy the menu may
  // open empty ("No code actions available"), so ask again, up to three times, each on an event.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await menuRow.first().waitFor({ state: 'visible', timeout: 20000 });
      break;
    } catch (e) {
      if (attempt === 3) await expectVisible(page, menuRow, `the quick fix "${title}…" in the Ctrl+. menu`, 1000);
      await page.keyboard.press('Escape');
    }
  }
  await shot(page, 'quick-fix-menu');
  // The menu lays a pointer-blocking overlay over the page: choose with the keyboard.
  for (let i = 0; i < 20; i++) {
    const focused = await page.locator('.action-widget .monaco-list-row.focused').innerText().catch(() => '');
    if (focused.includes(title)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.monaco-editor .view-lines')?.textContent.includes('WebAssembly.RuntimeError'), null, { timeout: 20000 });
  log('quick fix applied in the editor');
  await page.keyboard.press('Control+S');
  const onDisk = path.join(workspace, 'app/src/main.ts');
  const deadline = Date.now() + 20000;
  while (!fs.readFileSync(onDisk, 'utf8').includes('WebAssembly.RuntimeError')) {
    if (Date.now() > deadline) throw new Error('expected the saved app/src/main.ts to contain the inserted rethrow; the file on disk is unchanged');
    await new Promise((r) => setTimeout(r, 100));
  }
  log('saved: the file on disk contains the fix');
  await expectVisible(page, page.locator('.markers-panel .monaco-list-row', { hasText: 'borrow-held-across-js-call' }), 'the Rust finding still listed');
  await page.waitForFunction(() => ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent.includes('catch-swallows-wasm-failure')), null, { timeout: 30000 })
    .catch(() => { throw new Error('expected the catch-swallows-wasm-failure row to disappear after the fix'); });
  log('the C01 row is gone from the Problems panel');
  await shot(page, 'after-fix-saved');
  ok = true;
} catch (e) {
  console.error('  UI test FAILED:', e.message);
  await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => {});
} finally {
  await browser.close();
}
console.log(`ui test: ${ok ? 'PASS' : 'FAIL'} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(ok ? 0 : 1);

// `npm run test:stress`: the incremental-vs-from-scratch comparison of server/test/incremental.test.ts
// with 120 random edits per file instead of `npm test`'s 30 (that module reads WASM_SAFETY_STRESS).
// Loaded only in the stress run, so `npm test` does not run the comparison twice.

if (process.env.WASM_SAFETY_STRESS === '1') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../incremental.test');
}

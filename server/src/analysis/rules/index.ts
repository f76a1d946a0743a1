// The explicit, sorted registry of every rule (updated by `npm run new-rule`).

import type { Rule } from '../engine/rule';
import borrowHeldAcrossJsCall from './rust/borrow-held-across-js-call';
import catchSwallowsWasmFailure from './ts/catch-swallows-wasm-failure';
import globalStateTornByPanic from './rust/global-state-torn-by-panic';

export const ALL_RULES: readonly Rule[] = [
  borrowHeldAcrossJsCall,
  catchSwallowsWasmFailure,
  globalStateTornByPanic,
];

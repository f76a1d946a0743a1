// The explicit, sorted registry of every rule (updated by `npm run new-rule`).

import type { Rule } from '../engine/rule';
import abortBuildThrowInsideBorrow from './rust/abort-build-throw-inside-borrow';
import abortHandlerMisconfigured from './rust/abort-handler-misconfigured';
import abortProneInputSizedWork from './rust/abort-prone-input-sized-work';
import abortingClosureInUnwindBuild from './rust/aborting-closure-in-unwind-build';
import asyncExportHoldsSelfBorrow from './rust/async-export-holds-self-borrow';
import borrowHeldAcrossJsCall from './rust/borrow-held-across-js-call';
import catchMisclassifies from './ts/catch-misclassifies';
import catchSwallowsWasmFailure from './ts/catch-swallows-wasm-failure';
import catchUnwindMisuse from './rust/catch-unwind-misuse';
import cleanupMasksAbort from './ts/cleanup-masks-abort';
import closureDroppedWhileRegistered from './rust/closure-dropped-while-registered';
import exportedMethodCallsBackIntoJs from './rust/exported-method-calls-back-into-js';
import fnmutClosureReentered from './rust/fnmut-closure-reentered';
import globalStateTornByPanic from './rust/global-state-torn-by-panic';
import invalidSuppression from './both/invalid-suppression';
import noAbortRecovery from './rust/no-abort-recovery';
import panicErrorCheckInAbortBuild from './ts/panic-error-check-in-abort-build';
import panicInNoUnwindContext from './rust/panic-in-no-unwind-context';
import panicStrategyMisconfigured from './rust/panic-strategy-misconfigured';
import panickingLazyInitializer from './rust/panicking-lazy-initializer';
import reinitByCallingInit from './ts/reinit-by-calling-init';
import retryAfterAbort from './ts/retry-after-abort';
import stateLostOrStaleAfterReinit from './rust/state-lost-or-stale-after-reinit';
import staticMutExportState from './rust/static-mut-export-state';
import staticMutexLockUnwrap from './rust/static-mutex-lock-unwrap';
import stringErrorPayload from './rust/string-error-payload';
import tornMutSelf from './rust/torn-mut-self';
import tsAliasedWasmArguments from './ts/ts-aliased-wasm-arguments';
import tsCallbackReentersWasm from './ts/ts-callback-reenters-wasm';
import tsOverlappingCallsOnWasmObject from './ts/ts-overlapping-calls-on-wasm-object';
import unobservedAsyncWasmFailure from './ts/unobserved-async-wasm-failure';
import unobservedSpawnLocalPanic from './rust/unobserved-spawn-local-panic';
import unusedSuppression from './both/unused-suppression';
import unwindSafetyAssertedWithoutProof from './rust/unwind-safety-asserted-without-proof';
import wasmObjectStaleAfterReinit from './ts/wasm-object-stale-after-reinit';

export const ALL_RULES: readonly Rule[] = [
  abortBuildThrowInsideBorrow,
  abortHandlerMisconfigured,
  abortProneInputSizedWork,
  abortingClosureInUnwindBuild,
  asyncExportHoldsSelfBorrow,
  borrowHeldAcrossJsCall,
  catchMisclassifies,
  catchSwallowsWasmFailure,
  catchUnwindMisuse,
  cleanupMasksAbort,
  closureDroppedWhileRegistered,
  exportedMethodCallsBackIntoJs,
  fnmutClosureReentered,
  globalStateTornByPanic,
  invalidSuppression,
  noAbortRecovery,
  panicErrorCheckInAbortBuild,
  panicInNoUnwindContext,
  panicStrategyMisconfigured,
  panickingLazyInitializer,
  reinitByCallingInit,
  retryAfterAbort,
  stateLostOrStaleAfterReinit,
  staticMutExportState,
  staticMutexLockUnwrap,
  stringErrorPayload,
  tornMutSelf,
  tsAliasedWasmArguments,
  tsCallbackReentersWasm,
  tsOverlappingCallsOnWasmObject,
  unobservedAsyncWasmFailure,
  unobservedSpawnLocalPanic,
  unusedSuppression,
  unwindSafetyAssertedWithoutProof,
  wasmObjectStaleAfterReinit,
];

// The shared Rust predicates of catalog §B2, as one import for rules: state origins and bindings,
// borrow scopes, JS call and yield points, panic/throw/foreign points, mutations, analysis units and
// test-code detection. Rules of the unwind-safety and reentrancy families build on these.

export { rustEnv, createRustEnv, isWasmBindgenCode, type RustEnv, type RustEnvInput } from './env';
export { collectFunctionFacts, nodesWithin, type FunctionFacts } from './facts';
export {
  stateResolverFor, primitiveOfType, guardedType, patternIdentifiers, selfFieldOf, receiverType, WITH_BORROW_METHODS, GUARD_CALL,
  type StateOrigin, type OriginKind, type Acquisition, type AcquisitionHandling, type Binding, type BindingKind,
  type BorrowMode, type CellPrimitive, type StateResolver, FunctionBindings,
} from './state';
export { borrowScopesIn, exportedObjectBorrows, isHeldAt, type BorrowScope, type BorrowScopeKind, type ObjectBorrow } from './borrow-scopes';
export { parentOf } from './parents';
export {
  jsCallPointOf, macroArgumentJsCalls, runsSynchronouslyWithin, isInvokedImmediately, yieldPointRange, suspendedContextOf,
  type JsCallPoint, type JsCallKind,
} from './js-calls';
export {
  panicPointOf, panicPointsIn, isBoundsChecked, quotedExpression, PANIC_NODE_TYPES,
  type PanicPoint, type PanicKind, type FailureClass, type PanicPointOptions,
} from './panic-points';
export { mutationOf, mutationsIn, placeOrigin, MUTATING_METHODS, MUTATION_NODE_TYPES, type Mutation, type MutationOptions } from './mutations';
export { exportOfFunction, hasExportAttributes, callbackKindOf, unitBody, returnsResultOfJsError, type CallbackKind } from './units';
export { TestCodeOracle, isTestAttribute, isTestPath, cfgMentionsTest, cfgExcludesWasm } from './test-code';
export * from './syntax';
export {
  closureConstructionsIn, ownerBindingOf, followClosureArgument, kindOfTypeText, namesBoundInside, capturedAssignments, capturedMutation,
  retainingApiOf, eventTypeOf, usesOfOwner, inlineRegistrationOf, registrationsOf, firstLineRange, constructionDisplay,
  type ClosureConstruction, type ClosureKind, type KindSource, type OwnerBinding, type Registration, type RegistrationKind, type ClosureUse,
  type UseKind,
} from './closures';
export { typedJsCallPointOf, receiverTypeName } from './js-calls-typed';
export { localFunctionOfCall, localFunctionsOfCall, localFunctionsNamed, isAsyncFunction } from './local-functions';

/**
 * `soc-kit/bus`: Typed, validated, failure-isolated signal bus.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
export { defineSignals, SignalCatalogError } from './catalog.js';
export type {
  SignalCatalog,
  SignalData,
  SignalInput,
  SignalSchema,
  SignalSchemas,
  SignalType,
} from './catalog.js';
export {
  compareSeverity,
  InvalidSeverityError,
  isAtLeast,
  isSeverity,
  SEVERITY_LEVELS,
  severityRank,
} from './severity.js';
export type { Severity } from './severity.js';
export type {
  AnySignalOf,
  EmitMeta,
  EmitReport,
  HandlerFailure,
  Signal,
  SignalOf,
} from './signal.js';
export { SignalBus, SignalBusArgumentError } from './signal-bus.js';
export type {
  HistoryOptions,
  OnceOptions,
  SignalBusOptions,
  SignalBusStats,
  SignalHandler,
  SignalTypeStats,
  SubscribedSignal,
  SubscribeOptions,
  Unsubscribe,
} from './signal-bus.js';
export type { SignalEmitter } from './signal-emitter.js';
export { SignalBusClosedError } from './signal-bus-closed-error.js';
export { SignalLoopError } from './signal-loop-error.js';
export { SignalValidationError } from './signal-validation-error.js';
export type { SignalIssue } from './signal-validation-error.js';
export { UnknownSignalError } from './unknown-signal-error.js';

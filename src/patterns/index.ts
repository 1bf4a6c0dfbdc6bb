/**
 * `soc-kit/patterns`: Security-operations patterns: caching, confidence scoring, anomaly scoring, trends, correlation, workflows and background loops.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
export { TtlCache, TtlCacheOptionError } from './ttl-cache.js';
export type { TtlCacheOptions, TtlCacheStats } from './ttl-cache.js';
export { Correlator, CorrelationEventError } from './correlation/correlator.js';
export type {
  CorrelationMatch,
  CorrelationRuleStats,
  CorrelatorOptions,
  CorrelatorStats,
} from './correlation/correlator.js';
export { CorrelationRuleError } from './correlation/correlation-rule.js';
export type {
  AggregateCondition,
  AllOfCondition,
  CorrelationComparison,
  CorrelationCondition,
  CorrelationField,
  CorrelationGroupBy,
  CorrelationRule,
  CorrelationStep,
  CountCondition,
  DistinctCondition,
  SequenceCondition,
} from './correlation/correlation-rule.js';
export { correlateEvents } from './correlation/correlate-events.js';
export type { CorrelateEventsOptions } from './correlation/correlate-events.js';
export {
  defineWorkflow,
  runWorkflow,
  WorkflowBuilder,
  WorkflowCancelledError,
  WorkflowDefinitionError,
  WorkflowTimeoutError,
  workflowSignals,
} from './workflow.js';
export type {
  BackoffOptions,
  StepContext,
  StepOptions,
  StepResult,
  WorkflowOptions,
  WorkflowCompletedSignal,
  WorkflowResult,
  WorkflowResultBase,
  WorkflowSignalSchemas,
  WorkflowStep,
  WorkflowStepRun,
  WorkflowStepSignal,
} from './workflow.js';
export { createLoop, LoopAbortError, LoopOptionError, TaskLoop } from './task-loop.js';
export type {
  LoopBackoffOptions,
  LoopOptions,
  LoopRunContext,
  LoopRunOutcome,
  LoopState,
  LoopStatus,
  LoopTask,
} from './task-loop.js';

/**
 * `soc-kit/patterns`: Security-operations patterns: caching, confidence scoring, anomaly scoring, trends, correlation, workflows and background loops.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
// Scoring and statistics
export { scoreConfidence, explainConfidence, InvalidConfidenceInputError } from './confidence.js';
export type {
  CombinationRule,
  ConfidenceFactor,
  ConfidenceResult,
  FactorContribution,
  ScoreConfidenceOptions,
} from './confidence.js';
export {
  alphaForBudget,
  calibrateTail,
  tailForConfidence,
  CalibrationError,
  DEFAULT_ALERT_THRESHOLD,
} from './calibration.js';
export type { AlertBudget, CalibrationOptions } from './calibration.js';
export { StatsInputError } from './stats-input-error.js';
export { StatsStateError } from './stats-state-error.js';
export { RunningStats } from './running-stats.js';
export type { RunningStatsJSON } from './running-stats.js';
export { Ewma } from './ewma.js';
export type { BaselinePrior, EwmaJSON, EwmaOptions } from './ewma.js';
export { RollingSeries } from './rolling-series.js';
export type { RollingSeriesJSON, RollingSeriesOptions } from './rolling-series.js';
export { SeasonalProfile } from './seasonal-profile.js';
export type {
  SeasonalCycle,
  SeasonalProfileJSON,
  SeasonalProfileOptions,
  SlotEstimate,
} from './seasonal-profile.js';
export { AnomalyScorer, describeAnomaly } from './anomaly-scorer.js';
export type {
  AnomalyDirection,
  AnomalyScore,
  AnomalyScorerJSON,
  AnomalyScorerOptions,
  ValueKind,
} from './anomaly-scorer.js';
export { analyzeTrend, trendWindows } from './trend.js';
export type {
  InsufficientTrend,
  TrendAnalysis,
  TrendOptions,
  TrendReport,
  TrendTest,
  WindowComparison,
} from './trend.js';
// Caching, correlation, workflows and loops
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

/**
 * `soc-kit/patterns`: Security-operations patterns: caching, confidence scoring, anomaly scoring, trends, correlation, workflows and background loops.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
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

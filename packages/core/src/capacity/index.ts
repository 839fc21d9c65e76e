// The public API of core's capacity module: queue indicators, weekly demand and capacity, the breach
// forecast (prepare → simulate, possibly split over worker threads → merge → results), and backtesting.
export {
  DEFAULT_WAIT_FACTOR,
  DEFAULT_TIME_TO_TARGET_WEEKS,
  EXPONENTIAL_MODEL_WEEKS,
  loadOf,
  targetMeanWait,
  targetQueueSize,
  queueTooBig,
  reliefCapacity,
  targetCapacity,
  pressure,
  queueIndicators,
  exponentialList,
  exponentialShareWithin18,
} from './queue';
export type {
  TargetCapacityOptions,
  QueueIndicatorInput,
  QueueIndicators,
  ExponentialListModel,
} from './queue';
export { weeklyCapacity, weeklyDemand, demandStreams, meanAndCv } from './weekly';
export type { SlotPlaces, ReferralReceived, WeeklyDemand } from './weekly';
export {
  FORECAST_THRESHOLD_WEEKS,
  FORECAST_NO_DAY,
  MAX_FORECAST_HORIZON_WEEKS,
  MAX_FORECAST_PATHWAYS,
  SLOT_FILL_ORDER,
  slotTypeMask,
  prepareForecast,
  withCapacityAdjustments,
  placesInHorizon,
} from './model';
export type {
  ForecastThresholdWeeks,
  ForecastPathway,
  WeeklyCapacity,
  CapacityAdjustment,
  DemandStream,
  AttendanceRates,
  ForecastInput,
  ForecastModel,
} from './model';
export {
  FORECAST_WEEKLY_METRICS,
  MAX_FORECAST_RUNS,
  simulateForecast,
  mergeForecastCounts,
  emptyForecastCounts,
} from './simulate';
export type { ForecastWeeklyMetric, SimulateOptions, ForecastCounts } from './simulate';
export {
  POTENTIAL_BREACH_REASONS,
  pathwayForecasts,
  pathwayForecast,
  forecastSummary,
  potentialBreaches,
  whatIf,
  forecastSlotTypes,
} from './results';
export type {
  PathwayForecastColumns,
  PathwayForecast,
  WeeklySeries,
  ForecastSummary,
  PotentialBreachReason,
  PotentialBreach,
  PotentialBreachOptions,
  WhatIfResult,
} from './results';
export { syntheticHistory } from './history';
export type {
  SyntheticSpecialty,
  SyntheticHistoryOptions,
  AppointmentOutcomes,
  WeeklySnapshot,
} from './history';
export { BACKTEST_METRICS, backtest, forecastInputFromSnapshot } from './backtest';
export type { BacktestMetric, BacktestOptions, BacktestRow, BacktestReport } from './backtest';
export { ESCALATION_REASONS, escalationText } from './escalation';
export type { EscalationFigures, EscalationReason } from './escalation';

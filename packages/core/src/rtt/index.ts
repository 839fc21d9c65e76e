export {
  RTT_STATUS,
  RTT_STATUS_CODES,
  RTT_STOP_CODES,
  RTT_CODE_EFFECTS,
  RTT_PRIORITIES,
  isRttStatusCode,
} from './status-codes';
export type { RttStatusCode, RttStopCode, RttStatusInfo, RttCodeEffect, RttPriority } from './status-codes';
export { RTT_RULES, RttRuleError } from './errors';
export type { RttRuleId } from './errors';
export {
  evaluateRtt,
  evaluateRttFast,
  createRttCompactResult,
  toRttResult,
  DNA_DISCHARGE_STOP_DATES,
} from './engine';
export type {
  RttEvent,
  RttInput,
  RttOptions,
  RttPeriod,
  RttCurrent,
  RttResult,
  RttCompactResult,
  DnaDischargeStopDate,
} from './engine';
export {
  RTT_STANDARD_WEEKS,
  RTT_STANDARD_PERCENT,
  RTT_BREACH_WEEKS,
  weekBand,
  weekBandLabel,
  completedWeeks,
  isWithinWeeks,
  isOverWeeks,
  breachDay,
  breachDates,
  breachDatesFromEpochDay,
  lastDayWithinWeeks,
  measureWait,
  incompletePathwayPerformance,
} from './measures';
export type {
  RttBreachWeeks,
  RttBreachDates,
  WaitMeasures,
  IncompletePathwayRow,
  IncompletePathwayPerformance,
} from './measures';
export { rttClockStart, newRttClockStart, newRttClockEvent } from './clock-start';
export type {
  RttReferralSource,
  RttStartRule,
  RttClockStart,
  RttNewClockReason,
  RttNewClockStart,
} from './clock-start';
export {
  REASONABLE_OFFER_MIN_DAYS,
  SECOND_OFFER_WINDOW_DAYS,
  DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING,
  offerNoticeDays,
  isReasonableOffer,
  secondOfferLatestDate,
  isSecondOfferWithinSixWeeks,
  activeMonitoringForDelay,
} from './reasonable-offer';
export type {
  Offer,
  DeclinedOffer,
  ActiveMonitoringForDelayInput,
  ActiveMonitoringForDelay,
} from './reasonable-offer';
export {
  THINKING_TIME_DAYS,
  PATIENT_DELAY_REVIEW_DAYS,
  ACTIVE_MONITORING_REVIEW_DAYS,
  DEFAULT_CANCELLATIONS_BEFORE_REVIEW,
  thinkingTimeStatus,
  patientDelayNeedsClinicalReview,
  cancellationsNeedClinicalReview,
  activeMonitoringReviewDue,
} from './patient-delay';
export type { ThinkingTimeInput, ThinkingTimeStatus } from './patient-delay';
export {
  isoToEpochDay,
  epochDayToIso,
  epochDayFromYmd,
  daysInMonth,
  MIN_EPOCH_DAY,
  MAX_EPOCH_DAY,
} from './epoch-day';

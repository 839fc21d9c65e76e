// The public API of core's allocation module: booking in turn and automatic allocation.
export { BREACH_KINDS } from './types';
export type {
  AppointmentNeed,
  UnavailablePeriod,
  WaitingPatient,
  FreeSlot,
  BreachKind,
  AllocationWeights,
  PriorityTargetDays,
  AllocationCostModel,
  AllocationCostOptions,
  EligibilityOptions,
  AllocateInput,
  PlannedAssignment,
  UnassignedReason,
  UnassignedPatient,
  StillBreachingReason,
  StillBreaching,
  AllocationCounts,
  AllocationPlan,
} from './types';
export {
  DEFAULT_ALLOCATION_WEIGHTS,
  DEFAULT_PRIORITY_TARGET_DAYS,
  DEFAULT_MIN_NOTICE_DAYS,
  MAX_ALLOCATION_WEIGHT,
  resolveCostModel,
  breachesAt,
  breachCost,
  unbookedCost,
} from './cost';
export {
  allocationSlotTypes,
  patientSlotTypes,
  compareInTurn,
  clinicianMatches,
  isEligibleForSlot,
  eligibleForSlot,
  isOutOfTurn,
} from './turn';
export { allocate, MAX_ALLOCATION_HORIZON_DAYS } from './allocate';
export { allocationLowerBoundLp } from './lp';
export type { AllocationLpPart } from './lp';

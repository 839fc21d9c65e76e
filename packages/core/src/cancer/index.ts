export {
  CANCER_STANDARDS,
  CANCER_ROUTES,
  CANCER_CLOCK_STATUSES,
  cancerStandardsForRoute,
  fasterDiagnosisClock,
  decisionToTreatClock,
  referralToTreatmentClock,
  cancerStandardPerformance,
} from './cancer-clocks';
export type {
  CancerStandardId,
  CancerRoute,
  CancerClockStatus,
  CancerClock,
  FasterDiagnosisInput,
  DecisionToTreatInput,
  ReferralToTreatmentInput,
  CancerStandardPerformance,
} from './cancer-clocks';
export {
  CANCER_EVENT_KINDS,
  CANCER_TREATMENTS,
  CANCER_RULES,
  CancerRuleError,
  checkCancerEvents,
  cancerPathwayClocks,
} from './cancer-pathway';
export type {
  CancerEventKind,
  CancerTreatment,
  CancerRuleId,
  CancerEventField,
  CancerEvent,
  AssumedCancerReferral,
  CancerPathwayInput,
  CancerPathwayClocks,
} from './cancer-pathway';

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

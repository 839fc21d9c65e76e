export { PRIORITY_RANK, acceptedSlotTypes, firstAppointmentCandidates } from './slot-rules';
export type { AppointmentStage } from './slot-rules';
export {
  ATTENDANCE_STATUSES,
  CLINIC_OUTCOMES,
  SURGICAL_PRIORITIES,
  SURGICAL_PRIORITY_TARGET_DAYS,
  surgicalDueBy,
  outcomeRttCode,
} from './clinic-outcome';
export type { AttendanceStatus, ClinicOutcome, SurgicalPriority, OutcomeRttInput } from './clinic-outcome';

export { PRIORITY_RANK, acceptedSlotTypes, firstAppointmentCandidates } from './slot-rules';
export type { AppointmentStage } from './slot-rules';

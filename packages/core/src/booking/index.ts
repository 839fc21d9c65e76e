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
export {
  NO_SMS_NEEDS,
  SHORT_NOTICE_CLOSES_HOURS_BEFORE,
  SHORT_NOTICE_MIN_REPLY_MINUTES,
  insideShortNoticeWindow,
  isUkMobile,
  normalisePhone,
  parseSmsReply,
  shortNoticeChannel,
  shortNoticeExpiry,
} from './short-notice';
export type { ShortNoticeChannel, ShortNoticeReply } from './short-notice';

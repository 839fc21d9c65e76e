// The public API of core's clinics module: clinic templates, slot generation, regeneration, notice rule.
export { SLOT_TYPES, SLOT_TYPE_NAMES, WEEKS_OF_MONTH, RECURRENCE_KINDS } from './types';
export type {
  SlotType,
  Weekday,
  WeekOfMonth,
  Recurrence,
  RecurrenceKind,
  TemplateSlot,
  TemplateSession,
  ClinicTemplate,
  ClinicTemplateVersion,
  TemplateError,
  TemplateValidation,
} from './types';
export {
  MIN_SLOT_MINUTES,
  MAX_SLOT_MINUTES,
  MAX_SLOT_CAPACITY,
  MAX_EVERY_N_WEEKS,
  MAX_TEMPLATE_TEXT_LENGTH,
  WEEKDAY_NAMES,
  validateClinicTemplate,
} from './validate-template';
export {
  DEFAULT_HORIZON_WEEKS,
  MAX_GENERATION_DAYS,
  slotHorizon,
  slotKey,
  parseSlotKey,
  recurrenceIncludes,
  londonWallClockInstant,
  generateSlots,
  mondayOf,
} from './generate-slots';
export type { DateRange, SlotKeyParts, GeneratedSlot } from './generate-slots';
export { DISPLACEMENT_REASONS, regenerateSlots } from './regenerate-slots';
export type {
  ExistingSlot,
  DisplacementReason,
  KeptSlotChange,
  KeptSlot,
  DisplacedSlot,
  SlotRegeneration,
  RegenerateSlotsInput,
} from './regenerate-slots';
export {
  NOTICE_WEEKS_WITHOUT_APPROVAL,
  NOTICE_DAYS_WITHOUT_APPROVAL,
  noticeDays,
  changeNeedsApproval,
  firstAffectedDate,
} from './notice';
export type { ChangeNoticeInput, FirstAffectedDateInput } from './notice';

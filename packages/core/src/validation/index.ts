export {
  VALIDATION_MILESTONE_WEEKS,
  VALIDATION_CONTACT_INTERVAL_DAYS,
  VALIDATION_DUE_REASONS,
  validationDue,
  validationBatch,
} from './validation-due';
export type { ValidationDueReason, ValidationDueInput, ValidationDue } from './validation-due';
export {
  VALIDATION_REPLY_WINDOW_DAYS,
  VALIDATION_RESPONSES,
  DEFAULT_REMOVAL_STOP_CODES,
  validationContactStatus,
  validationResponseOutcome,
  validationRemovalEvent,
} from './validation-contact';
export type {
  ValidationContactInput,
  ValidationContactStatus,
  ValidationResponse,
  RemovalResponse,
  RemovalStopCodes,
  ValidationResponseOutcome,
  ConfirmedRemoval,
} from './validation-contact';

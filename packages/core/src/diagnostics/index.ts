export {
  DM01_BREACH_DAYS,
  DM01_STANDARD_MAX_PERCENT_SIX_WEEKS_OR_MORE,
  DM01_TESTS,
  diagnosticClockStart,
  diagnosticWait,
  dm01Performance,
} from './diagnostic-wait';
export type {
  Dm01Test,
  DiagnosticClockSource,
  DiagnosticWaitInput,
  DiagnosticWait,
  Dm01Performance,
} from './diagnostic-wait';

export {
  parsePlainDate,
  daysBetween,
  addDays,
  addWeeks,
  weeksWaited,
  compareDates,
  isBefore,
  isAfter,
  minDate,
  maxDate,
} from './plain-date';
export {
  LONDON,
  DISAMBIGUATIONS,
  londonDateOf,
  londonDateOfEpochMilliseconds,
  instantToLondon,
  londonDateTimeToInstant,
  londonDayStartEpochMilliseconds,
} from './london';
export type { Disambiguation } from './london';
export { formatUkDate, formatUkDateLong } from './format';
export { fixedClock } from './clock';
export type { Clock } from './clock';

/**
 * Calendar days as integers (days since 1970-01-01) for the generator's hot loops: pure arithmetic on the
 * proleptic Gregorian calendar (Howard Hinnant's civil-date algorithms), no clock, no time zone, no Date.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a YYYY-MM-DD date; throws a RangeError on anything else. */
export function epochDay(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new RangeError(`Expected a date as YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const y = Number(m[1]);
  const month = Number(m[2]);
  const d = Number(m[3]);
  const day = daysFromCivil(y, month, d);
  if (isoDate(day) !== iso) throw new RangeError(`${iso} is not a real date`);
  return day;
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const PAD2: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** The YYYY-MM-DD date of a day number. */
export function isoDate(dayNumber: number): string {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${PAD2[m]!}-${PAD2[d]!}`;
}

/** An instant on a day, as an ISO 8601 UTC timestamp, `minutes` after midnight UTC. */
export function isoInstant(dayNumber: number, minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${isoDate(dayNumber)}T${PAD2[h]!}:${PAD2[minutes % 60]!}:00Z`;
}

/** Whole years from a date of birth to a day (an age as people count it). */
export function ageInYears(birthDay: number, onDay: number): number {
  const birth = isoDate(birthDay);
  const on = isoDate(onDay);
  let age = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(5) < birth.slice(5)) age -= 1;
  return age;
}

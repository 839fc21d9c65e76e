import { describe, it, expect } from 'vitest';
import * as time from './index';

describe('time module exports', () => {
  it('exposes the public API', () => {
    expect(Object.keys(time).sort()).toEqual(
      [
        'DISAMBIGUATIONS',
        'LONDON',
        'addDays',
        'addWeeks',
        'compareDates',
        'daysBetween',
        'fixedClock',
        'formatUkDate',
        'formatUkDateLong',
        'instantToLondon',
        'isAfter',
        'isBefore',
        'londonDateOf',
        'londonDateOfEpochMilliseconds',
        'londonDateTimeToInstant',
        'londonDayStartEpochMilliseconds',
        'maxDate',
        'minDate',
        'parsePlainDate',
        'weeksWaited',
      ].sort(),
    );
  });
});

import { describe, it, expect } from 'vitest';
import * as clinics from './index';

describe('clinics module exports', () => {
  it('exposes the public API', () => {
    expect(Object.keys(clinics).sort()).toEqual(
      [
        'SLOT_TYPES',
        'SLOT_TYPE_NAMES',
        'WEEKS_OF_MONTH',
        'RECURRENCE_KINDS',
        'MIN_SLOT_MINUTES',
        'MAX_SLOT_MINUTES',
        'MAX_SLOT_CAPACITY',
        'MAX_EVERY_N_WEEKS',
        'MAX_TEMPLATE_TEXT_LENGTH',
        'WEEKDAY_NAMES',
        'validateClinicTemplate',
        'DEFAULT_HORIZON_WEEKS',
        'MAX_GENERATION_DAYS',
        'slotHorizon',
        'slotKey',
        'parseSlotKey',
        'recurrenceIncludes',
        'londonWallClockInstant',
        'generateSlots',
        'mondayOf',
        'DISPLACEMENT_REASONS',
        'regenerateSlots',
        'NOTICE_WEEKS_WITHOUT_APPROVAL',
        'NOTICE_DAYS_WITHOUT_APPROVAL',
        'noticeDays',
        'changeNeedsApproval',
        'firstAffectedDate',
      ].sort(),
    );
  });
});

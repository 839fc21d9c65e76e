import { describe, it, expect } from 'vitest';
import {
  CLINIC_TYPE_SPELLINGS,
  REFERRAL_PRIORITY_SPELLINGS,
  REFERRAL_SOURCE_SPELLINGS,
  TRIAGE_KIND_SPELLINGS,
  parseClinicType,
  parseReferralPriority,
  parseReferralSource,
  parseSpreadsheetDate,
  parseTriageKind,
  spellingKey,
} from './values';

describe('value spellings, any case', () => {
  it.each([
    ['GP paper', 'gp-paper'],
    ['GP letter', 'gp-paper'],
    ['gp', 'gp-paper'],
    ['Paper', 'gp-paper'],
    ['e-RS', 'e-rs'],
    ['ERS', 'e-rs'],
    ['e-Referral Service', 'e-rs'],
    ['Choose and Book', 'e-rs'],
    ['Consultant to consultant', 'consultant-to-consultant'],
    ['C2C', 'consultant-to-consultant'],
    ['self', 'self-referral'],
    ['Self Referral', 'self-referral'],
    ['IPT', 'inter-provider-transfer'],
    ['Inter-Provider Transfer', 'inter-provider-transfer'],
    ['Tertiary referral', 'inter-provider-transfer'],
    ['Optometrist', 'other-professional'],
    ['CATS', 'interface-service'],
    ['referral_management', 'interface-service'],
    ['fax', null],
    ['', null],
  ])('source %j → %j', (value, expected) => {
    expect(parseReferralSource(value)).toBe(expected);
  });

  it.each([
    ['Routine', 'routine'],
    ['ROUTINE', 'routine'],
    ['1', 'routine'],
    ['URGENT', 'urgent'],
    ['Soon', 'urgent'],
    ['2', 'urgent'],
    ['2WW', 'two-week-wait'],
    ['2ww', 'two-week-wait'],
    ['two week wait', 'two-week-wait'],
    ['Two-Week Wait', 'two-week-wait'],
    ['two-week-wait', 'two-week-wait'],
    ['TWO_WEEK_WAIT', 'two-week-wait'],
    ['USC', 'two-week-wait'],
    ['Urgent suspected cancer', 'two-week-wait'],
    ['3', 'two-week-wait'],
    ['P2', null],
    ['4', null],
  ])('priority %j → %j', (value, expected) => {
    expect(parseReferralPriority(value)).toBe(expected);
  });

  it.each([
    ['New', 'new'],
    ['Routine new', 'new'],
    ['Urgent', 'urgent-new'],
    ['urgent new', 'urgent-new'],
    ['2WW', 'two-week-wait'],
    ['Straight to test', 'procedure'],
    ['Procedure', 'procedure'],
    ['Ward', null],
  ])('clinic type %j → %j', (value, expected) => {
    expect(parseClinicType(value)).toBe(expected);
  });

  it.each([
    ['Accepted', 'accepted'],
    ['accept', 'accepted'],
    ['Rejected', 'rejected'],
    ['Returned to referrer', 'rejected'],
    ['A&G', 'advice-and-guidance'],
    ['A & G', 'advice-and-guidance'],
    ['Advice and guidance', 'advice-and-guidance'],
    ['Awaiting triage', 'pending'],
    ['Pending', 'pending'],
    ['Maybe', null],
  ])('triage outcome %j → %j', (value, expected) => {
    expect(parseTriageKind(value)).toBe(expected);
  });

  it('no spelling means two things (the tables are checked when the module loads)', () => {
    for (const table of [
      REFERRAL_SOURCE_SPELLINGS,
      REFERRAL_PRIORITY_SPELLINGS,
      CLINIC_TYPE_SPELLINGS,
      TRIAGE_KIND_SPELLINGS,
    ]) {
      const keys = Object.entries(table).flatMap(([value, spellings]) =>
        [value, ...spellings].map((s) => `${spellingKey(s)}>${value}`),
      );
      const byKey = new Map<string, Set<string>>();
      for (const k of keys) {
        const [key, value] = k.split('>') as [string, string];
        byKey.set(key, (byKey.get(key) ?? new Set()).add(value));
      }
      expect([...byKey.values()].filter((v) => v.size > 1)).toEqual([]);
    }
  });

  it('spelling keys ignore case, spaces and punctuation but keep &', () => {
    expect(spellingKey(' Two-Week_Wait. ')).toBe('twoweekwait');
    expect(spellingKey('A & G')).toBe('a&g');
  });
});

describe('spreadsheet dates: YYYY-MM-DD or UK day first', () => {
  it.each([
    ['2026-03-31', '2026-03-31'],
    ['31/03/2026', '2026-03-31'],
    ['6/1/2025', '2025-01-06'],
    ['06.01.2025', '2025-01-06'],
    ['06-01-2025', '2025-01-06'],
    [' 06/01/2025 ', '2025-01-06'],
    ['29/02/2024', '2024-02-29'],
    ['06/01/2025 00:00', '2025-01-06'],
    ['06/01/2025 14:30:00', '2025-01-06'],
    ['2025-01-06T00:00:00', '2025-01-06'],
    ['2025-01-06 00:00:00.000', '2025-01-06'],
  ])('%j → %s', (value, date) => {
    expect(parseSpreadsheetDate(value)).toEqual({ ok: true, date });
  });

  it.each([
    ['31/02/2026', 'not-real'],
    ['29/02/2025', 'not-real'],
    ['2026-02-30', 'not-real'],
    ['03/31/2026', 'not-real'],
    ['00/01/2025', 'not-real'],
    ['2025-00-10', 'not-real'],
    ['06/01/25', 'format'],
    ['06/01-2025', 'format'],
    ['2025-01-06T00:00:00Z', 'format'],
    ['6 Jan 2025', 'format'],
    ['45663', 'format'],
    ['', 'format'],
  ])('%j is refused (%s)', (value, reason) => {
    expect(parseSpreadsheetDate(value)).toEqual({ ok: false, reason });
  });
});

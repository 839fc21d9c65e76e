import { describe, expect, it } from 'vitest';
import {
  headingKey,
  normalisePostcode,
  odsCodeIn,
  parseBookingStatus,
  parseExchangeDate,
  parseSex,
  resolveSpecialty,
  splitPatientName,
} from './values';
import { matchColumns, pickHeading } from './columns';
import { PTL_COLUMNS } from './ptl-columns';
import { ERS_WORKLIST_COLUMNS } from './ers-worklist';

describe('parseExchangeDate', () => {
  it.each([
    ['03-Nov-2026', '2026-11-03'],
    ['3 Nov 2026', '2026-11-03'],
    ['3 November 2026', '2026-11-03'],
    ['03-NOV-2026 14:22', '2026-11-03'],
    ['29-Feb-2024', '2024-02-29'],
    ['03/11/2026', '2026-11-03'],
    ['2026-11-03', '2026-11-03'],
    ['03/11/2026 00:00', '2026-11-03'],
  ])('reads %s', (text, iso) => {
    expect(parseExchangeDate(text)).toEqual({ ok: true, date: iso });
  });

  it.each([
    ['31-Feb-2026', 'not-real'],
    ['29-Feb-2026', 'not-real'],
    ['03-Noz-2026', 'format'],
    ['Nov 3 2026', 'format'],
    ['03-Nov-26', 'format'],
    ['11/31/2026', 'not-real'],
  ])('refuses %s (%s)', (text, reason) => {
    expect(parseExchangeDate(text)).toEqual({ ok: false, reason });
  });
});

describe('value readers', () => {
  it('reads sexes as words and Data Dictionary codes', () => {
    expect(['F', 'female', '2', 'Woman'].map(parseSex)).toEqual(['female', 'female', 'female', 'female']);
    expect(['M', 'MALE', '1'].map(parseSex)).toEqual(['male', 'male', 'male']);
    expect(['9', 'Indeterminate'].map(parseSex)).toEqual(['other', 'other']);
    expect(['X', 'U', '0', 'Not known'].map(parseSex)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(parseSex('Q')).toBeNull();
  });

  it('reads booking statuses', () => {
    expect(['Booked', 'TCI', 'dated'].map(parseBookingStatus)).toEqual(['booked', 'booked', 'booked']);
    expect(['Not booked', 'UNBOOKED', 'To book'].map(parseBookingStatus)).toEqual([
      'not-booked',
      'not-booked',
      'not-booked',
    ]);
    expect(parseBookingStatus('Planned')).toBe('planned');
    expect(parseBookingStatus('maybe')).toBeNull();
  });

  const ours = [
    { code: '110', name: 'Trauma and orthopaedics' },
    { code: '120', name: 'Ear, nose and throat' },
  ];

  it.each([
    ['110', '110'],
    [' 120 ', '120'],
    ['110 - Trauma & Orthopaedics', '110'],
    ['110: T&O', '110'],
    ['Trauma & Orthopaedics (110)', '110'],
    ['TRAUMA AND ORTHOPAEDICS', '110'],
    ['Orthopaedics', '110'],
    ['ENT', '120'],
    ['Ear, Nose & Throat (ENT)', '120'],
  ])('resolves the specialty %s', (value, code) => {
    expect(resolveSpecialty(value, ours)).toEqual({ ok: true, code });
  });

  it('says when a specialty is real but not the organisation’s, or not recognised', () => {
    expect(resolveSpecialty('130', ours)).toEqual({ ok: false, reason: 'not-ours', code: '130' });
    expect(resolveSpecialty('Ophthalmology', ours)).toEqual({ ok: false, reason: 'not-ours', code: '130' });
    expect(resolveSpecialty('Knee clinic', ours)).toEqual({ ok: false, reason: 'unknown' });
    expect(resolveSpecialty('11', ours)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('finds the ODS code in a referring organisation', () => {
    expect(odsCodeIn('B86001')).toBe('B86001');
    expect(odsCodeIn('b86001')).toBe('B86001');
    expect(odsCodeIn('Riverside Surgery (B86001)')).toBe('B86001');
    expect(odsCodeIn('B86001 - Riverside Surgery')).toBe('B86001');
    expect(odsCodeIn('Riverside Surgery')).toBeNull();
    expect(odsCodeIn('SURGERY')).toBeNull();
  });

  it('normalises postcodes and refuses what is not one', () => {
    expect(normalisePostcode('ls14ap')).toBe('LS1 4AP');
    expect(normalisePostcode(' SW1A  1AA ')).toBe('SW1A 1AA');
    expect(normalisePostcode('LS1')).toBeNull();
  });

  it('splits a name only when written FAMILY, Given', () => {
    expect(splitPatientName('EXAMPLE, Carol  Ann')).toEqual({
      familyName: 'EXAMPLE',
      givenName: 'Carol Ann',
    });
    expect(splitPatientName('Carol Example')).toBeNull();
    expect(splitPatientName(', Carol')).toBeNull();
    expect(splitPatientName('A, B, C')).toBeNull();
  });
});

describe('columns', () => {
  it('matches headings ignoring case and punctuation, with & as and', () => {
    expect(headingKey('NHS No.')).toBe(headingKey('nhs no'));
    expect(headingKey('T&O')).toBe(headingKey('T and O'));
    expect(pickHeading(['x', 'Date Converted'], ERS_WORKLIST_COLUMNS.ersConversionDate)).toBe(
      'Date Converted',
    );
    expect(pickHeading(['x'], ERS_WORKLIST_COLUMNS.ersConversionDate)).toBeNull();
    expect(pickHeading(['My date'], ERS_WORKLIST_COLUMNS.ersConversionDate, 'my DATE')).toBe('My date');
  });

  it('has no heading that two PTL fields could both take', () => {
    const owner = new Map<string, string>();
    for (const [field, names] of Object.entries(PTL_COLUMNS)) {
      for (const name of names) {
        const key = headingKey(name);
        expect(owner.get(key) ?? field, `${name} is taken by ${owner.get(key)} and ${field}`).toBe(field);
        owner.set(key, field);
      }
    }
  });

  it('has no heading that two e-RS fields could both take', () => {
    const owner = new Map<string, string>();
    for (const [field, names] of Object.entries(ERS_WORKLIST_COLUMNS)) {
      for (const name of names) {
        const key = headingKey(name);
        expect(owner.get(key) ?? field, name).toBe(field);
        owner.set(key, field);
      }
    }
  });

  it('reports a missing required column, a heading twice and a column chosen for two fields', () => {
    const aliases = { a: ['Alpha'], b: ['Beta'], c: ['Gamma'] } as const;
    const labels = { a: 'alpha', b: 'beta', c: 'gamma' };
    const result = matchColumns(['alpha', 'BETA', 'beta'], aliases, { c: 'Alpha' }, ['a', 'b', 'c'], labels);
    expect(result.problems).toEqual([
      { field: 'b', column: 'Beta', message: "The file has 2 'Beta' columns: keep one" },
      { field: 'c', column: 'alpha', message: "The 'alpha' column is chosen for both alpha and gamma" },
    ]);
    expect(result.missing).toEqual(['b', 'c']);
    expect(result.columns).toEqual({ a: 'alpha' });
    expect(result.ignored).toEqual(['BETA', 'beta']);
    const blank = matchColumns(['alpha'], aliases, { a: '' }, ['a'], labels);
    expect(blank.problems).toEqual([
      { field: 'a', column: null, message: 'Choose the column that holds the alpha' },
    ]);
    const none = matchColumns(['x'], aliases, {}, ['a'], labels);
    expect(none.problems[0]?.message).toBe(
      "The file has no 'Alpha' column: add it, or choose the column that holds the alpha",
    );
  });
});

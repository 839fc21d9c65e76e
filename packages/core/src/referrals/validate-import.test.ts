import { describe, it, expect } from 'vitest';
import { DEFAULT_REFERRAL_COLUMNS, mapRows } from './column-mapping';
import {
  DEFAULT_DUPLICATE_WINDOW_DAYS,
  findReferralDuplicates,
  validateImport,
  type ExistingReferrals,
} from './validate-import';
import type { ReferralContext } from './types';

const context: ReferralContext = {
  today: '2025-06-30',
  specialtyCodes: new Set(['100', '101', '110', '330']),
  selfReferralSpecialties: new Set(['110']),
};
const none: ExistingReferrals = { ubrns: new Set(), recent: [] };

const header = [
  'NHS number',
  'Referral source',
  'UBRN',
  'UBRN conversion date',
  'Received date',
  'Original clock start',
  'Specialty code',
  'Priority',
  'Referrer',
  'Triage outcome',
  'Clinic type',
];

function sheet(...rows: string[][]): ReturnType<typeof mapRows> {
  return mapRows(header, rows, DEFAULT_REFERRAL_COLUMNS);
}

//                NHS number      source      UBRN            converted     received      original      spec   priority   referrer   triage      clinic
const gp1 = ['9434765919', 'GP letter', '', '', '06/01/2025', '', '110', 'Routine', 'Dr A', '', ''];
const ers1 = [
  '9990000018',
  'e-RS',
  '000000070000',
  '10/01/2025',
  '',
  '',
  '101',
  '2WW',
  'Dr B',
  'Accepted',
  '2WW',
];
const ipt1 = ['9990000026', 'IPT', '', '', '28/01/2025', '02/01/2025', '330', 'urgent', 'Dr C', '', ''];
const self1 = ['9994445553', 'Self', '', '', '2025-02-03', '', '110', 'routine', '', '', ''];

describe('validateImport: all or nothing', () => {
  it('imports every row when every row is valid, with the clock start of each source', () => {
    const result = validateImport(sheet(gp1, ers1, ipt1, self1), context, none);
    expect(result.problems).toEqual([]);
    expect(result.duplicates).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.valid.map((v) => [v.row, v.referral.clockStart, v.referral.clockStartRule])).toEqual([
      [2, '2025-01-06', 'S1'], // EX-RTT-01
      [3, '2025-01-10', 'S3'], // EX-RTT-02
      [4, '2025-01-02', 'S7'], // EX-RTT-05
      [5, '2025-02-03', 'S6'],
    ]);
    expect(result.summary).toEqual({
      rows: 4,
      rowsWithProblems: 0,
      problems: 0,
      blockingDuplicates: 0,
      message: 'All 4 referrals can be imported.',
    });
  });

  it('refuses the whole file for one bad row, and reports every problem with its row and column', () => {
    const bad = ['943476591', 'e-RS', '1234', '31/02/2025', '', '', '999', 'sometimes', 'Dr D', '', ''];
    const result = validateImport(sheet(gp1, bad, ipt1), context, none);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { row: 3, column: 'NHS number', field: 'nhsNumber', message: 'NHS number must be 10 digits' },
      { row: 3, column: 'UBRN', field: 'ubrn', message: 'UBRN must be 12 digits' },
      {
        row: 3,
        column: 'UBRN conversion date',
        field: 'ersConversionDate',
        message: "UBRN conversion date '31/02/2025' is not a real date",
      },
      {
        row: 3,
        column: 'Specialty code',
        field: 'specialtyCode',
        message: "Specialty code 999 is not one of your organisation's specialties",
      },
      {
        row: 3,
        column: 'Priority',
        field: 'priority',
        message: "Priority 'sometimes' is not recognised: use routine, urgent or two-week wait (2WW)",
      },
    ]);
    // The two good rows are valid, but nothing is to be imported.
    expect(result.valid.map((v) => v.row)).toEqual([2, 4]);
    expect(result.summary.message).toBe(
      'No referrals will be imported: there are 5 problems in 1 row. Correct the file and import it again.',
    );
  });

  it('names a column the file lacks in the problems of rows that need it', () => {
    const result = validateImport(
      mapRows(
        ['NHS number', 'Referral source', 'Received date', 'Specialty code', 'Priority', 'Referrer'],
        [['9990000018', 'e-RS', '2025-01-10', '101', 'routine', 'Dr B']],
        DEFAULT_REFERRAL_COLUMNS,
      ),
      context,
      none,
    );
    expect(result.problems).toEqual([
      { row: 2, column: null, field: 'ubrn', message: 'Enter the UBRN for an e-RS referral' },
      {
        row: 2,
        column: null,
        field: 'ersConversionDate',
        message: 'Enter the UBRN conversion date or the ASI worklist date for an e-RS referral',
      },
    ]);
  });

  it('does not repeat a missing column on every row', () => {
    const result = validateImport(
      mapRows(
        ['NHS number', 'Referral source', 'Specialty code', 'Priority', 'Referrer'],
        [
          ['9434765919', 'gp', '110', 'routine', 'Dr A'],
          ['9990000018', 'gp', '110', 'routine', 'Dr B'],
        ],
        DEFAULT_REFERRAL_COLUMNS,
      ),
      context,
      none,
    );
    expect(result.problems).toEqual([
      {
        row: 1,
        column: 'Received date',
        field: 'receivedDate',
        message: "The file has no 'Received date' column",
      },
    ]);
    expect(result.ok).toBe(false);
  });

  it('does not repeat an unreadable value as a missing one, nor its triage cells', () => {
    const row = [...gp1];
    row[9] = 'Maybe';
    row[10] = 'New';
    const result = validateImport(sheet(row), context, none);
    expect(result.problems.map((p) => p.field)).toEqual(['triage']);
  });

  it('refuses a row whose unreadable value the rules would not miss (triage priority)', () => {
    const result = validateImport(
      mapRows(
        [
          'NHS number',
          'Referral source',
          'Received date',
          'Specialty code',
          'Priority',
          'Referrer',
          'Triage outcome',
          'Triage priority',
          'Clinic type',
        ],
        [['9434765919', 'gp', '2025-01-06', '110', 'routine', 'Dr A', 'Accepted', 'P2', 'New']],
        DEFAULT_REFERRAL_COLUMNS,
      ),
      context,
      none,
    );
    expect(result.ok).toBe(false);
    expect(result.valid).toEqual([]);
    expect(result.problems.map((p) => p.field)).toEqual(['triage.priority']);
  });

  it('refuses an import with no referrals', () => {
    const result = validateImport(sheet(), context, none);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { row: 1, column: null, field: null, message: 'There are no referrals to import' },
    ]);
  });

  it('takes records built without a file (an API body): no columns', () => {
    const result = validateImport(
      { records: [{ row: 1, input: { nhsNumber: '9434765919' } }] },
      context,
      none,
    );
    expect(result.ok).toBe(false);
    expect(result.problems.every((p) => p.column === null && p.row === 1)).toBe(true);
  });
});

describe('validateImport: duplicates are reported, never merged, and block the import', () => {
  it('the same UBRN twice in the file: the later row names the earlier', () => {
    const again = [...ers1];
    again[0] = '9990000026';
    const result = validateImport(sheet(ers1, gp1, again), context, none);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([]);
    expect(result.duplicates).toEqual([
      {
        row: 4,
        kind: 'ubrn',
        withRow: 2,
        column: 'UBRN',
        allowed: false,
        message: 'UBRN 000000070000 is also on row 2',
      },
    ]);
    expect(result.summary.message).toBe(
      'No referrals will be imported: there is 1 possible duplicate. Correct the file and import it again.',
    );
  });

  it('a UBRN already held', () => {
    const result = validateImport(sheet(ers1), context, { ubrns: new Set(['000000070000']), recent: [] });
    expect(result.duplicates).toEqual([
      {
        row: 2,
        kind: 'ubrn',
        existing: true,
        column: 'UBRN',
        allowed: false,
        message: 'A referral with UBRN 000000070000 is already held',
      },
    ]);
  });

  it('the same row twice: one UBRN duplicate, not also a patient-specialty one', () => {
    const result = validateImport(sheet(ers1, ers1), context, none);
    expect(result.duplicates.map((d) => [d.row, d.kind, d.withRow])).toEqual([[3, 'ubrn', 2]]);
  });

  it('same patient and specialty in the file within the window (inclusive); further apart is not', () => {
    const at = (received: string): string[] => {
      const r = [...gp1];
      r[4] = received;
      return r;
    };
    const result = validateImport(
      sheet(gp1, at('03/02/2025'), at('06/01/2025'), at('04/03/2025')),
      context,
      none,
    );
    // Row 3 is 28 days after row 2; row 4 the same day as row 2; row 5 29 days after row 3.
    expect(result.duplicates).toEqual([
      {
        row: 3,
        kind: 'patient-specialty',
        withRow: 2,
        column: 'NHS number',
        allowed: false,
        message: 'Possible duplicate of row 2: same patient and specialty 110, received 28 days apart',
      },
      {
        row: 4,
        kind: 'patient-specialty',
        withRow: 2,
        column: 'NHS number',
        allowed: false,
        message: 'Possible duplicate of row 2: same patient and specialty 110, received on the same day',
      },
    ]);
  });

  it('same patient and specialty as a referral already held, within the window', () => {
    const existing: ExistingReferrals = {
      ubrns: new Set(),
      recent: [
        { nhsNumber: '943 476 5919', specialtyCode: '110', receivedDate: '2024-12-20' },
        { nhsNumber: '9434765919', specialtyCode: '101', receivedDate: '2025-01-06' },
        { nhsNumber: '9434765919', specialtyCode: '110', receivedDate: '2024-11-01' },
      ],
    };
    const result = validateImport(sheet(gp1), context, existing);
    expect(result.duplicates).toEqual([
      {
        row: 2,
        kind: 'patient-specialty',
        existing: true,
        column: 'NHS number',
        allowed: false,
        message:
          'Possible duplicate: this patient already has a specialty 110 referral received on 20 Dec 2024',
      },
    ]);
  });

  it('names the nearest referral: the earlier date on a tie, and the closest earlier row', () => {
    const referral = (receivedDate: string) => ({
      nhsNumber: '9434765919',
      specialtyCode: '110',
      receivedDate,
      ubrn: null,
    });
    const held = findReferralDuplicates([{ row: 2, referral: referral('2025-01-06') }], {
      ubrns: new Set(),
      recent: [
        { nhsNumber: '9434765919', specialtyCode: '110', receivedDate: '2025-01-16' },
        { nhsNumber: '9434765919', specialtyCode: '110', receivedDate: '2024-12-27' },
      ],
    });
    expect(held.map((d) => d.message)).toEqual([
      'Possible duplicate: this patient already has a specialty 110 referral received on 27 Dec 2024',
    ]);
    const inFile = findReferralDuplicates(
      [
        { row: 2, referral: referral('2025-01-01') },
        { row: 3, referral: referral('2025-01-20') },
        { row: 4, referral: referral('2025-01-18') },
      ],
      none,
    );
    expect(inFile.map((d) => [d.row, d.withRow])).toEqual([
      [3, 2],
      [4, 3],
    ]);
  });

  it('another window can be chosen', () => {
    const existing: ExistingReferrals = {
      ubrns: new Set(),
      recent: [{ nhsNumber: '9434765919', specialtyCode: '110', receivedDate: '2024-11-01' }],
    };
    expect(validateImport(sheet(gp1), context, existing).duplicates).toEqual([]);
    expect(
      validateImport(sheet(gp1), context, existing, { duplicateWindowDays: 90 }).duplicates,
    ).toHaveLength(1);
    expect(DEFAULT_DUPLICATE_WINDOW_DAYS).toBe(28);
  });

  it('a duplicate a person has confirmed as separate is still reported but does not block', () => {
    const result = validateImport(
      sheet(ers1, gp1),
      context,
      { ubrns: new Set(['000000070000']), recent: [] },
      {
        allowDuplicateRows: new Set([2]),
      },
    );
    expect(result.ok).toBe(true);
    expect(result.duplicates).toMatchObject([{ row: 2, kind: 'ubrn', allowed: true }]);
    expect(result.valid).toHaveLength(2);
  });

  it('rows with problems are not checked for duplicates', () => {
    const bad = [...gp1];
    bad[8] = '';
    const result = validateImport(sheet(gp1, bad), context, none);
    expect(result.duplicates).toEqual([]);
    expect(result.problems).toMatchObject([{ row: 3, field: 'referrerName' }]);
  });

  it('findReferralDuplicates serves a single referral too, and refuses a negative window', () => {
    const referral = {
      nhsNumber: '9434765919',
      specialtyCode: '110',
      receivedDate: '2025-01-06',
      ubrn: null,
    };
    expect(
      findReferralDuplicates([{ row: 1, referral }], {
        ubrns: new Set(),
        recent: [{ nhsNumber: '9434765919', specialtyCode: '110', receivedDate: '2025-01-07' }],
      }),
    ).toMatchObject([{ row: 1, kind: 'patient-specialty', existing: true }]);
    expect(() => findReferralDuplicates([], none, -1)).toThrow(RangeError);
  });

  it('scales to a full import (20,000 rows, many per patient)', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      row: i + 2,
      referral: {
        nhsNumber: String(9_000_000_000 + (i % 500)),
        specialtyCode: '110',
        receivedDate: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
        ubrn: String(100_000_000_000 + i),
      },
    }));
    const started = performance.now();
    const duplicates = findReferralDuplicates(rows, none);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

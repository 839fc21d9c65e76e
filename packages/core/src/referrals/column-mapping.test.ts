import { describe, it, expect } from 'vitest';
import { DEFAULT_REFERRAL_COLUMNS, mapRows, type ReferralColumnMapping } from './column-mapping';

const header = [
  'NHS number',
  'Referral source',
  'UBRN',
  'UBRN conversion date',
  'ASI worklist date',
  'Received date',
  'Original clock start',
  'Specialty code',
  'Priority',
  'Referrer',
  'Referrer ODS code',
  'Triage outcome',
  'Triage priority',
  'Clinic type',
  'Rejection reason',
  'Advice and guidance note',
];

/** A row in `header` order from named cells. */
function row(cells: Partial<Record<(typeof header)[number], string>>): string[] {
  return header.map((h) => cells[h] ?? '');
}

const gpRow = row({
  'NHS number': '943 476 5919',
  'Referral source': 'GP letter',
  'Received date': '06/01/2025',
  'Specialty code': '110',
  Priority: 'Routine',
  Referrer: 'Dr A Patel',
});

describe('mapRows: columns', () => {
  it('maps the default columns and reads every kind of value', () => {
    const result = mapRows(
      header,
      [
        gpRow,
        row({
          'NHS number': '9990000018',
          'Referral source': 'e-RS',
          UBRN: '0000 0007 0000',
          'UBRN conversion date': '2025-01-10',
          'ASI worklist date': '10/01/2025',
          'Specialty code': '101',
          Priority: '2WW',
          Referrer: 'Dr B Jones',
          'Referrer ODS code': 'a81002',
          'Triage outcome': 'Accepted',
          'Triage priority': 'two week wait',
          'Clinic type': 'Straight to test',
        }),
      ],
      DEFAULT_REFERRAL_COLUMNS,
    );
    expect(result.problems).toEqual([]);
    expect(result.missingFields).toEqual([]);
    expect(result.ignoredColumns).toEqual([]);
    expect(result.records).toEqual([
      {
        row: 2,
        input: {
          nhsNumber: '943 476 5919',
          source: 'gp-paper',
          ubrn: null,
          ersConversionDate: null,
          asiWorklistDate: null,
          receivedDate: '2025-01-06',
          originalClockStart: null,
          specialtyCode: '110',
          priority: 'routine',
          referrerName: 'Dr A Patel',
          referrerOrgCode: null,
        },
      },
      {
        row: 3,
        input: {
          nhsNumber: '9990000018',
          source: 'e-rs',
          ubrn: '0000 0007 0000',
          ersConversionDate: '2025-01-10',
          asiWorklistDate: '2025-01-10',
          receivedDate: null,
          originalClockStart: null,
          specialtyCode: '101',
          priority: 'two-week-wait',
          referrerName: 'Dr B Jones',
          referrerOrgCode: 'a81002',
          triage: {
            kind: 'accepted',
            priority: 'two-week-wait',
            clinicType: 'procedure',
            reason: null,
            note: null,
          },
        },
      },
    ]);
  });

  it('matches headers ignoring case, spaces and punctuation, and lists columns it does not use', () => {
    const result = mapRows(
      [
        'nhs_number',
        'REFERRAL SOURCE',
        'Received-Date',
        'specialty code',
        'priority',
        'referrer',
        'Patient name',
      ],
      [['9434765919', 'gp', '2025-01-06', '110', 'urgent', 'Dr A', 'Jane Doe']],
      DEFAULT_REFERRAL_COLUMNS,
    );
    expect(result.problems).toEqual([]);
    expect(result.columns).toEqual({
      nhsNumber: 'nhs_number',
      source: 'REFERRAL SOURCE',
      receivedDate: 'Received-Date',
      specialtyCode: 'specialty code',
      priority: 'priority',
      referrerName: 'referrer',
    });
    expect(result.ignoredColumns).toEqual(['Patient name']);
    expect(result.records[0]?.input).toMatchObject({ source: 'gp-paper', priority: 'urgent' });
  });

  it('uses a custom mapping (a PAS extract with its own names)', () => {
    const mapping: ReferralColumnMapping = {
      nhsNumber: 'NHS No',
      source: 'Ref Source',
      receivedDate: 'Date Rec',
      specialtyCode: 'TFC',
      priority: 'Urgency',
      referrerName: 'Referring GP',
    };
    const result = mapRows(
      ['NHS No', 'Ref Source', 'Date Rec', 'TFC', 'Urgency', 'Referring GP'],
      [['9434765919', 'Paper', '6/1/2025', '110', 'Soon', 'Dr A']],
      mapping,
    );
    expect(result.problems).toEqual([]);
    expect(result.records[0]?.input).toMatchObject({ receivedDate: '2025-01-06', priority: 'urgent' });
  });

  it('reports each missing required column once, on the header row; optional columns may be absent', () => {
    const result = mapRows(
      ['NHS number', 'Referral source', 'Specialty code', 'Priority'],
      [
        ['9434765919', 'gp', '110', 'routine'],
        ['9990000018', 'gp', '110', 'routine'],
      ],
      DEFAULT_REFERRAL_COLUMNS,
    );
    expect(result.problems).toEqual([
      {
        row: 1,
        column: 'Received date',
        field: 'receivedDate',
        message: "The file has no 'Received date' column",
      },
      { row: 1, column: 'Referrer', field: 'referrerName', message: "The file has no 'Referrer' column" },
    ]);
    expect(result.missingFields).toEqual(['receivedDate', 'referrerName']);
    expect(result.records).toHaveLength(2);
  });

  it('reports a required field the mapping leaves out', () => {
    const { nhsNumber: _left, ...mapping } = DEFAULT_REFERRAL_COLUMNS;
    const result = mapRows(header, [gpRow], mapping);
    expect(result.problems).toEqual([
      { row: 1, column: null, field: 'nhsNumber', message: 'Choose the column that holds the NHS number' },
    ]);
  });

  it('reports a header that matches twice, and one column chosen for two fields', () => {
    const result = mapRows(
      ['NHS number', 'nhs number', 'Referral source', 'Date', 'Specialty code', 'Priority', 'Referrer'],
      [['9434765919', '9434765919', 'gp', '2025-01-06', '110', 'routine', 'Dr A']],
      { ...DEFAULT_REFERRAL_COLUMNS, receivedDate: 'Date', ersConversionDate: 'Date' },
    );
    expect(result.problems).toEqual([
      {
        row: 1,
        column: 'NHS number',
        field: 'nhsNumber',
        message: "The file has 2 'NHS number' columns: keep one",
      },
      {
        row: 1,
        column: 'Date',
        field: 'receivedDate',
        message: "The 'Date' column is chosen for both UBRN conversion date and Received date",
      },
    ]);
    expect(result.missingFields).toEqual(['nhsNumber', 'receivedDate']);
  });

  it('puts the header and rows where the reader found them', () => {
    const result = mapRows(header, [gpRow, row({ Priority: 'Often' })], DEFAULT_REFERRAL_COLUMNS, {
      headerRow: 3,
      rowNumbers: [4, 7],
    });
    expect(result.headerRow).toBe(3);
    expect(result.records.map((r) => r.row)).toEqual([4, 7]);
    expect(result.problems[0]).toMatchObject({ row: 7, column: 'Priority' });
  });
});

describe('mapRows: values it cannot read are reported with row and column', () => {
  it.each([
    [
      'Referral source',
      'Fax',
      'source',
      "Referral source 'Fax' is not recognised: use GP paper, e-RS, consultant to consultant, self-referral, inter-provider transfer, other professional or interface service",
    ],
    [
      'Priority',
      'P3',
      'priority',
      "Priority 'P3' is not recognised: use routine, urgent or two-week wait (2WW)",
    ],
    ['Received date', '31/02/2026', 'receivedDate', "Received date '31/02/2026' is not a real date"],
    [
      'Received date',
      '6 Jan 2025',
      'receivedDate',
      "Received date '6 Jan 2025' is not a date: write it as DD/MM/YYYY",
    ],
    [
      'Original clock start',
      '2025/01/02',
      'originalClockStart',
      "Original clock start '2025/01/02' is not a date: write it as DD/MM/YYYY",
    ],
    [
      'Triage outcome',
      'Maybe',
      'triage',
      "Triage outcome 'Maybe' is not recognised: use pending, accepted, rejected or advice and guidance (A&G)",
    ],
    [
      'Clinic type',
      'Ward',
      'triage.clinicType',
      "Clinic type 'Ward' is not recognised: use new, urgent new, two-week wait (2WW) or procedure",
    ],
    [
      'Triage priority',
      'x'.repeat(60),
      'triage.priority',
      `Triage priority '${'x'.repeat(37)}...' is not recognised: use routine, urgent or two-week wait (2WW)`,
    ],
  ])('%s %j', (column, value, field, message) => {
    const cells = [...gpRow];
    cells[header.indexOf(column)] = value;
    const result = mapRows(header, [cells], DEFAULT_REFERRAL_COLUMNS);
    expect(result.problems).toEqual([{ row: 2, column, field, message }]);
    expect(result.records).toHaveLength(1);
  });

  it('skips blank rows (keeping the numbering) and treats short rows as blank cells', () => {
    const result = mapRows(header, [gpRow, ['', '  '], gpRow.slice(0, 6)], DEFAULT_REFERRAL_COLUMNS);
    expect(result.records.map((r) => r.row)).toEqual([2, 4]);
    expect(result.records[1]?.input.specialtyCode).toBeNull();
  });

  it('builds a triage outcome only when a triage cell is filled in', () => {
    const result = mapRows(
      header,
      [
        gpRow,
        row({ 'Triage outcome': 'Rejected', 'Rejection reason': 'Not consultant-led' }),
        row({ 'Clinic type': 'New' }),
      ],
      DEFAULT_REFERRAL_COLUMNS,
    );
    expect(result.records[0]?.input.triage).toBeUndefined();
    expect(result.records[1]?.input.triage).toEqual({
      kind: 'rejected',
      priority: null,
      clinicType: null,
      reason: 'Not consultant-led',
      note: null,
    });
    expect(result.records[2]?.input.triage).toMatchObject({ kind: null, clinicType: 'new' });
  });
});

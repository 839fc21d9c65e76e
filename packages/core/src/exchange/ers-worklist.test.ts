import { describe, expect, it } from 'vitest';
import { mapRows } from '../referrals/column-mapping';
import { validateImport } from '../referrals/validate-import';
import {
  ERS_RECEIVED_HEADING,
  ERS_SOURCE_HEADING,
  ersPatientProblems,
  prepareErsWorklist,
} from './ers-worklist';

const specialties = [
  { code: '110', name: 'Trauma and orthopaedics' },
  { code: '120', name: 'Ear, nose and throat' },
];

const HEADER = [
  'UBRN',
  'NHS No.',
  'Patient Name',
  'Date of Birth',
  'Priority',
  'Specialty',
  'Clinic Type',
  'Service Name',
  'Referring Clinician',
  'Referring Organisation',
  'Date Converted',
  'Date added to worklist',
];

const row = (over: Partial<Record<(typeof HEADER)[number], string>> = {}) =>
  HEADER.map(
    (h) =>
      ({
        UBRN: '0001 2345 6789',
        'NHS No.': '999 000 0018',
        'Patient Name': 'EXAMPLE, Alice',
        'Date of Birth': '31-Jan-1970',
        Priority: 'Routine',
        Specialty: 'Orthopaedics',
        'Clinic Type': 'Knee',
        'Service Name': 'Knee clinic - Test General',
        'Referring Clinician': 'Dr A Practitioner',
        'Referring Organisation': 'Riverside Surgery (B86001)',
        'Date Converted': '02-Nov-2026',
        'Date added to worklist': '',
        ...over,
      })[h] ?? '',
  );

const context = {
  today: '2026-11-23',
  specialtyCodes: new Set(['110', '120']),
  selfReferralSpecialties: new Set<string>(),
};
const nothingHeld = { ubrns: new Set<string>(), recent: [] };

describe('prepareErsWorklist', () => {
  it('reads a worklist as e-RS referrals through the preset, tidying e-RS values', () => {
    const prepared = prepareErsWorklist(
      HEADER,
      [
        row(),
        row({
          UBRN: '000123456790',
          'Date Converted': '',
          'Date added to worklist': '10/11/2026',
          Priority: '2WW',
          Specialty: 'ENT',
        }),
      ],
      { specialties },
    );
    expect(prepared.problems).toEqual([]);
    expect(prepared.header).toEqual([...HEADER, ERS_SOURCE_HEADING, ERS_RECEIVED_HEADING]);
    expect(prepared.added).toEqual(['source', 'receivedDate']);
    expect(prepared.dateOfBirthColumn).toBe('Date of Birth');
    expect(prepared.patients).toEqual([
      { row: 2, nhsNumber: '9990000018', dateOfBirth: '1970-01-31' },
      { row: 3, nhsNumber: '9990000018', dateOfBirth: '1970-01-31' },
    ]);
    const mapped = mapRows(prepared.header, prepared.rows, prepared.mapping);
    expect(mapped.problems).toEqual([]);
    expect(mapped.ignoredColumns).toEqual(['Patient Name', 'Date of Birth', 'Clinic Type', 'Service Name']);
    const result = validateImport(mapped, context, nothingHeld);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.valid.map((v) => v.referral)).toEqual([
      expect.objectContaining({
        source: 'e-rs',
        ubrn: '000123456789',
        ersConversionDate: '2026-11-02',
        asiWorklistDate: null,
        receivedDate: '2026-11-02',
        specialtyCode: '110',
        priority: 'routine',
        referrerName: 'Dr A Practitioner',
        referrerOrgCode: 'B86001',
        clockStart: '2026-11-02',
        clockStartRule: 'S3',
      }),
      expect.objectContaining({
        ubrn: '000123456790',
        asiWorklistDate: '2026-11-10',
        clockStart: '2026-11-10',
        specialtyCode: '120',
        priority: 'two-week-wait',
      }),
    ]);
  });

  it('takes the earlier of the conversion and ASI dates as the clock start', () => {
    const prepared = prepareErsWorklist(
      HEADER,
      [row({ 'Date Converted': '12-Nov-2026', 'Date added to worklist': '05-Nov-2026' })],
      { specialties },
    );
    const result = validateImport(
      mapRows(prepared.header, prepared.rows, prepared.mapping),
      context,
      nothingHeld,
    );
    expect(result.valid[0]?.referral.clockStart).toBe('2026-11-05');
  });

  it('keeps the worklist’s own received date when it has one, and reads other headings through a mapping', () => {
    const header = [
      'Booking ref',
      'NHS No.',
      'Priority',
      'Specialty',
      'Referring Clinician',
      'Converted on',
      'Date Received',
    ];
    const prepared = prepareErsWorklist(
      header,
      [['000123456789', '9990000018', 'Urgent', '110', 'Dr B', '01/11/2026', '03-Nov-2026']],
      { specialties, mapping: { ubrn: 'Booking ref', ersConversionDate: 'converted on' } },
    );
    expect(prepared.added).toEqual(['source']);
    const mapped = mapRows(prepared.header, prepared.rows, prepared.mapping);
    expect(mapped.columns).toMatchObject({
      ubrn: 'Booking ref',
      ersConversionDate: 'Converted on',
      receivedDate: 'Date Received',
    });
    const result = validateImport(mapped, context, nothingHeld);
    expect(result.valid[0]?.referral).toMatchObject({ receivedDate: '2026-11-03', clockStart: '2026-11-01' });
  });

  it('reports a specialty it cannot match, a date of birth it cannot read, and missing columns', () => {
    const prepared = prepareErsWorklist(
      HEADER,
      [row({ Specialty: 'Ophthalmology', 'Date of Birth': '31/02/1970' }), row({ Specialty: 'Knee clinic' })],
      { specialties },
    );
    expect(prepared.problems).toEqual([
      {
        row: 2,
        column: 'Specialty',
        field: 'specialtyCode',
        message:
          "Specialty 'Ophthalmology' (treatment function 130) is not one of your organisation's specialties",
      },
      {
        row: 2,
        column: 'Date of Birth',
        field: null,
        message: "Date of birth '31/02/1970' is not a real date",
      },
      {
        row: 3,
        column: 'Specialty',
        field: 'specialtyCode',
        message:
          "Specialty 'Knee clinic' is not recognised: use the treatment function code, like 110, or the name of one of your organisation's specialties",
      },
    ]);
    const bare = prepareErsWorklist(['NHS No.', 'Priority'], [['9990000018', 'Routine']], { specialties });
    expect(bare.problems.map((p) => [p.field, p.message])).toEqual([
      ['ubrn', "The file has no 'UBRN' column: every e-RS referral needs its UBRN"],
      [
        'ersConversionDate',
        "The file has neither a 'Conversion Date' nor an 'ASI Date' column: the RTT clock starts on one of those dates",
      ],
    ]);
    expect(bare.missingFields).toEqual(['ubrn', 'ersConversionDate']);
  });

  it('finds dates of birth that differ from the registered patient’s', () => {
    const prepared = prepareErsWorklist(HEADER, [row(), row({ 'NHS No.': '9990000026' })], { specialties });
    const registered = new Map([
      ['9990000018', '1970-01-31'],
      ['9990000026', '1985-06-15'],
    ]);
    expect(ersPatientProblems(prepared, registered)).toEqual([
      {
        row: 3,
        column: 'Date of Birth',
        field: null,
        message:
          'Date of birth does not match the patient registered with NHS number 999 000 0026: check the NHS number and the date of birth',
      },
    ]);
  });
});

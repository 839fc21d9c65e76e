import { describe, expect, it } from 'vitest';
import { mapPtlRows, ppidKey } from './ptl-columns';
import { ptlLookups, validatePtlImport, type PtlContext } from './ptl-extract';

const HEADER = [
  'NHS number',
  'Hospital number',
  'Patient name',
  'Date of birth',
  'Sex',
  'Postcode',
  'Specialty',
  'Priority',
  'Clock start',
  'Referral received date',
  'PPID',
  'Consultant code',
  'Booking status',
  'Booked date',
];

type Cells = Partial<Record<(typeof HEADER)[number], string>>;
const row = (over: Cells = {}) =>
  HEADER.map(
    (h) =>
      ({
        'NHS number': '999 000 0034',
        'Hospital number': 'OLD123',
        'Patient name': 'NEWMAN, Nina',
        'Date of birth': '02/03/1981',
        Sex: 'F',
        Postcode: 'ls14ap',
        Specialty: '110',
        Priority: 'Routine',
        'Clock start': '01/09/2026',
        'Referral received date': '30/08/2026',
        PPID: 'OLDPAS0000001',
        'Consultant code': 'c1234567',
        'Booking status': 'Not booked',
        'Booked date': '',
        ...over,
      })[h] ?? '',
  );

const context = (over: Partial<PtlContext> = {}): PtlContext => ({
  today: '2026-11-23',
  defaultIssuer: 'XT1',
  specialties: [
    { code: '110', name: 'Trauma and orthopaedics' },
    { code: '120', name: 'Ear, nose and throat' },
  ],
  consultants: new Map([['C1234567', 'clinician-1']]),
  registered: new Map([['9990000018', { id: 'alice', dateOfBirth: '1970-01-31' }]]),
  heldPpids: new Set([ppidKey('XT1', 'XT1PPID000001')]),
  heldLocalPatientIds: new Set(['T0001']),
  ...over,
});

const check = (rows: string[][], over: Partial<PtlContext> = {}, header = HEADER, mapping = {}) =>
  validatePtlImport(mapPtlRows(header, rows, mapping), context(over));

const where = (result: ReturnType<typeof check>) =>
  result.problems.map((p) => `${p.row}:${p.column}:${p.message}`);

describe('PTL extract import rules', () => {
  it('reads a good extract: new patients to register, registered patients matched', () => {
    const result = check([
      row(),
      row({
        PPID: 'OLDPAS0000002',
        Specialty: 'ENT',
        Priority: 'Urgent',
        'Booking status': 'Booked',
        'Booked date': '07/12/2026',
      }),
      row({
        'NHS number': '9990000018',
        'Hospital number': '',
        'Patient name': 'Anything, Else',
        'Date of birth': '31/01/1970',
        Sex: '',
        PPID: 'OLDPAS0000003',
        'Consultant code': '',
        'Booking status': '',
      }),
    ]);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.newPatients).toEqual([
      {
        nhsNumber: '9990000034',
        localPatientId: 'OLD123',
        familyName: 'NEWMAN',
        givenName: 'Nina',
        dateOfBirth: '1981-03-02',
        sex: 'female',
        address: { line1: null, line2: null, town: null, postcode: 'LS1 4AP' },
        row: 2,
      },
    ]);
    expect(result.valid).toEqual([
      {
        row: 2,
        nhsNumber: '9990000034',
        patientId: null,
        specialtyCode: '110',
        priority: 'routine',
        clockStart: '2026-09-01',
        referralReceivedDate: '2026-08-30',
        ppid: 'OLDPAS0000001',
        ppidIssuer: 'XT1',
        clinicianId: 'clinician-1',
        booked: false,
        bookedDate: null,
      },
      expect.objectContaining({
        row: 3,
        specialtyCode: '120',
        priority: 'urgent',
        booked: true,
        bookedDate: '2026-12-07',
      }),
      expect.objectContaining({
        row: 4,
        nhsNumber: '9990000018',
        patientId: 'alice',
        clinicianId: null,
        booked: null,
      }),
    ]);
    expect(result.summary).toEqual({
      rows: 3,
      rowsWithProblems: 0,
      problems: 0,
      newPatients: 1,
      registeredPatients: 1,
      booked: 1,
      message: 'All 3 pathways can be imported. 1 patient is not registered yet and will be registered.',
    });
  });

  it('reports every problem of a row with its column, and imports nothing', () => {
    const result = check([
      row(),
      row({
        'NHS number': '999 000 0019',
        'Date of birth': '31/02/1980',
        Specialty: 'Knee clinic',
        Priority: 'Soon-ish',
        'Clock start': '01/12/2026',
        'Referral received date': '1999-12-31',
        PPID: 'OLD-PAS 1',
        'Consultant code': 'G999',
        'Booking status': 'Planned',
      }),
    ]);
    expect(result.ok).toBe(false);
    expect(where(result)).toEqual([
      '3:NHS number:NHS number is not valid (check digit does not match)',
      "3:Date of birth:Date of birth '31/02/1980' is not a real date",
      "3:Specialty:Specialty 'Knee clinic' is not recognised: use the treatment function code, like 110, or the name of one of your organisation's specialties",
      "3:Priority:Priority 'Soon-ish' is not recognised: use routine, urgent or two-week wait (2WW)",
      '3:Clock start:Clock start must be today or in the past',
      '3:Referral received date:Referral received date must be in 2000 or later',
      '3:PPID:PPID must be 1 to 20 letters and numbers',
      "3:Consultant code:No consultant with registration code 'G999' is set up: add the consultant first, or leave the code blank",
      '3:Booking status:A planned (surveillance) patient is not on an RTT pathway: leave the row out of this file, or correct its booking status',
    ]);
    expect(result.valid.map((v) => v.row)).toEqual([2]);
    expect(result.summary.message).toBe(
      'No pathways will be imported: there are 9 problems in 1 row. Correct the file and import it again.',
    );
  });

  it('reports a date of birth that differs from the registered patient’s or from an earlier row', () => {
    const result = check([
      row({ 'NHS number': '9990000018', 'Date of birth': '01/01/1970', PPID: 'A1' }),
      row({ PPID: 'A2' }),
      row({ 'Date of birth': '03/03/1981', PPID: 'A3' }),
    ]);
    expect(where(result)).toEqual([
      '2:Date of birth:Date of birth does not match the patient registered with NHS number 999 000 0018: check the NHS number and the date of birth (an import never changes a registered patient)',
      '4:Date of birth:Date of birth differs from row 3, which has the same NHS number',
    ]);
  });

  it('keeps PPIDs unique with their issuer, in the file and against what is held', () => {
    const result = check([row({ PPID: 'P1' }), row({ PPID: 'P1' }), row({ PPID: 'XT1PPID000001' })], {}, [
      ...HEADER,
    ]);
    expect(where(result)).toEqual([
      '3:PPID:PPID P1 (issuer XT1) is also on row 2: each pathway has its own',
      '4:PPID:A pathway with PPID XT1PPID000001 (issuer XT1) is already held: it may have been imported before',
    ]);
    const issued = check(
      [
        [...row({ PPID: 'P1' }), 'x09'],
        [...row({ PPID: 'P1' }), 'XT1'],
        [...row({ PPID: 'P2' }), 'x'],
      ],
      {},
      [...HEADER, 'PPID issuer'],
    );
    expect(where(issued)).toEqual([
      '4:PPID issuer:PPID issuer must be an ODS code: 3 to 10 letters and numbers, like RXX01 or X09',
    ]);
    expect(issued.valid.map((v) => `${v.ppidIssuer}/${v.ppid}`)).toEqual(['X09/P1', 'XT1/P1']);
  });

  it('needs a name and sex only to register a patient, and says once when the columns are missing', () => {
    const header = ['NHS number', 'Date of birth', 'Specialty', 'Priority', 'Clock start', 'PPID'];
    const result = check(
      [
        ['9990000034', '02/03/1981', '110', 'routine', '01/09/2026', 'B1'],
        ['9990000042', '02/03/1982', '110', 'routine', '01/09/2026', 'B2'],
        ['9990000018', '31/01/1970', '110', 'routine', '01/09/2026', 'B3'],
      ],
      {},
      header,
    );
    expect(where(result)).toEqual([
      "1:null:The file has no column for the patient's name ('Patient name', or 'Family name' and 'Given name'): it is needed to register the 2 patients not registered yet",
      "1:Sex:The file has no 'Sex' column: it is needed to register the 2 patients not registered yet",
    ]);
    // Registered patients alone need neither.
    expect(check([['9990000018', '31/01/1970', '110', 'routine', '01/09/2026', 'B3']], {}, header).ok).toBe(
      true,
    );
  });

  it('reads family and given names from their own columns, and refuses a name it would have to guess', () => {
    const header = [...HEADER, 'Family name', 'Given name'];
    const separate = check([[...row({ 'Patient name': '' }), 'Newman', 'Nina']], {}, header);
    expect(separate.newPatients[0]).toMatchObject({ familyName: 'Newman', givenName: 'Nina' });
    const guessed = check([row({ 'Patient name': 'Nina Newman', Sex: 'Q', Postcode: 'LS1' })]);
    expect(where(guessed)).toEqual([
      "2:Patient name:Write the patient's name as 'FAMILY NAME, Given name', or give it in Family name and Given name columns",
      "2:Sex:Sex 'Q' is not recognised: use female, male, other or unknown (or F, M, 2, 1, 9, X)",
      "2:Postcode:Postcode 'LS1' is not a real postcode, like LS1 4AP",
    ]);
  });

  it('checks hospital numbers of new patients against those held and within the file', () => {
    const result = check([
      row({ 'Hospital number': 'T0001', PPID: 'H1' }),
      row({ 'NHS number': '9990000042', 'Hospital number': 'NEW9', PPID: 'H2' }),
      row({ 'NHS number': '9990000050', 'Hospital number': 'NEW9', PPID: 'H3' }),
    ]);
    expect(where(result)).toEqual([
      "2:Hospital number:Hospital number T0001 is already another patient's",
      '4:Hospital number:Hospital number NEW9 is also on row 3, for a different NHS number',
    ]);
  });

  it('checks booked dates', () => {
    const result = check([
      row({ 'Booking status': 'Not booked', 'Booked date': '01/12/2026', PPID: 'D1' }),
      row({ 'Booking status': 'Booked', 'Booked date': '20/11/2026', PPID: 'D2' }),
      row({ 'Booking status': '', 'Booked date': '23/11/2026', PPID: 'D3' }),
      row({ 'Booking status': 'perhaps', PPID: 'D4' }),
    ]);
    expect(where(result)).toEqual([
      '2:Booked date:Only a booked pathway has a booked date: correct the booking status or the date',
      '3:Booked date:Booked date is in the past: record what happened at that appointment in the other system, then export the pathway again',
      "5:Booking status:Booking status 'perhaps' is not recognised: use booked or not booked",
    ]);
    expect(result.valid.find((v) => v.row === 4)).toMatchObject({ booked: true, bookedDate: '2026-11-23' });
  });

  it('reads other headings through a mapping and names missing required columns once', () => {
    const header = ['NHS', 'Born', 'Spec', 'Prio', 'RTT clock started', 'Pathway'];
    const mapping = {
      nhsNumber: 'nhs',
      dateOfBirth: 'Born',
      specialtyCode: 'Spec',
      priority: 'Prio',
      clockStart: 'RTT clock started',
      ppid: 'Pathway',
    };
    const good = check([['9990000018', '31/01/1970', '110', '1', '01/09/2026', 'M1']], {}, header, mapping);
    expect(good.problems).toEqual([]);
    expect(good.valid[0]).toMatchObject({
      priority: 'routine',
      clockStart: '2026-09-01',
      referralReceivedDate: '2026-09-01',
    });
    const missing = check([['9990000018', '31/01/1970', '110', '1', '01/09/2026', 'M1']], {}, header);
    expect(missing.problems.map((p) => p.message)).toEqual([
      "The file has no 'NHS number' column: add it, or choose the column that holds the NHS number",
      "The file has no 'Date of birth' column: add it, or choose the column that holds the Date of birth",
      "The file has no 'Specialty' column: add it, or choose the column that holds the Specialty",
      "The file has no 'Priority' column: add it, or choose the column that holds the Priority",
      "The file has no 'Clock start' column: add it, or choose the column that holds the Clock start",
      "The file has no 'PPID' column: add it, or choose the column that holds the PPID",
    ]);
    expect(missing.problems.every((p) => p.row === 1)).toBe(true);
  });

  it('lists what to look up', () => {
    const mapped = mapPtlRows(HEADER, [
      row(),
      row({ 'NHS number': 'bad', PPID: 'X 1', 'Consultant code': 'c7654321' }),
    ]);
    expect(ptlLookups(mapped, 'XT1')).toEqual({
      nhsNumbers: ['9990000034'],
      ppids: [
        { issuer: 'XT1', ppid: 'OLDPAS0000001' },
        { issuer: 'XT1', ppid: 'X1' },
      ],
      localPatientIds: ['OLD123'],
      consultantCodes: ['C1234567', 'C7654321'],
    });
  });
});

/**
 * A PTL extract from another PAS: each row is one open RTT pathway with its patient, for a trust moving its
 * waiting list into Pathflow. `mapPtlRows` (`ptl-columns.ts`) finds the columns (usual headings, or those the
 * caller names) and reads the rows; `validatePtlImport` checks every row against the rules below and against what is held, and
 * reports every problem with its row and column. All or nothing: `ok` is true only when no row has a problem.
 *
 * Rules (documented so they can be questioned):
 * - NHS number: valid (Modulus 11, §4). A patient already registered with it is matched: only the date of
 *   birth is compared, and a different one is a problem (the record is never changed by an import; the
 *   registered date is not shown). Otherwise the patient is registered from the row: name ('FAMILY, Given',
 *   or family and given name columns) and sex are then required; hospital number and address are optional
 *   (a postcode must be a real one; a hospital number not already another patient's). Rows with the same
 *   NHS number are one patient and must agree on the date of birth.
 * - Dates: real, not in the future; a date of birth from 1900, a clock start and a referral received date
 *   from 2000 (a mistyped year, as for referrals) and not before the date of birth. The clock start is the
 *   start of the pathway's running RTT period; it may be before the referral received date (an e-RS
 *   conversion date, a transfer's original start) or after it (a new clock after active monitoring, §1.3
 *   rule 3), so neither is checked against the other. The referral received date defaults to the clock start.
 * - Specialty: a treatment function code of the organisation, written as the code, with its name, or by
 *   name (`resolveSpecialty`). Priority: routine, urgent or two-week wait in their usual spellings.
 * - PPID: 1 to 20 letters and digits, unique with its issuer (an ODS code; default the organisation's own)
 *   within the file and against the pathways held, so importing the same file twice is refused.
 * - Consultant (optional): the registration code of a consultant set up in Pathflow.
 * - Booking status (optional): booked or not booked. A planned (surveillance) entry is refused: planned
 *   patients are outside RTT (§1.3, other start rules). A booked date (optional; it implies booked) must not
 *   be in the past: an appointment that has happened has an outcome to record first. Pathflow cannot book into
 *   another system's clinic, so a booked pathway is imported not booked and the report lists it to book.
 */
import { validateNhsNumber, formatNhsNumber } from '../nhs-number/nhs-number';
import { isoToEpochDay } from '../rtt/epoch-day';
import { parseReferralPriority } from '../referrals/values';
import type { ReferralPriority } from '../referrals/types';
import type { Sex } from '../api/contract';
import {
  normalisePostcode,
  parseBookingStatus,
  parseExchangeDate,
  parseSex,
  resolveSpecialty,
  splitPatientName,
  type SpecialtyRef,
} from './values';
import {
  PTL_FIELDS,
  PTL_FIELD_LABELS,
  ppidKey,
  type MappedPtl,
  type PtlField,
  type PtlProblem,
} from './ptl-columns';

const PPID = /^[A-Za-z0-9]{1,20}$/;
const ISSUER = /^[A-Z0-9]{3,10}$/;
const LOCAL_ID = /^[A-Za-z0-9]{1,20}$/;
const tidyPpid = (value: string) => value.replace(/\s+/g, '');
const tidyIssuer = (value: string) => value.replace(/\s+/g, '').toUpperCase();

/** What to look up before validating: the NHS numbers, PPIDs, hospital numbers and consultant codes given. */
export interface PtlLookups {
  nhsNumbers: string[];
  ppids: { issuer: string; ppid: string }[];
  localPatientIds: string[];
  consultantCodes: string[];
}

export function ptlLookups(mapped: Pick<MappedPtl, 'records'>, defaultIssuer: string): PtlLookups {
  const nhs = new Set<string>();
  const ppids = new Map<string, { issuer: string; ppid: string }>();
  const local = new Set<string>();
  const consultants = new Set<string>();
  for (const { cells } of mapped.records) {
    const n = validateNhsNumber(cells.nhsNumber ?? '');
    if (n.valid) nhs.add(n.value);
    if (cells.ppid !== undefined) {
      const ppid = tidyPpid(cells.ppid);
      const issuer = cells.ppidIssuer === undefined ? defaultIssuer : tidyIssuer(cells.ppidIssuer);
      if (PPID.test(ppid) && ISSUER.test(issuer)) ppids.set(ppidKey(issuer, ppid), { issuer, ppid });
    }
    if (cells.localPatientId !== undefined && LOCAL_ID.test(cells.localPatientId)) {
      local.add(cells.localPatientId);
    }
    if (cells.consultantCode !== undefined) consultants.add(cells.consultantCode.toUpperCase());
  }
  return {
    nhsNumbers: [...nhs],
    ppids: [...ppids.values()],
    localPatientIds: [...local],
    consultantCodes: [...consultants],
  };
}

export interface PtlContext {
  /** Today, YYYY-MM-DD (core never reads the clock). */
  today: string;
  /** The organisation's ODS code: the issuer of a PPID given without one. */
  defaultIssuer: string;
  specialties: readonly SpecialtyRef[];
  /** Consultants by registration code (upper case) → clinician id. */
  consultants: ReadonlyMap<string, string>;
  /** Patients already registered, by NHS number, for (at least) the NHS numbers in the file. */
  registered: ReadonlyMap<string, { id: string; dateOfBirth: string }>;
  /** Pathways held, as `ppidKey(issuer, ppid)`. */
  heldPpids: ReadonlySet<string>;
  /** Hospital numbers already held by a patient. */
  heldLocalPatientIds: ReadonlySet<string>;
}

export interface NewPtlPatient {
  nhsNumber: string;
  localPatientId: string | null;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  sex: Sex;
  address: { line1: string | null; line2: string | null; town: string | null; postcode: string | null };
  /** The row it was read from (its first). */
  row: number;
}

export interface ValidPtlRow {
  row: number;
  nhsNumber: string;
  /** The registered patient's id; null for a patient the import registers (`newPatients`). */
  patientId: string | null;
  specialtyCode: string;
  priority: ReferralPriority;
  clockStart: string;
  referralReceivedDate: string;
  ppid: string;
  ppidIssuer: string;
  clinicianId: string | null;
  /** As the extract says (null: not given); a booked pathway still needs booking in Pathflow. */
  booked: boolean | null;
  bookedDate: string | null;
}

export interface PtlImportSummary {
  rows: number;
  rowsWithProblems: number;
  problems: number;
  /** Patients the import registers, and pathways for patients already registered. */
  newPatients: number;
  registeredPatients: number;
  /** Pathways booked in the other system, to book in Pathflow. */
  booked: number;
  message: string;
}

export interface PtlValidation {
  ok: boolean;
  valid: ValidPtlRow[];
  newPatients: NewPtlPatient[];
  /** Every problem, by row then column. */
  problems: PtlProblem[];
  summary: PtlImportSummary;
}

const EARLIEST_BIRTH = isoToEpochDay('1900-01-01');
const EARLIEST_RTT = isoToEpochDay('2000-01-01');
const MAX_NAME = 100;
const MAX_ADDRESS_LINE = 200;
const MAX_TOWN = 100;

function quote(value: string): string {
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

const FIELD_ORDER = new Map<string, number>(PTL_FIELDS.map((f, i) => [f, i]));

function summarise(
  rows: number,
  problems: readonly PtlProblem[],
  valid: readonly ValidPtlRow[],
  newPatients: number,
): PtlImportSummary {
  const rowsWithProblems = new Set(problems.map((p) => p.row)).size;
  const registeredPatients = new Set(valid.filter((v) => v.patientId !== null).map((v) => v.nhsNumber)).size;
  const booked = valid.filter((v) => v.booked === true).length;
  let message: string;
  if (problems.length === 0) {
    message = rows === 1 ? 'The pathway can be imported.' : `All ${plural(rows, 'pathway')} can be imported.`;
    if (newPatients > 0) {
      message += ` ${plural(newPatients, 'patient')} ${newPatients === 1 ? 'is' : 'are'} not registered yet and will be registered.`;
    }
  } else {
    message = `No pathways will be imported: there ${problems.length === 1 ? 'is' : 'are'} ${plural(problems.length, 'problem')} in ${plural(rowsWithProblems, 'row')}. Correct the file and import it again.`;
  }
  return {
    rows,
    rowsWithProblems,
    problems: problems.length,
    newPatients,
    registeredPatients,
    booked,
    message,
  };
}

/** Validates every row of a mapped extract against `context`; see the module comment. */
export function validatePtlImport(mapped: MappedPtl, context: PtlContext): PtlValidation {
  const today = isoToEpochDay(context.today);
  if (Number.isNaN(today)) {
    throw new RangeError(`context.today ${JSON.stringify(context.today)} is not a date written YYYY-MM-DD`);
  }
  const { columns, headerRow } = mapped;
  const problems: PtlProblem[] = [...mapped.problems];
  const missing = new Set(mapped.missingFields);
  const valid: ValidPtlRow[] = [];
  const newPatients = new Map<string, NewPtlPatient>();
  /** First row of each NHS number, with its date of birth and hospital number, for rows that repeat it. */
  const seenPatients = new Map<string, { row: number; dateOfBirth: string | null; localId: string | null }>();
  const seenPpids = new Map<string, number>();
  const seenLocalIds = new Map<string, { row: number; nhsNumber: string }>();
  const nameColumns =
    (columns.familyName !== undefined && columns.givenName !== undefined) ||
    columns.patientName !== undefined;
  let unregisteredRows = 0;

  for (const { row, cells } of mapped.records) {
    const before = problems.length;
    const report = (field: PtlField, message: string) =>
      problems.push({ row, column: columns[field] ?? null, field, message });
    const date = (
      field: 'dateOfBirth' | 'clockStart' | 'referralReceivedDate' | 'bookedDate',
      earliest: number,
    ): { iso: string; day: number } | null => {
      const value = cells[field];
      const label = PTL_FIELD_LABELS[field];
      if (value === undefined) return null;
      const read = parseExchangeDate(value);
      if (!read.ok) {
        report(
          field,
          read.reason === 'not-real'
            ? `${label} ${quote(value)} is not a real date`
            : `${label} ${quote(value)} is not a date: write it as DD/MM/YYYY`,
        );
        return null;
      }
      const day = isoToEpochDay(read.date);
      if (field !== 'bookedDate' && day > today) {
        report(field, `${label} must be today or in the past`);
        return null;
      }
      if (day < earliest) {
        report(field, `${label} must be in ${earliest === EARLIEST_BIRTH ? '1900' : '2000'} or later`);
        return null;
      }
      return { iso: read.date, day };
    };
    const requireCell = (field: PtlField, message: string): string | null => {
      const value = cells[field];
      if (value === undefined && !missing.has(field)) report(field, message);
      return value ?? null;
    };

    // The patient.
    let nhsNumber: string | null = null;
    const rawNhs = requireCell('nhsNumber', 'Enter the NHS number');
    if (rawNhs !== null) {
      const checked = validateNhsNumber(rawNhs);
      if (checked.valid) nhsNumber = checked.value;
      else report('nhsNumber', checked.message);
    }
    if (cells.dateOfBirth === undefined && !missing.has('dateOfBirth')) {
      report('dateOfBirth', 'Enter the date of birth');
    }
    const birth = date('dateOfBirth', EARLIEST_BIRTH);
    const registered = nhsNumber === null ? undefined : context.registered.get(nhsNumber);
    const earlier = nhsNumber === null ? undefined : seenPatients.get(nhsNumber);
    if (registered && birth && registered.dateOfBirth !== birth.iso) {
      report(
        'dateOfBirth',
        `Date of birth does not match the patient registered with NHS number ${formatNhsNumber(nhsNumber!)}: check the NHS number and the date of birth (an import never changes a registered patient)`,
      );
    } else if (!registered && earlier && birth && earlier.dateOfBirth !== null) {
      if (earlier.dateOfBirth !== birth.iso) {
        report('dateOfBirth', `Date of birth differs from row ${earlier.row}, which has the same NHS number`);
      }
    }

    let patient: NewPtlPatient | null = null;
    if (nhsNumber !== null && !registered && !earlier) {
      unregisteredRows += 1;
      patient = readNewPatient(row, nhsNumber, cells, report, nameColumns, columns, context, seenLocalIds);
    } else if (nhsNumber !== null && !registered && earlier) {
      const localId = cells.localPatientId ?? null;
      if (localId !== null && earlier.localId !== null && localId !== earlier.localId) {
        report(
          'localPatientId',
          `Hospital number differs from row ${earlier.row}, which has the same NHS number`,
        );
      }
    }
    if (nhsNumber !== null && !earlier) {
      seenPatients.set(nhsNumber, {
        row,
        dateOfBirth: birth?.iso ?? null,
        localId: cells.localPatientId ?? null,
      });
    }

    // The pathway.
    let specialtyCode: string | null = null;
    const rawSpecialty = requireCell('specialtyCode', 'Enter the specialty');
    if (rawSpecialty !== null) {
      const match = resolveSpecialty(rawSpecialty, context.specialties);
      if (match.ok) specialtyCode = match.code;
      else if (match.reason === 'not-ours') {
        report(
          'specialtyCode',
          match.code === rawSpecialty
            ? `Specialty code ${match.code} is not one of your organisation's specialties`
            : `Specialty ${quote(rawSpecialty)} (treatment function ${match.code}) is not one of your organisation's specialties`,
        );
      } else {
        report(
          'specialtyCode',
          `Specialty ${quote(rawSpecialty)} is not recognised: use the treatment function code, like 110, or the name of one of your organisation's specialties`,
        );
      }
    }
    let priority: ReferralPriority | null = null;
    const rawPriority = requireCell('priority', 'Enter the priority');
    if (rawPriority !== null) {
      priority = parseReferralPriority(rawPriority);
      if (priority === null) {
        report(
          'priority',
          `Priority ${quote(rawPriority)} is not recognised: use routine, urgent or two-week wait (2WW)`,
        );
      }
    }
    if (cells.clockStart === undefined && !missing.has('clockStart'))
      report('clockStart', 'Enter the clock start');
    const clock = date('clockStart', EARLIEST_RTT);
    const received = date('referralReceivedDate', EARLIEST_RTT);
    if (birth && clock && clock.day < birth.day) {
      report('clockStart', 'Clock start must be on or after the date of birth');
    }
    if (birth && received && received.day < birth.day) {
      report('referralReceivedDate', 'Referral received date must be on or after the date of birth');
    }

    let ppid: string | null = null;
    let issuer = context.defaultIssuer;
    const rawPpid = requireCell('ppid', 'Enter the PPID (patient pathway identifier)');
    if (rawPpid !== null) {
      const tidy = tidyPpid(rawPpid);
      if (PPID.test(tidy)) ppid = tidy;
      else report('ppid', 'PPID must be 1 to 20 letters and numbers');
    }
    let issuerOk = true;
    if (cells.ppidIssuer !== undefined) {
      issuer = tidyIssuer(cells.ppidIssuer);
      if (!ISSUER.test(issuer)) {
        issuerOk = false;
        report(
          'ppidIssuer',
          'PPID issuer must be an ODS code: 3 to 10 letters and numbers, like RXX01 or X09',
        );
      }
    }
    if (ppid !== null && issuerOk) {
      const key = ppidKey(issuer, ppid);
      const before = seenPpids.get(key);
      if (context.heldPpids.has(key)) {
        report(
          'ppid',
          `A pathway with PPID ${ppid} (issuer ${issuer}) is already held: it may have been imported before`,
        );
      } else if (before !== undefined) {
        report('ppid', `PPID ${ppid} (issuer ${issuer}) is also on row ${before}: each pathway has its own`);
      } else seenPpids.set(key, row);
    }

    let clinicianId: string | null = null;
    if (cells.consultantCode !== undefined) {
      const code = cells.consultantCode.toUpperCase();
      clinicianId = context.consultants.get(code) ?? null;
      if (clinicianId === null) {
        report(
          'consultantCode',
          `No consultant with registration code ${quote(cells.consultantCode)} is set up: add the consultant first, or leave the code blank`,
        );
      }
    }

    let booked: boolean | null = null;
    if (cells.bookingStatus !== undefined) {
      const status = parseBookingStatus(cells.bookingStatus);
      if (status === null) {
        report(
          'bookingStatus',
          `Booking status ${quote(cells.bookingStatus)} is not recognised: use booked or not booked`,
        );
      } else if (status === 'planned') {
        report(
          'bookingStatus',
          'A planned (surveillance) patient is not on an RTT pathway: leave the row out of this file, or correct its booking status',
        );
      } else booked = status === 'booked';
    }
    const bookedOn = date('bookedDate', EARLIEST_RTT);
    if (bookedOn && booked === false) {
      report('bookedDate', 'Only a booked pathway has a booked date: correct the booking status or the date');
    } else if (bookedOn && bookedOn.day < today) {
      report(
        'bookedDate',
        'Booked date is in the past: record what happened at that appointment in the other system, then export the pathway again',
      );
    }
    if (bookedOn && booked === null) booked = true;

    if (patient !== null) newPatients.set(patient.nhsNumber, patient);
    // A value left out because its column is missing is already reported once, on the header row.
    if (
      problems.length > before ||
      nhsNumber === null ||
      birth === null ||
      specialtyCode === null ||
      priority === null ||
      clock === null ||
      ppid === null ||
      !issuerOk
    ) {
      continue;
    }
    valid.push({
      row,
      nhsNumber,
      patientId: registered?.id ?? null,
      specialtyCode,
      priority,
      clockStart: clock.iso,
      referralReceivedDate: received?.iso ?? clock.iso,
      ppid,
      ppidIssuer: issuer,
      clinicianId,
      booked,
      bookedDate: bookedOn?.iso ?? null,
    });
  }

  // Columns needed only to register patients: said once, when some patient needs them.
  if (unregisteredRows > 0) {
    const who = `it is needed to register the ${plural(unregisteredRows, 'patient')} not registered yet`;
    if (!nameColumns) {
      problems.push({
        row: headerRow,
        column: null,
        field: 'patientName',
        message: `The file has no column for the patient's name ('Patient name', or 'Family name' and 'Given name'): ${who}`,
      });
    }
    if (columns.sex === undefined) {
      problems.push({
        row: headerRow,
        column: PTL_FIELD_LABELS.sex,
        field: 'sex',
        message: `The file has no 'Sex' column: ${who}`,
      });
    }
  }
  if (mapped.records.length === 0) {
    problems.push({ row: headerRow, column: null, field: null, message: 'There are no pathways to import' });
  }

  const order = (f: PtlField | null) => (f === null ? -1 : (FIELD_ORDER.get(f) ?? 99));
  problems.sort((a, b) => a.row - b.row || order(a.field) - order(b.field));
  const bad = new Set(problems.map((p) => p.row));
  const good = valid.filter((v) => !bad.has(v.row));
  const goodNumbers = new Set(good.map((v) => v.nhsNumber));
  const patients = [...newPatients.values()].filter((p) => goodNumbers.has(p.nhsNumber));
  return {
    ok: problems.length === 0,
    valid: good,
    newPatients: patients,
    problems,
    summary: summarise(mapped.records.length, problems, good, patients.length),
  };
}

/** The patient a row registers (its first row with the NHS number); null when a detail is wrong. */
function readNewPatient(
  row: number,
  nhsNumber: string,
  cells: Partial<Record<PtlField, string>>,
  report: (field: PtlField, message: string) => void,
  nameColumns: boolean,
  columns: Partial<Record<PtlField, string>>,
  context: PtlContext,
  seenLocalIds: Map<string, { row: number; nhsNumber: string }>,
): NewPtlPatient | null {
  let ok = true;
  const fail = (field: PtlField, message: string) => {
    ok = false;
    report(field, message);
  };
  const notRegistered = 'the patient is not registered yet';

  let familyName: string | null = null;
  let givenName: string | null = null;
  if (cells.familyName !== undefined || cells.givenName !== undefined) {
    familyName = cells.familyName ?? null;
    givenName = cells.givenName ?? null;
    if (familyName === null) fail('familyName', `Enter the patient's family name: ${notRegistered}`);
    if (givenName === null) fail('givenName', `Enter the patient's given name: ${notRegistered}`);
  } else if (cells.patientName !== undefined) {
    const split = splitPatientName(cells.patientName);
    if (split === null) {
      fail(
        'patientName',
        `Write the patient's name as 'FAMILY NAME, Given name', or give it in Family name and Given name columns`,
      );
    } else ({ familyName, givenName } = split);
  } else if (nameColumns) {
    fail('patientName', `Enter the patient's name: ${notRegistered}`);
  } else ok = false; // Said once, on the header row.
  for (const [field, value] of [
    ['familyName', familyName],
    ['givenName', givenName],
  ] as const) {
    if (value !== null && value.length > MAX_NAME) {
      fail(
        cells[field] === undefined ? 'patientName' : field,
        `The ${PTL_FIELD_LABELS[field].toLowerCase()} must be ${MAX_NAME} characters or fewer`,
      );
    }
  }

  let sex: Sex | null = null;
  if (cells.sex === undefined) {
    // Without the column, said once on the header row.
    if (columns.sex !== undefined) fail('sex', `Enter the patient's sex: ${notRegistered}`);
    else ok = false;
  } else {
    sex = parseSex(cells.sex);
    if (sex === null) {
      fail(
        'sex',
        `Sex ${quote(cells.sex)} is not recognised: use female, male, other or unknown (or F, M, 2, 1, 9, X)`,
      );
    }
  }

  const localPatientId = cells.localPatientId ?? null;
  if (localPatientId !== null) {
    const other = seenLocalIds.get(localPatientId);
    if (!LOCAL_ID.test(localPatientId))
      fail('localPatientId', 'Hospital number must be 1 to 20 letters and numbers');
    else if (context.heldLocalPatientIds.has(localPatientId)) {
      fail('localPatientId', `Hospital number ${localPatientId} is already another patient's`);
    } else if (other !== undefined && other.nhsNumber !== nhsNumber) {
      fail(
        'localPatientId',
        `Hospital number ${localPatientId} is also on row ${other.row}, for a different NHS number`,
      );
    } else seenLocalIds.set(localPatientId, { row, nhsNumber });
  }

  const line1 = cells.addressLine1 ?? null;
  const line2 = cells.addressLine2 ?? null;
  const town = cells.town ?? null;
  if (line1 !== null && line1.length > MAX_ADDRESS_LINE) {
    fail('addressLine1', `Address line 1 must be ${MAX_ADDRESS_LINE} characters or fewer`);
  }
  if (line2 !== null && line2.length > MAX_ADDRESS_LINE) {
    fail('addressLine2', `Address line 2 must be ${MAX_ADDRESS_LINE} characters or fewer`);
  }
  if (town !== null && town.length > MAX_TOWN) fail('town', `Town must be ${MAX_TOWN} characters or fewer`);
  let postcode: string | null = null;
  if (cells.postcode !== undefined) {
    postcode = normalisePostcode(cells.postcode);
    if (postcode === null)
      fail('postcode', `Postcode ${quote(cells.postcode)} is not a real postcode, like LS1 4AP`);
  }

  const dob = cells.dateOfBirth === undefined ? null : parseExchangeDate(cells.dateOfBirth);
  if (!ok || familyName === null || givenName === null || sex === null || dob === null || !dob.ok)
    return null;
  return {
    nhsNumber,
    localPatientId,
    familyName,
    givenName,
    dateOfBirth: dob.date,
    sex,
    address: { line1, line2, town, postcode },
    row,
  };
}

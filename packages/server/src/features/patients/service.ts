/** Patient records: search, read and register. Every read and write is audited in the same transaction. */
import { randomInt, randomUUID } from 'node:crypto';
import { and, asc, eq, ilike, type SQL } from 'drizzle-orm';
import {
  validateNhsNumber,
  type CommunicationNeed,
  type NewPatient,
  type Patient,
  type PatientChanges,
  type Sex,
  type Vulnerability,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { patients } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound } from '../../errors';

type Row = typeof patients.$inferSelect;

export function toPatient(row: Row): Patient {
  return {
    id: row.id,
    nhsNumber: row.nhsNumber,
    mrn: row.mrn,
    title: row.title,
    givenName: row.givenName,
    familyName: row.familyName,
    dateOfBirth: row.dateOfBirth,
    sex: row.sex as Sex,
    address: { line1: row.addressLine1, line2: row.addressLine2, town: row.town, postcode: row.postcode },
    phone: row.phone,
    email: row.email,
    gpPracticeCode: row.gpPracticeCode,
    interpreterLanguage: row.interpreterLanguage,
    communicationNeeds: row.communicationNeeds as CommunicationNeed[],
    transportEligible: row.transportEligible,
    vulnerabilities: row.vulnerabilities as Vulnerability[],
    shortNotice: row.shortNotice,
  };
}

export interface PatientSearch {
  nhsNumber?: string | undefined;
  family?: string | undefined;
  birthDate?: string | undefined;
  limit: number;
}

export async function searchPatients(
  db: Database,
  ctx: RequestContext,
  q: PatientSearch,
): Promise<Patient[]> {
  const where: SQL[] = [eq(patients.orgId, ctx.principal.orgId)];
  if (q.nhsNumber !== undefined) {
    const check = validateNhsNumber(q.nhsNumber);
    if (!check.valid) throw invalid('/query/nhsNumber', check.message);
    where.push(eq(patients.nhsNumber, check.value));
  }
  if (q.family !== undefined) where.push(ilike(patients.familyName, `${escapeLike(q.family.trim())}%`));
  if (q.birthDate !== undefined) where.push(eq(patients.dateOfBirth, q.birthDate));
  if (where.length === 1) {
    throw new AppError('validation_failed', 'Search by NHS number, or by family name and date of birth', {
      errors: [{ field: '/query', message: 'Give nhsNumber, family or birthDate' }],
    });
  }
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(patients)
      .where(and(...where))
      .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
      .limit(q.limit);
    await audit(
      tx,
      ctx,
      ...rows.map((r) => ({
        action: 'Patient.search',
        resourceType: 'Patient',
        resourceId: r.id,
        patientId: r.id,
      })),
    );
    return rows.map(toPatient);
  });
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function getPatient(db: Database, ctx: RequestContext, id: string): Promise<Patient> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(patients)
      .where(and(eq(patients.orgId, ctx.principal.orgId), eq(patients.id, id)));
    if (!row) throw notFound('Patient');
    await audit(tx, ctx, { action: 'Patient.read', resourceType: 'Patient', resourceId: id, patientId: id });
    return toPatient(row);
  });
}

export async function createPatient(db: Database, ctx: RequestContext, input: NewPatient): Promise<Patient> {
  const nhs = validateNhsNumber(input.nhsNumber);
  if (!nhs.valid) throw invalid('/body/nhsNumber', nhs.message);
  const today = ctx.now.toISOString().slice(0, 10);
  if (input.dateOfBirth > today)
    throw invalid('/body/dateOfBirth', 'Date of birth must be today or in the past');
  const postcode = normalisePostcode(input.address.postcode);
  if (!postcode) throw invalid('/body/address/postcode', 'Enter a real postcode, like LS1 4AP');
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(patients)
      .values({
        orgId: ctx.principal.orgId,
        id,
        nhsNumber: nhs.value,
        mrn: input.mrn ?? `PF${String(randomInt(0, 100_000_000)).padStart(8, '0')}`,
        title: input.title ?? null,
        givenName: input.givenName.trim(),
        familyName: input.familyName.trim(),
        dateOfBirth: input.dateOfBirth,
        sex: input.sex,
        addressLine1: input.address.line1.trim(),
        addressLine2: input.address.line2?.trim() || null,
        town: input.address.town.trim(),
        postcode,
        phone: input.phone ?? null,
        email: input.email ?? null,
        gpPracticeCode: input.gpPracticeCode ?? null,
        interpreterLanguage: input.interpreterLanguage ?? null,
        communicationNeeds: input.communicationNeeds ?? [],
        transportEligible: input.transportEligible ?? false,
        vulnerabilities: [...new Set(input.vulnerabilities ?? [])],
        shortNotice: input.shortNotice ?? false,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw new AppError(
        'conflict',
        'A patient with this NHS number or hospital number is already registered',
        {
          errors: [{ field: '/body/nhsNumber', message: 'is already registered' }],
        },
      );
    }
    await audit(tx, ctx, {
      action: 'Patient.create',
      resourceType: 'Patient',
      resourceId: id,
      patientId: id,
    });
    return toPatient(row);
  });
}

/** Changes a patient's contact details, needs and flags; audited with the names of the fields changed. */
export async function updatePatient(
  db: Database,
  ctx: RequestContext,
  id: string,
  changes: PatientChanges,
): Promise<Patient> {
  const fields = Object.keys(changes).filter((k) => changes[k as keyof PatientChanges] !== undefined);
  if (fields.length === 0) throw invalid('/body', 'Give at least one field to change');
  const set: Partial<Row> = {};
  if (changes.phone !== undefined) set.phone = changes.phone;
  if (changes.email !== undefined) set.email = changes.email;
  if (changes.interpreterLanguage !== undefined)
    set.interpreterLanguage = changes.interpreterLanguage?.trim() || null;
  if (changes.communicationNeeds !== undefined)
    set.communicationNeeds = [...new Set(changes.communicationNeeds)];
  if (changes.transportEligible !== undefined) set.transportEligible = changes.transportEligible;
  if (changes.vulnerabilities !== undefined) set.vulnerabilities = [...new Set(changes.vulnerabilities)];
  if (changes.shortNotice !== undefined) set.shortNotice = changes.shortNotice;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(patients)
      .set(set)
      .where(and(eq(patients.orgId, ctx.principal.orgId), eq(patients.id, id)))
      .returning();
    if (!row) throw notFound('Patient');
    await audit(tx, ctx, {
      action: 'Patient.update',
      resourceType: 'Patient',
      resourceId: id,
      patientId: id,
      detail: { fields },
    });
    return toPatient(row);
  });
}

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;

export function normalisePostcode(input: string): string | null {
  const m = POSTCODE.exec(input.trim().toUpperCase().replace(/\s+/g, ' '));
  return m ? `${m[1]} ${m[2]}` : null;
}

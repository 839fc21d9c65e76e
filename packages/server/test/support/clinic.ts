/**
 * A test clinic to book into: a location, a clinic template for the fixture's consultant (trauma and
 * orthopaedics), and builders for its slots and for patients with one open pathway each. For booking tests
 * that need slots at exact times without going through template generation.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import { clinicians, clinicTemplates, locations, pathways, patients, slots } from '../../src/db/schema';
import { createHarness, type Harness, type Session } from './app';
import type { Engine } from '../../src/db/client';

export interface TestClinic {
  templateId: string;
  consultant: string;
  locationId: string;
  /** A slot of the clinic (new, capacity 1, 20 minutes, unless `over` says otherwise); `startsAt` is UTC. */
  addSlot(startsAt: string, over?: Partial<typeof slots.$inferInsert>): Promise<string>;
  /** A new patient with one open routine orthopaedic pathway from 1 October 2026, unless `over` says. */
  addPathway(over?: Partial<typeof pathways.$inferInsert>): Promise<{ pathwayId: string; patientId: string }>;
}

/** A valid test-range NHS number, different for each n (some stems have no check digit: skip them). */
function freshNhsNumber(base: number, n: number): string {
  for (let stem = base + n * 11; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

/** The fixture's consultant (the one clinician, in trauma and orthopaedics). */
export async function fixtureConsultant(h: Harness): Promise<string> {
  const [c] = await h.db.db
    .select({ id: clinicians.id })
    .from(clinicians)
    .where(eq(clinicians.orgId, h.fixture.orgId));
  return c!.id;
}

/** An outpatient location to hold clinics in (the fixture has none). */
export async function addTestLocation(h: Harness): Promise<string> {
  const id = randomUUID();
  await h.db.db.insert(locations).values({
    orgId: h.fixture.orgId,
    id,
    siteCode: 'XT101',
    name: 'Outpatients A',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  return id;
}

/** A new patient with one open routine orthopaedic pathway (clock start 1 October 2026), unless `over` says. */
async function addPatientWithPathway(
  h: Harness,
  p: {
    nhsNumber: string;
    mrn: string;
    familyName: string;
    ppid: string;
    over: Partial<typeof pathways.$inferInsert>;
  },
): Promise<{ pathwayId: string; patientId: string }> {
  const orgId = h.fixture.orgId;
  const patientId = randomUUID();
  await h.db.db.insert(patients).values({
    orgId,
    id: patientId,
    nhsNumber: p.nhsNumber,
    mrn: p.mrn,
    givenName: 'Test',
    familyName: p.familyName,
    dateOfBirth: '1960-05-05',
    sex: 'female',
    addressLine1: '1 Road',
    town: 'Leeds',
    postcode: 'LS1 1AA',
  });
  const pathwayId = randomUUID();
  await h.db.db.insert(pathways).values({
    orgId,
    id: pathwayId,
    patientId,
    ppid: p.ppid,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: '110',
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: '2026-10-01',
    clockStartDate: '2026-10-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-10-01',
    ...p.over,
  });
  return { pathwayId, patientId };
}

/** Creates the clinic. `nhsBase` keeps NHS numbers apart between files sharing a database (9-digit stem). */
export async function createTestClinic(h: Harness, nhsBase = 999_200_000): Promise<TestClinic> {
  const orgId = h.fixture.orgId;
  let seq = 0;
  const consultant = await fixtureConsultant(h);
  const locationId = await addTestLocation(h);
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: 'Ms Surgeon knee clinic',
    clinicianId: consultant,
    locationId,
    specialtyCode: '110',
    createdBy: 'test',
  });
  return {
    templateId,
    consultant,
    locationId,
    addSlot: async (startsAt, over = {}) => {
      const n = (seq += 1);
      const id = randomUUID();
      const start = new Date(startsAt);
      await h.db.db.insert(slots).values({
        orgId,
        id,
        templateId,
        key: `${templateId}/v1/${startsAt.slice(0, 10)}/0/${n}`,
        sessionDate: startsAt.slice(0, 10),
        sessionIndex: 0,
        startsAt: start,
        endsAt: new Date(start.getTime() + 20 * 60_000),
        slotType: 'new',
        capacity: 1,
        status: 'open',
        specialtyCode: '110',
        clinicianId: consultant,
        locationId,
        ...over,
      });
      return id;
    },
    addPathway: async (over = {}) => {
      const n = (seq += 1);
      return addPatientWithPathway(h, {
        nhsNumber: freshNhsNumber(nhsBase, n),
        mrn: `B${nhsBase % 1000}${n}`,
        familyName: `Patient${n}`,
        ppid: `XT1B${String(nhsBase % 1000)}${String(n).padStart(8, '0')}`,
        over,
      });
    },
  };
}

export interface OwnClinicianBuilders {
  /** A clinic of a new clinician of its own (so that rebooking stays within it), created through the API. */
  createClinic: () => Promise<{ id: string; clinicianId: string }>;
  /** A patient with an open routine orthopaedic pathway under the clinician (clock start 1 October 2026). */
  addPathway: (
    clinicianId: string,
    over?: Partial<typeof pathways.$inferInsert>,
  ) => Promise<{ pathwayId: string; patientId: string }>;
}

/**
 * Builders for tests of clinic changes and rebooking, each clinic under a clinician of its own. `harness` is
 * read when a builder runs, so the builders can be made before the harness is.
 * `tag` keeps registration codes, MRNs and PPIDs apart between files, `nhsBase` their NHS numbers.
 */
export function ownClinicianBuilders(
  harness: () => Harness,
  post: (url: string, payload: object) => Promise<{ statusCode: number; body: string; json<T>(): T }>,
  options: {
    tag: string;
    registrationPrefix: string;
    clinicName: string;
    nhsBase: number;
    layout: object;
    /** The location every clinic is held at (made once the harness is up). */
    locationId: () => string;
  },
): OwnClinicianBuilders {
  let seq = 0;
  return {
    async createClinic() {
      const h = harness();
      seq += 1;
      const clinicianId = randomUUID();
      await h.db.db.insert(clinicians).values({
        orgId: h.fixture.orgId,
        id: clinicianId,
        registrationCode: `${options.registrationPrefix}${seq}`,
        title: 'Dr',
        givenName: 'Test',
        familyName: `Clinician${seq}`,
        specialtyCode: '110',
        grade: 'consultant',
      });
      const res = await post('/clinics', {
        name: `${options.clinicName} ${seq}`,
        clinicianId,
        locationId: options.locationId(),
        specialtyCode: '110',
        ...options.layout,
      });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json<{ id: string }>().id, clinicianId };
    },
    async addPathway(clinicianId, over = {}) {
      const n = (seq += 1);
      return addPatientWithPathway(harness(), {
        nhsNumber: freshNhsNumber(options.nhsBase, n),
        mrn: `${options.tag}${n}`,
        familyName: `Patient${n}`,
        ppid: `XT1${options.tag}${String(n).padStart(10, '0')}`,
        over: { clinicianId, ...over },
      });
    },
  };
}

type InjectResponse = Awaited<ReturnType<Harness['app']['inject']>>;

export interface ClinicChangeSuite {
  readonly h: Harness;
  /** A booking clerk and a service manager, signed in. */
  readonly clerk: Session;
  readonly manager: Session;
  post: (url: string, payload: object, as?: Session) => Promise<InjectResponse>;
  get: (url: string, as?: Session) => Promise<InjectResponse>;
  builders: OwnClinicianBuilders;
}

/**
 * The set-up of a test file about changing and cancelling clinics: a harness on `engine` with its clock at
 * `now`, a clerk and a service manager signed in, one location, `/api/v1` helpers and clinics under their
 * own clinician (`ownClinicianBuilders`).
 */
export function clinicChangeSuite(
  engine: Engine,
  now: string,
  options: Omit<Parameters<typeof ownClinicianBuilders>[2], 'locationId'>,
): ClinicChangeSuite {
  let h: Harness | undefined;
  let clerk: Session | undefined;
  let manager: Session | undefined;
  let locationId = '';
  beforeAll(async () => {
    h = await createHarness(engine);
    h.clock.set(now);
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    locationId = await addTestLocation(h);
  });
  afterAll(() => h?.close());
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The clinic suite is used before its beforeAll ran');
    return value;
  };
  const post = (url: string, payload: object, as?: Session) =>
    ready(h).app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: (as ?? ready(clerk)).write,
      payload,
    });
  const get = (url: string, as?: Session) =>
    ready(h).app.inject({ method: 'GET', url: `/api/v1${url}`, headers: (as ?? ready(clerk)).read });
  return {
    get h() {
      return ready(h);
    },
    get clerk() {
      return ready(clerk);
    },
    get manager() {
      return ready(manager);
    },
    post,
    get,
    builders: ownClinicianBuilders(
      () => ready(h),
      (url, payload) => post(url, payload),
      {
        ...options,
        locationId: () => locationId,
      },
    ),
  };
}

/** New-patient slots of `durationMinutes` (20 unless given), capacity 1, at these offsets into the session. */
export const newSlots = (offsets: number[], durationMinutes = 20) =>
  offsets.map((offsetMinutes) => ({ offsetMinutes, durationMinutes, slotType: 'new', capacity: 1 }));

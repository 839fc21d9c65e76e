/**
 * FHIR Schedule, Slot and Appointment. Clinics and slots are read by every role that reads clinics; appointments
 * are read by those that read them and booked and cancelled by those that book (`Appointment.write`). The writes
 * use records of their own, one per request: a patient with one open pathway and a slot of its own to book, and
 * booked appointments at version 1 to cancel by PUT or by JSON Patch.
 */
import { randomUUID } from 'node:crypto';
import { nhsNumberFromStem } from '@pathflow/core';
import { appointments, clinicTemplates, locations, pathways, patients, slots } from '../../../src/db/schema';
import type { Harness } from '../../support/app';
import { fromPool, type PermissionCaseSet } from './types';

/** Requests are counted across both engines' runs (one counter per case set): enough for both. */
const SIZE = 400;
const CLINIC_READERS = ['booking-clerk', 'team-leader', 'clinician', 'service-manager'] as const;
const BOOKERS = ['booking-clerk', 'team-leader', 'clinician'] as const;
const OUT_OF_TURN = 'https://pathflow.dev/StructureDefinition/out-of-turn-reason';
const CANCEL_REASON = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'prov' }],
  text: 'Permission test',
};

const pool = {
  templateId: '',
  slotId: '',
  bookings: [] as { patientId: string; slotId: string }[],
  toPut: [] as { id: string; resource: Record<string, unknown> }[],
  toPatch: [] as string[],
  appointmentId: '',
  /** A slot and an appointment no request changes, for the version reads (they stay at version 1). */
  unchangedSlotId: '',
  unchangedAppointmentId: '',
};

async function fill(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: 'XT109',
    name: 'FHIR outpatients',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  pool.templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: pool.templateId,
    name: 'FHIR permission clinic',
    locationId,
    specialtyCode: '120',
    createdBy: 'test',
  });
  let k = 0;
  const slot = (capacity = 1, booked = 0) => {
    k += 1;
    const startsAt = new Date(Date.UTC(2027, 1, 1) + k * 30 * 60_000);
    return {
      orgId,
      id: randomUUID(),
      templateId: pool.templateId,
      key: `${pool.templateId}/v1/fhir/0/${k}`,
      sessionDate: startsAt.toISOString().slice(0, 10),
      sessionIndex: 0,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 20 * 60_000),
      slotType: 'new',
      capacity,
      booked,
      status: 'open',
      specialtyCode: '120',
      locationId,
    };
  };
  const range = Array.from({ length: SIZE }, (_, i) => i);
  const nhs = (i: number) => {
    for (let stem = 999_870_000 + i * 7; ; stem++) {
      const n = nhsNumberFromStem(String(stem));
      if (n) return n;
    }
  };
  // Patients to book, each with one open ENT pathway and a free slot of their own.
  const people = range.map((i) => ({
    orgId,
    id: randomUUID(),
    nhsNumber: nhs(i),
    mrn: `FHIRB${i}`,
    givenName: 'Pool',
    familyName: `Booking${i}`,
    dateOfBirth: '1970-01-01',
    sex: 'female',
    addressLine1: '1 Test Street',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  }));
  const pathway = (patientId: string, what: string, i: number) => ({
    orgId,
    id: randomUUID(),
    patientId,
    ppid: `XT1FH${what}${String(i).padStart(6, '0')}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: '120',
    source: 'gp-referral',
    priority: 'routine',
    referralReceivedDate: '2026-10-01',
    clockStartDate: '2026-10-01',
    status: 'open',
    rttRunning: true,
    rttPeriodStart: '2026-10-01',
  });
  const bookingPathways = people.map((p, i) => pathway(p.id, 'B', i));
  const freeSlots = range.map(() => slot());
  const unchangedSlot = slot();
  // Appointments to cancel: Alice's, on pathways of their own, in one slot holding them all.
  const holder = slot(2 * SIZE + 1, 2 * SIZE + 1);
  const cancelPathways = [...range, ...range, SIZE].map((i, j) =>
    pathway(h.fixture.patients.alice, j < SIZE ? 'P' : 'Q', i),
  );
  const booked = cancelPathways.map((p) => ({
    orgId,
    id: randomUUID(),
    slotId: holder.id,
    pathwayId: p.id,
    patientId: h.fixture.patients.alice,
    startsAt: holder.startsAt,
    endsAt: holder.endsAt,
    slotType: 'new',
    status: 'booked',
    offeredOn: '2026-11-01',
    noticeDays: 60,
    reasonableOffer: true,
    bookedBy: 'test',
    bookedAt: new Date('2026-11-01T10:00:00Z'),
  }));
  const insert = async <T>(table: Parameters<typeof h.db.db.insert>[0], rows: T[]) => {
    for (let i = 0; i < rows.length; i += 200)
      await h.db.db.insert(table).values(rows.slice(i, i + 200) as never);
  };
  await insert(patients, people);
  await insert(pathways, [...bookingPathways, ...cancelPathways]);
  await insert(slots, [...freeSlots, holder, unchangedSlot]);
  await insert(appointments, booked);
  pool.slotId = freeSlots[0]!.id;
  pool.bookings = people.map((p, i) => ({ patientId: p.id, slotId: freeSlots[i]!.id }));
  pool.appointmentId = booked[0]!.id;
  pool.unchangedSlotId = unchangedSlot.id;
  pool.unchangedAppointmentId = booked[2 * SIZE]!.id;
  const resource = (a: (typeof booked)[number]) => ({
    resourceType: 'Appointment',
    id: a.id,
    extension: [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-BookingOrganization',
        valueReference: { reference: `Organization/${orgId}` },
      },
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel',
        valueCode: 'In-person',
      },
    ],
    status: 'cancelled',
    cancelationReason: CANCEL_REASON,
    serviceType: [
      { coding: [{ system: 'https://pathflow.dev/CodeSystem/slot-type', code: 'new', display: 'new' }] },
    ],
    specialty: [
      { coding: [{ system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode', code: '120' }] },
    ],
    start: a.startsAt.toISOString(),
    end: a.endsAt.toISOString(),
    minutesDuration: 20,
    slot: [{ reference: `Slot/${holder.id}` }],
    created: a.bookedAt.toISOString(),
    participant: [
      { actor: { reference: `Patient/${a.patientId}` }, required: 'required', status: 'accepted' },
      { actor: { reference: `Location/${locationId}` }, required: 'required', status: 'accepted' },
    ],
  });
  pool.toPut = booked.slice(0, SIZE).map((a) => ({ id: a.id, resource: resource(a) }));
  pool.toPatch = booked.slice(SIZE, 2 * SIZE).map((a) => a.id);
}

const set: PermissionCaseSet = {
  fill,
  cases: [
    {
      method: 'GET',
      route: '/fhir/R4/Schedule',
      url: () => '/fhir/R4/Schedule?specialty=120',
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Schedule/:id',
      url: () => `/fhir/R4/Schedule/${pool.templateId}`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Schedule/:id/_history/:vid',
      url: () => `/fhir/R4/Schedule/${pool.templateId}/_history/1`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Slot',
      url: () => `/fhir/R4/Slot?schedule=Schedule/${pool.templateId}&status=free&_count=5`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Slot/:id',
      url: () => `/fhir/R4/Slot/${pool.slotId}`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Slot/:id/_history/:vid',
      url: () => `/fhir/R4/Slot/${pool.unchangedSlotId}/_history/1`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Appointment',
      url: (h) => `/fhir/R4/Appointment?patient=Patient/${h.fixture.patients.alice}&_count=5`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Appointment/:id',
      url: () => `/fhir/R4/Appointment/${pool.appointmentId}`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'GET',
      route: '/fhir/R4/Appointment/:id/_history/:vid',
      url: () => `/fhir/R4/Appointment/${pool.unchangedAppointmentId}/_history/1`,
      allowed: [...CLINIC_READERS],
    },
    {
      method: 'POST',
      route: '/fhir/R4/Appointment',
      url: () => '/fhir/R4/Appointment',
      payload: (n) => {
        const b = pool.bookings[n];
        if (!b) throw new Error(`The booking pool holds ${SIZE}; request ${n} needs more`);
        return {
          resourceType: 'Appointment',
          status: 'booked',
          slot: [{ reference: `Slot/${b.slotId}` }],
          participant: [{ actor: { reference: `Patient/${b.patientId}` } }],
          extension: [{ url: OUT_OF_TURN, valueString: 'Permission test' }],
        };
      },
      allowed: [...BOOKERS],
    },
    {
      method: 'PUT',
      route: '/fhir/R4/Appointment/:id',
      url: (_h, n) =>
        `/fhir/R4/Appointment/${fromPool(
          pool.toPut.map((a) => a.id),
          n,
        )}`,
      payload: (n) => pool.toPut[n]!.resource,
      headers: { 'if-match': 'W/"1"' },
      allowed: [...BOOKERS],
    },
    {
      method: 'PATCH',
      route: '/fhir/R4/Appointment/:id',
      url: (_h, n) => `/fhir/R4/Appointment/${fromPool(pool.toPatch, n)}`,
      headers: { 'if-match': 'W/"1"', 'content-type': 'application/json-patch+json' },
      payload: () => [
        { op: 'replace', path: '/status', value: 'cancelled' },
        { op: 'add', path: '/cancelationReason', value: CANCEL_REASON },
      ],
      allowed: [...BOOKERS],
    },
  ],
};
export default set;

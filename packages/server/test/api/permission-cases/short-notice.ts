/**
 * Permission cases for short-notice offers: reading them, a reply recorded by a clerk, and a reply received by
 * SMS. Each write declines an offer of its own (one candidate, being asked now), so every allowed request
 * succeeds: by call for the clerk's reply, by SMS from a number of its own for the received text.
 */
import { randomUUID } from 'node:crypto';
import { nhsNumberFromStem } from '@pathflow/core';
import {
  clinicTemplates,
  locations,
  patients,
  shortNoticeCandidates,
  shortNoticeOffers,
  slots,
} from '../../../src/db/schema';
import type { Harness } from '../../support/app';
import { POOL_SIZE, READERS, WRITERS, fromPool, type PermissionCaseSet } from './types';

const pools = {
  offerToRead: '',
  /** Offers with one candidate asked by call: `<offer id>/candidates/<candidate id>`. */
  toDecline: [] as string[],
  /** Phone numbers, each with one candidate asked by SMS now. */
  phones: [] as string[],
};

function nhsNumber(n: number): string {
  for (let stem = 999_700_000 + n * 3; ; stem++) {
    const nhs = nhsNumberFromStem(String(stem));
    if (nhs) return nhs;
  }
}

/** Inserts rows 500 at a time. */
async function inChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
}

async function fill(h: Harness): Promise<void> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: 'XT1SN',
    name: 'Short-notice pool',
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: 'Short-notice pool clinic',
    serviceName: 'ENT',
    locationId,
    specialtyCode: '120',
    createdBy: 'test',
  });
  // A slot far enough off that an offer moved on is never too late (each decline closes its offer: nobody left).
  const slotId = randomUUID();
  const startsAt = new Date('2027-03-01T10:00:00Z');
  await h.db.db.insert(slots).values({
    orgId,
    id: slotId,
    templateId,
    key: `${templateId}/short-notice-pool`,
    sessionDate: '2027-03-01',
    sessionIndex: 0,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 20 * 60_000),
    slotType: 'new',
    capacity: 1,
    status: 'open',
    specialtyCode: '120',
    locationId,
  });
  const patientRows = Array.from({ length: POOL_SIZE }, (_, i) => ({
    orgId,
    id: randomUUID(),
    nhsNumber: nhsNumber(i),
    mrn: `SNP${i}`,
    givenName: 'Pool',
    familyName: `Patient${i}`,
    dateOfBirth: '1970-01-01',
    sex: 'female',
    addressLine1: '1 Road',
    town: 'Leeds',
    postcode: 'LS1 1AA',
    phone: `07700 9${String(i).padStart(5, '0')}`,
    shortNotice: true,
  }));
  await inChunks(patientRows, (c) => h.db.db.insert(patients).values(c));
  const expiresAt = new Date('2027-02-28T10:00:00Z');
  const offerRows = Array.from({ length: 2 * POOL_SIZE + 1 }, () => ({
    orgId,
    id: randomUUID(),
    slotId,
    status: 'open',
  }));
  const candidateRows = offerRows.map((o, i) => {
    const bySms = i >= POOL_SIZE + 1;
    return {
      orgId,
      id: randomUUID(),
      offerId: o.id,
      rank: 1,
      pathwayId: randomUUID(),
      patientId: bySms ? patientRows[i - POOL_SIZE - 1]!.id : h.fixture.patients.bob,
      channel: bySms ? 'sms' : 'call',
      status: 'offered',
      offeredAt: new Date('2026-11-23T08:00:00Z'),
      expiresAt,
    };
  });
  await inChunks(offerRows, (c) => h.db.db.insert(shortNoticeOffers).values(c));
  await inChunks(candidateRows, (c) => h.db.db.insert(shortNoticeCandidates).values(c));
  pools.offerToRead = offerRows[0]!.id;
  pools.toDecline = candidateRows.slice(1, POOL_SIZE + 1).map((c) => `${c.offerId}/candidates/${c.id}`);
  pools.phones = patientRows.map((p) => p.phone);
}

const set: PermissionCaseSet = {
  fill,
  cases: [
    {
      method: 'GET',
      route: '/api/v1/short-notice-offers',
      url: () => '/api/v1/short-notice-offers?limit=5',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/short-notice-offers/:id',
      url: () => `/api/v1/short-notice-offers/${pools.offerToRead}`,
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/short-notice-offers/:id/candidates/:candidateId/reply',
      url: (_h, n) => `/api/v1/short-notice-offers/${fromPool(pools.toDecline, n)}/reply`,
      payload: () => ({ reply: 'decline' }),
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/short-notice-offers/sms-replies',
      url: () => '/api/v1/short-notice-offers/sms-replies',
      payload: (n) => ({ phone: fromPool(pools.phones, n), text: 'NO' }),
      allowed: WRITERS,
    },
  ],
};

export default set;

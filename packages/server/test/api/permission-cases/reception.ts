/**
 * Reception: those who read appointments see the day's clinics; those who write them check patients in, mark
 * them seen or not attending, and mark the rest of an ended session. Each write takes an appointment (or a
 * session) of its own, so every allowed request succeeds.
 */
import { randomUUID } from 'node:crypto';
import { appointments } from '../../../src/db/schema';
import { createTestClinic } from '../../support/clinic';
import { READERS, WRITERS, type PermissionCaseSet } from './types';

/** Requests a case makes: each role twice (signed in, machine client), and once with no credentials. */
const CALLS = 20;
/** The matrix's clock: 2026-11-23T09:00Z. The appointments started at 08:00 that day, in sessions ended by 09:00. */
const DAY = '2026-11-23';
const pool = { checkIn: [] as string[], seen: [] as string[], dna: [] as string[], sessions: [] as number[] };
let next = { checkIn: 0, seen: 0, dna: 0, session: 0 };
let clinicId = '';

const set: PermissionCaseSet = {
  fill: async (h) => {
    // The matrix runs once per engine: each run starts its pools afresh.
    pool.checkIn = [];
    pool.seen = [];
    pool.dna = [];
    pool.sessions = [];
    next = { checkIn: 0, seen: 0, dna: 0, session: 0 };
    const orgId = h.fixture.orgId;
    const clinic = await createTestClinic(h, 999_630_637);
    clinicId = clinic.templateId;
    const startsAt = new Date(`${DAY}T08:00:00Z`);
    const endsAt = new Date(`${DAY}T08:20:00Z`);
    // Session 0 holds the single-patient pools; sessions 1.. one booked patient each, for the session DNA.
    const add = async (sessionIndex: number): Promise<string> => {
      const { pathwayId, patientId } = await clinic.addPathway();
      const slotId = await clinic.addSlot(`${DAY}T08:00:00Z`, { booked: 1, sessionIndex });
      const id = randomUUID();
      await h.db.db.insert(appointments).values({
        orgId,
        id,
        slotId,
        pathwayId,
        patientId,
        startsAt,
        endsAt,
        slotType: 'new',
        status: 'booked',
        offeredOn: '2026-10-20',
        noticeDays: 34,
        reasonableOffer: true,
        bookedBy: 'permission-test',
        bookedAt: new Date('2026-10-20T09:00:00Z'),
      });
      return id;
    };
    for (let i = 0; i < CALLS; i++) {
      pool.checkIn.push(await add(0));
      pool.seen.push(await add(0));
      pool.dna.push(await add(0));
      await add(i + 1);
      pool.sessions.push(i + 1);
    }
  },
  cases: [
    {
      method: 'GET',
      route: '/api/v1/reception',
      url: () => `/api/v1/reception?date=${DAY}`,
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/reception/appointments/:id/check-in',
      url: () => `/api/v1/reception/appointments/${pool.checkIn[next.checkIn++ % CALLS]}/check-in`,
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/reception/appointments/:id/seen',
      url: () => `/api/v1/reception/appointments/${pool.seen[next.seen++ % CALLS]}/seen`,
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/reception/appointments/:id/did-not-attend',
      url: () => `/api/v1/reception/appointments/${pool.dna[next.dna++ % CALLS]}/did-not-attend`,
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/reception/sessions/did-not-attend',
      url: () => '/api/v1/reception/sessions/did-not-attend',
      payload: () => ({ clinicId, date: DAY, sessionIndex: pool.sessions[next.session++ % CALLS] }),
      allowed: WRITERS,
    },
  ],
};
export default set;

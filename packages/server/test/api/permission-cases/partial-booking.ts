/**
 * The partial-booking list: the waiting-list readers read it; those who book add pathways to it and record
 * replies and bookings. Each add takes a pathway of its own; a reply and a booking may be recorded again.
 */
import { randomUUID } from 'node:crypto';
import { appointments, partialBookings, pathways } from '../../../src/db/schema';
import { createTestClinic } from '../../support/clinic';
import { POOL_SIZE, READERS, WRITERS, fromPool, type PermissionCaseSet } from './types';

const pool = { pathways: [] as string[], toReply: '', toBook: '', appointmentId: '' };

const set: PermissionCaseSet = {
  fill: async (h) => {
    const orgId = h.fixture.orgId;
    const rows = Array.from({ length: POOL_SIZE + 2 }, (_, i) => ({
      orgId,
      id: randomUUID(),
      patientId: h.fixture.patients.bob,
      ppid: `XT1PBPOOL${String(i).padStart(6, '0')}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: '120',
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: '2026-09-01',
      clockStartDate: '2026-09-01',
      status: 'open',
      rttRunning: true,
      rttPeriodStart: '2026-09-01',
    }));
    for (let i = 0; i < rows.length; i += 500) await h.db.db.insert(pathways).values(rows.slice(i, i + 500));
    pool.pathways = rows.slice(2).map((r) => r.id);
    const entry = (pathwayId: string) => ({
      orgId,
      id: randomUUID(),
      pathwayId,
      patientId: h.fixture.patients.bob,
      specialtyCode: '120',
      dueDate: '2027-03-01',
      inviteOn: '2027-01-18',
      status: 'waiting',
      createdBy: 'permission-test',
      createdAt: new Date('2026-11-20T09:00:00Z'),
    });
    const toReply = entry(rows[0]!.id);
    const toBook = entry(rows[1]!.id);
    await h.db.db.insert(partialBookings).values([toReply, toBook]);
    pool.toReply = toReply.id;
    pool.toBook = toBook.id;
    // A booked appointment on the second entry's pathway.
    const clinic = await createTestClinic(h, 999_760_000);
    const start = '2027-03-01T10:00:00Z';
    const slotId = await clinic.addSlot(start);
    pool.appointmentId = randomUUID();
    await h.db.db.insert(appointments).values({
      orgId,
      id: pool.appointmentId,
      slotId,
      pathwayId: rows[1]!.id,
      patientId: h.fixture.patients.bob,
      startsAt: new Date(start),
      endsAt: new Date(new Date(start).getTime() + 20 * 60_000),
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-11-20',
      noticeDays: 101,
      reasonableOffer: true,
      bookedBy: 'permission-test',
      bookedAt: new Date('2026-11-20T09:00:00Z'),
    });
  },
  cases: [
    {
      method: 'POST',
      route: '/api/v1/partial-bookings',
      url: () => '/api/v1/partial-bookings',
      payload: (n) => ({ pathwayId: fromPool(pool.pathways, n), dueDate: '2027-03-01' }),
      allowed: WRITERS,
    },
    {
      method: 'GET',
      route: '/api/v1/partial-bookings',
      url: () => '/api/v1/partial-bookings?specialty=120',
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/partial-bookings/:id/reply',
      url: () => `/api/v1/partial-bookings/${pool.toReply}/reply`,
      payload: () => ({ reply: 'will-book' }),
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/partial-bookings/:id/booked',
      url: () => `/api/v1/partial-bookings/${pool.toBook}/booked`,
      payload: () => ({ appointmentId: pool.appointmentId }),
      allowed: WRITERS,
    },
  ],
};
export default set;

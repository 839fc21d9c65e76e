/**
 * Data for the home page's and the dashboards' browser tests, written straight into the test database: waiting
 * patients with clocks started so many days ago (some booked), a clinic with places in the coming weeks, and
 * the expected figures worked out here from what was written, with plain date arithmetic.
 */
import { randomUUID } from 'node:crypto';
import {
  appointments,
  clinicTemplates,
  locations,
  pathways,
  patients,
  slots,
} from '../../../server/src/db/schema';
import type { WebHarness } from './harness';
import { newNhsNumber } from './referrals';
import { daysFromToday } from './work';

const DAY = 86_400_000;
export const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
export const isoOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
/** Today in London, and the Monday and Sunday of its week. */
export const today = () => daysFromToday(0);
export const mondayOf = (iso: string) =>
  isoOf(dayOf(iso) - ((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7));

/** What the tests know was written: every open pathway with a running clock and its booked date. */
export interface Waiting {
  specialty: string;
  start: string;
  bookedOn: string | null;
}

/** The fixture's three open pathways (clock start 1 September 2026, none booked). */
export const FIXTURE_WAITING: Waiting[] = [
  { specialty: '110', start: '2026-09-01', bookedOn: null },
  { specialty: '110', start: '2026-09-01', bookedOn: null },
  { specialty: '120', start: '2026-09-01', bookedOn: null },
];

export interface DashboardData {
  waiting: Waiting[];
  /** Per slot: its date, places and places booked. */
  places: { date: string; capacity: number; booked: number }[];
  clinicName: string;
}

/**
 * Adds waiting patients (days waited today and booked in `bookIn` days, or not), and a clinic with one slot on
 * each of the given days from today (capacity and places booked, each by a patient whose pathway is closed).
 */
export async function addDashboardData(
  h: WebHarness,
  p: {
    tag: string;
    waiting: { days: number; specialty: string; bookIn?: number }[];
    places: { inDays: number; capacity: number; booked: number }[];
  },
): Promise<DashboardData> {
  const orgId = h.fixture.orgId;
  const locationId = randomUUID();
  await h.db.db.insert(locations).values({
    orgId,
    id: locationId,
    siteCode: `${p.tag}01`,
    name: `Outpatients ${p.tag}`,
    site: 'Test General',
    addressLine: '1 Hospital Road',
    postcode: 'LS1 3EX',
  });
  const templateId = randomUUID();
  const clinicName = `${p.tag} dashboard clinic`;
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: clinicName,
    locationId,
    specialtyCode: '110',
    createdBy: 'test',
  });
  let seq = 0;
  const addSlot = async (date: string, capacity: number) => {
    seq += 1;
    const id = randomUUID();
    const startsAt = new Date(`${date}T10:00:00Z`);
    await h.db.db.insert(slots).values({
      orgId,
      id,
      templateId,
      key: `${templateId}/v1/${date}/0/${seq}`,
      sessionDate: date,
      sessionIndex: 0,
      startsAt: new Date(startsAt.getTime() + seq * 60_000),
      endsAt: new Date(startsAt.getTime() + seq * 60_000 + 20 * 60_000),
      slotType: 'new',
      capacity,
      status: 'open',
      specialtyCode: '110',
      clinicianId: null,
      locationId,
    });
    return id;
  };
  const addPathway = async (specialty: string, start: string, open = true) => {
    const patientId = randomUUID();
    const nhsNumber = newNhsNumber();
    await h.db.db.insert(patients).values({
      orgId,
      id: patientId,
      nhsNumber,
      mrn: `${p.tag}${nhsNumber}`,
      givenName: 'Dash',
      familyName: `Board${seq}`,
      dateOfBirth: '1970-02-03',
      sex: 'female',
      addressLine1: '4 Test Street',
      town: 'Leeds',
      postcode: 'LS1 4AP',
    });
    const pathwayId = randomUUID();
    await h.db.db.insert(pathways).values({
      orgId,
      id: pathwayId,
      patientId,
      ppid: `XT1${p.tag}${nhsNumber}`,
      ppidIssuer: h.fixture.odsCode,
      specialtyCode: specialty,
      source: 'gp-paper',
      priority: 'routine',
      referralReceivedDate: start,
      clockStartDate: start,
      status: open ? 'open' : 'closed',
      closedDate: open ? null : start,
      rttRunning: open,
      rttPeriodStart: open ? start : null,
    });
    return { pathwayId, patientId };
  };
  const book = async (
    on: { pathwayId: string; patientId: string },
    slotId: string,
    date: string,
    status: string,
  ) => {
    await h.db.db.insert(appointments).values({
      orgId,
      id: randomUUID(),
      slotId,
      pathwayId: on.pathwayId,
      patientId: on.patientId,
      startsAt: new Date(`${date}T10:00:00Z`),
      endsAt: new Date(`${date}T10:20:00Z`),
      slotType: 'new',
      status,
      offeredOn: today(),
      noticeDays: 21,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date(),
    });
  };

  const waiting: Waiting[] = [];
  for (const w of p.waiting) {
    const start = daysFromToday(-w.days);
    const pathway = await addPathway(w.specialty, start);
    let bookedOn: string | null = null;
    if (w.bookIn !== undefined) {
      bookedOn = daysFromToday(w.bookIn);
      const slotId = await addSlot(bookedOn, 1);
      await book(pathway, slotId, bookedOn, 'booked');
    }
    waiting.push({ specialty: w.specialty, start, bookedOn });
  }
  const places: DashboardData['places'] = [];
  for (const s of p.places) {
    const date = daysFromToday(s.inDays);
    const slotId = await addSlot(date, s.capacity);
    // Places taken by patients whose pathways are closed (follow-ups, say): not on the waiting list.
    for (let i = 0; i < s.booked; i++) {
      await book(await addPathway('110', today(), false), slotId, date, 'booked');
    }
    places.push({ date, capacity: s.capacity, booked: s.booked });
  }
  // The booked slots made for waiting patients count as places too.
  for (const w of waiting) if (w.bookedOn) places.push({ date: w.bookedOn, capacity: 1, booked: 1 });
  return { waiting: [...FIXTURE_WAITING, ...waiting], places, clinicName };
}

/** The band of a wait: over N weeks ⇔ more than 7N days. */
export function bandOf(days: number): number {
  if (days <= 126) return 0;
  if (days <= 364) return 1;
  if (days <= 455) return 2;
  if (days <= 546) return 3;
  return 4;
}

/** Breaches per week from this Monday (after today only), split not booked / booked late / booked in time. */
export function expectedForecast(waiting: Waiting[], weeks: number) {
  const now = dayOf(today());
  const monday = dayOf(mondayOf(today()));
  return Array.from({ length: weeks }, (_, i) => {
    const from = monday + 7 * i;
    const inWeek = waiting.filter((w) => {
      const breach = dayOf(w.start) + 127;
      return breach > now && breach >= from && breach <= from + 6;
    });
    const booked = (w: Waiting) => (w.bookedOn === null ? null : dayOf(w.bookedOn));
    return {
      weekStart: isoOf(from),
      weekEnd: isoOf(from + 6),
      notBooked: inWeek.filter((w) => booked(w) === null).length,
      bookedAfter: inWeek.filter((w) => booked(w) !== null && booked(w)! >= dayOf(w.start) + 127).length,
      bookedBefore: inWeek.filter((w) => booked(w) !== null && booked(w)! < dayOf(w.start) + 127).length,
      total: inWeek.length,
    };
  });
}

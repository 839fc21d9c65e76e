/**
 * Reception in the browser: a booking clerk picks a site, checks a patient in and marks them seen, and once
 * the session is over marks the rest as did not attend after confirming; a row that changed behind the page
 * shows a plain error; a bad date is refused; a role without appointments gets the no-access page. Axe checks
 * every state.
 *
 * The server runs on the real clock, so the fixture's sessions are placed around now: one that ended a few
 * minutes ago (three patients) and one later today (one patient), both on today's London date.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  appointments,
  clinicTemplates,
  clinicians,
  locations,
  patients,
  slots,
  tasks,
} from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { addWaitingPatient } from './support/patients';
import { focused, useWebHarness, waitForHeading } from './support/harness';

const MINUTE = 60_000;
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

describe('reception', () => {
  const suite = useWebHarness();

  /** A clinic at a site of its own; its slots are added by `addBooking`. */
  const addClinic = async (site: { code: string; name: string }, name: string) => {
    const db = suite.h.db.db;
    const orgId = suite.h.fixture.orgId;
    const [consultant] = await db
      .select({ id: clinicians.id })
      .from(clinicians)
      .where(eq(clinicians.orgId, orgId));
    const locationId = randomUUID();
    await db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: site.code,
      name: 'Outpatients B',
      site: site.name,
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    const templateId = randomUUID();
    await db.insert(clinicTemplates).values({
      orgId,
      id: templateId,
      name,
      clinicianId: consultant!.id,
      locationId,
      specialtyCode: '110',
      createdBy: 'e2e',
    });
    return { templateId, locationId, clinicianId: consultant!.id };
  };

  let slotSeq = 0;
  /** A patient booked into a new slot of the clinic, on today's London date, at `startsAt` for `minutes`. */
  const addBooking = async (
    clinic: Awaited<ReturnType<typeof addClinic>>,
    patient: { givenName: string; familyName: string },
    startsAt: Date,
    minutes: number,
    sessionIndex: number,
  ) => {
    const db = suite.h.db.db;
    const orgId = suite.h.fixture.orgId;
    const { pathwayId } = await addWaitingPatient(suite.h, { ...patient, specialtyCode: '110', tag: 'REC' });
    const [pathway] = await db
      .select({ patientId: patients.id })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), eq(patients.familyName, patient.familyName)));
    const endsAt = new Date(startsAt.getTime() + minutes * MINUTE);
    const slotId = randomUUID();
    slotSeq += 1;
    await db.insert(slots).values({
      orgId,
      id: slotId,
      templateId: clinic.templateId,
      key: `${clinic.templateId}/e2e/${slotSeq}`,
      sessionDate: londonDay.format(new Date()),
      sessionIndex,
      startsAt,
      endsAt,
      slotType: 'new',
      capacity: 1,
      booked: 1,
      status: 'open',
      specialtyCode: '110',
      clinicianId: clinic.clinicianId,
      locationId: clinic.locationId,
    });
    const id = randomUUID();
    await db.insert(appointments).values({
      orgId,
      id,
      slotId,
      pathwayId,
      patientId: pathway!.patientId,
      startsAt,
      endsAt,
      slotType: 'new',
      status: 'booked',
      offeredOn: '2026-11-01',
      noticeDays: 30,
      reasonableOffer: true,
      bookedBy: 'e2e',
      bookedAt: new Date('2026-11-01T09:00:00Z'),
    });
    return { appointmentId: id, patientId: pathway!.patientId };
  };

  const statusOf = (page: Page, name: string) =>
    page.getByRole('row', { name: new RegExp(name) }).locator('td strong[id^="status-"]');

  it('checks a patient in, marks them seen, and marks the rest as did not attend after the session', async () => {
    const db = suite.h.db.db;
    const general = await addClinic({ code: 'XT1R1', name: 'Test General' }, 'Reception knee clinic');
    const north = await addClinic({ code: 'XT1R2', name: 'North Clinic' }, 'North fracture clinic');

    // The ended session: three slots of d minutes, the last ending d minutes ago, all after midnight in London
    // (unless the test runs in the first few minutes of the day).
    const now = Date.now();
    const [hh, mm] = londonClock.format(new Date(now)).split(':').map(Number);
    const sinceMidnight = hh! * 60 + mm!;
    const d = Math.max(1, Math.min(15, Math.floor((sinceMidnight - 1) / 4)));
    const start = new Date(now - 4 * d * MINUTE);
    const rita = await addBooking(
      general,
      { givenName: 'Rita', familyName: 'Early' },
      new Date(start.getTime() + 0 * d * MINUTE),
      d,
      0,
    );
    const sam = await addBooking(
      general,
      { givenName: 'Sam', familyName: 'Second' },
      new Date(start.getTime() + d * MINUTE),
      d,
      0,
    );
    const tom = await addBooking(
      general,
      { givenName: 'Tom', familyName: 'Third' },
      new Date(start.getTime() + 2 * d * MINUTE),
      d,
      0,
    );
    await db.update(patients).set({ interpreterLanguage: 'Polish' }).where(eq(patients.id, rita.patientId));
    // A later session, not yet ended.
    const uma = await addBooking(
      general,
      { givenName: 'Uma', familyName: 'Later' },
      new Date(now + 60 * MINUTE),
      20,
      1,
    );
    await addBooking(north, { givenName: 'Nia', familyName: 'Northern' }, new Date(now + 30 * MINUTE), 20, 0);

    const { page } = await suite.signedIn('booking-clerk');
    await page.goto(`${suite.h.baseUrl}/reception`);
    await waitForHeading(page, 'Reception');
    expect(await page.title()).toBe('Reception – Pathflow');
    await page
      .getByRole('table', { name: /^Reception knee clinic/ })
      .first()
      .waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'North Clinic' }).count()).toBe(1);
    await expectAxeClean(page);

    // One site.
    await page.getByLabel('Site').selectOption({ label: 'Test General' });
    await page.getByRole('button', { name: 'Show clinics' }).click();
    await page.waitForURL(/site=XT1R1/);
    await page.getByRole('heading', { level: 2, name: 'Test General' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'North Clinic' }).waitFor({ state: 'detached' });
    const tables = page.getByRole('table', { name: /^Reception knee clinic/ });
    expect(await tables.count()).toBe(2);
    const ended = tables.first();
    expect(await ended.locator('thead th').allInnerTexts()).toEqual([
      'Time',
      'Patient',
      'Appointment',
      'Needs',
      'Status',
      'Action',
    ]);
    expect(await ended.locator('tbody tr').count()).toBe(3);
    const ritaRow = page.getByRole('row', { name: /Early, Rita/ });
    expect(await ritaRow.getByText('Interpreter: Polish').count()).toBe(1);
    expect(await ritaRow.getByRole('link', { name: 'Early, Rita' }).getAttribute('href')).toBe(
      `/patients/${rita.patientId}`,
    );
    expect(await statusOf(page, 'Early, Rita').innerText()).toBe('Booked');
    // The later session cannot be closed yet, and says why.
    expect(
      await page.getByText(/once this session ends at/).count(),
      'the later session explains when it can be marked',
    ).toBe(1);

    // Check in, then seen: the row changes in place and the keyboard stays on the row.
    await page.getByRole('button', { name: 'Check in Early, Rita' }).click();
    await page.getByRole('button', { name: 'Seen Early, Rita' }).waitFor();
    await expect.poll(() => statusOf(page, 'Early, Rita').innerText()).toBe('Checked in');
    expect(await focused(page)).toBe('BUTTON: Seen Early, Rita');
    expect(await page.getByRole('status').innerText()).toBe('Early, Rita checked in.');
    await expectAxeClean(page);
    await page.getByRole('button', { name: 'Seen Early, Rita' }).click();
    await expect.poll(() => statusOf(page, 'Early, Rita').innerText()).toBe('Seen');
    expect(await page.getByRole('button', { name: /Early, Rita/ }).count()).toBe(0);
    expect(await focused(page)).toBe('STRONG: Seen');

    // The rest of the ended session: confirm first; going back changes nothing.
    const markRest = page.getByRole('button', { name: /^Mark remaining as did not attend/ });
    expect(await markRest.count()).toBe(1);
    await markRest.click();
    const confirm = page.getByRole('heading', { level: 4, name: /Mark 2 patients as did not attend\?/ });
    await confirm.waitFor();
    expect(await focused(page)).toContain('Mark 2 patients as did not attend?');
    await expectAxeClean(page);
    await page.getByRole('button', { name: 'No, go back' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await statusOf(page, 'Second, Sam').innerText()).toBe('Booked');
    await markRest.click();
    await page.getByRole('button', { name: 'Yes, mark as did not attend' }).click();
    await page.getByText('2 patients marked as did not attend').waitFor();
    expect(await statusOf(page, 'Second, Sam').innerText()).toBe('Did not attend');
    expect(await statusOf(page, 'Third, Tom').innerText()).toBe('Did not attend');
    expect(await statusOf(page, 'Early, Rita').innerText()).toBe('Seen');
    expect(await markRest.count()).toBe(0);
    await expectAxeClean(page);
    // The DNA policy ran for each: their appointments are DNAs with a task for what follows.
    for (const p of [sam, tom]) {
      const [row] = await db
        .select({ status: appointments.status })
        .from(appointments)
        .where(eq(appointments.id, p.appointmentId));
      expect(row!.status).toBe('dna');
      expect(
        (await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.appointmentId, p.appointmentId)))
          .length,
      ).toBeGreaterThan(0);
    }

    // Someone else checked Uma in meanwhile: the page says so plainly and keeps its place.
    await db.update(appointments).set({ status: 'arrived' }).where(eq(appointments.id, uma.appointmentId));
    await page.getByRole('button', { name: 'Check in Later, Uma' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.locator('.nhsuk-error-summary').innerText()).toContain(
      'This patient has already checked in',
    );
    expect(await page.title()).toBe('Error: Reception – Pathflow');
    await expectAxeClean(page);

    // A date that is not a real date.
    await page.locator('#date-day').fill('31');
    await page.locator('#date-month').fill('2');
    await page.locator('#date-year').fill('2026');
    await page.getByRole('button', { name: 'Show clinics' }).click();
    await page.getByRole('link', { name: 'Enter a real date, for example 30 11 2026' }).waitFor();
    await expectAxeClean(page);

    // Another day with no clinics.
    await page.getByRole('link', { name: 'Next day' }).click();
    await page.getByText(/^There are no clinics at Test General on /).waitFor();
    await expectAxeClean(page);
  });

  it('shows the no-access page to a role without appointments', async () => {
    const { page } = await suite.signedIn('flow-coordinator');
    await page.goto(`${suite.h.baseUrl}/reception`);
    await waitForHeading(page, 'You do not have access');
    expect(
      await page.getByText('Reception is not part of your role as a patient flow coordinator.').count(),
    ).toBe(1);
    await expectAxeClean(page);
  });
});

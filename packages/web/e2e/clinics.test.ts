import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clinicians, locations } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { addWaitingPatient } from './support/patients';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { spaced, staffApi } from './support/referrals';

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const today = () => londonDay.format(new Date());
/** ISO weekday (1 = Monday) of a YYYY-MM-DD. */
const isoWeekday = (iso: string) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe('clinics and booking in turn', () => {
  const suite = useWebHarness();

  /** A clinic on today's weekday, 10:00–10:30 London, one new-patient slot of two places, from today. */
  const createClinic = async (api: Awaited<ReturnType<typeof staffApi>>, name: string) => {
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
      siteCode: `XT1${Math.floor(Math.random() * 900 + 100)}`,
      name: 'Outpatients A',
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    const res = await api.post<{ id: string }>('/clinics', {
      name,
      clinicianId: consultant!.id,
      locationId,
      specialtyCode: '110',
      effectiveFrom: today(),
      recurrence: { kind: 'weekly' },
      sessions: [
        {
          weekday: isoWeekday(today()),
          start: '10:00',
          end: '10:30',
          slots: [{ offsetMinutes: 0, durationMinutes: 30, slotType: 'new', capacity: 2 }],
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };

  /** A patient with an orthopaedic pathway whose clock started after the fixture's: last in turn. */
  const addPatientLastInTurn = async (givenName: string, familyName: string) =>
    (await addWaitingPatient(suite.h, { givenName, familyName, specialtyCode: '110', tag: 'E2E' })).nhsNumber;

  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  /** From the clinic page, four weeks on (28 days' notice or more), to the slot's "Book in turn". */
  const openSlotFourWeeksAhead = async (page: Page, clinicName: string) => {
    for (let i = 0; i < 4; i++) {
      await page.getByRole('link', { name: /^Next week/ }).click();
      await page.getByRole('heading', { level: 2, name: /^Slots in the week beginning/ }).waitFor();
    }
    await page
      .getByRole('link', { name: /^Book in turn/ })
      .first()
      .click();
    await waitForHeading(page, `${clinicName} – Book in turn`);
    await page.getByRole('table', { name: 'Patients in turn for this slot' }).waitFor();
  };

  it('lists clinics, shows a week of slots, and books the first patient in turn, then one out of turn', async () => {
    const t = await suite.signedIn('booking-clerk');
    const { page } = t;
    const api = await staffApi(t, suite.h.baseUrl);
    const name = 'E2E knee clinic';
    const clinicId = await createClinic(api, name);
    const carolNhs = await addPatientLastInTurn('Carol', 'Later');

    // Home → clinics.
    await page.getByRole('link', { name: 'Clinics', exact: true }).click();
    await waitForHeading(page, 'Clinics');
    expect(await page.title()).toBe('Clinics – Pathflow');
    expect(await focused(page)).toBe('H1: Clinics');
    const table = page.getByRole('table', { name: 'Clinics' });
    expect(await table.locator('thead th').allInnerTexts()).toEqual([
      'Clinic',
      'Specialty',
      'Clinician or service',
      'Free slots',
      'Booked in the next 2 weeks',
    ]);
    const row = table.locator('tbody tr').filter({ has: page.locator(`a[href="/clinics/${clinicId}"]`) });
    const cells = (await row.innerText()).split('\t').map((c) => c.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toBe(name);
    expect(cells[1]).toBe('110 Trauma and orthopaedics');
    expect(cells[2]).toMatch(/Surgeon/);
    expect(cells[3]).toMatch(/^\d+ of \d+$/);
    expect(cells[4]).toBe('0% Under-booked');
    await expectAxeClean(page);
    await screenshot(page, 'clinic-list');

    // The clinic: its details and this week's slots; then four weeks on.
    await page.locator(`a[href="/clinics/${clinicId}"]`).click();
    await waitForHeading(page, `Clinic – ${name}`);
    expect(await page.title()).toBe(`${name} – Pathflow`);
    await page.getByRole('table', { name: /^Slots in the week beginning/ }).waitFor();
    await expectAxeClean(page);
    await openSlotFourWeeksAhead(page, name);
    expect(new URL(page.url()).pathname).toMatch(/^\/slots\/[0-9a-f-]+\/book$/);
    expect(await page.title()).toBe('Book in turn – Pathflow');
    expect(await focused(page)).toBe(`H1: ${name} – Book in turn`);

    const inTurnRows = page
      .getByRole('table', { name: 'Patients in turn for this slot' })
      .locator('tbody tr');
    const names = await inTurnRows.locator('th .nhsuk-u-font-weight-bold').allInnerTexts();
    expect(names.slice().sort()).toEqual(['Example, Alice', 'Later, Carol', 'Sample, Bob']);
    expect(names[2]).toBe('Later, Carol');
    expect(await inTurnRows.nth(2).innerText()).toContain(spaced(carolNhs));
    expect(await inTurnRows.nth(0).innerText()).toMatch(/Routine\s+1 Sep 2026\s+6 Jan 2027/);
    await expectAxeClean(page);
    await screenshot(page, 'clinic-book-in-turn');

    // The first in turn books straight away.
    const firstName = names[0]!;
    await page.getByRole('button', { name: `Book ${firstName}`, exact: true }).click();
    await waitForHeading(page, 'Appointment booked');
    expect(await page.title()).toBe('Appointment booked – Pathflow');
    const summary = page.locator('.nhsuk-summary-list');
    expect(await summary.innerText()).toMatch(/Notice\s+2[89] days/);
    expect(await summary.innerText()).toMatch(/Reasonable offer\s+Yes, 21 days’ notice or more/);
    expect(await summary.innerText()).toMatch(/Appointment\s+10am on /);
    await expectAxeClean(page);
    await screenshot(page, 'clinic-booked');

    // Back to the clinic (the slot's week), and the same slot again: Carol is last in turn.
    await page.getByRole('link', { name: 'Go back to the clinic' }).click();
    await waitForHeading(page, `Clinic – ${name}`);
    await page
      .getByRole('link', { name: /^Book in turn/ })
      .first()
      .click();
    await waitForHeading(page, `${name} – Book in turn`);
    await page.getByRole('table', { name: 'Patients in turn for this slot' }).waitFor();
    await page.getByRole('button', { name: 'Book out of turn Later, Carol' }).click();
    const reason = page.getByLabel('Reason for booking out of turn');
    await reason.waitFor();
    await page.getByRole('button', { name: 'Book Later, Carol', exact: true }).click();
    const errorSummary = page.locator('.nhsuk-error-summary');
    await errorSummary.waitFor();
    expect(await page.title()).toBe('Error: Book in turn – Pathflow');
    expect(await focused(page)).toMatch(/^DIV: There is a problem/);
    const message = (await errorSummary.locator('li').innerText()).trim();
    expect(message.length).toBeGreaterThan(0);
    expect((await page.locator('#outOfTurnReason-error').innerText()).replace(/\s+/g, ' ')).toBe(
      `Error: ${message}`,
    );
    expect(message).toMatch(/give the reason for booking out of turn/);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    await expectAxeClean(page);
    await screenshot(page, 'clinic-out-of-turn-error');

    await reason.fill('Only date the patient can attend');
    await page.getByRole('button', { name: 'Book Later, Carol', exact: true }).click();
    await waitForHeading(page, 'Appointment booked');
    expect(await summary.innerText()).toMatch(
      /Booked out of turn because\s+Only date the patient can attend/,
    );
    expect(await page.getByRole('alert').innerText()).toContain('Later, Carol is booked for 10am on');
    await expectAxeClean(page);
    await screenshot(page, 'clinic-booked-out-of-turn');

    // The slot is now full: the clinic shows it so; booking it anyway is refused with a clear message.
    const slotPath = new URL(page.url());
    await page.getByRole('link', { name: 'Go back to the clinic' }).click();
    await waitForHeading(page, `Clinic – ${name}`);
    const slotRow = page
      .getByRole('table', { name: /^Slots in the week beginning/ })
      .locator('tbody tr')
      .first();
    expect(await slotRow.innerText()).toMatch(/Full/);
    await page.goto(slotPath.toString());
    await waitForHeading(page, `${name} – Book in turn`);
    await page.getByRole('table', { name: 'Patients in turn for this slot' }).waitFor();
    await page.locator('table tbody tr button').first().click();
    await waitForHeading(page, 'This slot is full');
    expect(await page.title()).toBe('This slot is full – Pathflow');
    await page.getByRole('link', { name: 'Go back to the clinic to choose another slot' }).waitFor();
    await expectAxeClean(page);
    await screenshot(page, 'clinic-slot-full');
  });
});

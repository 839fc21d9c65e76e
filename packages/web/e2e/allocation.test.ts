import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appointments, clinicTemplates, communications, locations, slots } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { addWaitingPatient } from './support/patients';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { spaced } from './support/referrals';

const DAY_MS = 86_400_000;
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** The UK date `days` from today, YYYY-MM-DD. */
const daysAhead = (days: number) => londonDay.format(new Date(Date.now() + days * DAY_MS));

describe('automatic allocation', () => {
  const suite = useWebHarness();

  /** An ear, nose and throat clinic with three new-patient slots a month or so ahead (no clinician: pooled). */
  const createEntSlots = async () => {
    const db = suite.h.db.db;
    const orgId = suite.h.fixture.orgId;
    const locationId = randomUUID();
    await db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: 'XT1E2',
      name: 'Outpatients B',
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    const templateId = randomUUID();
    await db.insert(clinicTemplates).values({
      orgId,
      id: templateId,
      name: 'E2E ENT clinic',
      locationId,
      specialtyCode: '120',
      serviceName: 'ENT new patients',
      createdBy: 'e2e',
    });
    const ids: string[] = [];
    for (const [i, days] of [30, 31, 37].entries()) {
      const date = daysAhead(days);
      const start = new Date(`${date}T10:00:00Z`);
      const id = randomUUID();
      ids.push(id);
      await db.insert(slots).values({
        orgId,
        id,
        templateId,
        key: `${templateId}/v1/${date}/0/${i}`,
        sessionDate: date,
        sessionIndex: 0,
        startsAt: start,
        endsAt: new Date(start.getTime() + 20 * 60_000),
        slotType: 'new',
        capacity: 1,
        status: 'open',
        specialtyCode: '120',
        clinicianId: null,
        locationId,
      });
    }
    return ids;
  };

  /** A patient waiting for a first ENT appointment. */
  const addEntPatient = async (givenName: string, familyName: string) =>
    await addWaitingPatient(suite.h, { givenName, familyName, specialtyCode: '120', tag: 'E2A' });

  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  it('makes a plan for a specialty, shows the patients, books them after a check, and confirms it', async () => {
    const slotIds = await createEntSlots();
    const dee = await addEntPatient('Dee', 'Waiting');
    const eve = await addEntPatient('Eve', 'Longer');
    const t = await suite.signedIn('booking-clerk');
    const { page } = t;

    await page.getByRole('link', { name: 'Book a waiting list automatically' }).click();
    await waitForHeading(page, 'Book a waiting list automatically');
    expect(await page.title()).toBe('Book a waiting list automatically – Pathflow');
    expect(await page.getByText(/less than 21 days’ notice is not a\s+reasonable offer/).count()).toBe(1);
    await page.locator('#specialtyCode option[value="120"]').waitFor({ state: 'attached' });
    await expectAxeClean(page);

    // Bad input: no specialty, and weeks out of range.
    await page.getByLabel('Number of weeks to plan').fill('27');
    await page.getByRole('button', { name: 'Make a plan' }).click();
    const errorSummary = page.locator('.nhsuk-error-summary');
    await errorSummary.waitFor();
    expect(await page.title()).toBe('Error: Book a waiting list automatically – Pathflow');
    expect(await focused(page)).toMatch(/^DIV: There is a problem/);
    expect(await errorSummary.locator('li').allInnerTexts()).toEqual([
      'Select a specialty',
      'The number of weeks must be from 1 to 26',
    ]);
    expect(await page.getByLabel('Specialty').getAttribute('aria-invalid')).toBe('true');
    await expectAxeClean(page);
    await screenshot(page, 'allocation-errors');

    // A plan for ENT over eight weeks.
    await page.getByLabel('Specialty').selectOption('120');
    await page.getByLabel('Number of weeks to plan').fill('8');
    await page.getByRole('button', { name: 'Make a plan' }).click();
    await page.getByRole('heading', { level: 2, name: 'Plan for 120 Ear, nose and throat' }).waitFor();
    expect(await errorSummary.count()).toBe(0);
    const summary = page.locator('.nhsuk-summary-list');
    expect(await summary.innerText()).toMatch(/Patients waiting\s+3/);
    expect(await summary.innerText()).toMatch(/Free places\s+3 places in 3 slots/);
    expect(await summary.innerText()).toMatch(/Would book\s+3 appointments/);
    const table = page.getByRole('table', { name: /^Appointments the plan would book/ });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    const names = await rows.locator('th .nhsuk-u-font-weight-bold').allInnerTexts();
    // In turn: Bob's clock (1 September) started before Dee's and Eve's (1 November).
    expect(names[0]).toBe('Sample, Bob');
    expect(names.slice(1).sort()).toEqual(['Longer, Eve', 'Waiting, Dee']);
    const text = await table.innerText();
    expect(text).toContain(spaced(dee.nhsNumber));
    expect(text).toContain(spaced(eve.nhsNumber));
    expect(text).toContain('E2E ENT clinic, new slot');
    expect(await rows.nth(0).innerText()).toMatch(/30 days/);
    await expectAxeClean(page);
    await screenshot(page, 'allocation-plan');

    // Nothing is booked until the check is confirmed.
    await page.getByRole('button', { name: 'Book these appointments' }).click();
    await waitForHeading(page, 'Check before you book');
    expect(await page.title()).toBe('Check before you book – Pathflow');
    const db = suite.h.db.db;
    const orgId = suite.h.fixture.orgId;
    const inSlots = () =>
      db
        .select()
        .from(appointments)
        .where(and(eq(appointments.orgId, orgId), inArray(appointments.slotId, slotIds)));
    expect(await inSlots()).toHaveLength(0);
    await expectAxeClean(page);
    await screenshot(page, 'allocation-check');

    await page.getByRole('button', { name: 'Yes, book 3 appointments' }).click();
    await waitForHeading(page, 'Appointments booked');
    expect(await page.title()).toBe('Appointments booked – Pathflow');
    expect(await page.getByRole('alert').innerText()).toContain('3 appointments booked; 3 letters queued');
    await expectAxeClean(page);
    await screenshot(page, 'allocation-booked');

    const made = await inSlots();
    expect(made).toHaveLength(3);
    expect(made.map((a) => a.pathwayId)).toEqual(
      expect.arrayContaining([dee.pathwayId, eve.pathwayId, suite.h.fixture.pathways.bobEnt]),
    );
    const letters = await db
      .select()
      .from(communications)
      .where(
        inArray(
          communications.appointmentId,
          made.map((a) => a.id),
        ),
      );
    expect(letters).toHaveLength(3);
  });
});

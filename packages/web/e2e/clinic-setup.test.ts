import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clinicians, locations } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { staffApi } from './support/referrals';

const DAY_MS = 86_400_000;
const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** Today in the UK plus `days`, YYYY-MM-DD (noon avoids the clock change). */
const fromToday = (days: number) => {
  const today = londonDay.format(new Date());
  return new Date(Date.parse(`${today}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
};
/** ISO weekday (1 = Monday) of a YYYY-MM-DD. */
const isoWeekday = (iso: string) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
/** "30 November 2026". */
const longDate = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${iso}T12:00:00Z`));

/** Types a YYYY-MM-DD into the NHS.UK date input `id`. */
async function fillDate(page: Page, id: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${id}-day`).fill(String(Number(d)));
  await page.locator(`#${id}-month`).fill(String(Number(m)));
  await page.locator(`#${id}-year`).fill(y!);
}

describe('setting up and changing clinics by hand', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  /** An outpatient location (the fixture has none), named so each test can pick its own. */
  const addLocation = async (name: string) => {
    const id = randomUUID();
    await suite.h.db.db.insert(locations).values({
      orgId: suite.h.fixture.orgId,
      id,
      siteCode: `XT1${Math.floor(Math.random() * 900 + 100)}`,
      name,
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    return id;
  };

  it('sets up a clinic through the form, showing every problem in the summary, and sees its slots', async () => {
    const t = await suite.signedIn('booking-clerk');
    const { page } = t;
    await addLocation('Outpatients Setup');
    const first = fromToday(1);
    const name = 'E2E set-up clinic';

    await page.getByRole('link', { name: 'Set up a clinic' }).click();
    await waitForHeading(page, 'Set up a clinic');
    expect(await page.title()).toBe('Set up a clinic – Pathflow');
    await expectAxeClean(page);

    // Nothing filled in: the form's own checks, linked to their fields.
    await page.getByRole('button', { name: 'Save the clinic and make its slots' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await page.title()).toBe('Error: Set up a clinic – Pathflow');
    expect(await focused(page)).toMatch(/^DIV: There is a problem/);
    expect(await summary.locator('li').allInnerTexts()).toEqual([
      'Enter the name of the clinic',
      'Select the specialty',
      'Select who runs the clinic',
      'Select the location',
      'Enter the first date',
    ]);
    expect(
      await summary.getByRole('link', { name: 'Enter the name of the clinic' }).getAttribute('href'),
    ).toBe('#name');
    await expectAxeClean(page);

    await page.getByLabel('Clinic name').fill(name);
    await page.getByLabel('Specialty').selectOption('110');
    await page.getByLabel('A consultant').check();
    const consultant = page.getByLabel('Consultant', { exact: true });
    await consultant.locator('option', { hasText: 'Ms Ada Surgeon' }).waitFor({ state: 'attached' });
    await consultant.selectOption({ label: 'Ms Ada Surgeon, consultant' });
    await page.getByLabel('Location').selectOption({ label: 'Outpatients Setup, Test General' });
    await fillDate(page, 'effectiveFrom', first);
    await page.getByLabel('Day of the week').selectOption(String(isoWeekday(first)));
    await page.getByLabel('Start time').fill('09:00');
    await page.getByLabel('End time').fill('10:00');
    await page.locator('#sessions-0-rows-0-count').fill('3');
    await page.locator('#sessions-0-rows-0-minutes').fill('15');
    await page.getByRole('table', { name: 'Session 1 will have 3 slots, from 9am to 9:45am' }).waitFor();
    // A second row of one 30-minute follow-up slot: it runs past the session end, which the server finds.
    await page.getByRole('button', { name: 'Add a slot row to session 1' }).click();
    await page.locator('#sessions-0-rows-1-count').fill('1');
    await page.locator('#sessions-0-rows-1-minutes').fill('30');
    await page.locator('#sessions-0-rows-1-slotType').selectOption('follow-up');
    const preview = page.getByRole('table', { name: 'Session 1 will have 4 slots, from 9am to 10:15am' });
    await preview.waitFor();
    expect((await preview.locator('tbody tr').last().innerText()).replace(/\s+/g, ' ').trim()).toBe(
      '4 9:45am to 10:15am Follow-up 1',
    );
    await screenshot(page, 'clinic-setup-preview');

    await page.getByRole('button', { name: 'Save the clinic and make its slots' }).click();
    const serverError = summary.getByRole('link', { name: /^Session 1, slot 4: / });
    await serverError.waitFor();
    expect(await serverError.innerText()).toBe(
      'Session 1, slot 4: The slot runs 15 minutes past the end of its session at 10:00',
    );
    expect(await serverError.getAttribute('href')).toBe('#sessions-0-rows-1-minutes');
    expect((await page.locator('#sessions-0-rows-1-minutes-error').innerText()).replace(/\s+/g, ' ')).toBe(
      'Error: Slot 4: The slot runs 15 minutes past the end of its session at 10:00',
    );
    expect(await page.locator('#sessions-0-rows-1-minutes').getAttribute('aria-invalid')).toBe('true');
    await serverError.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sessions-0-rows-1-minutes');
    await expectAxeClean(page);
    await screenshot(page, 'clinic-setup-error');

    // Fixed: the session ends at 10:30. The clinic page says how many slots were made.
    await page.getByLabel('End time').fill('10:30');
    await page.getByRole('button', { name: 'Save the clinic and make its slots' }).click();
    await waitForHeading(page, `Clinic – ${name}`);
    const clinicId = new URL(page.url()).pathname.split('/')[2]!;
    const banner = page.getByRole('alert');
    const made = /(\d+) slots have been made for the next 26 weeks/.exec(await banner.innerText());
    expect(made).not.toBeNull();
    const slotsMade = Number(made![1]);
    expect(slotsMade).toBeGreaterThanOrEqual(4 * 25);
    expect(slotsMade % 4).toBe(0);
    const schedule = await page.locator('.nhsuk-summary-list').nth(1).innerText();
    expect(schedule).toMatch(/How often\s+Every week/);
    expect(schedule).toMatch(new RegExp(`From\\s+${longDate(first)}`));
    await expectAxeClean(page);

    // The first session's week: its four slots, in order.
    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}?week=${first}`);
    const slots = page.getByRole('table', { name: /^Slots in the week beginning/ });
    await slots.waitFor();
    const rows = await slots.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(4);
    // Places, booked, free, then attendance (not held yet) and the status.
    expect(rows[0]).toMatch(/^9am on .*\tNew\t1\t0\t1\t[\s\S]*\tFree/);
    expect(rows[3]).toMatch(/^9:45am on .*\tFollow-up\t1\t0\t1\t[\s\S]*\tFree/);

    // The server holds what the form said.
    const api = await staffApi(t, suite.h.baseUrl);
    const stored = await api.get<{
      clinicianId: string;
      versions: { sessions: { slots: { offsetMinutes: number; durationMinutes: number }[] }[] }[];
    }>(`/clinics/${clinicId}`);
    const [fixtureConsultant] = await suite.h.db.db
      .select({ id: clinicians.id })
      .from(clinicians)
      .where(eq(clinicians.orgId, suite.h.fixture.orgId));
    expect(stored.body.clinicianId).toBe(fixtureConsultant!.id);
    expect(stored.body.versions[0]!.sessions[0]!.slots.map((s) => s.offsetMinutes)).toEqual([0, 15, 30, 45]);
  });

  /** A weekly clinic from tomorrow on today's weekday (so its first session is in a week), 10:00 to 11:00. */
  const createClinicByApi = async (api: Awaited<ReturnType<typeof staffApi>>, name: string) => {
    const [consultant] = await suite.h.db.db
      .select({ id: clinicians.id })
      .from(clinicians)
      .where(eq(clinicians.orgId, suite.h.fixture.orgId));
    const res = await api.post<{ id: string }>('/clinics', {
      name,
      clinicianId: consultant!.id,
      locationId: await addLocation(`Outpatients ${name}`),
      specialtyCode: '110',
      effectiveFrom: fromToday(1),
      recurrence: { kind: 'weekly' },
      sessions: [
        {
          weekday: isoWeekday(fromToday(7)),
          start: '10:00',
          end: '11:00',
          slots: [
            { offsetMinutes: 0, durationMinutes: 30, slotType: 'new', capacity: 1 },
            { offsetMinutes: 30, durationMinutes: 30, slotType: 'new', capacity: 1 },
          ],
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };

  it("sends a cancellation with less than 6 weeks' notice for approval, and a service manager approves it", async () => {
    const clerk = await suite.signedIn('booking-clerk');
    const { page } = clerk;
    const api = await staffApi(clerk, suite.h.baseUrl);
    const name = 'E2E cancellation clinic';
    const clinicId = await createClinicByApi(api, name);
    const sessionDate = fromToday(7);

    // The first patient in turn is booked into the session's first slot.
    const slots = await api.get<{ slots: { id: string }[] }>(
      `/clinics/${clinicId}/slots?from=${sessionDate}&to=${sessionDate}`,
    );
    const slotId = slots.body.slots[0]!.id;
    const inTurn = await api.get<{ patients: { pathwayId: string }[] }>(`/slots/${slotId}/in-turn?limit=1`);
    const booked = await api.post('/appointments', { slotId, pathwayId: inTurn.body.patients[0]!.pathwayId });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);

    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}`);
    await waitForHeading(page, `Clinic – ${name}`);
    await page.getByRole('link', { name: 'Cancel or reduce a session' }).click();
    await waitForHeading(page, `${name} – Cancel or reduce a session`);
    expect(await page.title()).toBe('Cancel or reduce a session – Pathflow');
    await fillDate(page, 'date', sessionDate);
    await page
      .getByText(`The session on ${longDate(sessionDate)}: 10am to 11am: 2 open slots, 1 booked.`)
      .waitFor();
    await page.getByLabel('Cancel the whole session').check();
    await expectAxeClean(page);

    // No reason: refused, and the summary says so.
    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.locator('li').allInnerTexts()).toEqual([
      'Enter why the session is cancelled or reduced',
    ]);
    expect(await page.title()).toBe('Error: Cancel or reduce a session – Pathflow');
    await expectAxeClean(page);

    await page.getByLabel('Why is the session cancelled or reduced?').fill('Consultant on annual leave');
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForHeading(page, `${name} – Check the changes`);
    await page.getByRole('button', { name: 'Send for approval' }).click();
    await waitForHeading(page, `${name} – Cancellation sent for approval`);
    expect(await page.getByRole('alert').innerText()).toContain(
      `The session on ${longDate(sessionDate)} is less than 6 weeks away, so a service manager needs to approve`,
    );
    await expectAxeClean(page);
    await screenshot(page, 'clinic-cancel-sent-for-approval');

    // Nothing has changed yet: the clinic shows the change waiting.
    await page.getByRole('link', { name: 'Go back to the clinic' }).click();
    await waitForHeading(page, `Clinic – ${name}`);
    await page.getByRole('heading', { level: 2, name: 'Changes waiting for approval' }).waitFor();
    expect(await page.locator('section[aria-labelledby="pending-heading"]').innerText()).toContain(
      `Cancel or reduce the session on ${longDate(sessionDate)}. Reason: Consultant on annual leave.`,
    );

    // The service manager's worklist.
    const manager = await suite.signedIn('service-manager');
    const mp = manager.page;
    await mp.getByRole('link', { name: 'Clinic changes to approve' }).click();
    await waitForHeading(mp, 'Clinic changes to approve');
    const table = mp.getByRole('table', { name: 'Changes waiting for approval, soonest first' });
    await table.waitFor();
    const row = table.locator('tbody tr').filter({ hasText: name });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain(
      `Cancel or reduce the session on ${longDate(sessionDate)}`,
    );
    expect(await row.innerText()).toMatch(/\b7 days\b/);
    await expectAxeClean(mp);
    await screenshot(mp, 'clinic-changes-worklist');

    await row.getByRole('link', { name: /^Approve or reject/ }).click();
    await waitForHeading(mp, `${name} – Approve or reject a clinic change`);
    await expectAxeClean(mp);
    await mp.getByRole('button', { name: 'Save the decision' }).click();
    await mp.locator('.nhsuk-error-summary').waitFor();
    expect(await mp.locator('.nhsuk-error-summary li').allInnerTexts()).toEqual([
      'Select whether to approve or reject the change',
      'Enter the reason for your decision',
    ]);
    await mp.getByLabel('Yes, approve it').check();
    await mp.getByLabel('Reason for your decision').fill('Leave agreed; patients rebooked');
    await mp.getByRole('button', { name: 'Save the decision' }).click();
    await waitForHeading(mp, `${name} – Change approved`);
    const result = await mp.locator('.nhsuk-summary-list').innerText();
    expect(result).toMatch(/Slots cancelled\s+2/);
    expect(result).toMatch(/Appointments cancelled\s+1/);
    const rebooked = Number(/Patients rebooked\s+(\d+)/.exec(result)![1]);
    const escalated = Number(/Patients not rebooked in time\s+(\d+)/.exec(result)![1]);
    expect(rebooked + escalated).toBe(1);
    if (rebooked === 1) {
      const moved = await mp
        .getByRole('table', { name: 'Patients rebooked' })
        .locator('tbody tr')
        .innerText();
      // From the cancelled session into the earliest suitable slot in the specialty, wherever it is.
      const [was, now] = moved.split('\t');
      expect(was).toBe(`10am on ${longDate(sessionDate)}`);
      expect(now).not.toContain(longDate(sessionDate));
    }
    await expectAxeClean(mp);
    await screenshot(mp, 'clinic-change-approved');

    // The worklist is empty again, and the clinic's session is cancelled.
    await mp.getByRole('link', { name: 'Go back to clinic changes to approve' }).click();
    await waitForHeading(mp, 'Clinic changes to approve');
    await mp.getByText('There are no clinic changes waiting for approval.').waitFor();
    await mp.goto(`${suite.h.baseUrl}/clinics/${clinicId}?week=${sessionDate}`);
    const week = mp.getByRole('table', { name: /^Slots in the week beginning/ });
    await week.waitFor();
    const statuses = await week.locator('tbody tr td:nth-child(8)').allInnerTexts();
    expect(statuses).toEqual(['Cancelled', 'Cancelled']);
    await mp.getByRole('heading', { level: 2, name: 'Patients not rebooked in time' }).waitFor();
    await expectAxeClean(mp);
  });

  it("changes a clinic with 6 weeks' notice from the form prefilled with the clinic as it runs", async () => {
    const clerk = await suite.signedIn('booking-clerk');
    const { page } = clerk;
    const api = await staffApi(clerk, suite.h.baseUrl);
    const name = 'E2E change clinic';
    const clinicId = await createClinicByApi(api, name);
    const from = fromToday(7 * 8);

    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}`);
    await waitForHeading(page, `Clinic – ${name}`);
    await page.getByRole('link', { name: 'Change this clinic' }).click();
    await waitForHeading(page, `${name} – Change this clinic`);
    // Prefilled: one row of two 30-minute new slots from 10:00 to 11:00.
    expect(await page.getByLabel('Start time').inputValue()).toBe('10:00');
    expect(await page.getByLabel('End time').inputValue()).toBe('11:00');
    expect(await page.locator('#sessions-0-rows-0-count').inputValue()).toBe('2');
    expect(await page.locator('#sessions-0-rows-0-minutes').inputValue()).toBe('30');
    await page.getByRole('table', { name: 'Session 1 will have 2 slots, from 10am to 11am' }).waitFor();
    await expectAxeClean(page);

    // Longer: to 12:00 with four slots.
    await fillDate(page, 'effectiveFrom', from);
    await page.getByLabel('End time').fill('12:00');
    await page.locator('#sessions-0-rows-0-count').fill('4');
    await page.getByRole('table', { name: 'Session 1 will have 4 slots, from 10am to midday' }).waitFor();
    await page.getByLabel('Why is the clinic changing?').fill('Job plan now has a longer clinic');
    await page.getByRole('button', { name: 'Save the change' }).click();
    await waitForHeading(page, `${name} – Clinic changed`);
    expect(await page.getByRole('alert').innerText()).toMatch(/so it has been made\. \d+ slots were made\./);
    expect(await page.locator('.nhsuk-summary-list').innerText()).toMatch(/Version\s+2/);
    await expectAxeClean(page);
    await screenshot(page, 'clinic-changed');

    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}?week=${from}`);
    const week = page.getByRole('table', { name: /^Slots in the week beginning/ });
    await week.waitFor();
    expect(await week.locator('tbody tr').count()).toBe(4);
  });
});

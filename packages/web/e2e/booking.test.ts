/**
 * Booking a patient from their pathway (`/pathways/:id/book`): the patient and pathway, filters kept in the
 * address, free slots by date with their notice, the letter preview, "Confirm booking" and the confirmation
 * with a link to the letter. And the live update: a slot someone else books while it is on screen goes from the
 * list, or — when it is the one chosen — says so and cannot be confirmed; the same on "Book in turn". The pages
 * re-check every 300 ms here (`pathflow:slot-poll-ms` in local storage) instead of every 10 seconds.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { appointments, clinicians, locations, pathways } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { addWaitingPatient } from './support/patients';
import { screenshot, useWebHarness, waitForHeading, type TestPage } from './support/harness';
import { spaced, staffApi, type StaffApi } from './support/referrals';

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const today = () => londonDay.format(new Date());
const isoWeekday = (iso: string) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const TAKEN = 'This slot has just been booked by someone else. Choose another slot.';

interface Slot {
  id: string;
  sessionDate: string;
  startsAt: string;
  booked: number;
}

describe('booking from a pathway', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  /** A clerk's page that re-checks slots every 300 ms. */
  const fastClerk = async (): Promise<TestPage> => {
    const t = await suite.newPage();
    await t.context.addInitScript(() => window.localStorage.setItem('pathflow:slot-poll-ms', '300'));
    await t.page.goto(`${suite.h.baseUrl}/sign-in`);
    await waitForHeading(t.page, 'Sign in');
    await t.page.getByLabel('Username').fill('booking-clerk');
    await t.page.getByLabel('Password', { exact: true }).fill('Correct-horse-1');
    await t.page.getByRole('button', { name: 'Sign in' }).click();
    await waitForHeading(t.page, 'Home');
    return t;
  };

  /** Another member of staff (a team leader) signed in on a page of their own, to book through the API. */
  const otherStaff = async (): Promise<StaffApi> =>
    staffApi(await suite.signedIn('team-leader'), suite.h.baseUrl);

  let setUp: Promise<{ knee: string; hip: string }> | undefined;
  /**
   * Two weekly clinics on today's weekday, 10am London, one new-patient place each (knee and hip); the fixture's
   * orthopaedic pathways closed so that the test's patients are the ones in turn.
   */
  const clinics = (api: StaffApi) =>
    (setUp ??= (async () => {
      const db = suite.h.db.db;
      const orgId = suite.h.fixture.orgId;
      await db.execute(
        sql`update pathways set status = 'closed', rtt_running = false where org_id = ${orgId} and specialty_code = '110'`,
      );
      const [consultant] = await db
        .select({ id: clinicians.id })
        .from(clinicians)
        .where(eq(clinicians.orgId, orgId));
      const locationId = randomUUID();
      await db.insert(locations).values({
        orgId,
        id: locationId,
        siteCode: 'XT1E2B',
        name: 'Outpatients B',
        site: 'Test General',
        addressLine: '1 Hospital Road',
        postcode: 'LS1 3EX',
      });
      const create = async (name: string) => {
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
              end: '10:20',
              slots: [{ offsetMinutes: 0, durationMinutes: 20, slotType: 'new', capacity: 1 }],
            },
          ],
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body.id;
      };
      return { knee: await create('Knee clinic'), hip: await create('Hip clinic') };
    })());

  const slotOn = async (api: StaffApi, clinicId: string, date: string): Promise<Slot> => {
    const res = await api.get<{ slots: Slot[] }>(`/clinics/${clinicId}/slots?from=${date}&to=${date}`);
    expect(res.status).toBe(200);
    return res.body.slots[0]!;
  };

  it('books a patient into a chosen slot after showing the letter, with filters in the address', async () => {
    const api = await otherStaff();
    const { knee } = await clinics(api);
    const carol = await addWaitingPatient(suite.h, {
      givenName: 'Carol',
      familyName: 'Booker',
      specialtyCode: '110',
      tag: 'E2B',
    });
    const t = await fastClerk();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/pathways/${carol.pathwayId}/book`);
    await waitForHeading(page, 'Booker, Carol – Book an appointment');
    expect(await page.title()).toBe('Book an appointment – Pathflow');
    const header = page.locator('.nhsuk-summary-list').first();
    await header.waitFor();
    const headerText = await header.innerText();
    expect(headerText).toContain(spaced(carol.nhsNumber));
    expect(headerText).toMatch(/Priority\s+Routine/);
    expect(headerText).toMatch(/18-week breach date\s+8 Mar 2027/);

    // Both clinics' slots, by date, each with its notice: 14 days is short notice, 28 a reasonable offer.
    const in14 = addDays(today(), 14);
    const in28 = addDays(today(), 28);
    const slots = page.getByRole('group', { name: /Choose a slot/ });
    await slots.waitFor();
    const kneeIn14 = await slotOn(api, knee, in14);
    const kneeIn28 = await slotOn(api, knee, in28);
    expect(await page.locator(`#slot-${kneeIn14.id}-hint`).innerText()).toMatch(
      /Ms Ada Surgeon, Outpatients B, Test General\. New\. 14 days’ notice\s+Short notice/,
    );
    expect(await page.locator(`#slot-${kneeIn28.id}-hint`).innerText()).toMatch(
      /28 days’ notice\s+Reasonable offer/,
    );
    // Six weeks (and today's, if it has not started) of two clinics.
    expect(await slots.getByRole('radio').count()).toBeGreaterThanOrEqual(12);
    expect(await slots.innerText()).toContain('Hip clinic');
    await expectAxeClean(page);
    await screenshot(page, 'book-find-slot');

    // Filter to the knee clinic from four weeks on: kept in the address, and after a reload.
    await page.getByLabel('Clinic', { exact: true }).selectOption({ label: 'Knee clinic' });
    const [y, m, d] = in28.split('-');
    const from = page.getByRole('group', { name: 'From' });
    await from.getByLabel('Day').fill(String(Number(d)));
    await from.getByLabel('Month').fill(String(Number(m)));
    await from.getByLabel('Year').fill(y!);
    const [y2, m2, d2] = addDays(in28, 7).split('-');
    const to = page.getByRole('group', { name: 'To' });
    await to.getByLabel('Day').fill(String(Number(d2)));
    await to.getByLabel('Month').fill(String(Number(m2)));
    await to.getByLabel('Year').fill(y2!);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(
      (url) => url.searchParams.get('clinic') === knee && url.searchParams.get('from') === in28,
    );
    await page.reload();
    await waitForHeading(page, 'Booker, Carol – Book an appointment');
    await slots.waitFor();
    expect(await page.getByLabel('Clinic', { exact: true }).inputValue()).toBe(knee);
    expect(await slots.getByRole('radio').count()).toBe(2); // weeks 4 and 5 of the knee clinic
    expect(await slots.innerText()).not.toContain('Hip clinic');

    // Continue without choosing: an error; then choose by keyboard.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    expect(await page.title()).toBe('Error: Book an appointment – Pathflow');
    await expectAxeClean(page);
    await page.locator('#slot').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#slot').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Continue' }).click();

    // The letter, before booking.
    await waitForHeading(page, 'Booker, Carol – Check and confirm the booking');
    const letter = page.getByRole('region', { name: 'The letter Carol Booker will be sent' });
    await letter.waitFor();
    const letterText = await letter.innerText();
    expect(letterText).toContain('To Carol Booker, 3 Test Street, Leeds, LS1 4AP');
    expect(letterText).toContain('Your appointment');
    expect(letterText).toMatch(/Place\s+Outpatients B, Test General, 1 Hospital Road, LS1 3EX/);
    expect(letterText).toMatch(/Text message: no mobile phone number is recorded/);
    expect(await page.locator('dl').nth(1).innerText()).toMatch(
      /Notice\s+28 days’ notice\s+Reasonable offer/,
    );
    await expectAxeClean(page);
    await screenshot(page, 'book-letter-preview');

    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await waitForHeading(page, 'Appointment booked');
    expect(await page.title()).toBe('Appointment booked – Pathflow');
    expect(await page.getByRole('alert').innerText()).toMatch(
      /Booker, Carol is booked for 10am on .* in Knee clinic/,
    );
    expect(await page.locator('.nhsuk-summary-list').innerText()).toMatch(/Notice\s+28 days’ notice/);
    await expectAxeClean(page);
    await screenshot(page, 'book-booked');
    await page.getByRole('link', { name: 'View the confirmation letter' }).click();
    await page.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1 }).waitFor();

    // The slot is booked: it is no longer offered.
    const slot = await slotOn(api, knee, in28);
    expect(slot.booked).toBe(1);
  });

  it('takes a slot someone else books off the list, and stops a chosen one being confirmed', async () => {
    const api = await otherStaff();
    const { hip } = await clinics(api);
    const dan = await addWaitingPatient(suite.h, {
      givenName: 'Dan',
      familyName: 'Waiting',
      specialtyCode: '110',
      tag: 'E2C',
    });
    const erin = await addWaitingPatient(suite.h, {
      givenName: 'Erin',
      familyName: 'Other',
      specialtyCode: '110',
      tag: 'E2D',
    });
    await suite.h.db.db
      .update(pathways)
      .set({ rttPeriodStart: '2026-11-20', clockStartDate: '2026-11-20' })
      .where(eq(pathways.id, erin.pathwayId));
    const in7 = addDays(today(), 7);
    const in14 = addDays(today(), 14);
    const hip7 = await slotOn(api, hip, in7);
    const hip14 = await slotOn(api, hip, in14);

    const t = await fastClerk();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/pathways/${dan.pathwayId}/book?clinic=${hip}`);
    await waitForHeading(page, 'Waiting, Dan – Book an appointment');
    await page.locator(`input[value="${hip7.id}"]`).waitFor();

    // Someone else books the first hip slot: it goes from the list, and the page says so.
    const other = await api.post('/appointments', {
      slotId: hip7.id,
      pathwayId: erin.pathwayId,
      outOfTurnReason: 'Booked by phone',
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await page.getByRole('status').getByText('A slot has just been booked by someone else').waitFor();
    await page.locator(`input[value="${hip7.id}"]`).waitFor({ state: 'detached' });
    await expectAxeClean(page);
    await screenshot(page, 'book-slot-gone-from-list');

    // Dan chooses the next one; while the letter is shown, someone else books it too.
    await page.locator(`input[value="${hip14.id}"]`).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForHeading(page, 'Waiting, Dan – Check and confirm the booking');
    await page.getByRole('region', { name: 'The letter Dan Waiting will be sent' }).waitFor();
    const confirm = page.getByRole('button', { name: 'Confirm booking' });
    expect(await confirm.isEnabled()).toBe(true);
    const erinAgain = await addWaitingPatient(suite.h, {
      givenName: 'Fay',
      familyName: 'Other',
      specialtyCode: '110',
      tag: 'E2F',
    });
    const second = await api.post('/appointments', {
      slotId: hip14.id,
      pathwayId: erinAgain.pathwayId,
      outOfTurnReason: 'Booked by phone',
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    await page.getByRole('alert').getByText(TAKEN).waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await expectAxeClean(page);
    await screenshot(page, 'book-chosen-slot-taken');

    // Back to the list: neither taken slot is offered.
    await page.getByRole('button', { name: 'Choose another slot' }).click();
    await waitForHeading(page, 'Waiting, Dan – Book an appointment');
    await page.getByRole('group', { name: /Choose a slot/ }).waitFor();
    expect(await page.locator(`input[value="${hip7.id}"], input[value="${hip14.id}"]`).count()).toBe(0);
  });

  it('says so on "Book in turn" when someone else books the slot while its letter is shown', async () => {
    const api = await otherStaff();
    const { knee } = await clinics(api);
    const in35 = addDays(today(), 35);
    const slot = await slotOn(api, knee, in35);
    const t = await fastClerk();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/slots/${slot.id}/book?clinic=${knee}&date=${slot.sessionDate}`);
    await waitForHeading(page, 'Knee clinic – Book in turn');
    const table = page.getByRole('table', { name: 'Patients in turn for this slot' });
    await table.waitFor();
    await table.locator('tbody tr button').first().click();
    const preview = page.getByRole('region', { name: /^The letter .* will be sent$/ });
    await preview.waitFor();
    expect(await preview.innerText()).toContain('Your appointment');
    const confirm = page.getByRole('button', { name: 'Confirm booking' });
    expect(await confirm.isEnabled()).toBe(true);
    await expectAxeClean(page);
    await screenshot(page, 'book-in-turn-preview');

    const someone = await addWaitingPatient(suite.h, {
      givenName: 'Gil',
      familyName: 'Other',
      specialtyCode: '110',
      tag: 'E2G',
    });
    const res = await api.post('/appointments', {
      slotId: slot.id,
      pathwayId: someone.pathwayId,
      outOfTurnReason: 'Booked by phone',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await page.getByRole('alert').getByText(TAKEN).waitFor();
    expect(await confirm.isDisabled()).toBe(true);
    await expectAxeClean(page);
    await screenshot(page, 'book-in-turn-slot-taken');
  });

  it('books once when the answer to "Confirm booking" is lost and the clerk presses it again', async () => {
    const api = await otherStaff();
    const { knee } = await clinics(api);
    const hal = await addWaitingPatient(suite.h, {
      givenName: 'Hal',
      familyName: 'Retry',
      specialtyCode: '110',
      tag: 'E2H',
    });
    // First in turn, so that no out-of-turn reason is asked for.
    await suite.h.db.db
      .update(pathways)
      .set({ rttPeriodStart: '2026-06-01', clockStartDate: '2026-06-01' })
      .where(eq(pathways.id, hal.pathwayId));
    const in21 = addDays(today(), 21);
    const slot = await slotOn(api, knee, in21);
    const t = await fastClerk();
    const { page } = t;
    await page.goto(
      `${suite.h.baseUrl}/pathways/${hal.pathwayId}/book?clinic=${knee}&from=${in21}&to=${in21}`,
    );
    await waitForHeading(page, 'Retry, Hal – Book an appointment');
    await page.locator(`input[value="${slot.id}"]`).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForHeading(page, 'Retry, Hal – Check and confirm the booking');
    await page.getByRole('region', { name: 'The letter Hal Retry will be sent' }).waitFor();

    // The booking reaches the server, but its answer never reaches the browser.
    const keys: string[] = [];
    await page.route('**/api/v1/appointments', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      const answer = await route.fetch();
      expect(answer.status()).toBe(201);
      await route.abort('failed');
    });
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.locator('.nhsuk-error-summary').getByText('We could not confirm the booking').waitFor();
    await expectAxeClean(page);
    await screenshot(page, 'book-answer-lost');

    // Pressed again with the connection back: the same key, so the first booking is the answer.
    await page.unroute('**/api/v1/appointments');
    const retried = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/appointments'),
    );
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    keys.push((await retried).headers()['idempotency-key'] ?? '');
    await waitForHeading(page, 'Appointment booked');
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const booked = await suite.h.db.db
      .select({ id: appointments.id })
      .from(appointments)
      .where(and(eq(appointments.pathwayId, hal.pathwayId), eq(appointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    expect((await slotOn(api, knee, in21)).booked).toBe(1);
  });
});

/**
 * The booking team's main journeys, end to end through the pages a person uses (issue 6): a clerk finds a
 * patient on the PTL, opens their record, books them after reading the letter, sees the letter and the
 * appointment on the record; a role without permission is refused.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clinicians, locations } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { addWaitingPatient } from './support/patients';
import { useWebHarness, waitForHeading } from './support/harness';
import { staffApi } from './support/referrals';

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const today = () => londonDay.format(new Date());
const isoWeekday = (iso: string) => ((new Date(`${iso}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe('the booking team’s journeys', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  it('a clerk finds a patient on the PTL, books them after reading the letter, and sees the letter on the record', async () => {
    // A weekly ENT clinic on today's weekday and a patient waiting for it.
    const manager = await suite.signedIn('team-leader');
    const api = await staffApi(manager, suite.h.baseUrl);
    const db = suite.h.db.db;
    const orgId = suite.h.fixture.orgId;
    const [consultant] = await db
      .select({ id: clinicians.id })
      .from(clinicians)
      .where(eq(clinicians.orgId, orgId));
    // The fixture's ENT patients are left out (their pathways closed), so that Jenna is first in turn.
    await db.execute(
      sql`update pathways set status = 'closed', rtt_running = false where org_id = ${orgId} and specialty_code = '120'`,
    );
    const locationId = crypto.randomUUID();
    await db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: 'XT1JRN',
      name: 'Outpatients J',
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    const created = await api.post<{ id: string }>('/clinics', {
      name: 'Journey ear clinic',
      clinicianId: consultant!.id,
      locationId,
      specialtyCode: '120',
      effectiveFrom: today(),
      recurrence: { kind: 'weekly' },
      sessions: [
        {
          weekday: isoWeekday(today()),
          start: '09:00',
          end: '09:40',
          slots: [
            { offsetMinutes: 0, durationMinutes: 20, slotType: 'new', capacity: 1 },
            { offsetMinutes: 20, durationMinutes: 20, slotType: 'new', capacity: 1 },
          ],
        },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await addWaitingPatient(suite.h, {
      givenName: 'Jenna',
      familyName: 'Journey',
      specialtyCode: '120',
      tag: 'JRN',
    });

    const { page } = await suite.signedIn('booking-clerk');
    // Home → the PTL, filtered to ENT.
    await page.getByRole('link', { name: 'View the patient tracking list' }).click();
    await waitForHeading(page, 'Patient tracking list');
    await page.getByLabel('Specialty').selectOption('120');
    await page.getByRole('button', { name: /^Apply/ }).click();
    await page.waitForURL(/specialty=120/);
    const patientLink = page.getByRole('link', { name: /Journey, Jenna/ });
    await patientLink.waitFor();
    await expectAxeClean(page);

    // The patient's record → book.
    await patientLink.click();
    await waitForHeading(page, 'Jenna Journey');
    const recordUrl = page.url();
    await expectAxeClean(page);
    await page
      .getByRole('link', { name: /^Book an appointment/ })
      .first()
      .click();
    await waitForHeading(page, 'Journey, Jenna – Book an appointment');
    const slots = page.getByRole('group', { name: /Choose a slot/ });
    await slots.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForHeading(page, 'Journey, Jenna – Check and confirm the booking');
    const letter = page.getByRole('region', { name: 'The letter Jenna Journey will be sent' });
    expect(await letter.innerText()).toMatch(/Journey ear clinic/);
    await expectAxeClean(page);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await waitForHeading(page, 'Appointment booked').catch(async (e: unknown) => {
      throw new Error(`${String(e)}\n${await page.locator('main').innerText()}`);
    });
    await expectAxeClean(page);

    // The letter that was queued, then the record shows the appointment and the letter.
    await page.getByRole('link', { name: 'View the confirmation letter' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/messages\/[0-9a-f-]+$/);
    await expectAxeClean(page);
    await page.goto(recordUrl);
    await waitForHeading(page, 'Jenna Journey');
    const main = page.locator('main');
    await main.getByText('Journey ear clinic').first().waitFor();
    expect(await main.innerText()).toMatch(/Letters and messages/);
  }, 120_000);

  it('a role without permission is refused: a booking clerk cannot change the access policy', async () => {
    const t = await suite.signedIn('booking-clerk');
    const api = await staffApi(t, suite.h.baseUrl);
    const refused = await api.post('/access-policy/versions', {
      effectiveFrom: today(),
      settings: {},
      reason: 'Trying',
    });
    expect(refused.status).toBe(403);
    await t.page.goto(`${suite.h.baseUrl}/access-policy`);
    await waitForHeading(t.page, 'Access policy');
    expect(await t.page.locator('main button[type="submit"]').count()).toBe(0);
    await expectAxeClean(t.page);
  });
});

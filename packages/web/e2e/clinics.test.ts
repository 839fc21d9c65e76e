import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clinicians, locations, pathways } from '../../server/src/db/schema';
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
/** Today in the UK plus `days`, YYYY-MM-DD (noon avoids the clock change). */
const fromToday = (days: number) =>
  new Date(Date.parse(`${today()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
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
    await page.getByRole('main').getByRole('link', { name: 'Clinics', exact: true }).click();
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
    // The letter the patient will get is shown first; then the booking is confirmed.
    await page.getByRole('button', { name: 'Confirm booking' }).click();
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

  /**
   * A clinic (as `createClinic`) with a patient of its own booked into its session `days` from today, by a
   * booking clerk. Answers the clinic, the session date and the patient.
   */
  const clinicWithBookedPatient = async (
    name: string,
    days: number,
    givenName: string,
    familyName: string,
  ) => {
    const clerk = await suite.signedIn('booking-clerk');
    const api = await staffApi(clerk, suite.h.baseUrl);
    const clinicId = await createClinic(api, name);
    const sessionDate = fromToday(days);
    const slots = await api.get<{ slots: { id: string }[] }>(
      `/clinics/${clinicId}/slots?from=${sessionDate}&to=${sessionDate}`,
    );
    const slotId = slots.body.slots[0]!.id;
    const patient = await addWaitingPatient(suite.h, {
      givenName,
      familyName,
      specialtyCode: '110',
      tag: 'E2C',
    });
    const booked = await api.post('/appointments', {
      slotId,
      pathwayId: patient.pathwayId,
      outOfTurnReason: 'Test booking',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const [row] = await suite.h.db.db
      .select({ patientId: pathways.patientId })
      .from(pathways)
      .where(eq(pathways.id, patient.pathwayId));
    return { clinicId, sessionDate, nhsNumber: patient.nhsNumber, patientId: row!.patientId };
  };

  /** From the clinic page to "Check the changes" for cancelling the whole session on `date`. */
  const checkCancellation = async (page: Page, clinicId: string, name: string, date: string) => {
    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}`);
    await waitForHeading(page, `Clinic – ${name}`);
    await page.getByRole('link', { name: 'Cancel or reduce a session' }).click();
    await waitForHeading(page, `${name} – Cancel or reduce a session`);
    await fillDate(page, 'date', date);
    await page.getByText(`The session on ${longDate(date)}: 10am to 10:30am`).waitFor();
    await page.getByLabel('Cancel the whole session').check();
    await page.getByLabel('Why is the session cancelled or reduced?').fill('Consultant on annual leave');
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForHeading(page, `${name} – Check the changes`);
  };

  /** The one row of a proposals table, as its cells' texts (whitespace squashed). */
  const proposalRow = async (page: Page, table: string, familyName: string) => {
    const row = page.getByRole('table', { name: table }).locator('tbody tr').filter({ hasText: familyName });
    return (await row.locator('th, td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim());
  };

  it('a service manager checks the proposed rebookings of a session cancellation, applies them and sees them made', async () => {
    const name = 'E2E cancel with notice clinic';
    const { clinicId, sessionDate, nhsNumber, patientId } = await clinicWithBookedPatient(
      name,
      49,
      'Dora',
      'Moved',
    );
    const { page } = await suite.signedIn('service-manager');

    // The clinic page: the week's utilisation and its slots with booked, free and DNA.
    await page.goto(`${suite.h.baseUrl}/clinics/${clinicId}?week=${sessionDate}`);
    await waitForHeading(page, `Clinic – ${name}`);
    const slots = page.getByRole('table', { name: /^Slots in the week beginning/ });
    await slots.waitFor();
    expect(await slots.locator('thead th').allInnerTexts()).toEqual([
      'Time',
      'Type',
      'Places',
      'Booked',
      'Free',
      'Attended',
      'Did not attend',
      'Status',
    ]);
    expect((await slots.locator('tbody tr').first().innerText()).split('\t').slice(2, 5)).toEqual([
      '2',
      '1',
      '1',
    ]);
    const usage = page.locator('section[aria-labelledby="utilisation-heading"]');
    await usage.locator('.nhsuk-summary-list').waitFor();
    expect(await usage.innerText()).toMatch(
      /Places\s+2\s+Booked\s+1 \(50%\)\s+Free\s+1\s+Did not attend\s+0/,
    );
    await expectAxeClean(page);

    await checkCancellation(page, clinicId, name, sessionDate);
    expect(await page.title()).toBe('Check the changes – Pathflow');
    expect(await focused(page)).toBe(`H1: ${name} – Check the changes`);
    expect(await page.locator('.nhsuk-warning-callout').count()).toBe(0);
    await page.getByText('These are the proposed changes as things stand now.', { exact: false }).waitFor();
    const table = 'Patients whose appointments would be cancelled';
    const [who, now, proposal, letter] = await proposalRow(page, table, 'Moved');
    expect(who).toContain('Moved, Dora');
    expect(who).toContain(spaced(nhsNumber));
    const link = page.getByRole('link', { name: 'Moved, Dora' });
    expect(await link.getAttribute('href')).toBe(`/patients/${patientId}`);
    expect(now).toContain(`10am on ${longDate(sessionDate)}`);
    expect(proposal).toMatch(/^Rebook /);
    expect(letter).toBe('New appointment letter');
    const proposedAt = /^Rebook (.+? on \d+ \w+ \d{4})/.exec(proposal!)![1]!;
    expect(proposedAt).not.toContain(longDate(sessionDate));
    await expectAxeClean(page);
    await screenshot(page, 'clinic-cancel-check');

    await page.getByRole('button', { name: 'Apply these changes' }).click();
    await waitForHeading(page, `${name} – Session cancelled`);
    const rebooked = await page
      .getByRole('table', { name: 'Patients rebooked' })
      .locator('tbody tr')
      .innerText();
    const [was, moved] = rebooked.split('\t');
    expect(was).toBe(`10am on ${longDate(sessionDate)}`);
    expect(moved).toBe(proposedAt);
    await expectAxeClean(page);
    await screenshot(page, 'clinic-cancel-applied');
  });

  it('a short-notice cancellation goes for approval, the approval page shows its proposals, and a booking clerk is refused there', async () => {
    const name = 'E2E cancel short notice clinic';
    const { clinicId, sessionDate, nhsNumber } = await clinicWithBookedPatient(name, 7, 'Edna', 'Waiting');
    const { page } = await suite.signedIn('service-manager');

    await checkCancellation(page, clinicId, name, sessionDate);
    const callout = page.locator('.nhsuk-warning-callout');
    expect(await callout.innerText()).toContain('A service manager must approve this');
    expect(await callout.innerText()).toContain('Nothing changes for patients until it is approved.');
    const [, , proposal] = await proposalRow(
      page,
      'Patients whose appointments would be cancelled',
      'Waiting',
    );
    expect(proposal).toMatch(/^Rebook /);
    expect(await page.getByRole('button', { name: 'Apply these changes' }).count()).toBe(0);
    await expectAxeClean(page);
    await screenshot(page, 'clinic-cancel-check-short-notice');

    await page.getByRole('button', { name: 'Send for approval' }).click();
    await waitForHeading(page, `${name} – Cancellation sent for approval`);
    await expectAxeClean(page);

    // The approval page shows the same proposals before the decision.
    await page.goto(`${suite.h.baseUrl}/clinic-changes`);
    await waitForHeading(page, 'Clinic changes to approve');
    const row = page
      .getByRole('table', { name: 'Changes waiting for approval, soonest first' })
      .locator('tbody tr')
      .filter({ hasText: name });
    await row.getByRole('link', { name: /^Approve or reject/ }).click();
    await waitForHeading(page, `${name} – Approve or reject a clinic change`);
    const requestUrl = page.url();
    const proposals = 'Patients whose appointments would be cancelled or moved';
    await page.getByRole('table', { name: proposals }).waitFor();
    const [who, , atApproval, letter] = await proposalRow(page, proposals, 'Waiting');
    expect(who).toContain('Waiting, Edna');
    expect(who).toContain(spaced(nhsNumber));
    expect(atApproval).toBe(proposal);
    expect(letter).toBe('New appointment letter');
    expect(await page.locator('section[aria-labelledby="proposals-heading"]').innerText()).toMatch(
      /Slots to cancel\s+1/,
    );
    await expectAxeClean(page);
    await screenshot(page, 'clinic-change-approval-proposals');

    // A booking clerk may not approve: the page says so plainly.
    const clerk = await suite.signedIn('booking-clerk');
    await clerk.page.goto(requestUrl);
    await waitForHeading(clerk.page, 'You do not have access');
    expect(await clerk.page.getByRole('table').count()).toBe(0);
    await expectAxeClean(clerk.page);

    // Approved: the result shows what was actually done.
    await page.getByLabel('Yes, approve it').check();
    await page.getByLabel('Reason for your decision').fill('Leave agreed');
    await page.getByRole('button', { name: 'Save the decision' }).click();
    await waitForHeading(page, `${name} – Change approved`);
    const proposedAt = /^Rebook (.+? on \d+ \w+ \d{4})/.exec(proposal!)![1]!;
    const done = await page.getByRole('table', { name: 'Patients rebooked' }).locator('tbody tr').innerText();
    expect(done.split('\t')[1]).toBe(proposedAt);
    await expectAxeClean(page);
  });
});

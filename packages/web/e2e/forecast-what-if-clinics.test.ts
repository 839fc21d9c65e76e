/**
 * The breach forecast's what-if by clinic: a clinic removed for some weeks (the sentence says what it takes
 * away and who stays booked, and the table is the API's answer), one more session like it each week, the
 * form's own checks, and the server's refusals shown against the field they name (a clinic with no slots has
 * nothing to remove or copy). Axe on each state.
 *
 * The data: eight trauma and orthopaedics patients near 18 weeks, and "Ms Surgeon knee clinic" with two
 * new-patient places a week for 26 weeks, the first week's one booked by a waiting patient; "Ms Surgeon hand
 * clinic" has no slots, and "Mr Tonsil ENT clinic" is in another specialty.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page, Route } from 'playwright-core';
import {
  appointments,
  clinicTemplates,
  locations,
  pathways,
  patients,
  slots,
} from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { type ByThreshold, THRESHOLDS, cells, change, expected } from './support/tables';
import { screenshot, useWebHarness, waitForHeading, type TestPage, type WebHarness } from './support/harness';
import { newNhsNumber, staffApi } from './support/referrals';
import { daysFromToday } from './support/work';

const SLOW_MS = 180_000;
const TAG = 'EWC';
const WEEKS = 26;
const KNEE = 'Ms Surgeon knee clinic';
const HAND = 'Ms Surgeon hand clinic';
const ENT = 'Mr Tonsil ENT clinic';

interface Totals {
  expectedBreaches: ByThreshold;
  listSizeAtHorizon: number;
  over18AtHorizon: number;
}
interface WhatIf {
  weeks: number;
  clinics: {
    clinicId: string;
    name: string;
    specialty: string;
    change: string;
    fromWeek: number;
    toWeek: number;
    places: number;
    bookedKept: number;
  }[];
  before: Totals;
  after: Totals;
}

/** The before-and-after table's rows as the page words the API's answer. */
const rowsOf = (w: WhatIf): string[][] => [
  ...THRESHOLDS.map((k) => [
    `Expected to pass ${k} weeks`,
    expected(w.before.expectedBreaches[k]),
    expected(w.after.expectedBreaches[k]),
    change(w.after.expectedBreaches[k] - w.before.expectedBreaches[k]),
  ]),
  [
    `Expected on the waiting list in ${w.weeks} weeks`,
    expected(w.before.listSizeAtHorizon),
    expected(w.after.listSizeAtHorizon),
    change(w.after.listSizeAtHorizon - w.before.listSizeAtHorizon),
  ],
  [
    `Expected over 18 weeks in ${w.weeks} weeks`,
    expected(w.before.over18AtHorizon),
    expected(w.after.over18AtHorizon),
    change(w.after.over18AtHorizon - w.before.over18AtHorizon),
  ],
];

/** A patient with one open pathway in `specialty`, its clock started `days` ago; answers the ids. */
async function addWaiting(h: WebHarness, n: number, specialty: string, days: number) {
  const orgId = h.fixture.orgId;
  const patientId = randomUUID();
  const pathwayId = randomUUID();
  const nhsNumber = newNhsNumber();
  const start = daysFromToday(-days);
  await h.db.db.insert(patients).values({
    orgId,
    id: patientId,
    nhsNumber,
    mrn: `${TAG}${nhsNumber}`,
    givenName: 'Sam',
    familyName: `Clinicwait${n}`,
    dateOfBirth: '1971-04-05',
    sex: 'female',
    addressLine1: '6 Test Street',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  });
  await h.db.db.insert(pathways).values({
    orgId,
    id: pathwayId,
    patientId,
    ppid: `XT1${TAG}${nhsNumber}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: specialty,
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: start,
    clockStartDate: start,
    status: 'open',
    rttRunning: true,
    rttPeriodStart: start,
  });
  return { patientId, pathwayId };
}

/** A clinic template in `specialty`, with one new-patient slot of `capacity` places on each of `days`. */
async function addClinic(
  h: WebHarness,
  p: { name: string; specialty: string; locationId: string; days: number[]; capacity: number },
) {
  const orgId = h.fixture.orgId;
  const templateId = randomUUID();
  await h.db.db.insert(clinicTemplates).values({
    orgId,
    id: templateId,
    name: p.name,
    locationId: p.locationId,
    specialtyCode: p.specialty,
    createdBy: 'test',
  });
  const slotIds: string[] = [];
  for (const [i, d] of p.days.entries()) {
    const date = daysFromToday(d);
    const id = randomUUID();
    const startsAt = new Date(`${date}T10:00:00Z`);
    await h.db.db.insert(slots).values({
      orgId,
      id,
      templateId,
      key: `${templateId}/v1/${date}/0/${i}`,
      sessionDate: date,
      sessionIndex: 0,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 30 * 60_000),
      slotType: 'new',
      capacity: p.capacity,
      status: 'open',
      specialtyCode: p.specialty,
      clinicianId: null,
      locationId: p.locationId,
    });
    slotIds.push(id);
  }
  return { templateId, slotIds };
}

describe('breach forecast: what-if by clinic', () => {
  const suite = useWebHarness();
  const ids = { knee: '', hand: '', ent: '' };

  beforeAll(async () => {
    const h = suite.h;
    const orgId = h.fixture.orgId;
    for (let i = 0; i < 8; i++) await addWaiting(h, i + 1, '110', 100 + 2 * i);
    const locationId = randomUUID();
    await h.db.db.insert(locations).values({
      orgId,
      id: locationId,
      siteCode: `${TAG}01`,
      name: `Outpatients ${TAG}`,
      site: 'Test General',
      addressLine: '1 Hospital Road',
      postcode: 'LS1 3EX',
    });
    // Tomorrow and every 7 days after: one session in each of weeks 0 to 25.
    const weekly = Array.from({ length: WEEKS }, (_, w) => 7 * w + 1);
    const knee = await addClinic(h, { name: KNEE, specialty: '110', locationId, days: weekly, capacity: 2 });
    ids.knee = knee.templateId;
    ids.hand = (
      await addClinic(h, { name: HAND, specialty: '110', locationId, days: [], capacity: 1 })
    ).templateId;
    ids.ent = (
      await addClinic(h, { name: ENT, specialty: '120', locationId, days: weekly, capacity: 1 })
    ).templateId;
    // A waiting patient booked into the knee clinic's first session, and the slot's place taken.
    const booked = await addWaiting(h, 9, '110', 60);
    const date = daysFromToday(1);
    await h.db.db.insert(appointments).values({
      orgId,
      id: randomUUID(),
      slotId: knee.slotIds[0]!,
      pathwayId: booked.pathwayId,
      patientId: booked.patientId,
      startsAt: new Date(`${date}T10:00:00Z`),
      endsAt: new Date(`${date}T10:30:00Z`),
      slotType: 'new',
      status: 'booked',
      offeredOn: daysFromToday(0),
      noticeDays: 21,
      reasonableOffer: true,
      bookedBy: 'test',
      bookedAt: new Date(),
    });
    await h.db.db
      .update(slots)
      .set({ booked: 1 })
      .where(and(eq(slots.orgId, orgId), eq(slots.id, knee.slotIds[0]!)));
  });

  /** Signed in as a service manager on the forecast page, with "A clinic" chosen. */
  async function openClinicWhatIf(): Promise<{ t: TestPage; page: Page; main: Locator }> {
    const t = await suite.signedIn('service-manager');
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/forecast`);
    await waitForHeading(page, 'Breach forecast');
    const main = page.getByRole('main');
    const kind = main.getByRole('group', { name: 'What do you want to change?' });
    expect(await kind.getByRole('radio', { name: 'Places per week for a specialty' }).isChecked()).toBe(true);
    expect(await main.getByLabel('Clinic', { exact: true }).isVisible()).toBe(false);
    await kind.getByRole('radio', { name: 'A clinic' }).check();
    expect(await main.getByLabel('Specialty to change').isVisible()).toBe(false);
    const clinic = main.getByLabel('Clinic', { exact: true });
    await clinic.waitFor();
    await expect.poll(() => clinic.locator('option').count(), { timeout: 60_000 }).toBe(4);
    return { t, page, main };
  }

  it(
    'removes a clinic for some weeks, then adds a session like it, as the API answers them',
    async () => {
      const { t, page, main } = await openClinicWhatIf();
      const api = await staffApi(t, suite.h.baseUrl);

      // The clinics by name, with their specialty.
      const clinic = main.getByLabel('Clinic', { exact: true });
      expect(await clinic.locator('option').allInnerTexts()).toEqual([
        'Select a clinic',
        `${ENT} (Ear, nose and throat)`,
        `${HAND} (Trauma and orthopaedics)`,
        `${KNEE} (Trauma and orthopaedics)`,
      ]);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-choose');

      // Removed in weeks 0 to 3 (to week 4): its free places go, and its booked patient stays booked.
      await clinic.selectOption({ label: `${KNEE} (Trauma and orthopaedics)` });
      await main.getByRole('radio', { name: 'Remove it (for example, for leave)' }).check();
      await main.getByLabel('To week (optional)').fill('4');
      await main.getByRole('button', { name: 'Show what would change' }).click();
      const result = main.getByRole('table', { name: 'Before and after the change' });
      await result.waitFor({ timeout: 120_000 });
      const removed = await api.post<WhatIf>('/forecast/what-if', {
        clinics: [{ clinicId: ids.knee, change: 'remove', toWeek: 4 }],
      });
      expect(removed.status).toBe(200);
      expect(removed.body.clinics).toEqual([
        {
          clinicId: ids.knee,
          name: KNEE,
          specialty: '110',
          change: 'remove',
          fromWeek: 0,
          toWeek: 4,
          places: 1 + 2 + 2 + 2,
          bookedKept: 1,
        },
      ]);
      const output = main.locator('#what-if-result');
      expect(await output.innerText()).toContain(
        `Removing ${KNEE} in weeks 0 to 3 takes away 7 free places. 1 patient already booked into it keeps their appointment in this what-if.`,
      );
      expect(await output.innerText()).toContain('This is a what-if: no clinics or slots have been changed.');
      const removedRows = await cells(result);
      expect(removedRows).toEqual(rowsOf(removed.body));
      // Fewer places before their breach dates: more patients expected to pass 18 weeks.
      expect(removed.body.after.expectedBreaches['18']).toBeGreaterThan(
        removed.body.before.expectedBreaches['18'],
      );
      expect(removedRows[0]![3]).toMatch(/^\+/);
      expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
      expect(await page.title()).toBe('Breach forecast – Pathflow');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-removed');

      // One more session like it each week, over all 26 weeks: two places a week more.
      await main.getByRole('radio', { name: 'Add one more session like it each week' }).check();
      await main.getByLabel('To week (optional)').fill('');
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await expect
        .poll(() => main.locator('#what-if-result').innerText(), { timeout: 120_000 })
        .toContain('Adding one more session');
      const added = await api.post<WhatIf>('/forecast/what-if', {
        clinics: [{ clinicId: ids.knee, change: 'add' }],
      });
      expect(added.status).toBe(200);
      expect(added.body.clinics[0]).toMatchObject({ change: 'add', fromWeek: 0, toWeek: WEEKS, places: 52 });
      const addedText = await output.innerText();
      expect(addedText).toContain(
        `Adding one more session of ${KNEE} each week, in weeks 0 to 25, adds 52 places.`,
      );
      expect(addedText).not.toContain('Removing');
      const addedRows = await cells(result);
      expect(addedRows).toEqual(rowsOf(added.body));
      expect(added.body.after.expectedBreaches['18']).toBeLessThanOrEqual(
        added.body.before.expectedBreaches['18'],
      );
      expect(addedRows).not.toEqual(removedRows);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-added');

      // A single week is worded as one.
      await main.getByLabel('From week (optional)').fill('3');
      await main.getByLabel('To week (optional)').fill('4');
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await expect
        .poll(() => main.locator('#what-if-result').innerText(), { timeout: 120_000 })
        .toContain(`Adding one more session of ${KNEE} each week, in week 3, adds 2 places.`);
    },
    SLOW_MS,
  );

  it(
    'says what is missing before asking the server, and links each error to its field',
    async () => {
      const { page, main } = await openClinicWhatIf();
      const summary = page.locator('.nhsuk-error-summary');

      // Nothing chosen, and a last week before the first.
      await main.getByLabel('From week (optional)').fill('5');
      await main.getByLabel('To week (optional)').fill('2');
      let requests = 0;
      page.on('request', (r) => {
        if (r.url().endsWith('/api/v1/forecast/what-if')) requests += 1;
      });
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await summary.waitFor();
      expect(await summary.locator('li').allInnerTexts()).toEqual([
        'Select a clinic',
        'Select whether to remove the clinic or add one more session like it each week',
        'The last week must be after the first week',
      ]);
      expect(requests).toBe(0);
      expect(await summary.getByRole('link', { name: 'Select a clinic' }).getAttribute('href')).toBe(
        '#what-if-clinic',
      );
      expect(
        await summary.getByRole('link', { name: /^Select whether to remove/ }).getAttribute('href'),
      ).toBe('#what-if-clinic-change');
      expect(await main.locator('#what-if-clinic-error').innerText()).toContain('Select a clinic');
      expect(await main.locator('#what-if-clinic-change-error').innerText()).toContain(
        'Select whether to remove the clinic',
      );
      expect(await main.locator('#what-if-to-week-error').innerText()).toContain(
        'The last week must be after the first week',
      );
      const group = main.getByRole('group', { name: 'What do you want to do with the clinic?' });
      expect(await group.getAttribute('aria-describedby')).toBe('what-if-clinic-change-error');
      expect(await page.title()).toBe('Error: Breach forecast – Pathflow');
      expect(await main.locator('#what-if-result').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-missing');
      await summary.getByRole('link', { name: 'Select a clinic' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('what-if-clinic');

      // Back to places per week: the clinic's errors are not listed for fields that are hidden.
      await main.getByRole('radio', { name: 'Places per week for a specialty' }).check();
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await expect
        .poll(() => summary.locator('li').allInnerTexts())
        .toEqual([
          'Select a specialty',
          'Enter the number of places per week to add or remove',
          'The last week must be after the first week',
        ]);
      expect(requests).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-missing-places');
    },
    SLOW_MS,
  );

  it(
    'shows the server’s refusal of a clinic change against the field it names',
    async () => {
      const { t, page, main } = await openClinicWhatIf();
      const api = await staffApi(t, suite.h.baseUrl);
      const summary = page.locator('.nhsuk-error-summary');
      const submit = async () => {
        await main.getByRole('button', { name: 'Show what would change' }).click();
        await summary.waitFor({ timeout: 120_000 });
      };

      // A clinic with no slots: nothing to remove, as the server says, against the clinic select.
      const nothing = `${HAND} has no free places in weeks 0 to 25: there is nothing to remove`;
      const refused = await api.post<{ errors: { field: string; message: string }[] }>('/forecast/what-if', {
        clinics: [{ clinicId: ids.hand, change: 'remove' }],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: '/body/clinics/0/clinicId', message: nothing }]);
      await main
        .getByLabel('Clinic', { exact: true })
        .selectOption({ label: `${HAND} (Trauma and orthopaedics)` });
      await main.getByRole('radio', { name: 'Remove it (for example, for leave)' }).check();
      await submit();
      const link = summary.getByRole('link', { name: nothing });
      expect(await link.getAttribute('href')).toBe('#what-if-clinic');
      expect(await main.locator('#what-if-clinic-error').innerText()).toContain(nothing);
      expect(await main.getByLabel('Clinic', { exact: true }).getAttribute('aria-describedby')).toBe(
        'what-if-clinic-error',
      );
      expect(await page.title()).toBe('Error: Breach forecast – Pathflow');
      expect(await main.locator('#what-if-result').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-nothing-to-remove');
      await link.click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('what-if-clinic');

      // Nor has it a session to copy.
      await main.getByRole('radio', { name: 'Add one more session like it each week' }).check();
      await submit();
      const noCopy = `${HAND} has no sessions in the next 26 weeks to copy: choose a clinic that runs`;
      await summary.getByRole('link', { name: noCopy }).waitFor();
      expect(await summary.getByRole('link', { name: noCopy }).getAttribute('href')).toBe('#what-if-clinic');
      expect(await main.locator('#what-if-clinic-error').innerText()).toContain(noCopy);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-nothing-to-copy');

      // What the form sends, changed on its way to the real server: each refusal by the field it names.
      let edit: ((c: Record<string, unknown>) => void) | null = null;
      const answers: number[] = [];
      await page.route('**/api/v1/forecast/what-if', async (route: Route) => {
        const parsed = JSON.parse(route.request().postData() ?? '{}') as {
          clinics: Record<string, unknown>[];
        };
        if (edit) edit(parsed.clinics[0]!);
        const response = await route.fetch({ postData: JSON.stringify(parsed) });
        answers.push(response.status());
        await route.fulfill({ response });
      });
      await main
        .getByLabel('Clinic', { exact: true })
        .selectOption({ label: `${KNEE} (Trauma and orthopaedics)` });

      const links = () =>
        summary.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      edit = (c) => (c.clinicId = randomUUID());
      await submit();
      await summary.getByRole('link', { name: 'There is no clinic with this id' }).waitFor();
      expect(await links()).toEqual(['#what-if-clinic']);

      edit = (c) => (c.toWeek = 99);
      await submit();
      await expect.poll(links).toEqual(['#what-if-to-week']);
      expect(await main.locator('#what-if-to-week-error').innerText()).toMatch(/toWeek/);
      expect(await main.locator('#what-if-clinic-error').count()).toBe(0);

      edit = (c) => (c.fromWeek = 30);
      await submit();
      await expect.poll(links).toEqual(['#what-if-from-week']);
      expect(await main.locator('#what-if-from-week-error').innerText()).toMatch(/fromWeek/);

      edit = (c) => (c.change = 'close');
      await submit();
      await expect.poll(links).toEqual(['#what-if-clinic-change']);
      expect(await main.locator('#what-if-clinic-change-error').innerText()).toMatch(/change/);
      expect(answers).toEqual([400, 400, 400, 400]);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-refused');

      // Sent as the form has it, the what-if is worked out and the errors go.
      edit = null;
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await main.getByRole('table', { name: 'Before and after the change' }).waitFor({ timeout: 120_000 });
      expect(answers).toEqual([400, 400, 400, 400, 200]);
      expect(await summary.count()).toBe(0);
      expect(await main.locator('#what-if-result').innerText()).toContain(
        `Adding one more session of ${KNEE} each week, in weeks 0 to 25, adds 52 places.`,
      );
      expect(await page.title()).toBe('Breach forecast – Pathflow');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-clinic-after-refusals');
    },
    SLOW_MS,
  );
});

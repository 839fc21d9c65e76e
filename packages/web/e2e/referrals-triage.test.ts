import { describe, expect, it } from 'vitest';
import type { Locator, Page, Route } from 'playwright-core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading, type TestPage } from './support/harness';
import { daysAgo, shortDate, spaced, staffApi, type StaffApi } from './support/referrals';

/** The fixture's patients. */
const ALICE = '9990000018';
const BOB = '9990000026';

interface Triage {
  kind: string;
  priority: string | null;
  clinicType: string | null;
  reason: string | null;
  note: string | null;
}

describe('triaging referrals', () => {
  const suite = useWebHarness();
  let t: TestPage;

  const signedIn = async (role: string): Promise<{ page: Page; api: StaffApi }> => {
    t = await suite.signedIn(role);
    return { page: t.page, api: await staffApi(t, suite.h.baseUrl) };
  };

  /** Opens the worklist from the home page's link, as a person would. */
  const openWorklist = async (page: Page) => {
    await page.getByRole('link', { name: 'Referrals waiting for triage' }).click();
    await waitForHeading(page, 'Referrals waiting for triage');
    await page.getByText(/^Showing|^No referrals/).waitFor();
  };

  /** Opens a referral from the worklist by the link to it. */
  const openReferral = async (page: Page, id: string, name: string) => {
    await page.locator(`a[href="/referrals/${id}"]`).click();
    await waitForHeading(page, `Referral – ${name}`);
    await page.getByRole('heading', { name: 'Referral details' }).waitFor();
  };

  const triageOf = async (api: StaffApi, id: string) =>
    (await api.get<{ triage: Triage }>(`/referrals/${id}`)).body.triage;

  /** A row's cells, with runs of white space as single spaces. */
  const cells = async (row: Locator) =>
    (await row.innerText()).split('\t').map((c) => c.replace(/\s+/g, ' ').trim());

  const save = (page: Page) => page.getByRole('button', { name: 'Save triage outcome' }).click();

  it('lists the referrals waiting for triage, oldest first, and filters by specialty', async () => {
    const { page, api } = await signedIn('booking-clerk');
    const older = await api.createReferral({
      nhsNumber: ALICE,
      receivedDate: daysAgo(20),
      specialtyCode: '120',
    });
    const newer = await api.createReferral({
      nhsNumber: BOB,
      receivedDate: daysAgo(3),
      specialtyCode: '110',
      priority: 'urgent',
      source: 'consultant-to-consultant',
      referrerOrgCode: null,
    });
    await openWorklist(page);
    expect(await page.title()).toBe('Referrals waiting for triage – Pathflow');
    expect(await focused(page)).toBe('H1: Referrals waiting for triage');
    expect(await page.getByRole('status').innerText()).toMatch(/^Showing 1 to \d+ of \d+ referrals$/);

    const table = page.getByRole('table', { name: 'Referrals waiting for triage' });
    expect(await table.locator('thead th').allInnerTexts()).toEqual([
      'Patient',
      'Specialty',
      'Priority',
      'Source',
      'Received',
      'Clock start',
    ]);
    const rows = table.locator('tbody tr');
    const alice = rows.filter({ has: page.locator(`a[href="/referrals/${older.id}"]`) });
    const bob = rows.filter({ has: page.locator(`a[href="/referrals/${newer.id}"]`) });
    expect(await cells(alice)).toEqual([
      `Alice Example NHS number: ${spaced(ALICE)}`,
      '120 Ear, nose and throat',
      'Routine',
      'GP paper referral',
      shortDate(daysAgo(20)),
      shortDate(daysAgo(20)),
    ]);
    expect(await cells(bob)).toEqual([
      `Bob Sample NHS number: ${spaced(BOB)}`,
      '110 Trauma and orthopaedics',
      'Urgent',
      'Consultant to consultant',
      shortDate(daysAgo(3)),
      shortDate(daysAgo(3)),
    ]);
    // Oldest received first.
    const order = await rows.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(order.indexOf(`/referrals/${older.id}`)).toBeLessThan(order.indexOf(`/referrals/${newer.id}`));
    expect(await page.getByRole('link', { name: 'Import referrals from a file' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-worklist');

    await page.getByLabel('Specialty').selectOption('110');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByRole('table', { name: 'Referrals waiting for triage in Trauma and orthopaedics' })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('specialty')).toBe('110');
    const filtered = await page.locator('table tbody tr').allInnerTexts();
    expect(filtered.every((r) => r.includes('Trauma and orthopaedics'))).toBe(true);
    expect(filtered.some((r) => r.includes('Bob Sample'))).toBe(true);
    expect(await page.locator(`a[href="/referrals/${older.id}"]`).count()).toBe(0);

    await page.goBack();
    await page.getByRole('table', { name: 'Referrals waiting for triage', exact: true }).waitFor();
    expect(await page.getByLabel('Specialty').inputValue()).toBe('');
  });

  it('accepts a referral with the priority and clinic type chosen', async () => {
    const { page, api } = await signedIn('clinician');
    const referral = await api.createReferral({
      nhsNumber: BOB,
      receivedDate: daysAgo(9),
      specialtyCode: '120',
    });
    await openWorklist(page);
    await openReferral(page, referral.id, 'Bob Sample');
    expect(await page.title()).toBe('Referral for Bob Sample – Pathflow');
    expect(await focused(page)).toBe('H1: Referral – Bob Sample');
    const details = await page.locator('.nhsuk-summary-list').first().innerText();
    expect(details).toContain(spaced(BOB));
    expect(details).toContain('Ear, nose and throat (120)');
    expect(details).toContain('GP paper referral');
    expect(details).toContain('Dr A Practitioner');
    expect(await page.locator('.nhsuk-summary-list').nth(1).innerText()).toContain('Waiting for triage');
    expect(await page.locator('form .nhsuk-inset-text').innerText()).toContain(
      'Rejecting a referral, or giving advice and guidance, sends it back to the referrer and stops the RTT clock today.',
    );
    // The conditional fields show for the outcome chosen only.
    expect(await page.getByLabel('Priority', { exact: true }).isVisible()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Accept', { exact: true }).check();
    expect(await page.getByLabel('Priority', { exact: true }).inputValue()).toBe('routine');
    expect(await page.getByLabel('Reason for rejecting the referral').isVisible()).toBe(false);
    await page.getByLabel('Priority', { exact: true }).selectOption('urgent');
    await page.getByLabel('Urgent new patient clinic').check();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referral-triage-form');
    const sent = page.waitForRequest((req) => req.url().endsWith(`/referrals/${referral.id}/triage`));
    await save(page);
    expect((await sent).postDataJSON()).toEqual({
      kind: 'accepted',
      priority: 'urgent',
      clinicType: 'urgent-new',
    });

    const banner = page.getByRole('alert').filter({ hasText: 'Referral accepted' });
    await banner.waitFor();
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-notification-banner')),
    ).toBe(true);
    const outcome = await page.locator('.nhsuk-summary-list').nth(1).innerText();
    expect(outcome).toContain('Accepted');
    expect(outcome).toContain('Urgent');
    expect(outcome).toContain('Urgent new patient clinic');
    expect(await page.getByRole('button', { name: 'Save triage outcome' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referral-accepted');

    expect(await triageOf(api, referral.id)).toMatchObject({
      kind: 'accepted',
      priority: 'urgent',
      clinicType: 'urgent-new',
    });
    await banner.getByRole('link', { name: 'Go to referrals waiting for triage' }).click();
    await waitForHeading(page, 'Referrals waiting for triage');
    await page.getByText(/^Showing|^No referrals/).waitFor();
    expect(await page.locator(`a[href="/referrals/${referral.id}"]`).count()).toBe(0);
  });

  it('asks for a reason before rejecting a referral, then rejects it and stops the clock', async () => {
    const { page, api } = await signedIn('clinician');
    const referral = await api.createReferral({
      nhsNumber: ALICE,
      receivedDate: daysAgo(14),
      specialtyCode: '110',
    });
    await page.goto(`${suite.h.baseUrl}/referrals/${referral.id}`);
    await waitForHeading(page, 'Referral – Alice Example');
    await page.getByRole('heading', { name: 'Record triage outcome' }).waitFor();

    // No outcome chosen: the browser asks for one.
    await save(page);
    const summary = page.locator('.nhsuk-error-summary');
    await summary.getByRole('link', { name: 'Select the triage outcome' }).waitFor();
    expect(await page.title()).toBe('Error: Referral for Alice Example – Pathflow');

    // A rejection without a reason: the server says what is missing, on the field.
    await page.getByLabel('Reject', { exact: true }).check();
    const answered = page.waitForResponse((res) => res.url().endsWith('/triage'));
    await save(page);
    expect((await answered).status()).toBe(400);
    const link = summary.getByRole('link', { name: 'Enter a reason for rejecting the referral' });
    await link.waitFor();
    expect(await summary.getByRole('link').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(
      true,
    );
    const group = page.locator('.nhsuk-form-group--error', { has: page.locator('#reason') });
    expect(await group.locator('.nhsuk-error-message').textContent()).toBe(
      'Error: Enter a reason for rejecting the referral',
    );
    expect(await page.locator('#reason').getAttribute('aria-describedby')).toBe('reason-hint reason-error');
    expect(await page.locator('#reason').getAttribute('aria-invalid')).toBe('true');
    expect(await page.title()).toBe('Error: Referral for Alice Example – Pathflow');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referral-reject-error');
    expect((await triageOf(api, referral.id)).kind).toBe('pending');

    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reason');
    await page.getByLabel('Reason for rejecting the referral').fill('Needs GP management first');
    await save(page);
    const banner = page.getByRole('alert').filter({ hasText: 'Referral rejected' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('The RTT clock stopped today.');
    expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
    expect(await page.title()).toBe('Referral for Alice Example – Pathflow');
    const outcome = await page.locator('.nhsuk-summary-list').nth(1).innerText();
    expect(outcome).toContain('Rejected');
    expect(outcome).toContain('Needs GP management first');
    expect(await axeViolations(page)).toEqual([]);
    expect(await triageOf(api, referral.id)).toMatchObject({
      kind: 'rejected',
      reason: 'Needs GP management first',
    });
  });

  it('records advice and guidance', async () => {
    const { page, api } = await signedIn('team-leader');
    const referral = await api.createReferral({
      nhsNumber: BOB,
      receivedDate: daysAgo(6),
      specialtyCode: '110',
    });
    await page.goto(`${suite.h.baseUrl}/referrals/${referral.id}`);
    await page.getByRole('heading', { name: 'Record triage outcome' }).waitFor();
    await page.getByLabel('Advice and guidance', { exact: true }).check();
    await page.getByLabel('Advice for the referrer (optional)').fill('Trial of physiotherapy first');
    await save(page);
    await page.getByRole('alert').filter({ hasText: 'Advice and guidance recorded' }).waitFor();
    expect(await page.locator('.nhsuk-summary-list').nth(1).innerText()).toContain(
      'Trial of physiotherapy first',
    );
    expect(await triageOf(api, referral.id)).toMatchObject({
      kind: 'advice-and-guidance',
      note: 'Trial of physiotherapy first',
    });
  });

  it('says plainly when someone else triaged the referral first', async () => {
    const { page, api } = await signedIn('clinician');
    const referral = await api.createReferral({
      nhsNumber: ALICE,
      receivedDate: daysAgo(11),
      specialtyCode: '120',
    });
    await page.goto(`${suite.h.baseUrl}/referrals/${referral.id}`);
    await page.getByRole('heading', { name: 'Record triage outcome' }).waitFor();

    const other = await api.post(`/referrals/${referral.id}/triage`, {
      kind: 'rejected',
      reason: 'Seen elsewhere',
    });
    expect(other.status).toBe(200);
    await page.getByLabel('Accept', { exact: true }).check();
    await page.getByLabel('New patient clinic', { exact: true }).check();
    const answered = page.waitForResponse((res) => res.url().endsWith('/triage'));
    await save(page);
    expect((await answered).status()).toBe(409);
    const banner = page.getByRole('region', { name: 'Important' });
    await banner.getByText('This referral has already been triaged').waitFor();
    expect(await banner.innerText()).toContain('so yours was not saved');
    await page.getByText('Seen elsewhere').waitFor();
    expect(await page.locator('.nhsuk-summary-list').nth(1).innerText()).toContain('Rejected');
    expect(await page.getByRole('button', { name: 'Save triage outcome' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect((await triageOf(api, referral.id)).kind).toBe('rejected');
  });

  it('lets a service manager see the worklist and referrals, without importing or triage', async () => {
    const { page, api } = await signedIn('service-manager');
    // A booking clerk enters the referral.
    const clerk = await signedIn('booking-clerk');
    const referral = await clerk.api.createReferral({
      nhsNumber: BOB,
      receivedDate: daysAgo(2),
      specialtyCode: '120',
    });
    expect((await api.get(`/referrals/${referral.id}`)).status).toBe(200);

    expect(await page.getByRole('link', { name: 'Import referrals' }).count()).toBe(0);
    await openWorklist(page);
    await page.locator(`a[href="/referrals/${referral.id}"]`).waitFor();
    expect(await page.getByRole('link', { name: /Import referrals/ }).count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain('record the triage outcome');
    expect(await axeViolations(page)).toEqual([]);

    await openReferral(page, referral.id, 'Bob Sample');
    expect(await page.getByRole('heading', { name: 'Record triage outcome' }).count()).toBe(0);
    expect(await page.locator('form').count()).toBe(1); // Only the header's sign-out form.
    expect(await page.locator('.nhsuk-inset-text').innerText()).toContain(
      'Recording the triage outcome is not part of your role as a service manager.',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referral-read-only');

    await page.goto(`${suite.h.baseUrl}/referrals/import`);
    await waitForHeading(page, 'You do not have access');
    expect(await page.locator('input[type="file"]').count()).toBe(0);
  });

  it('has no referral links for a flow coordinator, and tells them plainly they do not have access', async () => {
    const { page } = await signedIn('flow-coordinator');
    const requests: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/v1/referrals')) requests.push(req.url());
    });
    expect(await page.getByRole('link', { name: /referrals/i }).count()).toBe(0);
    await page.goto(`${suite.h.baseUrl}/referrals`);
    await waitForHeading(page, 'You do not have access');
    expect(await page.title()).toBe('You do not have access – Pathflow');
    expect(await page.locator('main').innerText()).toContain(
      'Referral triage is not part of your role as a patient flow coordinator.',
    );
    expect(requests).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('says when a referral is not found', async () => {
    const { page } = await signedIn('booking-clerk');
    await page.goto(`${suite.h.baseUrl}/referrals/00000000-0000-4000-8000-000000000000`);
    await waitForHeading(page, 'Referral not found');
    expect(await page.title()).toBe('Referral not found – Pathflow');
    await page.goto(`${suite.h.baseUrl}/referrals/not-a-referral`);
    await waitForHeading(page, 'Referral not found');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('pages through a long worklist with NHS.UK pagination, asking the server for each page', async () => {
    const { page, api } = await signedIn('booking-clerk');
    const template = await api.createReferral({
      nhsNumber: ALICE,
      receivedDate: daysAgo(30),
      specialtyCode: '110',
    });
    const full = (await api.get(`/referrals/${template.id}`)).body;
    const asked: URL[] = [];
    await page.route('**/api/v1/referrals?*', async (route: Route) => {
      const url = new URL(route.request().url());
      asked.push(url);
      const offset = Number(url.searchParams.get('offset'));
      const total = 120;
      const count = Math.min(50, total - offset);
      await route.fulfill({
        json: {
          total,
          referrals: Array.from({ length: count }, (_, i) => ({
            ...full,
            id: `00000000-0000-4000-8000-${String(offset + i).padStart(12, '0')}`,
          })),
        },
      });
    });
    await openWorklist(page);
    await page.getByText('Showing 1 to 50 of 120 referrals').waitFor();
    expect(asked.at(-1)?.searchParams.get('triage')).toBe('pending');
    expect(asked.at(-1)?.searchParams.get('limit')).toBe('50');
    expect(asked.at(-1)?.searchParams.get('offset')).toBe('0');
    const pagination = page.getByRole('navigation', { name: 'Pagination' });
    expect(await pagination.getByRole('link', { name: /Previous/ }).count()).toBe(0);
    await pagination.getByRole('link', { name: /^Next page\s*:\s*51 to 100$/ }).click();
    await page.getByText('Showing 51 to 100 of 120 referrals').waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(asked.at(-1)?.searchParams.get('offset')).toBe('50');
    expect(await focused(page)).toBe('H1: Referrals waiting for triage');
    await pagination.getByRole('link', { name: /^Next page\s*:\s*101 to 120$/ }).click();
    await page.getByText('Showing 101 to 120 of 120 referrals').waitFor();
    expect(await pagination.getByRole('link', { name: /Next/ }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });
});

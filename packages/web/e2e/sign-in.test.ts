import { describe, expect, it } from 'vitest';
import {
  focused,
  screenshot,
  signInAs,
  useWebHarness,
  waitForHeading,
  type TestPage,
} from './support/harness';

describe('signing in', () => {
  const suite = useWebHarness();
  let t: TestPage;

  const open = async (path: string) => {
    t = await suite.newPage();
    await t.page.goto(`${suite.h.baseUrl}${path}`);
    return t.page;
  };

  it('sends someone who is not signed in from the home page to sign in', async () => {
    const page = await open('/');
    await waitForHeading(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.title()).toBe('Sign in – Pathflow');
    await expect(page.getByLabel('Username').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(page.getByLabel('Password', { exact: true }).getAttribute('autocomplete')).resolves.toBe(
      'current-password',
    );
    // Nobody is signed in, so the header has no account menu.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await screenshot(page, 'sign-in');
  });

  it('signs a booking clerk in and shows the waiting lists by specialty', async () => {
    const page = await open('/');
    await waitForHeading(page, 'Sign in');
    await signInAs(page, 'booking-clerk');
    await waitForHeading(page, 'Home');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.title()).toBe('Home – Pathflow');
    expect(await focused(page)).toBe('H1: Home');

    const main = page.getByRole('main');
    await main.getByText('Signed in as Test booking-clerk').waitFor();
    const summary = await main.locator('.nhsuk-summary-list').innerText();
    expect(summary).toMatch(/Role\s+Booking clerk/);
    expect(summary).toMatch(/Organisation\s+Test Trust XT1/);
    expect(summary).toMatch(/ODS code\s+XT1/);
    const banner = await page.getByRole('banner').innerText();
    expect(banner).toContain('Test Trust XT1');
    expect(banner).toContain('Pathflow');
    expect(banner).toContain('Test booking-clerk');

    const table = page.getByRole('table', { name: 'Patients waiting by specialty' });
    await table.waitFor();
    const rows = await table
      .locator('tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim())),
      );
    expect(rows).toEqual([
      ['Specialty', 'Patients waiting'],
      ['Ear, nose and throat', '1'],
      ['Trauma and orthopaedics', '2'],
      ['Total', '3'],
    ]);
    const alignments = await table
      .locator('td')
      .evaluateAll((tds) => tds.map((td) => getComputedStyle(td).textAlign));
    expect(alignments).toEqual(['right', 'right', 'right']);
    await screenshot(page, 'home');
  });

  it('asks for the username and password when they are missing', async () => {
    const page = await open('/sign-in');
    await waitForHeading(page, 'Sign in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await page.title()).toBe('Error: Sign in – Pathflow');
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await summary.getByRole('heading').innerText()).toBe('There is a problem');
    const links = await summary
      .getByRole('link')
      .evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(links).toEqual([
      ['Enter your username', '#username'],
      ['Enter your password', '#password'],
    ]);

    const username = page.getByLabel('Username');
    await expect(username.getAttribute('aria-describedby')).resolves.toBe('username-error');
    await expect(username.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await page.locator('#username-error').textContent()).toBe('Error: Enter your username');
    expect(await page.locator('#password-error').textContent()).toBe('Error: Enter your password');

    await summary.getByRole('link', { name: 'Enter your password' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('says when the username or password is not right, and clears the password', async () => {
    const page = await open('/sign-in');
    await waitForHeading(page, 'Sign in');
    await signInAs(page, 'booking-clerk', 'not-the-password');

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('The username or password is not right');
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.title()).toBe('Error: Sign in – Pathflow');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Username').inputValue()).toBe('booking-clerk');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'sign-in-error');
  });

  it('says when an account is locked, using what the server says', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${suite.h.apiUrl}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clinician', password: 'wrong-password' }),
      });
      expect(res.status).toBe(401);
    }
    const page = await open('/sign-in');
    await waitForHeading(page, 'Sign in');
    await signInAs(page, 'clinician');
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain(
      'This account is locked after too many failed sign-in attempts',
    );
    expect(await page.title()).toBe('Error: Sign in – Pathflow');
  });
});

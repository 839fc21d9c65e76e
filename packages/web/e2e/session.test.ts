import { describe, expect, it } from 'vitest';
import {
  focused,
  screenshot,
  signInAs,
  useWebHarness,
  waitForHeading,
  type TestPage,
} from './support/harness';

describe('the session', () => {
  const suite = useWebHarness();
  let t: TestPage;

  const signedIn = async (role: string) => {
    t = await suite.signedIn(role);
    return t.page;
  };

  it('keeps the session through a reload, in an HTTP-only cookie', async () => {
    const page = await signedIn('team-leader');
    const cookies = await t.context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.reload();
    await waitForHeading(page, 'Home');
    await page.getByText('Signed in as Test team-leader').waitFor();
  });

  it('signs out from the header, on the server too, and says so', async () => {
    const page = await signedIn('booking-clerk');
    await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
    await waitForHeading(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('alert').innerText()).toContain('You have signed out');
    expect(await focused(page)).toBe('H1: Sign in');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await screenshot(page, 'signed-out');

    // The server has ended the session: a fresh load of the home page goes to sign-in.
    await page.goto(`${suite.h.baseUrl}/`);
    await waitForHeading(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByText('You have signed out').count()).toBe(0);
  });

  it('sends someone whose session has ended to sign in, and back again afterwards', async () => {
    const page = await signedIn('booking-clerk');
    await page.goto(`${suite.h.baseUrl}/no-such-page`);
    await waitForHeading(page, 'Page not found');
    await t.context.clearCookies();
    await page.getByRole('link', { name: 'Go to the Pathflow home page' }).click();

    await waitForHeading(page, 'Sign in');
    expect(await page.getByRole('region', { name: 'Important' }).innerText()).toContain(
      'You have been signed out',
    );
    await signInAs(page, 'booking-clerk');
    await waitForHeading(page, 'Home');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('shows "Page not found" for an unknown address, signed in or not', async () => {
    t = await suite.newPage();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/waiting-lists/nowhere`);
    await waitForHeading(page, 'Page not found');
    expect(await page.title()).toBe('Page not found – Pathflow');
    await page.getByRole('link', { name: 'Go to the Pathflow home page' }).click();
    await waitForHeading(page, 'Sign in');
    expect(await focused(page)).toBe('H1: Sign in');
  });

  it('sends the CSRF header with sign-out, which the server needs', async () => {
    const page = await signedIn('clinician');
    // Without the header the server refuses, and the session survives.
    const bare = await page.evaluate(() =>
      fetch('/api/v1/auth/sign-out', { method: 'POST' }).then((r) => r.status),
    );
    expect(bare).toBe(403);

    const sent = page.waitForRequest((req) => req.url().endsWith('/api/v1/auth/sign-out'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    const request = await sent;
    expect(request.method()).toBe('POST');
    expect(request.headers()['x-csrf-token']).toMatch(/.{16,}/);
    await waitForHeading(page, 'Sign in');
    expect(await page.getByRole('alert').innerText()).toContain('You have signed out');
  });
});

import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import {
  focused,
  screenshot,
  signInAs,
  useWebHarness,
  waitForHeading,
  type TestPage,
} from './support/harness';

/** The text that the element's aria-describedby points at. */
const descriptionOf = (locator: Locator) =>
  locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .join(' '),
  );

const isSessionRequest = (url: string) => new URL(url).pathname === '/api/v1/auth/session';

/**
 * WCAG 2.2 SC 2.2.1 (Timing adjustable): a warning before the session ends, and one action to stay signed in.
 * The server's sessions here end after 3 idle minutes, timed by the real clock; the browser runs on Playwright's
 * fake clock, which the tests move on by minutes at once. So the browser warns and signs out while the session is
 * still young on the server, and "Stay signed in" asks the server for a session that is still there.
 */
describe('the session timeout warning', () => {
  const suite = useWebHarness({ env: { PATHFLOW_SESSION_IDLE_MINUTES: '3' } });
  let t: TestPage;

  const signedIn = async (role: string, before?: (page: Page) => Promise<unknown>) => {
    t = await suite.newPage();
    await t.page.clock.install();
    await before?.(t.page);
    await t.page.goto(`${suite.h.baseUrl}/sign-in`);
    await waitForHeading(t.page, 'Sign in');
    await signInAs(t.page, role);
    await waitForHeading(t.page, 'Home');
    // The home page's own request has been answered: the idle minutes count from here.
    await t.page.getByRole('table').waitFor();
    return t.page;
  };

  const warning = (page: Page) => page.getByRole('dialog', { name: "You'll be signed out soon" });

  it('warns 2 minutes before the idle limit, and "Stay signed in" keeps the session', async () => {
    const page = await signedIn('booking-clerk');
    const dialog = warning(page);
    expect(await focused(page)).toBe('H1: Home');

    await page.clock.fastForward('00:50');
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward('00:11');
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => el.matches(':modal'))).toBe(true);
    expect(await focused(page)).toBe('BUTTON: Stay signed in');
    const described = await descriptionOf(dialog);
    expect(described).toMatch(/^We will sign you out in 1 minute 5\d seconds to protect your information\.$/);
    expect(await dialog.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'timeout');

    // The countdown changes on screen every second, but screen readers hear it only now and then.
    const status = dialog.getByRole('status');
    expect(await status.textContent()).toBe('');
    await page.clock.fastForward('00:15');
    await expect.poll(() => descriptionOf(dialog)).not.toBe(described);
    expect(await status.textContent()).toBe('');
    await page.clock.runFor('00:15');
    await expect
      .poll(() => status.textContent())
      .toMatch(/^We will sign you out in 1 minute [23]\d seconds\.$/);

    const asked = page.waitForResponse((r) => isSessionRequest(r.url()));
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    expect((await asked).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toBe('H1: Home');

    // A whole idle period again from "Stay signed in"; Escape stays signed in too.
    await page.clock.fastForward('00:50');
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward('00:11');
    await dialog.waitFor();
    const askedAgain = page.waitForResponse((r) => isSessionRequest(r.url()));
    await page.keyboard.press('Escape');
    expect((await askedAgain).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Signed in as Test booking-clerk').waitFor();
  });

  it('closes the warning in every tab when the person stays signed in in one', async () => {
    const page = await signedIn('booking-clerk');
    const other = await t.context.newPage();
    await other.goto(`${suite.h.baseUrl}/`);
    await waitForHeading(other, 'Home');
    await other.getByRole('table').waitFor();

    await page.clock.fastForward('01:10');
    await warning(page).waitFor();
    await warning(other).waitFor();
    await warning(page).getByRole('button', { name: 'Stay signed in' }).click();
    await warning(page).waitFor({ state: 'hidden' });
    await warning(other).waitFor({ state: 'hidden' });
  });

  it('signs the person out when the time runs out, on the server too', async () => {
    const page = await signedIn('booking-clerk');
    await page.clock.fastForward('01:01');
    await warning(page).waitFor();

    const signOut = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/sign-out'));
    await page.clock.fastForward('02:00');
    expect((await signOut).method()).toBe('POST');
    await waitForHeading(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('region', { name: 'Important' }).innerText()).toContain(
      'You have been signed out',
    );
    expect(await focused(page)).toBe('H1: Sign in');
    expect(await warning(page).count()).toBe(0);
    // Ended on the server too, not only in this tab.
    expect(await page.evaluate(() => fetch('/api/v1/auth/session').then((r) => r.status))).toBe(401);
  });

  it('signs out from the warning with "Sign out"', async () => {
    const page = await signedIn('booking-clerk');
    await page.clock.fastForward('01:01');
    await warning(page).getByRole('button', { name: 'Sign out' }).click();
    await waitForHeading(page, 'Sign in');
    expect(await page.getByRole('alert').innerText()).toContain('You have signed out');
  });

  it('says when the session is at its absolute limit, which staying cannot extend', async () => {
    // The server's sessions last 12 hours; make this one look as if it ends 2½ minutes after signing in.
    const page = await signedIn('booking-clerk', (p) =>
      p.route('**/api/v1/auth/{sign-in,session}', async (route) => {
        const response = await route.fetch();
        if (!response.ok()) return route.fulfill({ response });
        const expiresAt = new Date(Date.now() + 150_000).toISOString();
        return route.fulfill({ response, json: { ...(await response.json()), expiresAt } });
      }),
    );
    const dialog = warning(page);
    await page.clock.fastForward('00:25');
    expect(await dialog.isVisible()).toBe(false);
    await page.clock.fastForward('00:10');
    await dialog.waitFor();
    expect(await descriptionOf(dialog)).toMatch(
      /^We will sign you out in 1 minute 5\d seconds to protect your information\. You have been signed in for the longest time allowed, so you will need to sign in again\.$/,
    );
    expect(await dialog.getByRole('button', { name: 'Stay signed in' }).count()).toBe(0);
    expect(await focused(page)).toBe('BUTTON: Continue');
    expect(await axeViolations(page)).toEqual([]);

    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toBe('H1: Home');
    await page.clock.fastForward('01:00');
    expect(await dialog.isVisible()).toBe(false);

    await page.clock.fastForward('01:00');
    await waitForHeading(page, 'Sign in');
    expect(await page.getByRole('region', { name: 'Important' }).innerText()).toContain(
      'You have been signed out',
    );
  });
});

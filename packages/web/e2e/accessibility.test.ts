import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe';
import { signInAs, useWebHarness, waitForHeading, type TestPage } from './support/harness';

/** axe against WCAG 2.0, 2.1 and 2.2 A and AA on each page and state we have. */
describe('accessibility (axe, WCAG 2.2 AA)', () => {
  const suite = useWebHarness();
  let t: TestPage;

  const open = async (path: string, heading: string) => {
    t = await suite.newPage();
    await t.page.goto(`${suite.h.baseUrl}${path}`);
    await waitForHeading(t.page, heading);
    return t.page;
  };

  it('the sign-in page', async () => {
    const page = await open('/sign-in', 'Sign in');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the sign-in page with errors, and with the organisation field open', async () => {
    const page = await open('/sign-in', 'Sign in');
    await page.getByText('Working for more than one organisation?').click();
    await page.getByLabel('Organisation ODS code').fill('?');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.nhsuk-error-summary').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Organisation ODS code').fill('');
    await signInAs(page, 'booking-clerk', 'wrong-password');
    await page.getByText('The username or password is not right').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the home page with the waiting lists', async () => {
    const page = await open('/sign-in', 'Sign in');
    await signInAs(page, 'service-manager');
    await waitForHeading(page, 'Home');
    await page.getByRole('table').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the home page for a role without waiting lists', async () => {
    const page = await open('/sign-in', 'Sign in');
    await signInAs(page, 'flow-coordinator');
    await waitForHeading(page, 'Home');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the sign-in page after signing out', async () => {
    const page = await open('/sign-in', 'Sign in');
    await signInAs(page, 'booking-clerk');
    await waitForHeading(page, 'Home');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the skip link takes keyboard users to the main content', async () => {
    const page = await open('/sign-in', 'Sign in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to main content',
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('maincontent');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
  });

  it('the page not found page', async () => {
    const page = await open('/no-such-page', 'Page not found');
    expect(await axeViolations(page)).toEqual([]);
  });
});

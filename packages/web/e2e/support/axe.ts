import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Where the e2e run writes its screenshots: PATHFLOW_E2E_SCREENSHOTS, or `test-results/screenshots` at the
 * repository's root (ignored by git). They are the run's artefacts, one for every page state axe checks.
 */
export const SCREENSHOT_DIR =
  process.env.PATHFLOW_E2E_SCREENSHOTS ??
  fileURLToPath(new URL('../../../../test-results/screenshots', import.meta.url));

const taken = new Map<string, number>();

/** A file name from the page's address and title: `tasks--work-queues-2.png`. */
function screenshotName(page: Page, title: string): string {
  const path = new URL(page.url()).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'id');
  const slug = `${path}--${title}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  const n = (taken.get(slug) ?? 0) + 1;
  taken.set(slug, n);
  return `${slug || 'page'}${n > 1 ? `-${n}` : ''}.png`;
}

/** Saves a full-page screenshot of the page as it is now, as a test artefact. */
export async function saveScreenshot(page: Page): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const title = (await page.title()).split(' – ')[0] ?? '';
  await page.screenshot({ path: join(SCREENSHOT_DIR, screenshotName(page, title)), fullPage: true });
}

/**
 * Runs axe against WCAG 2.2 AA and returns each violation as one readable line (empty when there are none).
 * Every page state checked is also saved as a screenshot (see SCREENSHOT_DIR).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  await saveScreenshot(page);
  return results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'unknown'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

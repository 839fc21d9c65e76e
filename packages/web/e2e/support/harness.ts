/**
 * Browser tests run the real thing: the web app built by Vite, the real server (on an in-memory PGlite
 * database seeded with the API tests' fixture) listening on a free port, and Debian's Chromium driven by
 * playwright-core. Each test file starts its own, so files can run in parallel.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { build } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { createTestDatabase, type TestDatabase } from '../../../server/test/support/db';
import { PASSWORD, seedFixture, type Fixture } from '../../../server/test/support/fixtures';

export { PASSWORD };

const WEB_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.PATHFLOW_CHROMIUM ?? '/usr/bin/chromium';

export interface HarnessOptions {
  /** Extra organisations to seed after the first (XT1), by ODS code. */
  moreOrganisations?: string[];
  /** Extra environment for the server's configuration. */
  env?: Record<string, string>;
}

export interface WebHarness {
  /** http://localhost:<port>: localhost is a secure context, so the server keeps its Secure cookies. */
  baseUrl: string;
  /** The same server by IP address, for calling the API from Node. */
  apiUrl: string;
  fixture: Fixture;
  db: TestDatabase;
  /** A fresh browser context (no cookies) and page that records console errors and CSP violations. */
  newPage(): Promise<TestPage>;
  close(): Promise<void>;
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Script errors and console errors other than failed requests (a 401 is expected before sign-in). */
  problems: string[];
}

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}. The browser tests need it: install it with ` +
        '`apt-get install -y chromium`, or set PATHFLOW_CHROMIUM to the path of a Chromium or Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<WebHarness> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const outDir = await mkdtemp(join(tmpdir(), 'pathflow-web-'));
    cleanups.push(() => rm(outDir, { recursive: true, force: true }));
    await build({ root: WEB_ROOT, build: { outDir, emptyOutDir: true }, logLevel: 'silent' });

    const db = await createTestDatabase('pglite');
    cleanups.push(() => db.dispose());
    const fixture = await seedFixture(db.db);
    for (const odsCode of options.moreOrganisations ?? []) await seedFixture(db.db, odsCode);

    const config = loadConfig({ PATHFLOW_SEED: 'none', PATHFLOW_WEB_DIST: outDir, ...options.env });
    const app = await buildApp({ handle: db, config });
    cleanups.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;

    const browser = await launchChromium();
    cleanups.push(() => browser.close());

    return {
      baseUrl: `http://localhost:${port}`,
      apiUrl: `http://127.0.0.1:${port}/api/v1`,
      fixture,
      db,
      newPage: async () => {
        const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
            problems.push(`console: ${message.text()}`);
          }
        });
        return { page, context, problems };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface WebSuite {
  /** The running server and browser (available from the suite's first test on). */
  readonly h: WebHarness;
  /** A fresh page; after each test every page is closed and must have logged no problems. */
  newPage(): Promise<TestPage>;
  /** A fresh page signed in through the form as `username`, on the home page. */
  signedIn(username: string): Promise<TestPage>;
}

/** Starts one server and browser for a suite, and checks and closes each test's pages after it. */
export function useWebHarness(options: HarnessOptions = {}): WebSuite {
  let harness: WebHarness | undefined;
  const open: TestPage[] = [];
  beforeAll(async () => {
    harness = await startHarness(options);
  });
  afterAll(() => harness?.close());
  afterEach(async () => {
    const pages = open.splice(0);
    for (const t of pages) await t.context.close();
    for (const t of pages) expect(t.problems).toEqual([]);
  });
  const suite: WebSuite = {
    get h() {
      if (!harness) throw new Error('The web harness has not started');
      return harness;
    },
    newPage: async () => {
      const t = await suite.h.newPage();
      open.push(t);
      return t;
    },
    signedIn: async (username) => {
      const t = await suite.newPage();
      await t.page.goto(`${suite.h.baseUrl}/sign-in`);
      await waitForHeading(t.page, 'Sign in');
      await signInAs(t.page, username);
      await waitForHeading(t.page, 'Home');
      return t;
    },
  };
  return suite;
}

/** Signs in through the form on the sign-in page, as a person would. */
export async function signInAs(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits for the page's h1 to read `text`. */
export async function waitForHeading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

/** The text of the element that has focus, and its tag name, e.g. `H1: Home`. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName}: ${(el.textContent ?? '').trim()}` : 'nothing';
  });
}

/** When PATHFLOW_E2E_SCREENSHOTS names a directory, saves a full-page screenshot there. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.PATHFLOW_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `pathflow-${name}.png`), fullPage: true });
}

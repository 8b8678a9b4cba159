import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs } from './chromium.ts';
import { root } from './server-process.ts';

/** Logs the seeded admin in over the API: the `suitewatch_session=…` cookie for requestJson. */
export async function adminSession(baseUrl: string, password: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const session = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('suitewatch_session='));
  if (!session) throw new Error(`login failed: ${login.status}`);
  return session;
}

/** Where one run of an e2e file puts its screenshots: test-results/e2e/<when it started>. */
export const shotsDir = () =>
  join(root, 'test-results', 'e2e', new Date().toISOString().replace(/[:.]/g, '-'));

/** Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
}

/**
 * Everything a page logs as an error, throws, or hears refused (4xx/5xx) goes into `errors`, so a
 * test can insist it stayed empty. `who` names the page when several share one list.
 */
export function watchErrors(page: Page, errors: string[], who?: string): void {
  const said = (text: string) => errors.push(who ? `${who}: ${text}` : text);
  page.on('console', (message) => {
    if (message.type() === 'error') said(message.text());
  });
  page.on('pageerror', (error) => said(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400)
      said(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
}

/** Logs in through the dashboard's form and waits until its live feed is connected. */
export async function logIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-testid="live"]', { hasText: /^live$/ }).waitFor({ timeout: 10_000 });
}

export interface DeskOptions {
  viewport: { width: number; height: number };
  timezoneId: string;
  /** Where the page's errors go (see watchErrors), named by `who` when given. */
  errors: string[];
  who?: string;
}

/**
 * One person at their own desk: a browser context of their own (so their own session), errors
 * watched, logged in and live. The first visit's 401 (who is logged in?) lands in `errors`: the
 * caller clears it once every desk is open.
 */
export async function openDesk(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  { viewport, timezoneId, errors, who }: DeskOptions,
): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId });
  const page = await context.newPage();
  watchErrors(page, errors, who);
  await logIn(page, baseUrl, username, password);
  return page;
}

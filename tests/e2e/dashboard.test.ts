import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';
import { buildDashboard } from '../helpers/dashboard-build.ts';
import { launchChromium, logIn, shotsDir } from '../helpers/e2e.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { describeWith, parts } from '../helpers/system.ts';

const password = 'wall-display-password';
const intervalS = 5;

describeWith([parts.chromium], 'dashboard in headless Chromium', () => {
  let server: ServerProcess;
  let device: LocalServer;
  let browser: Browser;
  let page: Page;
  const shots = shotsDir();

  beforeAll(async () => {
    const dashboard = buildDashboard();
    device = await startHttpServer((_req, res) => res.end('Resolve project server ok'));
    server = await startServer({
      ...dashboard,
      SUITEWATCH_ADMIN_PASSWORD: password,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    mkdirSync(shots, { recursive: true });
    console.log(`e2e screenshots: ${shots}`);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await device?.close();
  });

  it('logs in, adds a suite, a device and an HTTP check, and sees the tile go green then red live', async () => {
    await logIn(page, server.url, 'admin', password);

    await page.getByRole('link', { name: 'New suite' }).click();
    await page.getByLabel('Name').fill('Edit 3');
    await page.getByRole('button', { name: 'Create suite' }).click();
    const tile = page.locator('[data-testid="suite-tile"]', { hasText: 'Edit 3' });
    await tile.waitFor({ timeout: 10_000 });

    await page.getByRole('link', { name: 'New device' }).click();
    await page.getByLabel('Name').fill('Edit3-Avid');
    await page.getByLabel('Kind').selectOption('workstation');
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByRole('checkbox', { name: 'Edit 3' }).check();
    await page.getByRole('button', { name: 'Create device' }).click();
    await page.getByRole('heading', { name: 'Edit3-Avid' }).waitFor({ timeout: 10_000 });

    await page.getByLabel('URL').fill(`${device.url}/health`);
    await page.getByLabel('Interval (s)').fill(String(intervalS));
    await page.getByRole('button', { name: 'Add check' }).click();
    await expect
      .poll(() => page.getByTestId('device-status').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('ok');
    await page.screenshot({ path: join(shots, '1-device-ok.png'), fullPage: true });

    await page.getByRole('link', { name: 'Wall' }).click();
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 10_000 }).toBe('ok');
    // Marks this page load: if the dashboard reloaded, the mark would be gone.
    await page.evaluate(() => Object.assign(globalThis, { suitewatchMark: 'no-reload' }));
    await page.screenshot({ path: join(shots, '2-wall-green.png'), fullPage: true });

    await device.close();
    const stoppedAt = Date.now();
    await expect
      .poll(() => tile.getAttribute('data-status'), {
        timeout: 2 * intervalS * 1000,
        interval: 100,
      })
      .toBe('critical');
    const redAfterMs = Date.now() - stoppedAt;
    console.log(
      `e2e: tile turned red ${redAfterMs} ms after the device stopped (interval ${intervalS} s)`,
    );
    expect(redAfterMs).toBeLessThanOrEqual(2 * intervalS * 1000);
    await expect.poll(() => tile.textContent()).toContain('Edit3-Avid');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { suitewatchMark?: string }).suitewatchMark,
      ),
    ).toBe('no-reload');
    await page.screenshot({ path: join(shots, '3-wall-red.png'), fullPage: true });
  });
});

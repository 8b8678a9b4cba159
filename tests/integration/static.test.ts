import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';

describe('serving the dashboard', () => {
  let t: TestApp;
  const web = mkdtempSync(join(tmpdir(), 'sw-static-'));
  beforeAll(async () => {
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Suitewatch</title>');
    writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
    t = await createTestApp('pglite', { SUITEWATCH_WEB_DIR: web });
  });
  afterAll(async () => t?.close());

  it('serves the page at / and for any route the browser owns', async () => {
    for (const url of ['/', '/devices/123', '/wall?display']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<title>Suitewatch</title>');
    }
  });

  it('serves files built after start, and 404s a missing asset rather than sending the page', async () => {
    writeFileSync(join(web, 'assets', 'app-2.js'), 'console.log(2)');
    const fresh = await t.app.inject({ method: 'GET', url: '/assets/app-2.js' });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toBe('console.log(2)');
    const missing = await t.app.inject({ method: 'GET', url: '/assets/app-0.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no route GET /assets/app-0.js');
  });

  it('sends security headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/' });
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

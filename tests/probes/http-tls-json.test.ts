import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atPath, httpProbe, type HttpConfig } from '../../probes/kinds/http.ts';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';
import { describeWith, parts } from '../helpers/system.ts';

const run = (config: HttpConfig) =>
  httpProbe.run(config, {
    signal: AbortSignal.timeout(3000),
    timeoutMs: 3000,
    host: '127.0.0.1',
    state: new Map(),
  });

describe('JSON path assertion against a real local server', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/status')
        res.end(
          JSON.stringify({
            system: { state: 'online', clients: 12 },
            volumes: [{ health: 'degraded' }],
          }),
        );
      else res.end('<html>not json</html>');
    });
  });
  afterAll(async () => server.close());

  it('passes when the field has the expected value, and names the field when it does not', async () => {
    expect(
      (await run({ url: `${server.url}/status`, jsonPath: 'system.state', jsonEquals: 'online' }))
        .status,
    ).toBe('ok');
    expect(
      (await run({ url: `${server.url}/status`, jsonPath: 'system.clients', jsonEquals: 12 }))
        .status,
    ).toBe('ok');
    expect(
      await run({
        url: `${server.url}/status`,
        jsonPath: 'volumes[0].health',
        jsonEquals: 'normal',
      }),
    ).toMatchObject({
      status: 'critical',
      message: "volumes[0].health is 'degraded', expected 'normal'",
    });
    expect(await run({ url: `${server.url}/status`, jsonPath: 'system.uptime' })).toMatchObject({
      status: 'critical',
      message: 'system.uptime is missing from the JSON',
    });
    expect(await run({ url: `${server.url}/page`, jsonPath: 'system.state' })).toMatchObject({
      status: 'critical',
      message: 'the body is not JSON',
    });
  });

  it('walks paths through objects and arrays', () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(atPath(doc, 'a.b[1].c')).toBe(2);
    expect(atPath(doc, 'a.x.c')).toBeUndefined();
  });
});

describeWith([parts.openssl], 'TLS certificate expiry against real HTTPS servers', () => {
  const servers: Server[] = [];
  const urls = new Map<number, string>();
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-tls-'));
    for (const days of [3, 15, 365]) {
      const key = join(dir, `${days}.key`);
      const cert = join(dir, `${days}.crt`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          String(days),
          '-subj',
          '/CN=localhost',
        ],
        { stdio: 'ignore' },
      );
      const server = createServer(
        { key: readFileSync(key), cert: readFileSync(cert) },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.set(days, `https://127.0.0.1:${(server.address() as { port: number }).port}/`);
    }
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  it('reports days left, warns under 21 days and is critical under 7', async () => {
    const late = await run({ url: urls.get(365)!, tlsVerify: false });
    expect(late.status).toBe('ok');
    const days = late.readings.find((r) => r.name === 'http.cert_days');
    expect(days?.unit).toBe('d');
    expect(days?.value).toBeGreaterThan(363);
    const soon = await run({ url: urls.get(15)!, tlsVerify: false });
    expect(soon.status).toBe('warning');
    expect(soon.message).toMatch(/^certificate expires in 1[45] days \(\d{4}-\d{2}-\d{2}\)$/);
    const close = await run({ url: urls.get(3)!, tlsVerify: false });
    expect(close.status).toBe('critical');
    expect((await run({ url: urls.get(15)!, tlsVerify: false, certWarnDays: 10 })).status).toBe(
      'ok',
    );
  });

  it('refuses a self-signed certificate unless told not to verify', async () => {
    await expect(run({ url: urls.get(365)! })).rejects.toThrow(/self.signed/i);
  });
});

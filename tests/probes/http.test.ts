import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProbe } from '../../probes/kinds/http.ts';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';

describe('http probe against a real local server', () => {
  let server: LocalServer;
  let hang: Array<() => void> = [];
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/ok') res.end('NEXIS web UI ready');
      else if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 150);
      else if (req.url === '/stream') {
        // An endless body, like a camera's MJPEG preview: the probe must not wait for its end.
        res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace' });
        const timer = setInterval(() => res.write('frame '.repeat(1000)), 5);
        res.on('close', () => clearInterval(timer));
      } else if (req.url === '/late-word') {
        res.write('x'.repeat(70_000));
        setTimeout(() => res.end('degraded'), 20);
      } else if (req.url === '/hang') hang.push(() => res.end());
      else res.writeHead(503).end('maintenance');
    });
  });
  afterAll(async () => {
    hang.forEach((release) => release());
    hang = [];
    await server.close();
  });

  const run = (config: Parameters<typeof httpProbe.run>[0], timeoutMs = 2000) =>
    httpProbe.run(config, {
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
      host: '127.0.0.1',
      state: new Map(),
    });

  it('is ok on a 200 and reports latency and status code', async () => {
    const outcome = await run({ url: `${server.url}/ok` });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toBe('HTTP 200');
    const latency = outcome.readings.find((r) => r.name === 'http.latency_ms');
    expect(latency?.unit).toBe('ms');
    expect(latency?.value).toBeGreaterThan(0);
    expect(outcome.readings.find((r) => r.name === 'http.status_code')?.value).toBe(200);
  });

  it('is critical on a status outside the expected range', async () => {
    const outcome = await run({ url: `${server.url}/down` });
    expect(outcome).toMatchObject({ status: 'critical', message: 'HTTP 503, expected 200-399' });
    const listed = await run({ url: `${server.url}/moved`, expectStatus: '200,204' });
    expect(listed).toMatchObject({ status: 'critical', message: 'HTTP 302, expected 200,204' });
    const range = await run({ url: `${server.url}/down`, expectStatus: '500-503' });
    expect(range.status).toBe('ok');
  });

  it('checks for a body substring', async () => {
    expect((await run({ url: `${server.url}/ok`, bodyContains: 'ready' })).status).toBe('ok');
    const missing = await run({ url: `${server.url}/ok`, bodyContains: 'degraded' });
    expect(missing).toMatchObject({
      status: 'critical',
      message: "HTTP 200 but the body does not contain 'degraded'",
    });
  });

  it('does not wait for an endless body, and stops searching one after 1 MiB', async () => {
    expect(await run({ url: `${server.url}/stream` })).toMatchObject({
      status: 'ok',
      message: 'HTTP 200',
    });
    const search = await run({ url: `${server.url}/stream`, bodyContains: 'never-there' });
    expect(search.status).toBe('critical');
    expect(search.message).toMatch(/does not contain 'never-there'/);
  });

  it('finds text late in a body', async () => {
    expect((await run({ url: `${server.url}/late-word`, bodyContains: 'degraded' })).status).toBe(
      'ok',
    );
  });

  it('warns when slower than the latency threshold', async () => {
    const outcome = await run({ url: `${server.url}/slow`, warnLatencyMs: 50 });
    expect(outcome.status).toBe('warning');
    expect(outcome.message).toMatch(/slower than 50 ms/);
  });

  it('rejects on a refused connection and on abort', async () => {
    const closed = await startHttpServer(() => {});
    const url = closed.url;
    await closed.close();
    await expect(run({ url })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(run({ url: `${server.url}/hang` }, 100)).rejects.toThrow(/abort/i);
  });
});

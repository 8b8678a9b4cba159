import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../probes/remote/http-transport.ts';
import { Sender } from '../../probes/remote/sender.ts';
import { Spool } from '../../probes/remote/spool.ts';
import type { CheckResult } from '../../probes/types.ts';
import { startHttpServer, type LocalServer } from '../helpers/http-server.ts';

const result = (n: number): CheckResult => ({
  checkId: '5f0c6a40-0000-4000-8000-000000000001',
  status: 'ok',
  message: `run ${n}`,
  durationMs: 1,
  at: new Date(1_800_000_000_000 + n * 5000).toISOString(),
  readings: [{ name: 'tcp.connect_ms', value: n, unit: 'ms' }],
});
const logger = { info: () => {}, warn: () => {} };

describe('the probe spool', () => {
  it('keeps batches in order across a restart and sets a damaged one aside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-spool-'));
    const spool = new Spool(dir);
    await spool.open();
    await spool.append([result(1), result(2)]);
    await spool.append([result(3)]);
    await spool.append([result(4)]);
    // A crash mid-write leaves only a temporary file, which is never read as a batch.
    writeFileSync(join(dir, '000000000009.json.tmp'), '[{"checkId"');
    writeFileSync(join(dir, '000000000002.json'), '[{"checkId": "cut sho');

    const reopened = new Spool(dir);
    await reopened.open();
    expect(reopened.batches).toBe(2);
    expect(reopened.results).toBe(3);
    expect(readdirSync(join(dir, 'rejected'))).toEqual(['000000000002.json']);
    const oldest = await reopened.oldest();
    expect(oldest?.results.map((r) => r.message)).toEqual(['run 1', 'run 2']);
    await reopened.remove(oldest!.name);
    expect((await reopened.oldest())?.results.map((r) => r.message)).toEqual(['run 4']);
    // New batches go after the old ones, never before them.
    await reopened.append([result(5)]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.json'))).toEqual([
      '000000000003.json',
      '000000000004.json',
    ]);
  });
});

describe('the sender, against a real HTTP server', () => {
  let server: LocalServer | null = null;
  afterEach(async () => server?.close());

  it('waits while the server is away, then delivers oldest first; a refused batch is set aside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-spool-'));
    const spool = new Spool(dir);
    await spool.open();
    const received: string[] = [];
    let answer = 503;
    server = await startHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { results } = JSON.parse(body) as { results: CheckResult[] };
        if (results.some((r) => r.message === 'run 3')) {
          res.writeHead(400).end('{"message":"body.results.0.status must be one of: ok"}');
          return;
        }
        if (answer !== 200) {
          res.writeHead(answer).end('{"message":"restarting"}');
          return;
        }
        received.push(...results.map((r) => r.message));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: results.length, duplicates: 0, dropped: 0 }));
      });
    });
    const http = new HttpTransport(new URL(server.url), 'swp_test');
    const sender = new Sender(spool, (results) => http.postResults(results), logger);

    await sender.post([result(1)]);
    await sender.post([result(2)]);
    await sender.post([result(3)]);
    await sender.post([result(4)]);
    // The server answers 503: nothing is lost, everything waits on disk.
    expect(spool.results).toBe(4);
    answer = 200;
    await sender.finish(15_000);
    expect(received).toEqual(['run 1', 'run 2', 'run 4']);
    expect(sender.stats).toEqual({ delivered: 3, duplicates: 0, rejected: 1 });
    expect(spool.batches).toBe(0);
    expect(readdirSync(join(dir, 'rejected'))).toHaveLength(1);
  });

  it('sends a batch a proxy finds too large again in halves, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-spool-'));
    const spool = new Spool(dir);
    await spool.open();
    const received: string[] = [];
    server = await startHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { results } = JSON.parse(body) as { results: CheckResult[] };
        // As nginx's client_max_body_size would: more than two results is too large.
        if (results.length > 2) {
          res.writeHead(413).end('<html>413 Request Entity Too Large</html>');
          return;
        }
        received.push(...results.map((r) => r.message));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ accepted: results.length, duplicates: 0, dropped: 0 }));
      });
    });
    const http = new HttpTransport(new URL(server.url), 'swp_test');
    const sender = new Sender(spool, (results) => http.postResults(results), logger);
    await sender.post([1, 2, 3, 4, 5, 6, 7].map(result));
    await sender.finish(10_000);
    expect(received).toEqual(['run 1', 'run 2', 'run 3', 'run 4', 'run 5', 'run 6', 'run 7']);
    expect(sender.stats).toEqual({ delivered: 7, duplicates: 0, rejected: 0 });
  });

  it('keeps everything on disk when the server never answers, for the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-spool-'));
    const spool = new Spool(dir);
    await spool.open();
    // A port nothing listens on: connection refused.
    server = await startHttpServer(() => {});
    const url = server.url;
    await server.close();
    server = null;
    const http = new HttpTransport(new URL(url), 'swp_test');
    const sender = new Sender(spool, (results) => http.postResults(results), logger);
    await sender.post([result(1), result(2)]);
    await sender.finish(1500);
    const again = new Spool(dir);
    await again.open();
    expect(again.results).toBe(2);
    expect(sender.stats).toEqual({ delivered: 0, duplicates: 0, rejected: 0 });
  });
});

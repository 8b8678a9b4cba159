import { afterEach, describe, expect, it } from 'vitest';
import { probeKinds } from '../../probes/registry.ts';
import { Runner } from '../../probes/runner.ts';
import {
  BatchRejected,
  maxMessageLength,
  type CheckResult,
  type CheckSpec,
  type ProbeKind,
  type ProbeTransport,
} from '../../probes/types.ts';
import { startHttpServer, waitFor, type LocalServer } from '../helpers/http-server.ts';

const quiet = { info: () => {}, warn: () => {} };

/** A transport that keeps what the runner posts: the runner's own interface, not a mocked part. */
function collectingTransport(checks: CheckSpec[]) {
  const posted: CheckResult[][] = [];
  let failNext = 0;
  const transport: ProbeTransport = {
    fetchChecks: async () => checks,
    postResults: async (batch) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('server unreachable');
      }
      posted.push(batch);
    },
  };
  return {
    transport,
    posted,
    results: () => posted.flat(),
    failPosts: (n: number) => (failNext = n),
  };
}

const spec = (
  id: string,
  config: Record<string, unknown>,
  kind = 'http',
  intervalS = 5,
): CheckSpec => ({
  id,
  deviceId: `device-${id}`,
  kind,
  intervalS,
  config,
  host: '127.0.0.1',
});

describe('probe runner', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('runs real HTTP checks and posts their results in batches', async () => {
    const server: LocalServer = await startHttpServer((_req, res) => res.end('ok'));
    cleanup.push(() => server.close());
    const checks = Array.from({ length: 5 }, (_, i) =>
      spec(`c${i}`, { url: `${server.url}/${i}` }),
    );
    const { transport, posted, results } = collectingTransport(checks);
    const runner = new Runner(transport, {
      kinds: probeKinds,
      logger: quiet,
      batchSize: 5,
      batchWaitMs: 500,
      spreadFirstRuns: false,
      newCheckDelayMs: 0,
    });
    await runner.start();
    cleanup.push(() => runner.stop());
    await waitFor(() => results().length >= 5, { timeoutMs: 8000, what: 'five results' });
    expect(new Set(results().map((r) => r.checkId))).toEqual(new Set(checks.map((c) => c.id)));
    expect(
      results().every(
        (r) => r.status === 'ok' && r.durationMs >= 0 && !Number.isNaN(Date.parse(r.at)),
      ),
    ).toBe(true);
    expect(posted.length).toBeLessThan(5);
  });

  it('turns a throw, a refusal and a timeout into critical results without stopping', async () => {
    const throwing: ProbeKind = {
      kind: 'boom',
      configSchema: {},
      run: () => Promise.reject(new Error('exploded')),
    };
    const hanging: ProbeKind = { kind: 'hang', configSchema: {}, run: () => new Promise(() => {}) };
    const closed = await startHttpServer(() => {});
    const refusedUrl = closed.url;
    await closed.close();
    const { transport, results } = collectingTransport([
      spec('t', {}, 'boom'),
      spec('h', { timeoutMs: 200 }, 'hang'),
      spec('r', { url: refusedUrl }),
    ]);
    const runner = new Runner(transport, {
      kinds: { ...probeKinds, boom: throwing, hang: hanging },
      logger: quiet,
      batchWaitMs: 20,
      spreadFirstRuns: false,
    });
    await runner.start();
    cleanup.push(() => runner.stop());
    const all = await waitFor(
      () => {
        const byId = new Map(results().map((r) => [r.checkId, r]));
        return byId.size === 3 ? byId : null;
      },
      { timeoutMs: 9000, what: 'a result from each check' },
    );
    expect(all.get('t')).toMatchObject({ status: 'critical', message: 'exploded' });
    expect(all.get('h')).toMatchObject({ status: 'critical', message: 'timed out after 200 ms' });
    expect(all.get('r')?.status).toBe('critical');
    expect(all.get('r')?.message).toMatch(/ECONNREFUSED/);
    expect(runner.stats.failures).toBeGreaterThanOrEqual(3);
  });

  it('caps how many checks run at once', async () => {
    let active = 0;
    let peak = 0;
    const slow: ProbeKind = {
      kind: 'slow',
      configSchema: {},
      run: async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 100));
        active -= 1;
        return { status: 'ok', message: '', readings: [] };
      },
    };
    const checks = Array.from({ length: 12 }, (_, i) => spec(`s${i}`, {}, 'slow', 5));
    const { transport, results } = collectingTransport(checks);
    const runner = new Runner(transport, {
      kinds: { slow },
      logger: quiet,
      concurrency: 3,
      batchWaitMs: 20,
      spreadFirstRuns: false,
      newCheckDelayMs: 0,
    });
    await runner.start();
    cleanup.push(() => runner.stop());
    await waitFor(() => results().length >= 12, { timeoutMs: 8000, what: 'twelve results' });
    expect(peak).toBe(3);
  });

  it('keeps results while the server is unreachable and posts them later', async () => {
    const ok: ProbeKind = {
      kind: 'ok',
      configSchema: {},
      run: async () => ({ status: 'ok', message: '', readings: [] }),
    };
    const collector = collectingTransport([spec('k', {}, 'ok', 5)]);
    collector.failPosts(1);
    const runner = new Runner(collector.transport, {
      kinds: { ok },
      logger: quiet,
      batchWaitMs: 20,
      spreadFirstRuns: false,
    });
    await runner.start();
    cleanup.push(() => runner.stop());
    await waitFor(() => collector.results().length >= 1, {
      timeoutMs: 9000,
      what: 'the retried post',
    });
    expect(collector.results()[0]?.checkId).toBe('k');
  });

  it('drops a batch the server refuses instead of retrying it forever, and cuts long messages', async () => {
    const long: ProbeKind = {
      kind: 'long',
      configSchema: {},
      run: () => Promise.reject(new Error(`getaddrinfo EINVAL ${'h'.repeat(3000)}`)),
    };
    let refuse = true;
    const posted: CheckResult[] = [];
    const runner = new Runner(
      {
        fetchChecks: async () => [spec('l', {}, 'long', 5)],
        postResults: async (batch) => {
          if (refuse) {
            refuse = false;
            throw new BatchRejected(
              'HTTP 400 body.results.0.message must NOT have more than 2000 characters',
            );
          }
          posted.push(...batch);
        },
      },
      { kinds: { long }, logger: quiet, batchWaitMs: 20, spreadFirstRuns: false },
    );
    await runner.start();
    cleanup.push(() => runner.stop());
    await waitFor(() => runner.stats.dropped >= 1, {
      timeoutMs: 5000,
      what: 'the refused batch to be dropped',
    });
    await waitFor(() => posted.length >= 1, {
      timeoutMs: 9000,
      what: 'the next result to be posted',
    });
    expect(posted[0]?.message.length).toBeLessThanOrEqual(maxMessageLength);
    expect(posted[0]?.message).toMatch(/^getaddrinfo EINVAL h+…$/);
  });

  it('flushes every pending batch on stop', async () => {
    const ok: ProbeKind = {
      kind: 'ok',
      configSchema: {},
      run: async () => ({ status: 'ok', message: 'fine', readings: [] }),
    };
    const checks = Array.from({ length: 7 }, (_, i) => spec(`m${i}`, {}, 'ok', 5));
    const collector = collectingTransport(checks);
    const runner = new Runner(collector.transport, {
      kinds: { ok },
      logger: quiet,
      batchSize: 2,
      batchWaitMs: 60_000,
      spreadFirstRuns: false,
      newCheckDelayMs: 0,
    });
    // Posting is refused once, so results pile up beyond one batch before stop() is called.
    collector.failPosts(1);
    await runner.start();
    await waitFor(() => runner.stats.runs >= 7, { timeoutMs: 5000, what: 'seven runs' });
    await runner.stop();
    expect(collector.results()).toHaveLength(7);
  });

  it('flushes pending results on stop', async () => {
    const ok: ProbeKind = {
      kind: 'ok',
      configSchema: {},
      run: async () => ({ status: 'ok', message: 'fine', readings: [] }),
    };
    const collector = collectingTransport([]);
    const runner = new Runner(
      { ...collector.transport, fetchChecks: async () => [spec('f', {}, 'ok', 5)] },
      { kinds: { ok }, logger: quiet, batchWaitMs: 60_000, spreadFirstRuns: false },
    );
    await runner.start();
    await waitFor(() => runner.stats.pending >= 1, { timeoutMs: 5000, what: 'a pending result' });
    expect(collector.results()).toEqual([]);
    await runner.stop();
    expect(collector.results().map((r) => r.message)).toEqual(['fine']);
  });
});

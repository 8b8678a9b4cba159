import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, postResult, seedDeviceWithCheck, type TestApp } from '../helpers/app.ts';
import { describeWith, parts } from '../helpers/system.ts';

describeWith([parts.promtool], '/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    // Exercise every family so that each has samples to check.
    const { check } = await seedDeviceWithCheck(t, { name: 'M1', kind: 'display' }, 10);
    await postResult(t, check.id, 'critical', 'refused');
  });
  afterAll(async () => t?.close());

  it('passes promtool check metrics and covers runs, durations, batches, sockets and HTTP latency', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toContain('suitewatch_check_runs_total{kind="http",status="critical"} 1');
    expect(text).toContain('suitewatch_check_duration_seconds_bucket{le="0.005",kind="http"} 1');
    expect(text).toContain('suitewatch_ingest_batch_results_count 1');
    expect(text).toContain('suitewatch_websocket_clients 0');
    expect(text).toMatch(
      /suitewatch_http_request_duration_seconds_count\{method="POST",route="\/api\/checks",status_code="201"\} 1/,
    );

    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.stderr + promtool.stdout).toBe('');
    expect(promtool.status).toBe(0);
  });
});

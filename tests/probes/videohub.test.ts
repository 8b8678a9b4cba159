import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videohubProbe, type VideohubConfig } from '../../probes/kinds/videohub.ts';
import { VideohubSimulator } from '../../probes/simulators/videohub.ts';
import { closeVideohubConnections, connectionFor } from '../../probes/videohub/connection.ts';
import { waitFor } from '../helpers/http-server.ts';

describe('videohub probe against the Videohub simulator', () => {
  let router: VideohubSimulator;
  let port: number;
  beforeAll(async () => {
    router = new VideohubSimulator({
      inputs: 12,
      outputs: 12,
      extraBlocks: ['ALARM STATUS:\nFan: ok\n'],
    });
    port = await router.start();
  });
  afterAll(async () => {
    closeVideohubConnections();
    await router.close();
  });

  const run = (config: Omit<VideohubConfig, 'port'>, timeoutMs = 3000) =>
    videohubProbe.run(
      { port, ...config },
      { signal: AbortSignal.timeout(timeoutMs), timeoutMs, host: '127.0.0.1', state: new Map() },
    );
  const route = (readings: Array<{ name: string; value: number }>, output: number) =>
    readings.find((r) => r.name === `videohub.route[${output}]`)?.value;

  it('reads the prelude: presence, sizes, routing, locks', async () => {
    const outcome = await run({ expectRoutes: { '1': 1, '3': 3 } });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toBe(
      'Blackmagic Smart Videohub 12G 40x40: 12 outputs, routing as expected',
    );
    const value = (name: string) => outcome.readings.find((r) => r.name === name)?.value;
    expect(value('videohub.connected')).toBe(1);
    expect(value('videohub.device_present')).toBe(1);
    expect(value('videohub.outputs')).toBe(12);
    expect(route(outcome.readings, 3)).toBe(3);
  });

  it('follows a route change made mid-stream and names output, expected and actual source', async () => {
    router.setRoute(2, 7);
    await waitFor(() => connectionFor('127.0.0.1', port).state.routing.get(2) === 7, {
      what: 'the change to arrive',
    });
    const outcome = await run({ expectRoutes: { '3': 3 } });
    expect(outcome).toMatchObject({
      status: 'critical',
      message: 'output 3 (Output 3) shows input 8 (Input 8), expected input 3 (Input 3)',
    });
    expect(route(outcome.readings, 3)).toBe(8);
    router.setRoute(2, 2);
  });

  it('counts garbage and skips unknown blocks without losing the connection', async () => {
    router.broadcast('NOT A BLOCK\njunk\n\nTAKE MODE:\n0 false\n\nVIDEO OUTPUT ROUTING:\n4 9\n\n');
    await waitFor(() => connectionFor('127.0.0.1', port).state.routing.get(4) === 9, {
      what: 'the route after the garbage',
    });
    const outcome = await run({});
    expect(outcome.readings.find((r) => r.name === 'videohub.garbage_lines')?.value).toBe(2);
    expect(route(outcome.readings, 5)).toBe(10);
  });

  it('reconnects after a dropped connection and reads the new prelude', async () => {
    router.dropClients();
    router.routing[0] = 11; // changed while we were away: only the next prelude can tell us
    await waitFor(async () => route((await run({})).readings, 1) === 12, {
      timeoutMs: 10_000,
      what: 'a reconnect',
    });
  });

  it('fails with the reason when the router is not there', async () => {
    const gone = new VideohubSimulator();
    const gonePort = await gone.start();
    await gone.close();
    await expect(
      videohubProbe.run(
        { port: gonePort },
        { signal: AbortSignal.timeout(1000), timeoutMs: 500, host: '127.0.0.1', state: new Map() },
      ),
    ).rejects.toThrow(/^router not connected: connect ECONNREFUSED/);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { snmpProbe, type SnmpConfig } from '../../probes/kinds/snmp.ts';
import { startSnmpd, v3, type Snmpd } from '../helpers/snmpd.ts';
import { describeWith, parts } from '../helpers/system.ts';

describeWith([parts.snmpd], 'snmp check kind against Debian snmpd', () => {
  let agent: Snmpd;
  beforeAll(async () => {
    agent = await startSnmpd();
  });
  afterAll(async () => agent?.stop());

  const run = (config: Omit<SnmpConfig, 'port'>, state = new Map<string, unknown>()) =>
    snmpProbe.run(
      { port: agent.port, requestTimeoutMs: 1000, ...config },
      { signal: AbortSignal.timeout(10_000), timeoutMs: 10_000, host: '127.0.0.1', state },
    );

  it('picks the workstation profile by itself and reads volumes, memory, load, ports and uptime', async () => {
    const outcome = await run({ version: '2c', community: 'public', profile: 'auto' });
    expect(outcome.status).toBe('ok');
    expect(outcome.message).toMatch(/^workstation profile: \d+ readings, all within limits$/);
    const names = outcome.readings.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'uptime_s',
        'memory.used_pct',
        'load.1m',
        'volume.used_pct[/]',
        'if.oper_status[lo]',
      ]),
    );
    const root = outcome.readings.find((r) => r.name === 'volume.used_pct[/]');
    expect(root?.unit).toBe('%');
    expect(root?.value).toBeGreaterThan(0);
    expect(root?.value).toBeLessThanOrEqual(100);
  });

  it('turns counters into rates from the second poll on', async () => {
    const state = new Map<string, unknown>();
    const first = await run({ version: '2c', community: 'public', profile: 'workstation' }, state);
    expect(first.readings.some((r) => r.name.startsWith('if.in_bps'))).toBe(false);
    const second = await run({ version: '2c', community: 'public', profile: 'workstation' }, state);
    const lo = second.readings.find((r) => r.name === 'if.in_bps[lo]');
    expect(lo?.unit).toBe('bit/s');
    expect(lo?.value).toBeGreaterThanOrEqual(0);
  });

  it('sees a reboot as sysUpTime going down', async () => {
    const state = new Map<string, unknown>([['uptimeTicks', 10 ** 9]]);
    const outcome = await run({ version: '2c', community: 'public', profile: 'system' }, state);
    expect(outcome.status).toBe('warning');
    expect(outcome.message).toMatch(/^restarted \d+ min ago/);
  });

  it('applies per-device threshold overrides', async () => {
    const outcome = await run({
      version: '2c',
      community: 'public',
      profile: 'workstation',
      thresholds: { 'volume.used_pct': { warning: 0, critical: 0.01 } },
    });
    expect(outcome.status).toBe('critical');
    expect(outcome.message).toMatch(/volume \/ is [\d.]+% full/);
  });

  it('polls over v3 authPriv', async () => {
    const outcome = await run({
      version: '3',
      user: { ...v3.authPriv, level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' },
      profile: 'auto',
    });
    expect(outcome.status).toBe('ok');
  });

  it('rejects when the agent does not answer the community', async () => {
    await expect(
      run({ version: '2c', community: 'wrong', retries: 0, requestTimeoutMs: 300 }),
    ).rejects.toThrow(/timed out/i);
  });
});

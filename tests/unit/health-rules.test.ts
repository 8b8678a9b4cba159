import { describe, expect, it } from 'vitest';
import { deviceStatus, suiteHealth, type MemberState } from '../../server/modules/health/rules.ts';
import { worse } from '../../probes/types.ts';

const member = (
  name: string,
  status: MemberState['status'],
  minutesAgo = 0,
  message = '',
): MemberState => ({
  id: `id-${name}`,
  name,
  status,
  statusMessage: message,
  statusChangedAt: new Date(Date.UTC(2026, 10, 22, 12, 0) - minutesAgo * 60_000),
});

describe('device status', () => {
  it('is the worst of the checks that have run', () => {
    expect(
      deviceStatus([
        { lastStatus: 'ok', lastMessage: 'HTTP 200' },
        { lastStatus: 'warning', lastMessage: 'slow' },
        { lastStatus: null, lastMessage: '' },
      ]),
    ).toEqual({ status: 'warning', message: 'slow' });
  });

  it('is unknown with no checks, or before the first result', () => {
    expect(deviceStatus([])).toEqual({ status: 'unknown', message: 'no checks configured' });
    expect(deviceStatus([{ lastStatus: null, lastMessage: '' }]).message).toBe(
      'waiting for the first check result',
    );
  });

  it('ranks critical over warning over unknown over ok', () => {
    expect(worse('ok', 'unknown')).toBe('unknown');
    expect(worse('warning', 'unknown')).toBe('warning');
    expect(worse('critical', 'warning')).toBe('critical');
  });
});

describe('suite health', () => {
  it('names the worst device and its message', () => {
    const health = suiteHealth([
      member('Edit1-WS', 'ok'),
      member('NEXIS', 'critical', 5, 'ECONNREFUSED'),
      member('Monitor', 'warning'),
    ]);
    expect(health).toEqual({
      status: 'critical',
      deviceId: 'id-NEXIS',
      deviceName: 'NEXIS',
      message: 'ECONNREFUSED',
    });
  });

  it('names the device bad for longest among equals', () => {
    const health = suiteHealth([
      member('A', 'critical', 1),
      member('B', 'critical', 30),
      member('C', 'critical', 2),
    ]);
    expect(health.deviceName).toBe('B');
  });

  it('is ok with no device named when all are ok, and unknown when empty', () => {
    expect(suiteHealth([member('A', 'ok'), member('B', 'ok')])).toEqual({
      status: 'ok',
      deviceId: null,
      deviceName: null,
      message: 'all 2 devices ok',
    });
    expect(suiteHealth([]).status).toBe('unknown');
    expect(
      suiteHealth([member('A', 'ok'), { ...member('Router', 'ok'), route: true }]).message,
    ).toBe('all 1 device and 1 route ok');
  });
});

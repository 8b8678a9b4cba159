import { describe, expect, it } from 'vitest';
import { counterRate } from '../../probes/snmp/rates.ts';
import { rebooted } from '../../probes/profiles/system.ts';
import { decodeCounter64 } from '../../probes/snmp/session.ts';

describe('Counter64 decoding', () => {
  it('reads variable-length big-endian buffers, including the sign byte and the top of the range', () => {
    expect(decodeCounter64(Buffer.from([]))).toBe(0n);
    expect(decodeCounter64(Buffer.from([0x2a]))).toBe(42n);
    expect(decodeCounter64(Buffer.from([0x00, 0xff]))).toBe(255n);
    expect(decodeCounter64(Buffer.from('00ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(decodeCounter64(Buffer.from('0100000000', 'hex'))).toBe(2n ** 32n);
  });
});

describe('counter rates', () => {
  const at = (seconds: number, value: bigint, uptimeTicks?: number) => ({
    value,
    atMs: seconds * 1000,
    uptimeTicks,
  });

  it('divides the increase by the time between samples', () => {
    expect(counterRate(at(0, 1000n), at(10, 6000n), 64)).toBe(500);
  });

  it('has no rate for a first sample or no elapsed time', () => {
    expect(counterRate(undefined, at(10, 5n), 64)).toBeNull();
    expect(counterRate(at(10, 1n), at(10, 5n), 64)).toBeNull();
  });

  it('counts a 32-bit wrap once', () => {
    expect(counterRate(at(0, 2n ** 32n - 100n), at(10, 900n), 32)).toBe(100);
  });

  it('gives no rate across an agent restart, even when the counter happens to be higher', () => {
    expect(counterRate(at(0, 5000n, 900_000), at(30, 8000n, 1200), 32)).toBeNull();
    expect(counterRate(at(0, 5000n, 900_000), at(30, 10n, 1200), 32)).toBeNull();
  });

  it('treats a 64-bit counter that went down as reset, not wrapped', () => {
    expect(counterRate(at(0, 10n ** 12n), at(30, 500n), 64)).toBeNull();
  });

  it('refuses an absurd rate above the ceiling', () => {
    // A 1 Gbit/s port moves at most 125,000,000 bytes a second.
    expect(counterRate(at(0, 100n), at(1, 100n + 10n ** 10n), 64, 125_000_000)).toBeNull();
    expect(counterRate(at(0, 100n), at(1, 100_100n), 64, 125_000_000)).toBe(100_000);
  });
});

describe('reboot detection', () => {
  it('sees uptime going down as a restart, but not the 497-day wrap of sysUpTime', () => {
    expect(rebooted(500_000, 400)).toBe(true);
    expect(rebooted(400, 500_000)).toBe(false);
    expect(rebooted(2 ** 32 - 1000, 3000)).toBe(false);
    expect(rebooted(2 ** 32 - 1000, 2 ** 31)).toBe(true);
  });
});

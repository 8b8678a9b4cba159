import type { Reading } from '../../probes/types.ts';
import { loadConfig } from '../../server/config.ts';
import { Book, evaluateInMemory } from '../../server/modules/faults/evaluate.ts';
import type { ResultForFaults } from '../../server/modules/faults/observe.ts';
import { benchIngest } from './ingest.ts';

const devices = 5_000;
const readingsPerResult = 40;
const rounds = 10;

/**
 * A fleet's results over `rounds` polls: 40 judged readings a device, 2% of devices with a reading
 * going bad and good again, 1% unreachable for a while. The engine sees every reading.
 */
function fleet(round: number, intervalMs: number): ResultForFaults[] {
  const at = Date.now() - (rounds - round) * intervalMs;
  return Array.from({ length: devices }, (_, d) => {
    const unreachable = d % 100 === 7 && round % 4 < 2;
    const readings: Reading[] = unreachable
      ? []
      : Array.from({ length: readingsPerResult }, (_, r) => ({
          name: `disk.temperature_c[${r}]`,
          value: 40,
          unit: '°C',
          status: d % 50 === 3 && r === 5 && round % 3 === 0 ? 'critical' : 'ok',
        }));
    return {
      checkId: `check-${d}`,
      deviceId: `device-${d}`,
      kind: 'snmp',
      intervalS: 30,
      status: unreachable ? 'critical' : 'ok',
      message: unreachable ? 'timed out' : 'ok',
      readings,
      atMs: at,
    };
  });
}

/** Readings evaluated per second by the engine's in-memory work, on this one core. */
function engineRate(): { rate: number; open: number } {
  const policy = loadConfig({}).faults;
  const book = new Book();
  const batches = Array.from({ length: rounds }, (_, round) => fleet(round, 30_000));
  // Warm up the JIT on a throwaway book, as a running server would be.
  evaluateInMemory(new Book(), batches[0]!, policy, new Map());
  const started = process.cpuUsage();
  for (const batch of batches) evaluateInMemory(book, batch, policy, new Map());
  const used = process.cpuUsage(started);
  const cpuS = (used.user + used.system) / 1e6;
  const readings = batches.reduce(
    (n, b) => n + b.reduce((m, r) => m + Math.max(1, r.readings.length), 0),
    0,
  );
  return { rate: Math.round(readings / cpuS), open: book.open.size };
}

export async function benchFaultEngine(): Promise<void> {
  const { rate, open } = engineRate();
  console.log(
    `fault engine: ${rate.toLocaleString('en')} readings evaluated per CPU-second on one core ` +
      `(${devices} devices x ${readingsPerResult} readings x ${rounds} polls, ${open} faults open at the end; target 100,000/s)`,
  );
  const ingest = await benchIngest('pglite', { quiet: true });
  console.log(
    `fault engine against ingest on pglite (${ingest.toLocaleString('en')} readings/s, engine included): ` +
      `the engine alone is ${(rate / ingest).toFixed(1)}x faster than the ingest it sits in, so it is never its bottleneck`,
  );
}

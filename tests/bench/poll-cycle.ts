import { fork, type ChildProcess } from 'node:child_process';
import snmp from 'net-snmp';
import { profiles, snmpProbe } from '../../probes/kinds/snmp.ts';
import { oids } from '../../probes/profiles/system.ts';
import { Runner } from '../../probes/runner.ts';
import type { WorkstationOptions } from '../../probes/simulators/snmp-agent.ts';
import type { CheckResult, CheckSpec, ProbeKind, ProbeTransport } from '../../probes/types.ts';
import type { FleetMessage } from './simulated-fleet.ts';

/** Device i of the fleet: its own loopback address, so each is its own device to the poller. */
export const fleetAddress = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** About 40 readings a poll: uptime, 5 volumes x 3, CPU, memory, 3 load averages, 4 ports x 5. */
export const benchWorkstation: WorkstationOptions = {
  name: 'bench-ws',
  volumes: [
    { mount: '/', sizeGB: 500, usedPct: 38 },
    { mount: '/boot/efi', sizeGB: 1, usedPct: 6 },
    { mount: '/home', sizeGB: 1000, usedPct: 22 },
    { mount: '/scratch', sizeGB: 7680, usedPct: 41 },
    { mount: '/cache', sizeGB: 2000, usedPct: 12 },
  ],
  ports: [
    { name: 'lo', speedMbps: 10, loopback: true, inBps: 40_000, outBps: 40_000 },
    { name: 'eno1', speedMbps: 1000, inBps: 1_800_000, outBps: 600_000 },
    { name: 'enp65s0f0', speedMbps: 25_000, inBps: 850_000_000, outBps: 120_000_000 },
    { name: 'enp65s0f1', speedMbps: 25_000, inBps: 90_000_000, outBps: 300_000_000 },
  ],
};

/** The interval the verdict is about: does a cycle of N devices fit in it? */
const intervalS = 30;
// The checks' own interval: long, so that each runs once per cycle even when a cycle overruns
// the 30 s (an overrun would otherwise start second runs whose CPU no device is counted for).
// The run timeout is the same 10 s either way.
const checkIntervalS = 3600;
// The runner's default unless BENCH_CONCURRENCY says otherwise; the baseline gets the same.
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);

interface Fleet {
  port: number;
  first: number;
  count: number;
  usage(): Promise<{ cpuMs: number; answered: number }>;
  stop(): Promise<void>;
}

function nextMessage(child: ChildProcess): Promise<FleetMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`simulated fleet exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message: FleetMessage) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

async function startFleet(first: number, count: number): Promise<Fleet> {
  const child = fork(
    new URL('./simulated-fleet.ts', import.meta.url).pathname,
    [String(first), String(count)],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ready = await nextMessage(child);
  if (!('port' in ready)) throw new Error('simulated fleet did not say its port');
  return {
    port: ready.port,
    first,
    count,
    async usage() {
      const reply = nextMessage(child);
      child.send('usage');
      const message = await reply;
      if (!('cpuMs' in message)) throw new Error('simulated fleet did not say its usage');
      return message;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

interface Snapshot {
  atMs: number;
  cpuMs: number;
  simulatorCpuMs: number;
  requests: number;
}

async function snapshot(fleets: Fleet[]): Promise<Snapshot> {
  const { user, system } = process.cpuUsage();
  const usages = await Promise.all(fleets.map((f) => f.usage()));
  return {
    atMs: performance.now(),
    cpuMs: (user + system) / 1000,
    simulatorCpuMs: usages.reduce((a, u) => a + u.cpuMs, 0),
    requests: usages.reduce((a, u) => a + u.answered, 0),
  };
}

interface Cycle {
  results: number;
  readings: number;
  notOk: number;
  example: string;
  /** Wall time from the first poll's start to the last poll's end, from the results' own times. */
  seconds: number;
  before: Snapshot;
  after: Snapshot;
}

type Device = { host: string; port: number };

/**
 * The runner keeps each check's state (counter samples, last uptime) inside itself. The bench
 * keeps it outside instead, so that a second runner carries on where the first left off: the
 * second cycle has rates without waiting out a real interval.
 */
function withStateKeptOutside(kind: ProbeKind): ProbeKind {
  const states = new Map<string, Map<string, unknown>>();
  return {
    ...kind,
    run(config, context) {
      let state = states.get(context.host);
      if (!state) states.set(context.host, (state = new Map()));
      return kind.run(config, { ...context, state });
    },
  };
}

/**
 * One cycle through the real Runner and snmp kind (`auto`, which picks the workstation
 * profile): every check due at once, counted until each has posted a result.
 */
async function cycleViaRunner(devices: Device[], kind: ProbeKind, fleets: Fleet[]): Promise<Cycle> {
  const specs: CheckSpec[] = devices.map(({ host, port }, i) => ({
    id: String(i),
    deviceId: String(i),
    kind: 'snmp',
    intervalS: checkIntervalS,
    config: { version: '2c', community: 'public', port, profile: 'auto' },
    host,
  }));
  const seen = new Uint8Array(devices.length);
  let results = 0;
  let readings = 0;
  let notOk = 0;
  let example = '';
  let firstStartMs = Infinity;
  let lastEndMs = 0;
  let allIn = () => {};
  const finished = new Promise<void>((resolve) => (allIn = resolve));
  const count = (result: CheckResult) => {
    const i = Number(result.checkId);
    if (seen[i]) return;
    seen[i] = 1;
    results += 1;
    readings += result.readings.length;
    if (result.status !== 'ok') {
      notOk += 1;
      example ||= result.message;
    }
    const started = Date.parse(result.at);
    firstStartMs = Math.min(firstStartMs, started);
    lastEndMs = Math.max(lastEndMs, started + result.durationMs);
    if (results === devices.length) allIn();
  };
  const transport: ProbeTransport = {
    fetchChecks: async () => specs,
    postResults: async (batch) => batch.forEach(count),
  };
  const runner = new Runner(transport, {
    kinds: { snmp: kind },
    logger: { info() {}, warn() {} },
    concurrency,
    spreadFirstRuns: false,
    newCheckDelayMs: 0,
  });
  const before = await snapshot(fleets);
  await runner.start();
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 120_000).unref()),
  ]);
  const after = await snapshot(fleets);
  await runner.stop();
  if (timedOut)
    throw new Error(`a cycle did not finish in 120 s (${results} of ${devices.length})`);
  return {
    results,
    readings,
    notOk,
    example,
    seconds: (lastEndMs - firstStartMs) / 1000,
    before,
    after,
  };
}

/**
 * Baseline: the same data per device read with bare net-snmp sessions, no runner, no profile,
 * the way a poller is usually written: one walk per table or column, as snmpbulkwalk does.
 */
async function viaRawSessions(devices: Device[]) {
  const identity = [
    oids.sysObjectID,
    oids.sysDescr,
    ...Object.values(profiles).flatMap((p) => p.detectOids ?? []),
  ];
  const memory = [4.5, 4.6, 4.14, 4.15].map((n) => `1.3.6.1.4.1.2021.${n}.0`);
  const ifColumns = [2, 7, 8, 14, 20].map((c) => `1.3.6.1.2.1.2.2.1.${c}`);
  const ifXColumns = [6, 10, 15, 18].map((c) => `1.3.6.1.2.1.31.1.1.1.${c}`);
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
  const pollOne = async (host: string, port: number) => {
    const session = snmp.createSession(host, 'public', {
      port,
      version: snmp.Version2c,
      timeout: 2000,
      retries: 1,
      transport: 'udp4',
      idBitsSize: 32,
    });
    session.on('error', () => {});
    const get = (list: string[]) =>
      new Promise<number>((resolve, reject) =>
        session.get(list, (error, varbinds) =>
          error ? reject(error) : resolve(varbinds?.length ?? 0),
        ),
      );
    const walk = (oid: string) =>
      new Promise<number>((resolve, reject) => {
        let rows = 0;
        session.subtree(
          oid,
          25,
          (varbinds) => {
            rows += varbinds.length;
          },
          (error) => (error ? reject(error) : resolve(rows)),
        );
      });
    try {
      let varbinds = await get(identity);
      varbinds += await get([oids.sysUpTime]);
      varbinds += await walk('1.3.6.1.2.1.25.2.3.1');
      varbinds += await walk('1.3.6.1.2.1.25.3.3.1.2');
      varbinds += await get(memory);
      varbinds += await walk('1.3.6.1.4.1.2021.10.1.3');
      varbinds += sum(await Promise.all(ifColumns.map(walk)));
      varbinds += sum(await Promise.all(ifXColumns.map(walk)));
      return varbinds;
    } finally {
      session.close();
    }
  };
  let next = 0;
  let failures = 0;
  let varbinds = 0;
  const worker = async () => {
    while (next < devices.length) {
      const { host, port } = devices[next++]!;
      try {
        const got = await pollOne(host, port);
        varbinds += got;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, varbinds };
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * A poll cycle of N simulated workstations (BENCH_DEVICES, default 5,000) through the real
 * runner, snmp kind and workstation profile, against the same data read with bare net-snmp
 * sessions. The simulators run in two processes of their own on the same two cores, so wall
 * time is shared with them; the poller's own CPU per device is the figure that scales.
 */
export async function benchPollCycle(): Promise<void> {
  const total = Number(process.env.BENCH_DEVICES ?? 5000);
  if (!Number.isInteger(total) || total < 1 || total > 60_000)
    throw new Error('BENCH_DEVICES must be a whole number from 1 to 60,000');
  const half = Math.ceil(total / 2);
  const fleets = await Promise.all(
    [
      [0, half],
      [half, total - half],
    ]
      .filter(([, count]) => count! > 0)
      .map(([first, count]) => startFleet(first!, count!)),
  );
  try {
    const devices = fleets.flatMap((fleet) =>
      Array.from({ length: fleet.count }, (_, i) => ({
        host: fleetAddress(fleet.first + i),
        port: fleet.port,
      })),
    );

    const kind = withStateKeptOutside(snmpProbe);
    // The first cycle warms up and fills the counter state; the second reports rates too.
    const first = await cycleViaRunner(devices, kind, fleets);
    const second = await cycleViaRunner(devices, kind, fleets);
    const oursCpuMs = (second.after.cpuMs - second.before.cpuMs) / total;
    const simulatorCpuMs = (second.after.simulatorCpuMs - second.before.simulatorCpuMs) / total;
    const requests = (second.after.requests - second.before.requests) / total;

    const start = await snapshot(fleets);
    const { failures, varbinds } = await viaRawSessions(devices);
    const end = await snapshot(fleets);
    const baseS = (end.atMs - start.atMs) / 1000;
    const baseCpuMs = (end.cpuMs - start.cpuMs) / total;
    const baseRequests = (end.requests - start.requests) / total;

    const capacity = Math.floor((intervalS * 1000) / oursCpuMs);
    const fitsWall = second.seconds <= intervalS;
    console.log(
      `poll cycle of ${n(total)} simulated workstations (${fleets.length} simulator processes, one loopback address per device), ` +
        `${concurrency} polls at once, all due together:\n` +
        `  ours (Runner + snmp kind, auto -> workstation profile): ${n(second.seconds, 1)} s ` +
        `(first cycle, with no counters yet, ${n(first.seconds, 1)} s): ${n(total / second.seconds)} devices/s, ` +
        `${n(second.readings / second.seconds)} readings/s (${n(second.readings / total, 1)} per device), ` +
        `${n(requests, 1)} requests per device, ${second.notOk === 0 ? 'every result ok' : `${n(second.notOk)} not ok, e.g. ${second.example}`}; ` +
        `poller CPU ${n(oursCpuMs, 2)} ms per device (simulators ${n(simulatorCpuMs, 2)} ms)\n` +
        `  baseline (bare net-snmp sessions, one walk per table or column: ${n(baseRequests, 1)} requests per device): ${n(baseS, 1)} s, ` +
        `${n(total / baseS)} devices/s, CPU ${n(baseCpuMs, 2)} ms per device, ${n(varbinds / total, 1)} varbinds per device` +
        `${failures > 0 ? `, ${n(failures)} failed` : ''}\n` +
        `  ratio ours/baseline: CPU per device ${n(oursCpuMs / baseCpuMs, 2)}, wall ${n(second.seconds / baseS, 2)}\n` +
        `  ${n(total)} devices every ${intervalS} s: ${fitsWall ? 'fit' : 'do not fit'} in the measured cycle ` +
        `(${n(second.seconds, 1)} s, simulators on the same cores); by the poller's CPU one core polls ` +
        `${n(capacity)} such devices per ${intervalS} s interval, so they ${capacity >= total ? 'fit' : 'do not fit'}`,
    );
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
  }
}

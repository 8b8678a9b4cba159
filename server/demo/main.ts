import { createServer } from 'node:net';
// `npm run demo`: a simulated facility (workstations, NAS, NEXIS, switch, Videohub) on loopback,
// Suitewatch watching it, and every few minutes something going wrong and putting itself right.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Api, ApiError } from './api.ts';
import { Facility } from './facility.ts';
import { seedMaintenance } from './maintenance.ts';
import { incidents, Scenario, type Event } from './scenario.ts';
import { seed } from './seed.ts';
import { ServerChild } from './server.ts';

const defaultPassword = 'suitewatch-demo';

function fail(message: string): never {
  process.stderr.write(`suitewatch demo: ${message}\n`);
  process.exit(1);
}

function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return value;
}

const interactive = process.stdout.isTTY;
/** A progress line that counts up in place on a terminal, and line by line into a pipe or file. */
function progress(label: string) {
  return (done: number, total: number) => {
    const text = `${label} ${done}/${total}…`;
    if (!interactive) console.log(text);
    else process.stdout.write(`\r\x1b[K${text}${done === total ? '\n' : ''}`);
  };
}

const clock = () => new Date().toTimeString().slice(0, 8);
const labels: Record<Event, string> = {
  incident: 'incident ',
  update: 'update   ',
  recovered: 'recovered',
};

const port = wholeNumber('PORT', 8080, 1, 65535);
const everyS = wholeNumber('SUITEWATCH_DEMO_EVERY_S', 180, 5, 86_400);
// Long enough for at least two polls (10 s interval) to see it; short enough to keep the pace.
const holdS = Math.min(120, Math.max(25, Math.round(everyS / 2)));
const password = process.env.SUITEWATCH_ADMIN_PASSWORD || defaultPassword;
// A known password is fine on loopback; HOST=0.0.0.0 shows the demo to the network, knowingly.
const host = process.env.HOST?.trim() || '127.0.0.1';
const dataDir = resolve(process.env.SUITEWATCH_DATA_DIR?.trim() || 'data-demo');
const logFile = `${dataDir}.log`;

const facility = new Facility();
let server: ServerChild | null = null;
let scenario: Scenario | null = null;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: the user has waited long enough.
    server?.kill();
    process.exit(1);
  }
  stopping = true;
  console.log(`\nstopping (${signal}): Suitewatch first, then the simulators…`);
  await scenario?.stop();
  const code = server ? await server.stop(25_000) : 0;
  await facility.stop();
  if (code === 0) console.log('Suitewatch demo stopped.');
  else console.log(`Suitewatch exited with code ${code}; its log is in ${logFile}`);
  process.exit(code === 0 ? 0 : 1);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

async function main(): Promise<void> {
  console.log('Suitewatch demo: a simulated post-production facility on this machine');
  await facility.start(progress('starting simulators'));

  // Checked before the server starts: its readiness is read from the port, and another
  // Suitewatch already there would answer for it (and get the demo's devices).
  if (!(await portIsFree(port, host))) {
    console.error(
      `port ${port} is already in use (another Suitewatch?); set PORT to run the demo on another`,
    );
    await facility.stop();
    process.exit(1);
  }
  console.log(`starting Suitewatch (embedded database in ${dataDir}; log in ${logFile})…`);
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  const child = new ServerChild({
    port,
    host,
    dataDir,
    adminPassword: password,
    logFile,
    onLine: (line) => {
      if (!line.includes('dashboard at')) console.log(`  ${line}`);
    },
  });
  server = child;
  await child.ready(180_000);
  // From here on an exit is news; before, ready() reports it with the server's own reason.
  void child.exited.then((code) => {
    if (stopping) return;
    console.error(
      `\nSuitewatch stopped unexpectedly (exit code ${code}); its log is in ${logFile}`,
    );
    if (child.stderr) console.error(child.stderr);
    void facility.stop().finally(() => process.exit(1));
  });

  const api = new Api(child.url);
  try {
    await api.login('admin', password);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new Error(
        `cannot log in as admin with the demo password: ${dataDir} was made with another one. ` +
          'Set SUITEWATCH_ADMIN_PASSWORD to it, or delete that folder to start afresh',
      );
    }
    throw error;
  }
  const seeded = await seed(api, facility.devices(), progress('seeding devices'));
  const reused = seeded.reusedDevices + seeded.reusedSuites > 0;
  console.log(
    `seeded ${seeded.devices} devices in ${seeded.suites} suites` +
      (reused
        ? ` (${seeded.reusedDevices} devices and ${seeded.reusedSuites} suites were there from an earlier run)`
        : ''),
  );
  const planned = await seedMaintenance(api, seeded.ids, password, progress('seeding maintenance'));
  console.log(
    planned.reused
      ? `maintenance: ${planned.plans} plans and ${planned.workOrders} open work orders were there from an earlier run`
      : `seeded ${planned.plans} maintenance plans, ${planned.workOrders} work orders ` +
          `(${planned.calibrations} calibrations over the past year) and ${planned.signoffs} client sign-offs`,
  );

  console.log(
    `\nSuitewatch demo is running at http://localhost:${port} — log in as admin / ${password}`,
  );
  const pace = everyS >= 120 ? `${Math.round(everyS / 60)} min` : `${everyS} s`;
  console.log(
    `Every ${pace} something goes wrong and puts itself right ${holdS} s later ` +
      '(SUITEWATCH_DEMO_EVERY_S sets the pace). Ctrl-C stops the demo.\n',
  );
  scenario = new Scenario(incidents(facility, holdS), {
    everyS,
    holdS,
    report: (event, text) => console.log(`${clock()}  ${labels[event]}  ${text}`),
  });
  scenario.start();
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  stopping = true;
  server?.kill();
  await facility.stop();
  // The server's own start-up failures already say "suitewatch: …".
  fail((error instanceof Error ? error.message : String(error)).replace(/^suitewatch: /, ''));
});

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, host === '' ? '0.0.0.0' : host, () => probe.close(() => done(true)));
  });
}

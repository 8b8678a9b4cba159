import { benchFaultEngine } from './fault-engine.ts';
import { benchIngest } from './ingest.ts';
import { benchMaintenanceReport } from './maintenance-report.ts';
import { benchPmPlan } from './pm-plan.ts';
import { benchPollCycle } from './poll-cycle.ts';
import { benchSnmpWalk } from './snmp-walk.ts';
import { benchTrapLatency } from './trap-latency.ts';
import { benchTriageQueue } from './triage-queue.ts';

const store = process.env.DATABASE_URL ? 'postgres' : 'pglite';

const benches: Array<[string, () => Promise<void>]> = [
  [
    'ingest',
    async () => {
      await benchIngest('pglite');
      if (process.env.DATABASE_URL) await benchIngest('postgres');
      else console.log('ingest on postgres: skipped, DATABASE_URL is not set');
    },
  ],
  ['fault-engine', benchFaultEngine],
  ['snmp-walk', benchSnmpWalk],
  ['poll-cycle', benchPollCycle],
  ['trap-latency', benchTrapLatency],
  ['triage-queue', () => benchTriageQueue(store)],
  ['pm-plan', () => benchPmPlan(store)],
  ['maintenance-report', () => benchMaintenanceReport(store)],
];

// `npm run bench -- pm-plan maintenance-report` runs only those; no names runs them all.
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some(([n]) => n === name));
if (unknown.length > 0)
  throw new Error(
    `no benchmark ${unknown.join(', ')}; known: ${benches.map(([n]) => n).join(', ')}`,
  );

// Benchmarks print a ratio against a baseline measured in the same run; they are not tests.
console.log('Suitewatch benchmarks (each compares against a baseline in the same run)');
for (const [name, bench] of benches)
  if (wanted.length === 0 || wanted.includes(name)) await bench();

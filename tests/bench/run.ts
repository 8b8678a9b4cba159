import { benchFaultEngine } from './fault-engine.ts';
import { benchIngest } from './ingest.ts';
import { benchPollCycle } from './poll-cycle.ts';
import { benchSnmpWalk } from './snmp-walk.ts';
import { benchTrapLatency } from './trap-latency.ts';
import { benchTriageQueue } from './triage-queue.ts';

// Benchmarks print a ratio against a baseline measured in the same run; they are not tests.
console.log('Suitewatch benchmarks (each compares against a baseline in the same run)');
await benchIngest('pglite');
if (process.env.DATABASE_URL) await benchIngest('postgres');
else console.log('ingest on postgres: skipped, DATABASE_URL is not set');
await benchFaultEngine();
await benchSnmpWalk();
await benchPollCycle();
await benchTrapLatency();
await benchTriageQueue(process.env.DATABASE_URL ? 'postgres' : 'pglite');

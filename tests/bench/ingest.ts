import { sql } from 'drizzle-orm';
import { createContext } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { query, type Database } from '../../server/db/client.ts';
import { readingsLatest } from '../../server/db/schema/index.ts';
import { ingestResults } from '../../server/modules/ingest/service.ts';
import type { CheckResult } from '../../probes/types.ts';
import { pgTable, uuid, text, doublePrecision, timestamp } from 'drizzle-orm/pg-core';
import { benchDatabase } from './database.ts';

const readingsHistory = pgTable('readings', {
  deviceId: uuid('device_id').notNull(),
  checkId: uuid('check_id').notNull(),
  name: text('name').notNull(),
  value: doublePrecision('value').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});

const devices = 100;
const readingsPerResult = 20;
const batches = 10;
const resultsPerBatch = 100; // 100 results x 20 readings = 2,000 readings a batch, as DESIGN.md measured

async function seed(database: Database) {
  const deviceIds: string[] = [];
  const checkIds: string[] = [];
  for (let i = 0; i < devices; i += 1) {
    const [d] = await query<{ id: string }>(
      database.db,
      sql`insert into devices (name, kind) values (${`bench-${i}`}, 'workstation') returning id`,
    );
    const [c] = await query<{ id: string }>(
      database.db,
      sql`insert into checks (device_id, kind, interval_s, config) values (${d!.id}, 'http', 30, '{}') returning id`,
    );
    deviceIds.push(d!.id);
    checkIds.push(c!.id);
  }
  return { deviceIds, checkIds };
}

function batch(checkIds: string[], round: number, offset: number): CheckResult[] {
  const at = new Date(Date.now() - (batches - round) * 1000).toISOString();
  return Array.from({ length: resultsPerBatch }, (_, i) => ({
    checkId: checkIds[(offset + i) % checkIds.length]!,
    status: 'ok' as const,
    message: 'ok',
    durationMs: 1,
    at,
    readings: Array.from({ length: readingsPerResult }, (_, r) => ({
      name: `metric.${r}`,
      value: Math.random() * 100,
      unit: '%',
    })),
  }));
}

/** Our path: ingestResults (unnest arrays, one transaction per batch, status recompute). */
async function ours(database: Database, checkIds: string[]) {
  const ctx = createContext(
    database,
    loadConfig({ SUITEWATCH_SECRET_KEY: 'bench-secret-key-0123456789' }),
  );
  await ctx.partitions.ensureAhead();
  const started = performance.now();
  for (let round = 0; round < batches; round += 1)
    await ingestResults(ctx, batch(checkIds, round, 0));
  return performance.now() - started;
}

/** Baseline: the same rows through drizzle's insert().values() and onConflictDoUpdate. */
async function baseline(database: Database, deviceIds: string[], checkIds: string[]) {
  const started = performance.now();
  for (let round = 0; round < batches; round += 1) {
    const at = new Date(Date.now() - (batches - round) * 1000);
    const rows = Array.from({ length: resultsPerBatch * readingsPerResult }, (_, i) => ({
      deviceId: deviceIds[Math.floor(i / readingsPerResult) % deviceIds.length]!,
      checkId: checkIds[Math.floor(i / readingsPerResult) % checkIds.length]!,
      name: `metric.${i % readingsPerResult}`,
      value: Math.random() * 100,
      unit: '%',
      at,
    }));
    await database.db.transaction(async (tx) => {
      await tx.insert(readingsHistory).values(rows.map(({ unit: _unit, ...r }) => r));
      await tx
        .insert(readingsLatest)
        .values(rows)
        .onConflictDoUpdate({
          target: [readingsLatest.checkId, readingsLatest.name],
          set: { value: sql`excluded.value`, at: sql`excluded.at` },
        });
    });
  }
  return performance.now() - started;
}

/** Prints ours against the baseline, and returns our readings per second. */
export async function benchIngest(
  store: 'pglite' | 'postgres',
  options: { quiet?: boolean } = {},
): Promise<number> {
  const { database, cleanup } = await benchDatabase(store);
  try {
    const { deviceIds, checkIds } = await seed(database);
    const readings = batches * resultsPerBatch * readingsPerResult;
    // Warm up both paths once so neither pays for first-use planning alone.
    await ours(database, checkIds);
    await baseline(database, deviceIds, checkIds);
    const oursMs = await ours(database, checkIds);
    const baseMs = await baseline(database, deviceIds, checkIds);
    const rate = (ms: number) => Math.round(readings / (ms / 1000));
    if (options.quiet) return rate(oursMs);
    console.log(
      `ingest on ${store}: ours ${rate(oursMs)} readings/s (results, readings, latest values and status), ` +
        `baseline drizzle insert().values() ${rate(baseMs)} readings/s (readings and latest values only); ` +
        `ratio ${(baseMs / oursMs).toFixed(2)}x`,
    );
    return rate(oursMs);
  } finally {
    await cleanup();
  }
}

import type { Context } from '../../context.ts';
import { dayStart } from '../../db/partitions.ts';
import type { CheckResult, CheckSpec } from '../../../probes/types.ts';
import { publishStatusChanges, recomputeDevices } from '../health/service.ts';
import * as repo from './repository.ts';

const dayMs = 86_400_000;
// Probe clocks drift; a result a little ahead of ours is taken as now rather than refused.
const futureToleranceMs = 60_000;

export async function checksForProbe(ctx: Context): Promise<CheckSpec[]> {
  return repo.runnableChecks(ctx.db);
}

export interface IngestSummary {
  accepted: number;
  dropped: number;
  statusChanges: number;
}

/**
 * Stores one batch of results in one transaction, re-derives device status, and only then
 * publishes: the dashboard never hears of a state the database does not hold.
 */
export async function ingestResults(ctx: Context, results: CheckResult[]): Promise<IngestSummary> {
  ctx.metrics.ingestBatchSize.observe(results.length);
  const now = Date.now();
  const oldest = now - ctx.config.retentionDays * dayMs;
  const known = new Map(
    (await repo.checksByIds(ctx.db, [...new Set(results.map((r) => r.checkId))])).map((c) => [
      c.id,
      c,
    ]),
  );

  let dropped = 0;
  const kept: Array<CheckResult & { deviceId: string; kind: string; atMs: number }> = [];
  for (const result of results) {
    const check = known.get(result.checkId);
    if (!check) {
      ctx.metrics.ingestDropped.inc({ reason: 'unknown_check' });
      dropped += 1;
      continue;
    }
    const parsed = Date.parse(result.at);
    const atMs = parsed > now + futureToleranceMs ? now : parsed;
    if (atMs < oldest) {
      ctx.metrics.ingestDropped.inc({ reason: 'too_old' });
      dropped += 1;
      continue;
    }
    kept.push({
      ...result,
      at: new Date(atMs).toISOString(),
      atMs,
      deviceId: check.deviceId,
      kind: check.kind,
    });
  }
  if (kept.length === 0) return { accepted: 0, dropped, statusChanges: 0 };

  await ctx.partitions.ensureDays(new Set(kept.map((r) => dayStart(new Date(r.atMs)).getTime())));

  const readings = kept.flatMap((r) =>
    r.readings.map((reading) => ({
      ...reading,
      deviceId: r.deviceId,
      checkId: r.checkId,
      at: r.at,
      atMs: r.atMs,
    })),
  );
  const latestReadings = newestBy(readings, (r) => `${r.deviceId}\u0000${r.name}`);
  const latestResults = newestBy(kept, (r) => r.checkId);
  const deviceIds = [...new Set(kept.map((r) => r.deviceId))];

  const changes = await ctx.db.transaction(async (tx) => {
    await repo.insertCheckResults(tx, {
      checkIds: kept.map((r) => r.checkId),
      deviceIds: kept.map((r) => r.deviceId),
      statuses: kept.map((r) => r.status),
      durations: kept.map((r) => r.durationMs),
      messages: kept.map((r) => r.message),
      ats: kept.map((r) => r.at),
    });
    if (readings.length > 0) {
      await repo.insertReadings(tx, {
        deviceIds: readings.map((r) => r.deviceId),
        names: readings.map((r) => r.name),
        values: readings.map((r) => r.value),
        ats: readings.map((r) => r.at),
      });
      await repo.upsertLatest(tx, {
        deviceIds: latestReadings.map((r) => r.deviceId),
        names: latestReadings.map((r) => r.name),
        checkIds: latestReadings.map((r) => r.checkId),
        values: latestReadings.map((r) => r.value),
        units: latestReadings.map((r) => r.unit),
        ats: latestReadings.map((r) => r.at),
      });
    }
    await repo.updateCheckStates(tx, {
      ids: latestResults.map((r) => r.checkId),
      statuses: latestResults.map((r) => r.status),
      messages: latestResults.map((r) => r.message),
      durations: latestResults.map((r) => r.durationMs),
      ats: latestResults.map((r) => r.at),
    });
    return recomputeDevices(tx, deviceIds, new Date(now));
  });

  for (const r of kept) {
    ctx.metrics.checkRuns.inc({ kind: r.kind, status: r.status });
    ctx.metrics.checkDuration.observe({ kind: r.kind }, r.durationMs / 1000);
  }
  await publishStatusChanges(ctx.db, ctx.bus, changes);
  ctx.bus.publish({ type: 'readings', deviceIds });
  return { accepted: kept.length, dropped, statusChanges: changes.length };
}

function newestBy<T extends { atMs: number }>(rows: T[], key: (row: T) => string): T[] {
  const newest = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const seen = newest.get(k);
    if (!seen || seen.atMs <= row.atMs) newest.set(k, row);
  }
  return [...newest.values()];
}

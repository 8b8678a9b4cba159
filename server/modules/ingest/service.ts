import type { CheckResult, CheckSpec } from '../../../probes/types.ts';
import { generate } from '../pm/generator.ts';
import { takeProbeReadings } from '../pm/meters.ts';
import type { Context } from '../../context.ts';
import { dayStart } from '../../db/partitions.ts';
import { Invalid } from '../../errors.ts';
import { suiteIdsOfDevices } from '../health/repository.ts';
import { publishStatusChanges, recomputeDevices } from '../health/service.ts';
import { openConfig } from '../checks/secrets.ts';
import { evaluateResults } from '../faults/evaluate.ts';
import { publishFaults } from '../faults/service.ts';
import * as repo from './repository.ts';

const dayMs = 86_400_000;
// Probe clocks drift; a result a little ahead of ours is taken as now rather than refused.
const futureToleranceMs = 60_000;

/**
 * The enabled checks, with their secrets opened: probes need the community to poll. A check whose
 * secret no longer opens (the key changed) is left out rather than failing every other check.
 */
export async function checksForProbe(
  ctx: Context,
  probeId: string | null,
): Promise<{ checks: CheckSpec[]; unreadable: string[] }> {
  const checks: CheckSpec[] = [];
  const unreadable: string[] = [];
  const rows = await repo.runnableChecks(ctx.db, probeId);
  const routers = rows.filter((c) => c.kind === 'videohub').map((c) => c.deviceId);
  const routes = routers.length > 0 ? await repo.routesFor(ctx.db, routers) : [];
  for (const check of rows) {
    try {
      const config = openConfig(ctx.secrets, check.config);
      checks.push({
        ...check,
        config:
          check.kind === 'videohub'
            ? withSuiteRoutes(
                config,
                routes.filter((r) => r.routerId === check.deviceId),
              )
            : config,
      });
    } catch {
      unreadable.push(check.id);
    }
  }
  return { checks, unreadable };
}

/**
 * A router check watches the reference routing of every suite fed from the router: the suite's
 * routes join (and, per output, win over) any routes set on the check itself.
 */
function withSuiteRoutes(
  config: Record<string, unknown>,
  routes: { output: number; input: number; suite: string }[],
): Record<string, unknown> {
  if (routes.length === 0) return config;
  const expectRoutes = { ...(config.expectRoutes as Record<string, number> | undefined) };
  const routeSuites: Record<string, string> = {};
  for (const route of routes) {
    expectRoutes[String(route.output)] = route.input;
    routeSuites[String(route.output)] = route.suite;
  }
  return { ...config, expectRoutes, routeSuites };
}

export interface IngestSummary {
  accepted: number;
  /** Already stored: a replayed or resent result. Not an error; the probe may forget it. */
  duplicates: number;
  dropped: number;
  statusChanges: number;
}

type Timed = CheckResult & { atMs: number };
type Placed = Timed & {
  deviceId: string;
  kind: string;
  intervalS: number;
  lastRunAtMs: number | null;
};

/** Each result's time, clamped to now when ahead of it; a time JavaScript cannot hold is refused. */
function timed(results: CheckResult[], now: number): Timed[] {
  return results.map((result, index) => {
    const parsed = Date.parse(result.at);
    // The date-time format admits a leap second (23:59:60), which a Date cannot represent.
    if (!Number.isFinite(parsed)) {
      throw new Invalid(
        `body.results.${index}.at: '${result.at}' is not a time this server can store`,
      );
    }
    const atMs = parsed > now + futureToleranceMs ? now : parsed;
    return { ...result, atMs, at: new Date(atMs).toISOString() };
  });
}

/**
 * Stores one batch of results in one transaction, re-derives device status, and only then
 * publishes: the dashboard never hears of a state the database does not hold.
 */
/**
 * `probeId` is the posting probe (null: the embedded one). A result for a check that belongs to
 * another probe is dropped: a probe that has not yet heard the check moved away, or one cut off
 * from the server that replays its spool later, must not mix its view into another probe's.
 */
export async function ingestResults(
  ctx: Context,
  results: CheckResult[],
  probeId: string | null = null,
): Promise<IngestSummary> {
  ctx.metrics.ingestBatchSize.observe(results.length);
  const now = Date.now();
  const oldest = now - ctx.config.retentionDays * dayMs;
  const recent = timed(results, now).filter((r) => r.atMs >= oldest);
  const tooOld = results.length - recent.length;
  if (tooOld > 0) ctx.metrics.ingestDropped.inc({ reason: 'too_old' }, tooOld);
  await ctx.partitions.ensureDays(new Set(recent.map((r) => dayStart(new Date(r.atMs)).getTime())));

  const { kept, metered, duplicates, changes, faults } = await ctx.db.transaction(async (tx) => {
    const known = new Map(
      (await repo.checksByIds(tx, [...new Set(recent.map((r) => r.checkId))])).map((c) => [
        c.id,
        c,
      ]),
    );
    const kept: Placed[] = recent.flatMap((r) => {
      const check = known.get(r.checkId);
      if (!check || check.probeId !== probeId) return [];
      return [
        {
          ...r,
          deviceId: check.deviceId,
          kind: check.kind,
          intervalS: check.intervalS,
          lastRunAtMs: check.lastRunAt?.getTime() ?? null,
        },
      ];
    });
    if (kept.length === 0) return { kept, metered: [], duplicates: 0, changes: [], faults: [] };
    const stored = await store(tx, kept);
    if (stored.length === 0) {
      return { kept: stored, metered: [], duplicates: kept.length, changes: [], faults: [] };
    }
    // Meters follow readings in the same transaction: a meter never runs ahead of its history.
    const metered = await takeProbeReadings(
      tx,
      stored.flatMap((r) =>
        r.readings.map((reading) => ({
          deviceId: r.deviceId,
          name: reading.name,
          value: reading.value,
          at: new Date(r.atMs),
        })),
      ),
    );
    // The engine sees each result once: a replayed duplicate was evaluated when it was stored.
    const faults = await evaluateResults(tx, ctx.config.faults, stored, new Date(now));
    return {
      kept: stored,
      metered: [...new Set(metered.map((m) => m.deviceId!))],
      duplicates: kept.length - stored.length,
      changes: await recomputeDevices(
        tx,
        [...new Set(stored.map((r) => r.deviceId))],
        new Date(now),
      ),
      faults,
    };
  });
  if (duplicates > 0) ctx.metrics.ingestDropped.inc({ reason: 'duplicate' }, duplicates);
  const unknown = recent.length - kept.length - duplicates;
  if (unknown > 0) ctx.metrics.ingestDropped.inc({ reason: 'unknown_check' }, unknown);

  for (const r of kept) {
    ctx.metrics.checkRuns.inc({ kind: r.kind, status: r.status });
    ctx.metrics.checkDuration.observe({ kind: r.kind }, r.durationMs / 1000);
  }
  // A router's route can go wrong while the router's own status and message stay the same (it
  // was already critical for another output): the suites holding routes on it hear anyway.
  const routers = [...new Set(kept.filter((r) => r.kind === 'videohub').map((r) => r.deviceId))];
  await publishStatusChanges(
    ctx.db,
    ctx.bus,
    changes,
    routers.length > 0 ? await suiteIdsOfDevices(ctx.db, routers) : [],
  );
  if (kept.length > 0)
    ctx.bus.publish({ type: 'readings', deviceIds: [...new Set(kept.map((r) => r.deviceId))] });
  await publishFaults(ctx, faults);
  if (metered.length > 0) {
    // A meter that crossed its plan's threshold makes the work order now, not at the next tick.
    const made = await ctx.db.transaction((tx) =>
      generate(tx, new Date(now), { deviceIds: metered }),
    );
    for (const order of made)
      ctx.bus.publish({ type: 'changed', entity: 'work-order', id: order.id });
  }
  return {
    accepted: kept.length,
    duplicates,
    dropped: tooOld + unknown,
    statusChanges: changes.filter((c) => c.from !== c.to).length,
  };
}

/** Stores the results not stored before, and returns those. */
async function store(tx: Context['db'], incoming: Placed[]): Promise<Placed[]> {
  // One result per check and time within a batch too, or the insert would see it twice.
  const unique = [...new Map(incoming.map((r) => [repo.resultKey(r.checkId, r.atMs), r])).values()];
  const fresh = await repo.insertCheckResults(tx, {
    checkIds: unique.map((r) => r.checkId),
    deviceIds: unique.map((r) => r.deviceId),
    statuses: unique.map((r) => r.status),
    durations: unique.map((r) => r.durationMs),
    messages: unique.map((r) => r.message),
    ats: unique.map((r) => r.at),
  });
  const kept = unique.filter((r) => fresh.has(repo.resultKey(r.checkId, r.atMs)));
  if (kept.length === 0) return kept;
  const readings = kept.flatMap((r) =>
    r.readings.map((reading) => ({
      ...reading,
      deviceId: r.deviceId,
      checkId: r.checkId,
      at: r.at,
      atMs: r.atMs,
    })),
  );
  const latestReadings = newestBy(readings, (r) => `${r.checkId}\u0000${r.name}`);
  const latestResults = newestBy(kept, (r) => r.checkId);
  if (readings.length > 0) {
    await repo.insertReadings(tx, {
      deviceIds: readings.map((r) => r.deviceId),
      checkIds: readings.map((r) => r.checkId),
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
      statuses: latestReadings.map((r) => r.status ?? null),
      ats: latestReadings.map((r) => r.at),
    });
  }
  await repo.updateCheckStates(tx, {
    ids: latestResults.map((r) => r.checkId),
    statuses: latestResults.map((r) => r.status),
    messages: latestResults.map((r) => r.message),
    durations: latestResults.map((r) => r.durationMs),
    facts: latestResults.map((r) => (r.facts ? JSON.stringify(r.facts) : null)),
    ats: latestResults.map((r) => r.at),
  });
  // A run that read nothing (the device did not answer) keeps the last values on show.
  const withReadings = latestResults.filter((r) => r.readings.length > 0);
  if (withReadings.length > 0) {
    await repo.pruneLatest(tx, {
      checkIds: withReadings.map((r) => r.checkId),
      ats: withReadings.map((r) => r.at),
    });
  }
  return kept;
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

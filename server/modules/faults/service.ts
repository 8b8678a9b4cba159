import type { Context } from '../../context.ts';
import type { Db } from '../../db/client.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import type { FaultView } from '../../live-events.ts';
import { recordAudit } from '../audit/repository.ts';
import { healthOfSuites } from '../health/service.ts';
import type { Actor } from '../auth/principal.ts';
import { tickFaults } from './evaluate.ts';
import { planNotifications } from './planner.ts';
import * as repo from './repository.ts';
import { faultViews } from './views.ts';

export async function listFaults(ctx: Context, filter: repo.FaultFilter): Promise<FaultView[]> {
  return faultViews(ctx.db, filter);
}

export async function getFault(ctx: Context, id: string) {
  const [view] = await faultViews(ctx.db, { ids: [id], state: 'all' });
  if (!view) throw new NotFound(`no fault with id ${id}`);
  const [events, consequences, downtime] = await Promise.all([
    repo.eventsOf(ctx.db, id),
    faultViews(ctx.db, { suppressedBy: [id], state: 'open' }),
    repo.downtimeOf(ctx.db, id),
  ]);
  return {
    ...view,
    timeline: events.map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      severity: e.severity,
      actor: e.actor,
      detail: e.detail,
    })),
    consequenceFaults: consequences,
    downtime: downtime
      ? {
          start: downtime.startedAt.toISOString(),
          end: downtime.endedAt ? downtime.endedAt.toISOString() : null,
          inMaintenance: downtime.inMaintenance,
        }
      : null,
  };
}

/** Publishes faults as they now stand; called after the change committed. */
export async function publishFaults(ctx: Context, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const views = await faultViews(ctx.db, { ids: [...new Set(ids)], state: 'all' });
  for (const fault of views) ctx.bus.publish({ type: 'fault', fault });
  // A fault folded under a new root (or freed) changes what its suites' tiles name as the cause.
  const suiteIds = [...new Set(views.flatMap((v) => v.suiteIds))];
  for (const [suiteId, health] of await healthOfSuites(ctx.db, suiteIds)) {
    ctx.bus.publish({ type: 'suite.health', suiteId, health });
  }
}

type Action =
  | { kind: 'ack'; comment: string }
  | { kind: 'take' }
  | { kind: 'shelve'; reason: string; minutes: number }
  | { kind: 'unshelve' }
  | { kind: 'dismiss' };

/** An operator's action on a fault: written with its audit entry and timeline, then published. */
export async function act(
  ctx: Context,
  id: string,
  action: Action,
  actor: Actor,
  now = new Date(),
) {
  await ctx.db.transaction(async (tx) => {
    const fault = await repo.faultById(tx, id, true);
    if (!fault) throw new NotFound(`no fault with id ${id}`);
    const values = changeFor(fault, action, actor, now);
    await repo.updateFault(tx, id, values);
    await repo.insertEvents(tx, [
      {
        faultId: id,
        at: now,
        kind: eventKind[action.kind],
        actorId: actor.id,
        actor: actor.label,
        detail: detailOf(action),
      },
    ]);
    await recordAudit(tx, actor, {
      action: `fault.${action.kind}`,
      entity: 'fault',
      entityId: id,
      before: pick(fault, Object.keys(values)),
      after: values,
    });
  });
  await publishFaults(ctx, [id]);
  return getFault(ctx, id);
}

const eventKind = {
  ack: 'acknowledged',
  take: 'taken',
  shelve: 'shelved',
  unshelve: 'unshelved',
  dismiss: 'dismissed',
} as const;

function detailOf(action: Action): string {
  switch (action.kind) {
    case 'ack':
      return action.comment;
    case 'shelve':
      return `for ${action.minutes} min: ${action.reason}`;
    case 'take':
    case 'unshelve':
    case 'dismiss':
      return '';
  }
}

function changeFor(
  fault: repo.FaultRow,
  action: Action,
  actor: Actor,
  now: Date,
): Partial<repo.NewFault> {
  const cleared =
    fault.state === 'cleared'
      ? `fault ${fault.id} already cleared at ${fault.clearedAt?.toISOString()}`
      : '';
  switch (action.kind) {
    case 'ack':
      if (cleared) throw new Conflict(`${cleared}; a cleared fault is dismissed, not acknowledged`);
      if (fault.acknowledgedAt) {
        throw new Conflict(
          `fault ${fault.id} was already acknowledged by ${fault.acknowledgedBy ?? 'someone'} at ${fault.acknowledgedAt.toISOString()}`,
        );
      }
      return {
        acknowledgedAt: now,
        acknowledgedById: actor.id,
        acknowledgedBy: actor.label,
        ackComment: action.comment || null,
      };
    case 'take':
      if (cleared) throw new Conflict(`${cleared}; there is nothing left to work on`);
      return { ownerId: actor.id, owner: actor.label };
    case 'shelve':
      if (cleared) throw new Conflict(`${cleared}; only an open fault can be shelved`);
      return {
        shelvedUntil: new Date(now.getTime() + action.minutes * 60_000),
        shelveReason: action.reason,
        shelvedBy: actor.label,
      };
    case 'unshelve':
      if (!fault.shelvedUntil) throw new Conflict(`fault ${fault.id} is not shelved`);
      return { shelvedUntil: null, shelveReason: null, shelvedBy: null };
    case 'dismiss':
      if (fault.state === 'open') {
        throw new Conflict(`fault ${fault.id} is still open; acknowledge it instead`);
      }
      if (fault.dismissedAt || fault.acknowledgedAt) {
        throw new Conflict(`fault ${fault.id} is already off the console`);
      }
      return { dismissedAt: now };
  }
}

function pick(row: repo.FaultRow, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]]));
}

/** What a device depends on besides its parent. */
export async function dependenciesOf(db: Db, deviceId: string): Promise<string[]> {
  return (await repo.dependenciesOf(db, deviceId)).map((d) => d.id);
}

export async function setDependencies(
  ctx: Context,
  deviceId: string,
  dependsOn: string[],
  actor: Actor,
): Promise<string[]> {
  const wanted = [...new Set(dependsOn)];
  await ctx.db.transaction(async (tx) => {
    if (wanted.includes(deviceId)) {
      throw new Invalid('body.dependsOn: a device cannot depend on itself');
    }
    const edges = await repo.dependencyEdges(tx);
    const known = await repo.existingDevices(tx, [deviceId, ...wanted]);
    if (!known.has(deviceId)) throw new NotFound(`no device with id ${deviceId}`);
    wanted.forEach((id, index) => {
      if (!known.has(id)) throw new Invalid(`body.dependsOn.${index}: no device with id ${id}`);
    });
    // A loop would make each device the other's root cause.
    const parentsOf = new Map<string, string[]>();
    // The device's own edges can be left in: a path only uses them after reaching the device.
    for (const e of edges) {
      parentsOf.set(e.child, [...(parentsOf.get(e.child) ?? []), e.parent]);
    }
    wanted.forEach((id, index) => {
      if (reaches(id, deviceId, parentsOf)) {
        throw new Invalid(`body.dependsOn.${index}: that device already depends on this one`);
      }
    });
    const before = await dependenciesOf(tx, deviceId);
    await repo.replaceDependencies(tx, deviceId, wanted);
    await recordAudit(tx, actor, {
      action: 'device.dependencies',
      entity: 'device',
      entityId: deviceId,
      before: { dependsOn: before },
      after: { dependsOn: wanted },
    });
  });
  ctx.bus.publish({ type: 'changed', entity: 'device', id: deviceId });
  return wanted;
}

function reaches(from: string, target: string, parentsOf: Map<string, string[]>): boolean {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const device = queue.shift()!;
    if (device === target) return true;
    if (seen.has(device)) continue;
    seen.add(device);
    queue.push(...(parentsOf.get(device) ?? []));
  }
  return false;
}

export interface FaultEngine {
  /** Runs a tick now (and again on the clock). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * The engine's clock: hold-downs without results, silent checks, windows ending, shelves running
 * out, and the notification plan. Each tick is one transaction; only then is anything published.
 */
export function startFaultEngine(
  ctx: Context,
  hooks: { onNotified?: () => void; onError?: (error: unknown) => void } = {},
): FaultEngine {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const startedAt = new Date();
  const run = async () => {
    const now = new Date();
    const { changed, planned } = await ctx.db.transaction(async (tx) => ({
      changed: await tickFaults(tx, ctx.config.faults, now, startedAt),
      planned: await planNotifications(tx, ctx.config.notify, now, ctx.config.faults.flapWindowS),
    }));
    await publishFaults(ctx, [...changed, ...planned]);
    if (planned.length > 0) hooks.onNotified?.();
  };
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch((error: unknown) => hooks.onError?.(error))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          kick();
        }
      });
  };
  const timer = setInterval(kick, ctx.config.faults.tickMs);
  timer.unref();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

import type { Trap } from '../../../probes/traps.ts';
import type { Context } from '../../context.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';

/** Stores a trap against the device it came from, then tells the dashboards. */
export async function recordTrap(ctx: Context, trap: Trap) {
  const deviceId = await repo.deviceIdByHost(ctx.db, trap.source);
  const row = await repo.insertTrap(ctx.db, {
    receivedAt: new Date(trap.receivedAt),
    source: trap.source,
    deviceId,
    version: trap.version,
    trapOid: trap.trapOid,
    kind: trap.kind,
    ifIndex: trap.ifIndex,
    varbinds: trap.varbinds,
  });
  ctx.metrics.trapsReceived.inc({ kind: trap.kind });
  ctx.bus.publish({
    type: 'trap',
    trapId: row.id,
    deviceId,
    source: trap.source,
    kind: trap.kind,
    trapOid: trap.trapOid,
    ifIndex: trap.ifIndex,
    at: trap.receivedAt,
  });
  return serialize(row);
}

export async function listTraps(
  ctx: Context,
  filter: { deviceId?: string; beforeId?: number; limit: number },
) {
  return (await repo.listTraps(ctx.db, filter)).map(serialize);
}

import type { Context } from '../../context.ts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor, Principal } from '../auth/principal.ts';
import { newSecret, sha256 } from '../auth/secrets.ts';
import { serialize } from '../serialize.ts';
import { insertToken } from '../tokens/repository.ts';
import { publishStatusChanges, recomputeDevices } from '../health/service.ts';
import * as repo from './repository.ts';

/** A probe is down after this many heartbeats go missing. */
export const missedHeartbeats = 3;
export const builtinProbeName = 'embedded';

type Listed = NonNullable<Awaited<ReturnType<typeof repo.getProbe>>>;

function shown({ probe, checks }: Listed) {
  return { ...serialize(probe), checks };
}

async function named<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: a probe called '${name ?? ''}' already exists`);
    if (isForeignKeyViolation(error)) throw new Invalid('siteId: no site with that id');
    throw error;
  }
}

export const listProbes = async (db: Db) => (await repo.listProbes(db)).map(shown);

export async function getProbe(db: Db, id: string) {
  const row = await repo.getProbe(db, id);
  if (!row) throw new NotFound(`probe ${id} does not exist`);
  return shown(row);
}

function userOf(principal: Principal) {
  if (principal.kind !== 'user') throw new Forbidden('a probe may not manage probes');
  return principal;
}

/** A probe token: shown once, only its SHA-256 kept. It reads the secrets of its probe's checks. */
async function issueToken(tx: Db, userId: string, probe: repo.ProbeRow) {
  const token = newSecret('swp');
  const row = await insertToken(tx, {
    name: `probe ${probe.name}`,
    scope: 'probe',
    tokenHash: sha256(token),
    prefix: token.slice(0, 8),
    userId,
    expiresAt: null,
    probeId: probe.id,
  });
  return { token, tokenId: row.id };
}

export function createProbe(
  ctx: Pick<Context, 'db' | 'bus'>,
  principal: Principal,
  actor: Actor,
  input: { name: string; siteId?: string | null; description?: string },
) {
  const user = userOf(principal);
  return named(input.name, async () => {
    const created = await ctx.db.transaction(async (tx) => {
      const probe = await repo.insertProbe(tx, input);
      const { token, tokenId } = await issueToken(tx, user.userId, probe);
      const row = await getProbe(tx, probe.id);
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'probe',
        entityId: probe.id,
        after: { ...row, tokenId },
      });
      return { probe: row, token };
    });
    ctx.bus.publish({ type: 'changed', entity: 'probe', id: created.probe.id });
    return created;
  });
}

export function updateProbe(
  ctx: Pick<Context, 'db' | 'bus'>,
  actor: Actor,
  id: string,
  input: repo.ProbeValues,
) {
  return named(input.name, async () => {
    const row = await ctx.db.transaction(async (tx) => {
      const before = await getProbe(tx, id);
      if (before.builtin && input.name !== undefined && input.name !== before.name)
        throw new Conflict("name: the server's own probe cannot be renamed");
      await repo.updateProbe(tx, id, input);
      const after = await getProbe(tx, id);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'probe',
        entityId: id,
        before,
        after,
      });
      return after;
    });
    ctx.bus.publish({ type: 'changed', entity: 'probe', id });
    return row;
  });
}

/** Revokes the probe's tokens and issues a new one; a running probe must be given it. */
export async function rotateToken(
  ctx: Pick<Context, 'db' | 'bus'>,
  principal: Principal,
  actor: Actor,
  id: string,
) {
  const user = userOf(principal);
  const result = await ctx.db.transaction(async (tx) => {
    const probe = await repo.findProbe(tx, id);
    if (!probe) throw new NotFound(`probe ${id} does not exist`);
    if (probe.builtin)
      throw new Conflict("the server's own probe has no token: it runs inside the server");
    const revoked = await repo.revokeProbeTokens(tx, id);
    const { token, tokenId } = await issueToken(tx, user.userId, probe);
    await recordAudit(tx, actor, {
      action: 'rotate-token',
      entity: 'probe',
      entityId: id,
      before: { tokenIds: revoked.map((t) => t.id) },
      after: { tokenId },
    });
    return { token, revoked };
  });
  for (const { id: tokenId } of result.revoked) ctx.bus.endSessions({ tokenId });
  return { token: result.token };
}

/** Its checks go back to the server's own probe (the foreign key sets them null). */
export async function deleteProbe(ctx: Pick<Context, 'db' | 'bus'>, actor: Actor, id: string) {
  const revoked = await ctx.db.transaction(async (tx) => {
    const before = await getProbe(tx, id);
    if (before.builtin) throw new Conflict("the server's own probe cannot be deleted");
    const revoked = await repo.revokeProbeTokens(tx, id);
    await repo.deleteProbe(tx, id);
    await recordAudit(tx, actor, { action: 'delete', entity: 'probe', entityId: id, before });
    return revoked;
  });
  for (const { id: tokenId } of revoked) ctx.bus.endSessions({ tokenId });
  ctx.bus.publish({ type: 'changed', entity: 'probe', id });
  ctx.bus.publish({ type: 'changed', entity: 'check', id });
}

/** The probe row a principal speaks for; the embedded probe is the builtin row. */
export async function probeOf(ctx: Pick<Context, 'db'>, principal: Principal) {
  if (principal.kind !== 'probe') throw new Forbidden('only a probe token may heartbeat');
  if (principal.probeId) return principal.probeId;
  return (await repo.ensureBuiltin(ctx.db, builtinProbeName)).id;
}

export async function heartbeat(
  ctx: Pick<Context, 'db' | 'bus' | 'config'>,
  principal: Principal,
  input: { version: string; stats: Record<string, number>; address: string },
) {
  const id = await probeOf(ctx, principal);
  const at = new Date();
  const recorded = await ctx.db.transaction((tx) =>
    repo.recordHeartbeat(tx, id, { ...input, heartbeatS: ctx.config.probeHeartbeatS, at }),
  );
  if (!recorded) throw new NotFound(`probe ${id} does not exist`);
  if (recorded.before !== 'up') {
    ctx.bus.publish({
      type: 'probe.state',
      probeId: id,
      name: recorded.row.name,
      state: 'up',
      at: at.toISOString(),
    });
  }
  return {
    name: recorded.row.name,
    heartbeatS: ctx.config.probeHeartbeatS,
    serverTime: new Date().toISOString(),
  };
}

/**
 * Marks silent probes down and their checks unknown, re-deriving their devices' status, all in
 * one transaction; then tells the dashboard.
 */
export async function sweepProbes(ctx: Pick<Context, 'db' | 'bus'>, now = new Date()) {
  const { down, changes } = await ctx.db.transaction(async (tx) => {
    const down = await repo.markSilentDown(tx, now, missedHeartbeats);
    const devices = new Set<string>();
    for (const probe of down) {
      const since = probe.lastSeenAt?.toISOString() ?? 'never';
      const silenced = await repo.markChecksSilent(
        tx,
        probe.id,
        `probe ${probe.name} has stopped reporting (last heard ${since})`,
      );
      for (const { deviceId } of silenced) devices.add(deviceId);
    }
    return { down, changes: await recomputeDevices(tx, [...devices], now) };
  });
  await publishStatusChanges(ctx.db, ctx.bus, changes);
  for (const probe of down) {
    ctx.bus.publish({
      type: 'probe.state',
      probeId: probe.id,
      name: probe.name,
      state: 'down',
      at: now.toISOString(),
    });
  }
  return down.length;
}

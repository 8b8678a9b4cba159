import { probeKinds } from '../../../probes/registry.ts';
import type { ProbeKind } from '../../../probes/types.ts';
import type { Context } from '../../context.ts';
import type { Db } from '../../db/client.ts';
import { constraintOf, isForeignKeyViolation } from '../../db/errors.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { assertValid } from '../../validation.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { publishStatusChanges, recomputeDevices } from '../health/service.ts';
import { serialize } from '../serialize.ts';
import { findProbe } from '../probes/repository.ts';
import * as repo from './repository.ts';
import { redactConfig, sealConfig } from './secrets.ts';

type Services = Pick<Context, 'db' | 'bus' | 'secrets'>;

function kindOf(kind: string): ProbeKind {
  const probe = probeKinds[kind];
  if (!probe) {
    throw new Invalid(
      `kind: unknown check kind '${kind}'; known kinds: ${Object.keys(probeKinds).join(', ')}`,
    );
  }
  return probe;
}

/** Validates the config as sent, and returns it with every secret sealed for storage. */
function prepareConfig(
  ctx: Services,
  kind: string,
  incoming: Record<string, unknown>,
  existing: Record<string, unknown> | null,
) {
  const probe = kindOf(kind);
  // The config is validated as sent (a kept secret is the mask, which is a string), then sealed.
  assertValid(probe.configSchema, incoming, 'body.config');
  const problems = probe.validate?.(incoming) ?? [];
  if (problems.length > 0) throw new Invalid(problems.map((p) => `body.config.${p}`).join('; '));
  return sealConfig(ctx.secrets, probe.secretFields ?? [], incoming, existing);
}

/**
 * The probe id to store: the server's own (builtin) probe is stored as null, so its checks
 * stay with whichever instance runs the embedded probe.
 */
async function assignable(db: Db, probeId: string | null | undefined) {
  if (!probeId) return null;
  const probe = await findProbe(db, probeId);
  if (!probe) throw new Invalid(`probeId: no probe with id ${probeId}`);
  return probe.builtin ? null : probe.id;
}

/** A probe deleted while a check was being moved to it is the client's 400, not a 500. */
async function mapProbeGone<T>(probeId: string | null | undefined, work: () => Promise<T>) {
  try {
    return await work();
  } catch (error) {
    if (isForeignKeyViolation(error) && constraintOf(error)?.includes('probe'))
      throw new Invalid(`probeId: no probe with id ${probeId ?? ''}`);
    throw error;
  }
}

/** What the API shows of a check: secrets masked, never sealed text. */
function shown(row: repo.CheckRow) {
  return { ...serialize(row), config: redactConfig(row.config) };
}

export const listChecks = async (db: Db, deviceId?: string) =>
  (await repo.listChecks(db, deviceId)).map(shown);

async function stored(db: Db, id: string) {
  const row = await repo.getCheck(db, id);
  if (!row) throw new NotFound(`check ${id} does not exist`);
  return row;
}

export async function getCheck(db: Db, id: string) {
  return shown(await stored(db, id));
}

/** Writes, recomputes the device's status in the same transaction, then publishes. */
async function change<T extends { deviceId: string; id: string }>(
  ctx: Services,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  const { result, changes } = await ctx.db.transaction(async (tx) => {
    const result = await work(tx);
    return { result, changes: await recomputeDevices(tx, [result.deviceId]) };
  });
  ctx.bus.publish({ type: 'changed', entity: 'check', id: result.id });
  await publishStatusChanges(ctx.db, ctx.bus, changes);
  return result;
}

export async function createCheck(
  ctx: Services,
  actor: Actor,
  input: {
    deviceId: string;
    kind: string;
    intervalS: number;
    config: Record<string, unknown>;
    enabled?: boolean;
    probeId?: string | null;
  },
) {
  const config = prepareConfig(ctx, input.kind, input.config, null);
  const probeId = await assignable(ctx.db, input.probeId);
  try {
    return await change(ctx, async (tx) => {
      const row = shown(await repo.insertCheck(tx, { ...input, config, probeId }));
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'check',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      // The probe deleted between the check above and the insert.
      if (constraintOf(error)?.includes('probe'))
        throw new Invalid(`probeId: no probe with id ${input.probeId ?? ''}`);
      throw new Invalid(`deviceId: no device with id ${input.deviceId}`);
    }
    throw error;
  }
}

export async function updateCheck(
  ctx: Services,
  actor: Actor,
  id: string,
  input: repo.CheckValues,
) {
  const probeId = input.probeId === undefined ? undefined : await assignable(ctx.db, input.probeId);
  return mapProbeGone(input.probeId, () =>
    change(ctx, async (tx) => {
      const before = await stored(tx, id);
      const values =
        input.config === undefined
          ? { ...input, probeId }
          : {
              ...input,
              probeId,
              config: prepareConfig(ctx, before.kind, input.config, before.config),
            };
      const row = shown((await repo.updateCheck(tx, id, values))!);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'check',
        entityId: id,
        before: shown(before),
        after: row,
      });
      return row;
    }),
  );
}

export async function deleteCheck(ctx: Services, actor: Actor, id: string) {
  await change(ctx, async (tx) => {
    const before = shown(await stored(tx, id));
    await repo.deleteCheck(tx, id);
    await recordAudit(tx, actor, { action: 'delete', entity: 'check', entityId: id, before });
    return before;
  });
}

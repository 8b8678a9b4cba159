import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, suiteRoutes, suites } from '../../db/schema/index.ts';
import type { EventBus } from '../../events.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';

export interface SuiteRoute {
  routerId: string;
  /** Numbered from 1, as on the router's panel. */
  output: number;
  input: number;
  label: string;
}

const columns = {
  routerId: suiteRoutes.routerId,
  output: suiteRoutes.output,
  input: suiteRoutes.input,
  label: suiteRoutes.label,
};

async function suiteExists(db: Db, id: string) {
  const [row] = await db.select({ id: suites.id }).from(suites).where(eq(suites.id, id));
  if (!row) throw new NotFound(`suite ${id} does not exist`);
}

export async function getRouting(db: Db, suiteId: string): Promise<SuiteRoute[]> {
  await suiteExists(db, suiteId);
  return db
    .select(columns)
    .from(suiteRoutes)
    .where(eq(suiteRoutes.suiteId, suiteId))
    .orderBy(asc(suiteRoutes.routerId), asc(suiteRoutes.output));
}

/** Every suite's reference routing on one router, for the router page. */
export function routingOfRouter(db: Db, routerId: string) {
  return db
    .select({ ...columns, suiteId: suites.id, suite: suites.name })
    .from(suiteRoutes)
    .innerJoin(suites, eq(suites.id, suiteRoutes.suiteId))
    .where(eq(suiteRoutes.routerId, routerId))
    .orderBy(asc(suiteRoutes.output));
}

async function validate(db: Db, suiteId: string, routes: SuiteRoute[]) {
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    const key = `${route.routerId}/${route.output}`;
    if (seen.has(key))
      throw new Invalid(
        `routes[${i}].output: output ${route.output} is listed twice for one router`,
      );
    seen.add(key);
  });
  const routerIds = [...new Set(routes.map((r) => r.routerId))];
  const found = new Map(
    (routerIds.length === 0
      ? []
      : await db
          .select({ id: devices.id, name: devices.name, kind: devices.kind })
          .from(devices)
          .where(inArray(devices.id, routerIds))
    ).map((d) => [d.id, d]),
  );
  routes.forEach((route, i) => {
    const device = found.get(route.routerId);
    if (!device) throw new Invalid(`routes[${i}].routerId: no device with id ${route.routerId}`);
    if (device.kind !== 'router')
      throw new Invalid(`routes[${i}].routerId: ${device.name} is a ${device.kind}, not a router`);
  });
  if (routerIds.length === 0) return;
  const taken = await db
    .select({ routerId: suiteRoutes.routerId, output: suiteRoutes.output, suite: suites.name })
    .from(suiteRoutes)
    .innerJoin(suites, eq(suites.id, suiteRoutes.suiteId))
    .where(and(inArray(suiteRoutes.routerId, routerIds), ne(suiteRoutes.suiteId, suiteId)));
  for (const [i, route] of routes.entries()) {
    const owner = taken.find((t) => t.routerId === route.routerId && t.output === route.output);
    if (owner) {
      throw new Conflict(
        `routes[${i}].output: output ${route.output} of ${found.get(route.routerId)?.name} is already in the reference routing of ${owner.suite}`,
      );
    }
  }
}

/** Replaces the suite's reference routing; the router checks pick it up at their next sync. */
export async function setRouting(
  db: Db,
  bus: EventBus,
  actor: Actor,
  suiteId: string,
  routes: SuiteRoute[],
): Promise<SuiteRoute[]> {
  const after = await db.transaction(async (tx) => {
    await suiteExists(tx, suiteId);
    // Two suites claiming one output at once: the second waits here and then sees the first.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('suite_routes'))`);
    await validate(tx, suiteId, routes);
    const before = await getRouting(tx, suiteId);
    await tx.delete(suiteRoutes).where(eq(suiteRoutes.suiteId, suiteId));
    if (routes.length > 0)
      await tx.insert(suiteRoutes).values(routes.map((r) => ({ ...r, suiteId })));
    const after = await getRouting(tx, suiteId);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'suite-routing',
      entityId: suiteId,
      before,
      after,
    });
    return after;
  });
  bus.publish({ type: 'changed', entity: 'suite', id: suiteId });
  return after;
}

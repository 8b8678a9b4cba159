import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query, type Database } from '../../server/db/client.ts';
import { Partitions } from '../../server/db/partitions.ts';
import { createTestDatabase, stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const day = 86_400_000;

for (const { store, needs } of stores) {
  describeWith(needs, `day partitions on ${store}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await createTestDatabase(store);
    });
    afterAll(async () => database?.close());

    const children = async (table: string) =>
      (
        await query<{ name: string }>(
          database.db,
          sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
              join pg_class p on p.oid = i.inhparent where p.relname = ${table} order by 1`,
        )
      ).map((r) => r.name);

    it('routes rows into their day and drops whole days past retention', async () => {
      const partitions = new Partitions(database.db, 14);
      const now = new Date('2026-11-22T12:00:00Z');
      await partitions.ensureAhead(now);
      await partitions.ensureDays(
        [now.getTime() - 20 * day, now.getTime() - 3 * day].map((t) => Math.floor(t / day) * day),
      );
      expect(await children('readings')).toEqual([
        'readings_p20261102',
        'readings_p20261119',
        'readings_p20261122',
        'readings_p20261123',
      ]);
      const id = '6e1d1a2c-0000-4000-8000-000000000001';
      for (const at of ['2026-11-02T08:00:00Z', '2026-11-19T23:59:59Z', '2026-11-22T00:00:00Z']) {
        await database.db.execute(
          sql`insert into readings (device_id, check_id, name, value, at) values (${id}, ${id}, 'x', 1, ${at})`,
        );
      }
      const placed = await query<{ part: string; n: number }>(
        database.db,
        sql`select tableoid::regclass::text as part, count(*)::int as n from readings group by 1 order by 1`,
      );
      expect(placed).toEqual([
        { part: 'readings_p20261102', n: 1 },
        { part: 'readings_p20261119', n: 1 },
        { part: 'readings_p20261122', n: 1 },
      ]);

      const dropped = await partitions.dropExpired(now);
      expect(dropped.sort()).toEqual(['check_results_p20261102', 'readings_p20261102']);
      expect(await children('readings')).not.toContain('readings_p20261102');
      const left = await query<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from readings`,
      );
      expect(left[0]?.n).toBe(2);
      // A day can be made again after it was dropped, and ensuring twice is harmless.
      await partitions.ensureDays([Date.UTC(2026, 10, 2)]);
      await new Partitions(database.db, 14).ensureDays([Date.UTC(2026, 10, 2)]);
      expect(await children('readings')).toContain('readings_p20261102');
    });
  });
}

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { query, type Database } from '../../server/db/client.ts';
import { packed, readPacked, time, whole } from '../../server/modules/pm/packed.ts';
import { createTestDatabase, stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

// The report's binary lists, through the real drivers: postgres.js hands a bytea over as a
// Buffer parsed from hex text, PGlite as a Uint8Array.
for (const { store, needs } of stores) {
  describeWith(needs, `packed cells on ${store}`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await createTestDatabase(store);
    });
    afterAll(async () => database?.close());

    it('brings times, whole numbers and nulls back row by row, in the order aggregated', async () => {
      const [row] = await query<{ cells: Uint8Array | null }>(
        database.db,
        sql`select ${packed([time(sql`v.at`), whole(sql`v.n`), time(sql`v.done`)])} as cells
            from (values
              (1, '2026-03-29T00:59:59.250Z'::timestamptz, 12960, null::timestamptz),
              (2, '2026-03-29T01:00:00Z'::timestamptz, null::int, '2026-03-30T08:00:00.0006Z'::timestamptz),
              (3, '1999-06-01T12:00:00Z'::timestamptz, -3, '2026-11-22T10:15:00Z'::timestamptz)
            ) as v(k, at, n, done)`,
      );
      expect(Array.from(readPacked(row?.cells, ['time', 'whole', 'time']))).toEqual([
        Date.parse('2026-03-29T00:59:59.250Z'),
        12960,
        Number.NaN,
        Date.parse('2026-03-29T01:00:00Z'),
        Number.NaN,
        // 0.6 ms rounds up to the next ms.
        Date.parse('2026-03-30T08:00:00.001Z'),
        Date.parse('1999-06-01T12:00:00Z'),
        -3,
        Date.parse('2026-11-22T10:15:00Z'),
      ]);
    });

    it('is null, read as no cells, when no row matches', async () => {
      const [row] = await query<{ cells: Uint8Array | null }>(
        database.db,
        sql`select ${packed([time(sql`now()`)])} as cells from (select 1) x where false`,
      );
      expect(row?.cells ?? null).toBeNull();
      expect(readPacked(row?.cells, ['time']).length).toBe(0);
    });
  });
}

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  migrateDatabase,
  openPglite,
  openPostgres,
  type Database,
} from '../../server/db/client.ts';

/** A migrated, empty database for one benchmark: in-memory PGlite, or a fresh PostgreSQL database. */
export async function benchDatabase(
  store: 'pglite' | 'postgres',
  options: { max?: number } = {},
): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (store === 'pglite') {
    const database = await openPglite(undefined);
    await migrateDatabase(database);
    return { database, cleanup: () => database.close() };
  }
  const url = process.env.DATABASE_URL!;
  const name = `sw_bench_${randomUUID().slice(0, 8)}`;
  const admin = await openPostgres(url, { max: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString(), options);
  await migrateDatabase(database, target.toString());
  return {
    database,
    cleanup: async () => {
      await database.close();
      await admin.db.execute(sql.raw(`drop database ${name} with (force)`));
      await admin.close();
    },
  };
}

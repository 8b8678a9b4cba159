import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  store: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * An array of values for `= any(…)` or `unnest(…)`: one parameter per value, cast once. A single
 * array parameter is sent differently by PGlite and postgres.js; this reads the same on both.
 */
export const sqlArray = (values: readonly string[], type: 'uuid' | 'text'): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[]`;

/**
 * `db.execute()` returns `{ rows }` on PGlite and an array on postgres.js; every raw query goes
 * through here so callers see one shape.
 */
export async function query<T extends Record<string, unknown>>(
  db: Db,
  statement: SQL,
): Promise<T[]> {
  const result: unknown = await db.execute(statement);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    // Connection errors surface on the first query; main.ts turns them into a one-line message.
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return { db, store: 'postgres', close: () => client.end({ timeout: 5 }) };
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  return wrapPglite(client);
}

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return { db, store: 'pglite', close: () => client.close() };
}

/**
 * Applies the committed SQL migrations. On PostgreSQL a session advisory lock on a single
 * connection serialises instances that start together.
 */
export async function migrateDatabase(database: Database, url?: string): Promise<void> {
  if (database.store === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  if (!url) throw new Error('migrateDatabase needs the PostgreSQL URL');
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select pg_advisory_lock(727274)`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    await client`select pg_advisory_unlock(727274)`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

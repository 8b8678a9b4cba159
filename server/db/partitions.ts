import { sql } from 'drizzle-orm';
import { type Db, query } from './client.ts';

export const partitionedTables = ['readings', 'check_results'] as const;
export type PartitionedTable = (typeof partitionedTables)[number];

const dayMs = 86_400_000;

export function dayStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / dayMs) * dayMs);
}

function partitionName(table: PartitionedTable, day: Date): string {
  return `${table}_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/**
 * Remembers which day partitions exist so that ingest asks PostgreSQL only on the first batch of
 * a new day.
 */
export class Partitions {
  private readonly known = new Set<string>();

  constructor(
    private readonly db: Db,
    readonly retentionDays: number,
  ) {}

  async ensureDays(days: Iterable<number>): Promise<void> {
    for (const dayTime of days) {
      for (const table of partitionedTables) {
        const day = new Date(dayTime);
        const name = partitionName(table, day);
        if (this.known.has(name)) continue;
        const from = day.toISOString();
        const to = new Date(dayTime + dayMs).toISOString();
        try {
          await this.db.execute(
            sql.raw(
              `create table if not exists "${name}" partition of "${table}" for values from ('${from}') to ('${to}')`,
            ),
          );
        } catch (error) {
          // Another instance created it between our check and our create.
          if (!(await this.exists(name))) throw error;
        }
        this.known.add(name);
      }
    }
  }

  /** Today's and tomorrow's partitions, so that midnight never waits on DDL. */
  async ensureAhead(now = new Date()): Promise<void> {
    const today = dayStart(now).getTime();
    await this.ensureDays([today, today + dayMs]);
  }

  /** Drops whole partitions older than the retention period; returns the names dropped. */
  async dropExpired(now = new Date()): Promise<string[]> {
    const cutoff = dayStart(new Date(now.getTime() - this.retentionDays * dayMs));
    const dropped: string[] = [];
    for (const table of partitionedTables) {
      const children = await query<{ name: string }>(
        this.db,
        sql`select c.relname as name from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_class p on p.oid = i.inhparent
            where p.relname = ${table}`,
      );
      for (const { name } of children) {
        const match = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
        if (!match) continue;
        const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
        if (day < cutoff.getTime()) {
          await this.db.execute(sql.raw(`drop table if exists "${name}"`));
          this.known.delete(name);
          dropped.push(name);
        }
      }
    }
    return dropped;
  }

  private async exists(name: string): Promise<boolean> {
    const rows = await query<{ n: number }>(
      this.db,
      sql`select count(*)::int as n from pg_class where relname = ${name}`,
    );
    return (rows[0]?.n ?? 0) > 0;
  }
}

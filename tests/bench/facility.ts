import { sql } from 'drizzle-orm';
import { query, type Db } from '../../server/db/client.ts';
import { maintenanceSettings } from '../../server/db/schema/index.ts';
import { defaultConfig } from '../../server/modules/pm/settings.ts';

/**
 * A large facility for the maintenance benchmarks, seeded set-based (a statement per kind of row,
 * never a row at a time): 2 sites, 50 rooms, 500 suites and 5,000 devices. Each room has its own
 * storage, switch and router plus 7 machine-room devices in no suite; each suite has 9 devices
 * hanging off its room's switch, and its workstations depend on the room's storage, so work on a
 * shared device disturbs all 10 suites of its room.
 */

export const zone = 'Europe/London';
const roomsPerSite = 25;
const suitesPerRoom = 10;
export const dayMs = 86_400_000;

/** The devices of every suite: [kind, name]. */
const suiteKit = [
  ['workstation', 'workstation'],
  ['display', 'grade monitor'],
  ['display', 'client monitor'],
  ['audio', 'audio interface'],
  ['raid', 'raid'],
  ['workstation', 'render node'],
  ['other', 'scope'],
  ['other', 'kvm'],
  ['other', 'ups'],
] as const;
const roomKit = [
  ['storage', 'storage'],
  ['switch', 'switch'],
  ['router', 'router'],
  ...Array.from({ length: 7 }, (_, i) => ['other', `rack ${i + 1}`] as const),
] as const;

const count = (n: number) => n.toLocaleString('en');
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A line that overwrites itself, for long seeding. */
export function progress(text: string): void {
  process.stdout.write(`  ${text}\x1b[K\r`);
}

/** Midnight UTC of the day `at` falls in, `days` later. */
export function dayStart(at: Date, days = 0): Date {
  return new Date(Math.floor(at.getTime() / dayMs) * dayMs + days * dayMs);
}

const kit = (rows: ReadonlyArray<readonly [string, string]>) =>
  sql.raw(
    `(values ${rows.map(([kind, name], i) => `(${i + 1}, '${kind}'::device_kind, '${name}')`).join(', ')}) as k(n, kind, name)`,
  );

export async function seedFacility(db: Db): Promise<{ suites: number; devices: number }> {
  const started = performance.now();
  const config = defaultConfig();
  await db.insert(maintenanceSettings).values({
    id: 1,
    config: { ...config, hours: { ...config.hours, timezone: zone } },
  });
  await db.execute(sql`
    insert into sites (name, timezone) values ('Soho', ${zone}), ('Fitzrovia', ${zone})`);
  await db.execute(sql`
    insert into rooms (site_id, name)
    select s.id, s.name || ' floor ' || g from sites s, generate_series(1, ${roomsPerSite}::int) g`);
  await db.execute(sql`
    insert into suites (name, room_id, kind)
    select 'Suite ' || lpad((row_number() over (order by r.name, g))::text, 3, '0'), r.id,
      (array['edit', 'grading', 'dubbing', 'mix', 'vfx', 'qc'])[1 + g % 6]
    from rooms r, generate_series(1, ${suitesPerRoom}::int) g`);
  // notes carries the owner's id until the links are made from it, then is cleared.
  await db.execute(sql`
    insert into devices (name, kind, location, notes)
    select r.name || ' ' || k.name, k.kind, 'machine room', r.id::text from rooms r, ${kit(roomKit)}`);
  await db.execute(sql`
    insert into devices (name, kind, location, notes, parent_id)
    select su.name || ' ' || k.name, k.kind, su.name, su.id::text, sw.id
    from suites su
    join devices sw on sw.notes = su.room_id::text and sw.kind = 'switch', ${kit(suiteKit)}`);
  await db.execute(sql`
    insert into suite_devices (suite_id, device_id)
    select notes::uuid, id from devices where location <> 'machine room'`);
  await db.execute(sql`
    insert into device_dependencies (device_id, depends_on_id)
    select d.id, st.id from devices d
    join suites su on su.id::text = d.notes
    join devices st on st.notes = su.room_id::text and st.kind = 'storage'
    where d.kind = 'workstation'`);
  await db.execute(sql`update devices set notes = ''`);
  const [row] = await query<{ suites: number; devices: number }>(
    db,
    sql`select (select count(*) from suites)::int as suites, (select count(*) from devices)::int as devices`,
  );
  console.log(
    `  facility: ${count(row!.suites)} suites, ${count(row!.devices)} devices in ${seconds(started)}`,
  );
  return row!;
}

/**
 * Bookings spread evenly over [from, from + days) for every suite, in shapes a post house books:
 * day sessions, long days to 23:00, overnight renders and QC, multi-day lockouts, afternoons.
 * Local times in the facility's zone. Inserted in batches, with progress.
 */
export async function seedBookings(db: Db, total: number, from: Date, days: number) {
  const started = performance.now();
  const batch = 20_000;
  const [{ suites } = { suites: 0 }] = await query<{ suites: number }>(
    db,
    sql`select count(*)::int as suites from suites`,
  );
  const perSuite = total / suites;
  const firstDay = from.toISOString().slice(0, 10);
  for (let low = 0; low < total; low += batch) {
    const high = Math.min(total, low + batch) - 1;
    await db.execute(sql`
      with s as (select array_agg(id order by name) as ids from suites),
      b as (
        select g, (s.ids)[1 + g % ${suites}::int] as suite_id,
          ${firstDay}::date + least(${days - 1}::int,
            floor((g / ${suites}::int) * ${days}::float8 / ${perSuite}::float8)::int + (g * 7919) % 3) as day,
          (g * 31) % 10 as shape
        from s, generate_series(${low}::int, ${high}::int) g
      )
      insert into bookings (suite_id, client, project, starts_at, ends_at, created_by)
      select suite_id,
        (array['Working Title', 'Blue Fox', 'Northlight', 'Channel 9', 'Vanta', 'Harbour'])[1 + g % 6],
        'Project ' || (g % 97),
        (day + case when shape <= 3 then time '09:00' when shape <= 5 then time '08:00'
                    when shape = 6 then time '20:00' when shape = 7 then time '08:00'
                    when shape = 8 then time '10:00' else time '14:00' end) at time zone ${zone},
        (day + case when shape <= 3 then interval '19 hours' when shape <= 5 then interval '23 hours'
                    when shape = 6 then interval '30 hours'
                    when shape = 7 then (2 + g % 3) * interval '1 day' + interval '22 hours'
                    when shape = 8 then interval '18 hours' else interval '19 hours' end)
          at time zone ${zone},
        'bench'
      from b`);
    progress(`bookings: ${count(high + 1)} of ${count(total)}`);
  }
  console.log(`  bookings: ${count(total)} over ${days} days in ${seconds(started)}\x1b[K`);
}

export { count, seconds };

import type { Db } from '../../db/client.ts';
import type { SignoffKind } from '../../domain.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { signoffRisks } from '../pm/signoff.ts';
import { serialize } from '../serialize.ts';
import { expandIcs, parseIcs, TooManyOccurrences } from './ics.ts';
import * as repo from './repository.ts';

export interface BookingInput {
  suiteId: string;
  client: string;
  project?: string;
  operator?: string;
  startsAt: string;
  endsAt: string;
  signoff?: SignoffKind | null;
}

const dayMs = 24 * 60 * 60 * 1000;
/** The longest window one import expands recurring events over. */
const maxWindowDays = 3660;
/** Most overlaps an import lists one by one; the rest are counted. */
const listedOverlaps = 50;

const when = (row: { startsAt: Date; endsAt: Date }) =>
  `${row.startsAt.toISOString()}–${row.endsAt.toISOString()}`;

async function suiteZone(db: Db, suiteId: string, field: string): Promise<string> {
  const suite = await repo.suiteZone(db, suiteId);
  if (!suite) throw new Invalid(`${field}: no suite with id ${suiteId}`);
  // A suite outside any site has no local day; UTC is the only neutral choice.
  return suite.timezone ?? 'UTC';
}

async function checked(db: Db, input: BookingInput, exceptId?: string) {
  const client = input.client.trim();
  if (client === '')
    throw new Invalid('body.client: say who the session is for; it must not be blank');
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt.getTime() <= startsAt.getTime())
    throw new Invalid('body.endsAt: the booking ends before it starts');
  await suiteZone(db, input.suiteId, 'body.suiteId');
  const [clash] = await repo.overlapping(db, input.suiteId, startsAt, endsAt, exceptId);
  if (clash)
    throw new Conflict(
      `the suite is already booked for ${clash.client} from ${clash.startsAt.toISOString()} to ${clash.endsAt.toISOString()}`,
      { clashId: clash.id },
    );
  return {
    suiteId: input.suiteId,
    client,
    project: (input.project ?? '').trim(),
    operator: (input.operator ?? '').trim(),
    startsAt,
    endsAt,
    signoff: input.signoff ?? null,
  };
}

/**
 * Bookings as the API shows them: with the sign-off risk of a grade or mix approval, and the
 * work moved onto the session on purpose. Two set-based queries, however many bookings.
 */
async function shown(db: Db, rows: repo.BookingRow[], now = new Date()) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const signoffs = rows.filter((r) => r.signoff !== null);
  const [risks, moved] = await Promise.all([
    signoffs.length === 0
      ? []
      : signoffRisks(
          db,
          {
            bookingIds: signoffs.map((r) => r.id),
            from: new Date(Math.min(...signoffs.map((r) => r.startsAt.getTime()))),
            to: new Date(Math.max(...signoffs.map((r) => r.endsAt.getTime()))),
          },
          now,
        ),
    repo.workMovedOnto(db, ids),
  ]);
  const riskOf = new Map(risks.map((r) => [r.bookingId, r]));
  return rows.map((row) => {
    const risk = riskOf.get(row.id);
    return {
      ...serialize(row),
      signoffRisk: risk ? { reason: risk.reason, lastPassAt: risk.lastPassAt } : null,
      movedWork: moved
        .filter((m) => m.bookingId === row.id)
        .map(({ bookingId: _, ...work }) => serialize(work)),
    };
  });
}

async function shownOne(db: Db, row: repo.BookingRow) {
  const [one] = await shown(db, [row]);
  return one!;
}

export async function listBookings(
  db: Db,
  filter: { suiteId?: string; from?: string; to?: string },
  now = new Date(),
) {
  const from = filter.from ? new Date(filter.from) : new Date(now.getTime() - dayMs);
  const to = filter.to ? new Date(filter.to) : new Date(now.getTime() + 14 * dayMs);
  if (to.getTime() <= from.getTime()) throw new Invalid('querystring.to: it is before from');
  const rows = await repo.listBookings(db, { suiteId: filter.suiteId, from, to });
  return shown(db, rows, now);
}

async function found(db: Db, id: string) {
  const row = await repo.getBooking(db, id);
  if (!row) throw new NotFound(`booking ${id} does not exist`);
  return row;
}

export async function getBooking(db: Db, id: string) {
  return shownOne(db, await found(db, id));
}

export async function createBooking(db: Db, actor: Actor, input: BookingInput) {
  const row = await db.transaction(async (tx) => {
    const created = await repo.insertBooking(tx, {
      ...(await checked(tx, input)),
      source: 'manual',
      createdById: actor.id,
      createdBy: actor.label,
    });
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'booking',
      entityId: created.id,
      after: serialize(created),
    });
    return created;
  });
  return shownOne(db, row);
}

export async function updateBooking(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<BookingInput>,
) {
  const row = await db.transaction(async (tx) => {
    const before = await found(tx, id);
    const merged: BookingInput = {
      ...before,
      startsAt: before.startsAt.toISOString(),
      endsAt: before.endsAt.toISOString(),
      ...input,
    };
    const after = await repo.updateBooking(tx, id, await checked(tx, merged, id));
    if (!after) throw new NotFound(`booking ${id} does not exist`);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'booking',
      entityId: id,
      before: serialize(before),
      after: serialize(after),
    });
    return after;
  });
  return shownOne(db, row);
}

export async function deleteBooking(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await found(tx, id);
    await repo.deleteBooking(tx, id);
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'booking',
      entityId: id,
      before: serialize(before),
    });
  });
}

export interface ImportInput {
  suiteId: string;
  ics: string;
  from?: string;
  to?: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Imported occurrences of this calendar's events that the calendar no longer has. */
  removed: number;
  errors: string[];
  /** Ids of the bookings created, changed or removed, for the caller to announce. */
  changedIds: string[];
}

/**
 * Upserts the calendar's occurrences in [from, to] into the suite by source UID, so that the same
 * file imported twice changes nothing. Overlaps are reported, not refused: the calendar is the
 * source of truth.
 */
export async function importIcs(
  db: Db,
  actor: Actor,
  input: ImportInput,
  now = new Date(),
): Promise<ImportResult> {
  const from = input.from ? new Date(input.from) : new Date(now.getTime() - 7 * dayMs);
  const to = input.to ? new Date(input.to) : new Date(now.getTime() + 90 * dayMs);
  if (to.getTime() <= from.getTime()) throw new Invalid('body.to: it is before from');
  if (to.getTime() - from.getTime() > maxWindowDays * dayMs)
    throw new Invalid(`body.to: import at most ${maxWindowDays} days at a time`);
  const zone = await suiteZone(db, input.suiteId, 'body.suiteId');
  let events;
  try {
    events = parseIcs(input.ics);
  } catch (error) {
    throw new Invalid(
      `body.ics: not an iCalendar file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let expansion;
  try {
    expansion = expandIcs(events, from, to, zone);
  } catch (error) {
    if (error instanceof TooManyOccurrences) throw new Invalid(`body.ics: ${error.message}`);
    throw error;
  }
  const result: ImportResult = {
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: expansion.skipped,
    removed: 0,
    errors: [...expansion.errors],
    changedIds: [],
  };
  await db.transaction(async (tx) => {
    const existing = new Map(
      (
        await repo.bySourceUid(
          tx,
          input.suiteId,
          expansion.occurrences.map((o) => o.sourceUid),
        )
      ).map((row) => [row.sourceUid, row]),
    );
    const seen = new Set<string>();
    for (const o of expansion.occurrences) {
      if (seen.has(o.sourceUid)) {
        result.skipped += 1;
        result.errors.push(
          `${o.sourceUid} (${o.summary}): appears twice in the calendar; kept the first`,
        );
        continue;
      }
      seen.add(o.sourceUid);
      const values = {
        client: o.summary === '' ? '(untitled)' : o.summary,
        startsAt: o.startsAt,
        endsAt: o.endsAt,
      };
      const before = existing.get(o.sourceUid);
      if (!before) {
        const row = await repo.insertBooking(tx, {
          ...values,
          suiteId: input.suiteId,
          source: 'ics',
          sourceUid: o.sourceUid,
          createdById: actor.id,
          createdBy: actor.label,
        });
        result.created += 1;
        result.changedIds.push(row.id);
      } else if (
        before.client === values.client &&
        before.startsAt.getTime() === values.startsAt.getTime() &&
        before.endsAt.getTime() === values.endsAt.getTime()
      ) {
        result.unchanged += 1;
      } else {
        await repo.updateBooking(tx, before.id, values);
        result.updated += 1;
        result.changedIds.push(before.id);
      }
    }
    // An occurrence imported before that its event no longer has (cancelled, an EXDATE added,
    // the series cut short) is removed. Only events this calendar still carries are judged: a
    // suite may hold several calendars, and an event missing altogether may belong to another.
    const uids = new Set(
      events.map((e) => e.uid).filter((uid): uid is string => !!uid && !expansion.failed.has(uid)),
    );
    const gone = (await repo.importedBetween(tx, input.suiteId, from, to)).filter(
      (row) =>
        row.sourceUid !== null &&
        !seen.has(row.sourceUid) &&
        (uids.has(row.sourceUid) ||
          uids.has(row.sourceUid.slice(0, row.sourceUid.lastIndexOf('/')))),
    );
    if (gone.length > 0) {
      await repo.deleteBookings(
        tx,
        gone.map((row) => row.id),
      );
      result.removed = gone.length;
      result.changedIds.push(...gone.map((row) => row.id));
    }
    if (result.created + result.updated + result.removed > 0)
      await recordAudit(tx, actor, {
        action: 'import',
        entity: 'booking',
        entityId: null,
        after: {
          suiteId: input.suiteId,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          skipped: result.skipped,
          removed: result.removed,
        },
      });
    result.errors.push(...(await overlapsOf(tx, input.suiteId, [...seen])));
  });
  return result;
}

/** Each overlap between an imported booking and another booking of the suite, once. */
async function overlapsOf(db: Db, suiteId: string, sourceUids: string[]): Promise<string[]> {
  const imported = await repo.bySourceUid(db, suiteId, sourceUids);
  if (imported.length === 0) return [];
  const from = new Date(Math.min(...imported.map((r) => r.startsAt.getTime())));
  const to = new Date(Math.max(...imported.map((r) => r.endsAt.getTime())));
  const all = await repo.listBookings(db, { suiteId, from, to });
  const importedIds = new Set(imported.map((r) => r.id));
  const found: string[] = [];
  let more = 0;
  for (const [i, a] of all.entries()) {
    for (const other of all.slice(i + 1)) {
      if (other.startsAt.getTime() >= a.endsAt.getTime()) break;
      if (!importedIds.has(a.id) && !importedIds.has(other.id)) continue;
      if (found.length < listedOverlaps)
        found.push(
          `overlap: ${a.client} (${when(a)}) and ${other.client} (${when(other)}); both kept`,
        );
      else more += 1;
    }
  }
  if (more > 0) found.push(`and ${more} more overlaps`);
  return found;
}

const maxIcsBytes = 2 * 1024 * 1024;
const fetchTimeoutMs = 15_000;

/** Fetches a calendar over http(s), refusing other schemes, slow servers and big files. */
export async function fetchIcs(url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Invalid(`body.url: '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Invalid(
      `body.url: only http and https calendars can be fetched, not ${parsed.protocol}`,
    );
  let response: Response;
  try {
    response = await fetch(parsed, {
      signal: AbortSignal.timeout(fetchTimeoutMs),
      headers: { accept: 'text/calendar, */*;q=0.5' },
      redirect: 'follow',
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${fetchTimeoutMs / 1000} s`
        : error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    throw new Invalid(`body.url: could not fetch the calendar: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Invalid(`body.url: the server answered ${response.status} ${response.statusText}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxIcsBytes) {
    await response.body?.cancel();
    throw new Invalid(`body.url: the calendar is larger than ${maxIcsBytes / 1024 / 1024} MiB`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxIcsBytes)
          throw new Invalid(
            `body.url: the calendar is larger than ${maxIcsBytes / 1024 / 1024} MiB`,
          );
        chunks.push(value);
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

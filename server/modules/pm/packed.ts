import { sql, type SQL } from 'drizzle-orm';

/**
 * Big lists of times between PostgreSQL and the report, packed rather than as rows, and time
 * spans kept as flat arrays rather than objects.
 *
 * A year of a 5,000-device facility is 120,000 bookings and 38,000 failure downtimes. As rows,
 * postgres.js spends about 2 µs building each row object; as decimal text, the database spent
 * most of the query turning times into digits and the report some 45 ms reading them back; as
 * {start, end} objects, the garbage collector took more time than the arithmetic. So a list
 * travels as its binary cells (timestamptz_send and int8send: the 8 bytes PostgreSQL holds, no
 * conversion), aggregated into one bytea, is read into one Float64Array, and spans stay flat
 * through sorting, merging and counting.
 */

/** A time as its 8 bytes (microseconds since 2000-01-01); a null as 'infinity'. */
export const time = (column: SQL) =>
  sql`timestamptz_send(coalesce(${column}, 'infinity'::timestamptz))`;

/** A whole number as its 8 bytes; a null as the int8 maximum, which 'infinity' also is. */
export const whole = (column: SQL) =>
  sql`int8send(coalesce((${column})::int8, 9223372036854775807))`;

/** Many rows of time and whole cells as one bytea, row after row. Read back with readPacked. */
export const packed = (cells: SQL[]) => sql`string_agg(${sql.join(cells, sql` || `)}, ''::bytea)`;

/** 2000-01-01, PostgreSQL's epoch, in Unix ms. */
const postgresEpochMs = 946_684_800_000;

/**
 * The cells of a packed bytea (Buffer on postgres.js, Uint8Array on PGlite), in order: a time as
 * Unix epoch ms (rounded to the ms), a whole number as itself, a null as NaN. `columns` names each
 * row's cells in turn.
 */
export function readPacked(
  bytes: Uint8Array | null | undefined,
  columns: ReadonlyArray<'time' | 'whole'>,
): Float64Array {
  if (!bytes || bytes.length === 0) return new Float64Array(0);
  const width = columns.length;
  if (bytes.length % (8 * width) !== 0)
    throw new RangeError(`packed rows: ${bytes.length} bytes is not a whole number of rows`);
  const cells = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const times = columns.map((c) => c === 'time');
  for (let i = 0; i < cells.length; i += 1) {
    const high = view.getInt32(8 * i);
    const low = view.getUint32(8 * i + 4);
    // Every value here is far inside 2^53 (a time in µs is about 2^50), so this is exact.
    if (high === 0x7fffffff && low === 0xffffffff) cells[i] = Number.NaN;
    else if (times[i % width])
      cells[i] = Math.round((high * 2 ** 32 + low) / 1000) + postgresEpochMs;
    else cells[i] = high * 2 ** 32 + low;
  }
  return cells;
}

/** A packed cell: NaN was null. */
export const orNull = (cell: number | undefined) =>
  cell === undefined || Number.isNaN(cell) ? null : cell;

/** Spans as flat pairs, [start0, end0, start1, end1, ...], in ms. */
export type Pairs = Float64Array;

const sortedUp = (values: Float64Array) => {
  for (let i = 1; i < values.length; i += 1)
    if ((values[i] as number) < (values[i - 1] as number)) return false;
  return true;
};

/**
 * The union of spans (formulas.ts union) as sorted, disjoint pairs, from the spans' starts and
 * ends; each end must be after its start. Touching or overlapping spans merge.
 *
 * A union needs no pairing of starts with ends: sorted apart (natively, as typed arrays sort,
 * several times quicker than pairs with a comparator), a sweep counts how many spans are open,
 * and a merged span runs while that count is above zero. At equal times starts go first, so
 * touching spans merge. Sorts both arrays in place.
 */
export function union(starts: Float64Array, ends: Float64Array): Pairs {
  if (starts.length !== ends.length)
    throw new RangeError(`union: ${starts.length} starts but ${ends.length} ends`);
  const count = starts.length;
  if (!sortedUp(starts)) starts.sort();
  if (!sortedUp(ends)) ends.sort();
  const merged = new Float64Array(2 * count);
  let n = 0;
  let open = 0;
  let e = 0;
  for (let s = 0; s < count;) {
    if ((starts[s] as number) <= (ends[e] as number)) {
      if (open === 0) merged[n] = starts[s] as number;
      open += 1;
      s += 1;
    } else {
      open -= 1;
      if (open === 0) {
        merged[n + 1] = ends[e] as number;
        n += 2;
      }
      e += 1;
    }
  }
  // Every start is in; what is still open ends with the last end.
  if (count > 0) {
    merged[n + 1] = ends[count - 1] as number;
    n += 2;
  }
  return merged.subarray(0, n);
}

/** Spans gathered one by one (spans dealt out to several owners); plain arrays of doubles stay unboxed. */
export class SpanList {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** A span of no length is nothing, and is left out. */
  push(start: number, end: number): void {
    if (!(end > start)) return;
    this.starts.push(start);
    this.ends.push(end);
  }

  union(): Pairs {
    return union(Float64Array.from(this.starts), Float64Array.from(this.ends));
  }
}

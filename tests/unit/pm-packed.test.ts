import { describe, expect, it } from 'vitest';
import { union as unionOfSpans, type Span } from '../../server/modules/pm/formulas.ts';
import { readPacked, SpanList, union } from '../../server/modules/pm/packed.ts';

const pairs = (...values: number[]) => Float64Array.from(values);
const merged = (starts: number[], ends: number[]) =>
  Array.from(union(Float64Array.from(starts), Float64Array.from(ends)));

describe('union of starts and ends', () => {
  it('is empty for no spans', () => {
    expect(merged([], [])).toEqual([]);
  });

  it('merges spans that touch and keeps a gap, however small', () => {
    // [0,5) [5,10) leave no gap; [11,12) is apart by 1.
    expect(merged([0, 5, 11], [5, 10, 12])).toEqual([0, 10, 11, 12]);
  });

  it('swallows a nested span and joins overlapping ones given in any order', () => {
    // [20,30) [0,10) [2,4) [8,25): the nested [2,4) disappears, [0,10) and [8,25) overlap,
    // and [8,25) overlaps [20,30), so all of it is one block [0,30).
    expect(merged([20, 0, 2, 8], [30, 10, 4, 25])).toEqual([0, 30]);
  });

  it('needs no pairing: the ends may come in a different order from their starts', () => {
    // Spans [0,3) and [5,9), their ends listed the other way round.
    expect(merged([0, 5], [9, 3])).toEqual([0, 3, 5, 9]);
  });

  it('refuses starts and ends of different counts', () => {
    expect(() => union(pairs(1, 2), pairs(3))).toThrow(/2 starts but 1 ends/);
  });

  it('agrees with formulas.ts union on 500 random sets of spans', () => {
    // A fixed linear congruential sequence: the same cases every run.
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round += 1) {
      const spans: Span[] = Array.from({ length: next(40) }, () => {
        const start = next(1000);
        return { start, end: start + 1 + next(60) };
      });
      const expected = unionOfSpans(spans).flatMap((s) => [s.start, s.end]);
      expect(
        merged(
          spans.map((s) => s.start),
          spans.map((s) => s.end),
        ),
      ).toEqual(expected);
    }
  });
});

describe('SpanList', () => {
  it('leaves out spans of no length and merges the rest', () => {
    const list = new SpanList();
    list.push(50, 60);
    list.push(10, 10); // nothing
    list.push(0, 20);
    list.push(20, 30); // touches [0,20)
    expect(Array.from(list.union())).toEqual([0, 30, 50, 60]);
  });
});

/** Big-endian int64 cells, as timestamptz_send and int8send make them. */
function bytes(values: bigint[]): Uint8Array {
  const out = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => out.writeBigInt64BE(v, 8 * i));
  return out;
}

// PostgreSQL counts microseconds from 2000-01-01T00:00:00Z, 946,684,800,000 ms after 1970.
const pgMicros = (iso: string) => (BigInt(Date.parse(iso)) - 946_684_800_000n) * 1000n;
const infinity = 0x7fffffffffffffffn;

describe('readPacked', () => {
  it('reads times as Unix ms, whole numbers as themselves and nulls as NaN, row by row', () => {
    const cells = readPacked(
      bytes([
        pgMicros('2024-01-01T00:00:00Z'),
        42n,
        infinity,
        -7n,
        pgMicros('1999-12-31T23:59:59Z'), // before PostgreSQL's epoch: negative microseconds
        infinity,
      ]),
      ['time', 'whole'],
    );
    expect(Array.from(cells)).toEqual([
      Date.parse('2024-01-01T00:00:00Z'),
      42,
      Number.NaN,
      -7,
      Date.parse('1999-12-31T23:59:59Z'),
      Number.NaN,
    ]);
  });

  it('rounds a time to the nearest ms', () => {
    // 2024-01-01T00:00:00.001 plus 600 µs is nearer .002; plus 400 µs nearer .001.
    const base = pgMicros('2024-01-01T00:00:00.001Z');
    const cells = readPacked(bytes([base + 600n, base + 400n]), ['time']);
    expect(Array.from(cells)).toEqual([
      Date.parse('2024-01-01T00:00:00.002Z'),
      Date.parse('2024-01-01T00:00:00.001Z'),
    ]);
  });

  it('reads cells that do not start on an 8-byte boundary of their buffer', () => {
    const whole = bytes([5n, 6n]);
    const shifted = new Uint8Array(whole.length + 3);
    shifted.set(whole, 3);
    expect(Array.from(readPacked(shifted.subarray(3), ['whole']))).toEqual([5, 6]);
  });

  it('is empty for null or no bytes, and refuses a part row', () => {
    expect(readPacked(null, ['time']).length).toBe(0);
    expect(readPacked(new Uint8Array(0), ['time']).length).toBe(0);
    expect(() => readPacked(bytes([1n, 2n, 3n]), ['time', 'time'])).toThrow(
      /24 bytes is not a whole number of rows/,
    );
  });
});

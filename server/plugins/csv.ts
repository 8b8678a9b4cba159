import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * CSV export of any list. A GET whose Accept header prefers `text/csv` over JSON, on a route that
 * answers 200 with an array of objects, gets the same rows as RFC 4180 CSV. Everything else
 * (objects, errors, other methods) stays JSON. Cells a spreadsheet would run as a formula get a
 * leading apostrophe (see csvCell), since these files are opened in Excel.
 *
 * Accept, not a `format=csv` parameter: the query string schemas refuse unknown fields, and a
 * header needs no change to any route.
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  /** Position in the header: breaks ties between equal qualities, as most servers do. */
  index: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const [index, part] of header.split(',').entries()) {
    const [range = '', ...params] = part.split(';');
    const [type, subtype] = range.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'q' || value === undefined) continue;
      const parsed = Number(value);
      q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
    }
    ranges.push({ type, subtype, q, index });
  }
  return ranges;
}

/** The range that decides a media type's quality: the most specific one that matches it. */
function matching(ranges: MediaRange[], type: string, subtype: string): MediaRange | undefined {
  const score = (r: MediaRange) =>
    r.type === type && r.subtype === subtype
      ? 3
      : r.type === type && r.subtype === '*'
        ? 2
        : r.type === '*' && r.subtype === '*'
          ? 1
          : 0;
  let best: MediaRange | undefined;
  for (const r of ranges) {
    const s = score(r);
    if (s > 0 && (!best || s > score(best))) best = r;
  }
  return best;
}

/**
 * True when the header names `text/csv` itself and rates it at least as high as JSON (on a tie,
 * whichever it lists first). A wildcard (any type, or any text type) is not a request for CSV:
 * browsers and HTTP libraries send one by default.
 */
export function prefersCsv(header: string | undefined): boolean {
  if (!header) return false;
  const ranges = parseAccept(header);
  const csv = ranges
    .filter((r) => r.type === 'text' && r.subtype === 'csv')
    .sort((a, b) => b.q - a.q)[0];
  if (!csv || csv.q === 0) return false;
  const json = matching(ranges, 'application', 'json');
  if (!json || csv.q > json.q) return true;
  return csv.q === json.q && csv.index < json.index;
}

type Scalar = string | number | boolean | bigint | Date | null | undefined;

const isScalar = (value: unknown): value is Scalar =>
  value === null ||
  value === undefined ||
  value instanceof Date ||
  ['string', 'number', 'boolean', 'bigint'].includes(typeof value);

function scalarText(value: Scalar): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection); a leading
// apostrophe makes Excel, LibreOffice and Google Sheets show it as text.
const formulaStart = /^[=+\-@\t\r]/;

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One cell: dates as ISO 8601, arrays of scalars joined with '; ', other objects and arrays as
 * JSON, null as empty. Text that a spreadsheet would run as a formula gets a leading ', so a
 * device named `=HYPERLINK(…)` shows as text; numbers are left alone, since -3 is data.
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint') return field(String(value));
  if (isScalar(value)) text = scalarText(value);
  else if (Array.isArray(value) && value.every(isScalar)) text = value.map(scalarText).join('; ');
  else text = JSON.stringify(value) ?? '';
  return field(formulaStart.test(text) ? `'${text}` : text);
}

/**
 * RFC 4180 CSV: a header row of every key in the order first seen, one row per object, CRLF line
 * ends (after the last row too). An empty list is an empty file.
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  if (columns.size === 0) return '';
  const keys = [...columns];
  const lines = [keys.map(csvCell).join(',')];
  for (const row of rows) lines.push(keys.map((key) => csvCell(row[key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `devices-2030-05-01.csv` for /api/devices: the last path segment and today's UTC date. */
export function csvFilename(url: string, now = new Date()): string {
  const path = (url.split('?')[0] ?? '').replace(/\/+$/, '');
  let segment = path.slice(path.lastIndexOf('/') + 1);
  try {
    segment = decodeURIComponent(segment);
  } catch {
    // A malformed escape stays as it is; the filter below makes it safe.
  }
  const safe = segment.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'export';
  return `${safe}-${now.toISOString().slice(0, 10)}.csv`;
}

function addVary(reply: FastifyReply, value: string): void {
  const current = reply.getHeader('vary');
  const list = Array.isArray(current)
    ? current.join(', ')
    : typeof current === 'string'
      ? current
      : '';
  const names = list.split(',').map((v) => v.trim().toLowerCase());
  if (names.includes(value.toLowerCase()) || names.includes('*')) return;
  void reply.header('vary', list ? `${list}, ${value}` : value);
}

async function exportCsv(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
  if (reply.statusCode !== 200 || !Array.isArray(payload)) return payload;
  // A route that chose another type or serializer for its list keeps it.
  if (!/json/i.test(String(reply.getHeader('content-type') ?? ''))) return payload;
  // The same URL answers JSON or CSV; a cache must key on Accept.
  addVary(reply, 'Accept');
  if (!prefersCsv(request.headers.accept)) return payload;
  // Through the route's own response serializer first: the CSV holds exactly the fields the JSON
  // answer would (a schema drops what it does not declare) and dates as the JSON shows them.
  const rows: unknown = JSON.parse(reply.serialize(payload) as string);
  if (!Array.isArray(rows) || !rows.every(isRecord)) return payload;
  void reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csvFilename(request.url)}"`)
    // The payload is already text: without this the JSON serializer would quote it as a string.
    .serializer((text: unknown) => text as string);
  return toCsv(rows);
}

export const csvPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preSerialization', exportCsv);
  },
  { name: 'suitewatch-csv' },
);

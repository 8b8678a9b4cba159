// Maintenance windows keep the wall clock of a named time zone (a Soho facility books "Sunday
// 02:00 London time" whatever the laptop says). A datetime-local field holds that wall clock;
// these turn it into an instant and back without a date library in the bundle.

const partsFormat = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormat.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at `ms`, as the fields of a UTC date. */
function wallClock(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/**
 * "2025-03-30T02:30" in Europe/London → the ISO instant. A wall time skipped by a clock change
 * lands just after it; a repeated one takes one of its two readings.
 */
export function zonedToIso(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset is read at a guess and again at the corrected instant, which settles it
  // on either side of a change.
  let instant = asUtc - (wallClock(asUtc, timeZone) - asUtc);
  instant = asUtc - (wallClock(instant, timeZone) - instant);
  return new Date(instant).toISOString();
}

/** The datetime-local value ("YYYY-MM-DDTHH:mm") for an instant, read in `timeZone`. */
export function isoToZoned(iso: string | number, timeZone: string): string {
  const wall = new Date(wallClock(new Date(iso).getTime(), timeZone));
  return wall.toISOString().slice(0, 16);
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every zone the browser knows, with the browser's own first in line if it is missing. */
export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  const own = browserZone();
  return zones.includes(own) ? zones : [own, ...zones];
}

/** "Sun 30 Mar, 02:00 BST": a window's time as the people on site read it. */
export function zonedText(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString(undefined, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

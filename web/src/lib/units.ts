import { number } from './format.ts';

const significant = (value: number) =>
  value.toLocaleString(undefined, { maximumSignificantDigits: 3 });

/** Scales by 1000s ("12.4 TB", "940 Mb/s"): storage vendors and link speeds both count in 1000s. */
function scaled(value: number, steps: string[]): string {
  let index = 0;
  let v = Math.abs(value);
  while (v >= 1000 && index < steps.length - 1) {
    v /= 1000;
    index += 1;
  }
  return `${value < 0 ? '-' : ''}${significant(v)} ${steps[index]}`;
}

/** "3 d 4 h", "5 h 12 min", "42 s": an uptime reads better as a duration than as seconds. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${s} s`;
}

/** A reading's value with its unit, in the units people use for it. */
export function withUnit(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'B':
      return scaled(value, ['B', 'kB', 'MB', 'GB', 'TB', 'PB']);
    case 'bit/s':
      return scaled(value, ['b/s', 'kb/s', 'Mb/s', 'Gb/s', 'Tb/s']);
    case '%':
      return `${significant(value)} %`;
    case 'd':
      return Math.abs(value) === 1 ? '1 day' : `${number(Math.round(value * 10) / 10)} days`;
    case 's':
      return duration(value);
    case '':
      return number(value);
    default:
      return `${number(value)} ${unit}`;
  }
}

import type { MaintenanceWindow, Recurrence, WindowMode } from './types.ts';
import { zonedText } from './zoned-time.ts';

/** ISO weekdays, 1 = Monday, as the server numbers them. */
export const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export const recurrenceLabels: Record<Recurrence, string> = {
  none: 'Once',
  daily: 'Every day',
  weekly: 'Every week',
  monthly: 'Every month',
};

export const modeLabels: Record<WindowMode, string> = {
  record: 'Record: faults open, flagged, no notifications',
  skip: 'Skip: the device is not evaluated at all',
};

/** "Every week on Tue, Thu until 30 Jun": how the window repeats, in a phrase. */
export function repeatText(w: MaintenanceWindow): string {
  let text = recurrenceLabels[w.recurrence];
  if (w.recurrence === 'weekly' && w.weekdays.length > 0)
    text += ` on ${w.weekdays.map((d) => weekdayNames[d - 1] ?? d).join(', ')}`;
  if (w.until)
    text += ` until ${new Date(w.until).toLocaleDateString(undefined, { timeZone: w.timezone, day: 'numeric', month: 'short', year: 'numeric' })}`;
  return text;
}

/** "Sun 30 Mar, 02:00 BST – 06:00": the end's date only when it is another day. */
export function spanText(start: string, end: string, timeZone: string): string {
  const from = zonedText(start, timeZone);
  const sameDay =
    new Date(start).toLocaleDateString('en-CA', { timeZone }) ===
    new Date(end).toLocaleDateString('en-CA', { timeZone });
  const to = sameDay
    ? new Date(end).toLocaleTimeString(undefined, {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
      })
    : zonedText(end, timeZone);
  return `${from} – ${to}`;
}

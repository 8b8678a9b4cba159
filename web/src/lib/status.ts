import { statuses, type Status } from './types.ts';

/** Higher is worse, matching the server's order: ok, unknown, warning, critical. */
export function severity(status: Status): number {
  return statuses.indexOf(status);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** "Edit 2" before "Edit 10". */
export function byName(a: { name: string }, b: { name: string }): number {
  return collator.compare(a.name, b.name);
}

/** Worst first, so trouble is at the top; then by name so the order is stable. */
export function worstFirst<T extends { name: string }>(status: (item: T) => Status) {
  return (a: T, b: T) => severity(status(b)) - severity(status(a)) || byName(a, b);
}

export function countByStatus(list: Status[]): Record<Status, number> {
  const counts: Record<Status, number> = { ok: 0, unknown: 0, warning: 0, critical: 0 };
  for (const status of list) counts[status] += 1;
  return counts;
}

import { throttle } from './throttle.ts';

/**
 * For a report page: loads once the reader may see it, and again whenever `wanted()` (the query
 * the URL asks for) changes. Call it while a component initialises.
 */
export function reloadWhen(
  active: () => boolean,
  wanted: () => unknown,
  reload: () => unknown,
): void {
  $effect(() => {
    if (!active()) return;
    void wanted();
    void reload();
  });
}

/**
 * For a report page: reloads when `revision()` moves, at most once per `everyMs`, so a busy day
 * of live changes does not recompute the report on each one. Call it while a component
 * initialises; the pending reload is cancelled when the component goes.
 */
export function followChanges(
  revision: () => string | number,
  active: () => boolean,
  reload: () => unknown,
  everyMs = 10_000,
): void {
  const soon = throttle(() => void reload(), everyMs);
  let seen = revision();
  $effect(() => {
    const next = revision();
    if (next === seen || !active()) return;
    seen = next;
    soon();
  });
  $effect(() => () => soon.cancel());
}

import { api } from '../api.ts';
import { consoleOrder, isAlarming } from '../faults.ts';
import type { FaultDetail, FaultView } from '../types.ts';
import { alarmSound } from './alarm-sound.svelte.ts';
import { ListState } from './list.svelte.ts';

const isAlarmingCritical = (f: FaultView) => f.severity === 'critical' && isAlarming(f);

/** The detail answer of an action carries the view plus extras the list does not keep. */
export function viewOf(detail: FaultDetail): FaultView {
  const { timeline: _t, consequenceFaults: _c, downtime: _d, ...view } = detail;
  return view;
}

/**
 * The alarm console: every fault that is open or latched. Always loaded while someone is
 * logged in, because the nav count and the wall strip need it on every page. Filtering is done
 * where it is shown; the list itself is the whole console, kept current by `fault` events.
 */
export class FaultsState extends ListState<FaultView> {
  constructor() {
    super(() => api.activeFaults());
  }

  /** Unacknowledged critical and major faults calling for someone: the nav badge. */
  readonly calling = $derived(
    this.items.filter((f) => (f.severity === 'critical' || f.severity === 'major') && isAlarming(f))
      .length,
  );

  /** Critical faults calling for someone, newest first: the wall strip. */
  readonly critical = $derived(
    this.items
      .filter(isAlarmingCritical)
      .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt)),
  );

  /**
   * A fault as it now stands: added, updated, or dropped once it is off the console (closed).
   * A fault that is new, or newly critical, rings the alarm sound (if it is on).
   */
  put(fault: FaultView): void {
    const before = this.byId(fault.id);
    if (isAlarmingCritical(fault) && (!before || before.severity !== 'critical')) alarmSound.ring();
    this.apply((items) => {
      const index = items.findIndex((f) => f.id === fault.id);
      if (fault.console === 'closed') {
        if (index !== -1) items.splice(index, 1);
        return;
      }
      if (index === -1) items.push(fault);
      else items[index] = fault;
      items.sort(consoleOrder);
    });
  }

  /** A reload after a lost connection may bring criticals that opened while we were away. */
  protected override replaced(before: FaultView[] | null, after: FaultView[]): void {
    if (!before) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
    const known = new Set(before.map((f) => f.id));
    if (after.some((f) => isAlarmingCritical(f) && !known.has(f.id))) alarmSound.ring();
  }
}

export const faults = new FaultsState();

import { emptyFilter } from '../faults.ts';

/**
 * How the console is being looked at: its filters and which roots are unfolded. Kept outside
 * the page so that opening an alarm and coming back finds the console as it was left.
 */
export class AlarmViewState {
  filter = $state(emptyFilter());
  expanded = $state<Record<string, boolean>>({});

  toggle(id: string): void {
    this.expanded[id] = !this.expanded[id];
  }

  reset(): void {
    this.filter = emptyFilter();
    this.expanded = {};
  }
}

export const alarmView = new AlarmViewState();

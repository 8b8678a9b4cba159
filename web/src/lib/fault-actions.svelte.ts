import { api, errorText } from './api.ts';
import { openFault } from './state/fault.svelte.ts';
import { faults, viewOf } from './state/faults.svelte.ts';
import type { FaultAction } from './types.ts';

export type FaultDialog = 'ack' | 'shelve' | null;

/**
 * One fault's actions as a row or the alarm page drives them: which little form is open, the
 * request in flight (buttons wait for it), and the server's refusal in its own words.
 */
export class FaultActions {
  busy = $state(false);
  error = $state('');
  dialog = $state<FaultDialog>(null);

  open(dialog: FaultDialog): void {
    this.dialog = dialog;
    this.error = '';
  }

  async run(id: string, action: FaultAction): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const detail = await api.actOnFault(id, action);
      // Shown at once; the live event that follows carries the same state.
      faults.put(viewOf(detail));
      openFault.set(detail);
      this.dialog = null;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }
}

import { ApiError, api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { FaultDetail, FaultView } from '../types.ts';

/** The alarm page's fault, with its timeline and downtime, reloaded when a `fault` event says so. */
export class OpenFaultState {
  id = $state<string | null>(null);
  detail = $state<FaultDetail | null>(null);
  notFound = $state(false);
  error = $state('');

  readonly reload = coalesce(async () => {
    const id = this.id;
    if (!id) return;
    try {
      const detail = await api.fault(id);
      if (this.id !== id) return;
      this.detail = detail;
      this.notFound = false;
      this.error = '';
    } catch (error) {
      if (this.id !== id) return;
      if (error instanceof ApiError && error.statusCode === 404) this.notFound = true;
      else this.error = errorText(error);
    }
  });

  open(id: string): void {
    if (this.id === id) return;
    this.id = id;
    this.detail = null;
    this.notFound = false;
    this.error = '';
    void this.reload();
  }

  /** Keeps the data until the next `open`, as OpenDeviceState does, for the page tearing down. */
  close(): void {
    this.id = null;
  }

  /** The answer to an action on this fault is its new detail: no need to ask again. */
  set(detail: FaultDetail): void {
    if (detail.id === this.id) this.detail = detail;
  }

  /** A fault changed: ours, or one folded under ours (or that was), changes what we show. */
  changed(fault: FaultView): void {
    if (!this.id) return;
    const ours =
      fault.id === this.id ||
      fault.suppressedBy === this.id ||
      this.detail?.consequenceFaults.some((c) => c.id === fault.id);
    if (ours) void this.reload();
  }
}

export const openFault = new OpenFaultState();

import { ApiError, api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { Check, DeviceDetail } from '../types.ts';
import { applyStatus, type StatusChange } from './devices.svelte.ts';

/** The device page's device: its readings and checks, reloaded when the live socket says so. */
export class OpenDeviceState {
  id = $state<string | null>(null);
  device = $state<DeviceDetail | null>(null);
  checks = $state<Check[]>([]);
  loading = $state(false);
  notFound = $state(false);
  error = $state('');
  readonly reload: () => Promise<void>;
  private pending: StatusChange[] | null = null;

  constructor() {
    this.reload = coalesce(async () => {
      const id = this.id;
      if (!id) return;
      this.pending = [];
      this.loading = true;
      try {
        const [device, checks] = await Promise.all([api.device(id), api.checks(id)]);
        if (this.id !== id) return;
        for (const change of this.pending) applyStatus(device, change);
        this.device = device;
        this.checks = checks;
        this.notFound = false;
        this.error = '';
      } catch (error) {
        if (this.id !== id) return;
        if (error instanceof ApiError && error.statusCode === 404) {
          this.notFound = true;
          this.device = null;
        } else {
          this.error = errorText(error);
        }
      } finally {
        this.pending = null;
        this.loading = false;
      }
    });
  }

  open(id: string): void {
    if (this.id === id) return;
    this.id = id;
    this.device = null;
    this.checks = [];
    this.notFound = false;
    this.error = '';
    void this.reload();
  }

  /**
   * Forgets which device is open. The data stays until the next `open`: the page closing us is
   * still tearing down, and props read from a device set to null would throw on the way out.
   */
  close(): void {
    this.id = null;
  }

  setStatus(change: StatusChange): void {
    if (change.deviceId !== this.id) return;
    if (this.device) applyStatus(this.device, change);
    this.pending?.push(change);
  }

  /** Swaps in a check the server just returned, e.g. after enable or disable. */
  putCheck(check: Check): void {
    const index = this.checks.findIndex((c) => c.id === check.id);
    if (index === -1) this.checks.push(check);
    else this.checks[index] = check;
  }

  dropCheck(id: string): void {
    this.checks = this.checks.filter((c) => c.id !== id);
  }
}

export const openDevice = new OpenDeviceState();

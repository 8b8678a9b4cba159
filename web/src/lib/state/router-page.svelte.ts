import { ApiError, api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { Check, DeviceDetail, RouterReference } from '../types.ts';

/**
 * The router page's router: its readings (the live routing), its Videohub check (labels and any
 * reference set on the check) and the suites' reference routing on it.
 */
export class OpenRouterState {
  id = $state<string | null>(null);
  device = $state<DeviceDetail | null>(null);
  check = $state<Check | null>(null);
  references = $state<RouterReference[]>([]);
  loaded = $state(false);
  notFound = $state(false);
  error = $state('');
  referencesError = $state('');

  /** Readings and the check: the live event says readings changed. */
  readonly reload = coalesce(async () => {
    const id = this.id;
    if (!id) return;
    try {
      const [device, checks] = await Promise.all([api.device(id), api.checks(id)]);
      if (this.id !== id) return;
      this.device = device;
      this.check = checks.find((c) => c.kind === 'videohub') ?? null;
      this.notFound = false;
      this.error = '';
    } catch (error) {
      if (this.id !== id) return;
      if (error instanceof ApiError && error.statusCode === 404) this.notFound = true;
      else this.error = errorText(error);
    } finally {
      if (this.id === id) this.loaded = true;
    }
  });

  /** The suites' routing changes less often: only when a suite changes. */
  readonly reloadReferences = coalesce(async () => {
    const id = this.id;
    if (!id) return;
    try {
      const references = await api.referenceRouting(id);
      if (this.id !== id) return;
      this.references = references;
      this.referencesError = '';
    } catch (error) {
      if (this.id === id) this.referencesError = errorText(error);
    }
  });

  open(id: string): void {
    if (this.id === id) return;
    this.id = id;
    this.device = null;
    this.check = null;
    this.references = [];
    this.loaded = false;
    this.notFound = false;
    this.error = '';
    this.referencesError = '';
    void this.reload();
    void this.reloadReferences();
  }

  /** Keeps the data until the next `open`, as OpenDeviceState does, for the page tearing down. */
  close(): void {
    this.id = null;
  }
}

export const openRouter = new OpenRouterState();

import { errorText } from './api.ts';

/**
 * A report page's CSV exports: one at a time (every button waits while one downloads), the
 * failure kept for a FormError. `save` fetches one list and saves it as a download.
 */
export class CsvExport<L extends string> {
  /** The list being downloaded, '' when none is. */
  busy = $state<L | ''>('');
  error = $state('');
  readonly #save: (list: L) => Promise<void>;

  constructor(save: (list: L) => Promise<void>) {
    this.#save = save;
  }

  async run(list: L): Promise<void> {
    this.busy = list;
    this.error = '';
    try {
      await this.#save(list);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = '';
    }
  }
}

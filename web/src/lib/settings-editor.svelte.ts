import { ApiError, errorText } from './api.ts';
import { coalesce } from './coalesce.ts';

/** How one kind of settings is read, stored and compared. */
export interface SettingsStore<T> {
  load: () => Promise<T>;
  /** Stores the form (a plain snapshot) and answers with what the server now holds. */
  save: (form: T) => Promise<T>;
  same: (a: T, b: T) => boolean;
  copy: (value: T) => T;
}

/**
 * An admin's settings form: what the server holds, the copy being edited, and saving it without
 * throwing away anyone's edits. The helpdesk and the maintenance settings pages share it.
 */
export class SettingsEditor<T> {
  readonly #store: SettingsStore<T>;

  saved = $state.raw<T | null>(null);
  form = $state<T | null>(null);
  loadError = $state('');
  /** Someone else saved while this form had unsaved edits. */
  stale = $state(false);
  saving = $state(false);
  saveError = $state('');
  /** The server's further problems after the first, which its message names. */
  moreProblems = $state<string[]>([]);
  savedNote = $state('');
  /** The form as it was when the server refused it: its words stand until the form changes. */
  #refusedAt = $state('');

  readonly formText = $derived(this.form ? JSON.stringify(this.form) : '');
  readonly refusal = $derived(
    this.saveError && this.formText === this.#refusedAt ? this.saveError : '',
  );
  readonly dirty: boolean;

  constructor(store: SettingsStore<T>) {
    this.#store = store;
    this.dirty = $derived(
      this.saved !== null && this.form !== null && !this.#store.same(this.saved, this.form),
    );
  }

  readonly reload = coalesce(async () => {
    try {
      const next = await this.#store.load();
      this.loadError = '';
      if (this.saved && this.#store.same(this.saved, next)) return;
      // Never throw away an admin's edits: say the settings moved on and let them choose.
      if (this.dirty) this.stale = true;
      else this.#take(next);
    } catch (e) {
      this.loadError = errorText(e);
    }
  });

  readonly discard = () => {
    this.stale = false;
    this.saveError = '';
    this.moreProblems = [];
    this.form = this.saved ? this.#store.copy(this.saved) : null;
    void this.reload();
  };

  readonly save = async () => {
    if (!this.form) return;
    this.saving = true;
    this.saveError = '';
    this.moreProblems = [];
    this.savedNote = '';
    // A plain copy for the request: the form itself is a live proxy.
    const plain: unknown = $state.snapshot(this.form);
    try {
      this.#take(await this.#store.save(plain as T));
      this.stale = false;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once for its text
      this.savedNote = `Saved at ${new Date().toLocaleTimeString()}.`;
    } catch (e) {
      this.saveError = errorText(e);
      this.#refusedAt = this.formText;
      // The server lists every problem it found, not only the first it names in the message.
      const data = e instanceof ApiError ? e.data : undefined;
      if (data && typeof data === 'object' && 'problems' in data && Array.isArray(data.problems))
        this.moreProblems = (data.problems as unknown[]).map(String).slice(1);
    } finally {
      this.saving = false;
    }
  };

  #take(next: T) {
    this.saved = next;
    this.form = this.#store.copy(next);
  }
}

import { errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';

type Patch<T> = (items: T[]) => void;

/**
 * A list loaded over REST and kept current by live events. A snapshot in flight may have been
 * read before an event we have already applied, so events seen during a load are replayed on
 * the snapshot before it replaces the list.
 */
export class ListState<T extends { id: string }> {
  items = $state<T[]>([]);
  loaded = $state(false);
  error = $state('');
  readonly reload: () => Promise<void>;
  private replay: Patch<T>[] | null = null;
  private generation = 0;

  constructor(fetchAll: () => Promise<T[]>) {
    this.reload = coalesce(async () => {
      const generation = this.generation;
      this.replay = [];
      try {
        const items = await fetchAll();
        // A logout while loading: the answer belongs to the previous session.
        if (generation !== this.generation) return;
        for (const patch of this.replay) patch(items);
        const before = this.loaded ? this.items : null;
        this.items = items;
        this.replaced(before, items);
        this.loaded = true;
        this.error = '';
      } catch (error) {
        if (generation === this.generation) this.error = errorText(error);
      } finally {
        this.replay = null;
      }
    });
  }

  /** Called after a snapshot replaced the list; `before` is null for the first one. */
  protected replaced(_before: T[] | null, _after: T[]): void {}

  byId(id: string): T | undefined {
    return this.items.find((item) => item.id === id);
  }

  /** Applies a change now and to any snapshot still in flight. */
  protected apply(patch: Patch<T>): void {
    patch(this.items);
    this.replay?.push(patch);
  }

  protected change(id: string, edit: (item: T) => void): void {
    this.apply((items) => {
      const item = items.find((i) => i.id === id);
      if (item) edit(item);
    });
  }

  /** Adds what we just created, so it shows before the live event's reload arrives. */
  add(item: T): void {
    this.apply((items) => {
      if (!items.some((i) => i.id === item.id)) items.push(item);
    });
  }

  reset(): void {
    this.generation += 1;
    this.items = [];
    this.loaded = false;
    this.error = '';
  }
}

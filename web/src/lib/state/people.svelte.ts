import { coalesce } from '../coalesce.ts';
import type { Assignee } from '../tickets.ts';
import { ticketsApi } from '../tickets-api.ts';

/**
 * The people work can be assigned to, by id, for the work-order pages that show names where the
 * API gives ids. Each page that needs them asks again on opening (one small request), so people
 * added since, or another login on this browser, are seen; a failure keeps the last list.
 */
export class PeopleState {
  list = $state<Assignee[]>([]);
  readonly reload = coalesce(async () => {
    try {
      this.list = (await ticketsApi.assignees()).users;
    } catch {
      // Names are a nicety here; the work order still shows its usernames.
    }
  });

  want(): void {
    void this.reload();
  }

  name(id: string | null): string | null {
    if (!id) return null;
    return this.list.find((p) => p.id === id)?.name ?? null;
  }
}

export const people = new PeopleState();

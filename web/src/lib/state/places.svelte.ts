import { api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { Room, Site } from '../types.ts';

/** Sites and rooms, for the room picker; loaded only once a form needs them. */
export class PlacesState {
  sites = $state<Site[]>([]);
  rooms = $state<Room[]>([]);
  loaded = $state(false);
  wanted = false;
  error = $state('');
  readonly reload = coalesce(async () => {
    try {
      const [sites, rooms] = await Promise.all([api.sites(), api.rooms()]);
      this.sites = sites;
      this.rooms = rooms;
      this.loaded = true;
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    }
  });

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  reset(): void {
    this.wanted = false;
    this.loaded = false;
    this.sites = [];
    this.rooms = [];
  }
}

export const places = new PlacesState();

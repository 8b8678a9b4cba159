// The names the plan pages print for the ids plans, forecasts and previews carry, read from the
// shared inventory state (so a page that calls these re-renders when the inventory loads).
import type { Names } from './plans.ts';
import { devices } from './state/devices.svelte.ts';
import { places } from './state/places.svelte.ts';
import { suites } from './state/suites.svelte.ts';

export const inventoryNames: Names = {
  device: (id) => devices.byId(id)?.name,
  suite: (id) => suites.byId(id)?.name,
  room: (id) => places.rooms.find((r) => r.id === id)?.name,
  site: (id) => places.sites.find((s) => s.id === id)?.name,
};

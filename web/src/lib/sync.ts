import { LiveSocket } from './live.ts';
import { connection } from './state/connection.svelte.ts';
import { devices } from './state/devices.svelte.ts';
import { openDevice } from './state/device.svelte.ts';
import { places } from './state/places.svelte.ts';
import { session } from './state/session.svelte.ts';
import { suites } from './state/suites.svelte.ts';
import type { LiveEvent } from './types.ts';

function reloadSnapshot(): void {
  void suites.reload();
  void devices.reload();
  if (openDevice.id) void openDevice.reload();
  if (places.wanted) void places.reload();
}

function handle(event: LiveEvent): void {
  switch (event.type) {
    case 'device.status':
      devices.setStatus(event);
      openDevice.setStatus(event);
      break;
    case 'suite.health':
      suites.setHealth(event.suiteId, event.health);
      break;
    case 'readings':
      if (openDevice.id && event.deviceIds.includes(openDevice.id)) void openDevice.reload();
      break;
    case 'changed':
      changed(event.entity, event.id);
      break;
    case 'hello':
    case 'trap':
      // Traps are stored and published; the dashboard's trap log comes with the alarm console.
      break;
  }
}

function changed(entity: Extract<LiveEvent, { type: 'changed' }>['entity'], id: string): void {
  switch (entity) {
    // Suite membership lives on both sides (suite.deviceIds, device.suiteIds), and a suite's
    // health depends on its devices, so either change reloads both lists.
    case 'suite':
    case 'device':
      void suites.reload();
      void devices.reload();
      if (entity === 'device' && id === openDevice.id) void openDevice.reload();
      break;
    case 'check':
      // The event names the check, not its device; reloading the open device's is cheap.
      if (openDevice.id) void openDevice.reload();
      break;
    case 'site':
    case 'room':
      if (places.wanted) void places.reload();
      break;
    case 'user':
      if (id === session.user?.id) void session.refresh();
      break;
  }
}

const socket = new LiveSocket({
  onReady() {
    connection.live = true;
    connection.everLive = true;
    reloadSnapshot();
  },
  onLost(wasReady) {
    connection.live = false;
    // An upgrade refused before the hello may be an expired session: ask once, and a 401 sends
    // the user to the login page instead of retrying forever.
    if (!wasReady) void session.refresh();
  },
  onEvent: handle,
});

/** Called on login: load at once over REST (the socket may be slow or blocked), then go live. */
export function startSync(): void {
  reloadSnapshot();
  socket.start();
}

export function stopSync(): void {
  socket.stop();
  connection.reset();
  suites.reset();
  devices.reset();
  openDevice.close();
  places.reset();
}

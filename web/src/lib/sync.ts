import { LiveSocket } from './live.ts';
import { connection } from './state/connection.svelte.ts';
import { devices } from './state/devices.svelte.ts';
import { openDevice } from './state/device.svelte.ts';
import { history } from './state/history.svelte.ts';
import { places } from './state/places.svelte.ts';
import { probes } from './state/probes.svelte.ts';
import { openRouter } from './state/router-page.svelte.ts';
import { session } from './state/session.svelte.ts';
import { suites } from './state/suites.svelte.ts';
import { traps } from './state/traps.svelte.ts';
import type { LiveEvent } from './types.ts';

function reloadSnapshot(): void {
  void suites.reload();
  void devices.reload();
  if (openDevice.id) void openDevice.reload();
  if (openRouter.id) {
    void openRouter.reload();
    void openRouter.reloadReferences();
  }
  if (places.wanted) void places.reload();
  if (probes.wanted) void probes.reload();
  if (traps.wanted) void traps.reload();
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
      if (openDevice.id && event.deviceIds.includes(openDevice.id)) {
        void openDevice.reload();
        history.readingsChanged();
      }
      if (openRouter.id && event.deviceIds.includes(openRouter.id)) void openRouter.reload();
      break;
    case 'trap':
      if (traps.wanted) void traps.reload();
      break;
    case 'probe.state':
      // The state at once; its counters (address, version, spool) come with the reload.
      probes.setState(event);
      if (probes.wanted) void probes.reload();
      break;
    case 'changed':
      changed(event.entity, event.id);
      break;
    case 'hello':
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
      // A suite's reference routing is part of the suite.
      if (entity === 'suite' && openRouter.id) void openRouter.reloadReferences();
      if (entity === 'device' && id === openRouter.id) void openRouter.reload();
      break;
    case 'check':
      // The event names the check, not its device; reloading the open device's is cheap. A
      // check's probe counts towards that probe's total.
      if (openDevice.id) void openDevice.reload();
      if (openRouter.id) void openRouter.reload();
      if (probes.wanted) void probes.reload();
      break;
    case 'probe':
      if (probes.wanted) void probes.reload();
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
  openRouter.close();
  history.close();
  places.reset();
  probes.reset();
  traps.reset();
}

import { LiveSocket } from './live.ts';
import { alarmView } from './state/alarm-view.svelte.ts';
import { bookings } from './state/bookings.svelte.ts';
import { connection } from './state/connection.svelte.ts';
import { devices } from './state/devices.svelte.ts';
import { openDevice } from './state/device.svelte.ts';
import { openFault } from './state/fault.svelte.ts';
import { faults } from './state/faults.svelte.ts';
import { history } from './state/history.svelte.ts';
import { maintenance } from './state/maintenance.svelte.ts';
import { channels, deliveries } from './state/notifications.svelte.ts';
import { places } from './state/places.svelte.ts';
import { pmChanges } from './state/pm.svelte.ts';
import { pmSummary } from './state/pm-summary.svelte.ts';
import { probes } from './state/probes.svelte.ts';
import { openRouter } from './state/router-page.svelte.ts';
import { helpdeskChanges } from './state/helpdesk.svelte.ts';
import { session } from './state/session.svelte.ts';
import { suites } from './state/suites.svelte.ts';
import { openTicket, ticketChanges } from './state/tickets.svelte.ts';
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
  void faults.reload();
  if (openFault.id) void openFault.reload();
  if (maintenance.wanted) void maintenance.reload();
  if (channels.wanted) void channels.reload();
  if (deliveries.wanted) void deliveries.reload();
  // Also tells the bookings page to reload its week: it may have missed events while away.
  bookings.changed();
  ticketChanges.changed();
  if (openTicket.id) void openTicket.reload();
  helpdeskChanges.all();
  pmChanges.all();
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
    case 'fault':
      faults.put(event.fault);
      openFault.changed(event.fault);
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
      // Faults carry their device's name and places; a rename or a move changes the console.
      void faults.reload();
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
      // A room moved to another site moves its faults in the console's site filter.
      void faults.reload();
      break;
    case 'user':
      if (id === session.user?.id) void session.refresh();
      break;
    case 'maintenance-window':
      if (maintenance.wanted) void maintenance.reload();
      // The schedule draws windows with the work; it reloads on the work-order counter.
      pmChanges.changed('work-order');
      break;
    case 'notification-channel':
      // Also sent after each delivery run, so the outbox is reloaded with the channels.
      if (channels.wanted) void channels.reload();
      if (deliveries.wanted) void deliveries.reload();
      break;
    case 'booking':
      bookings.changed();
      break;
    case 'ticket':
      ticketChanges.changed();
      openTicket.changed(id);
      break;
    case 'problem':
      // A ticket shows the problem it is linked to, with its status.
      if (openTicket.ticket?.problemId === id) void openTicket.reload();
      helpdeskChanges.problemChanged();
      break;
    case 'runbook':
      // The runbook pages and the alarm page's suggestions; a ticket reads them when it opens.
      helpdeskChanges.runbookChanged();
      break;
    case 'helpdesk-settings':
      helpdeskChanges.settingsChanged();
      break;
    case 'work-order':
      // A work order's slot is a maintenance window: placing, moving or finishing it changes one.
      if (maintenance.wanted) void maintenance.reload();
      pmChanges.changed('work-order');
      break;
    case 'meter':
    case 'pm-plan':
    case 'calibration-template':
    case 'maintenance-settings':
      pmChanges.changed(entity);
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
  faults.reset();
  openFault.close();
  alarmView.reset();
  maintenance.reset();
  channels.reset();
  deliveries.reset();
  bookings.reset();
  ticketChanges.reset();
  openTicket.close();
  helpdeskChanges.reset();
  pmChanges.reset();
  pmSummary.reset();
}

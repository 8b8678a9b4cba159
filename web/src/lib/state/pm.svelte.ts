/**
 * Revision counters for the planned-maintenance records (work orders, plans, meters, calibration
 * templates, maintenance settings) that the schedule, work, plan and report pages load themselves.
 * Each is bumped on its `changed` event and after a reconnect, so a page that reads one in an
 * effect loads again; bookings are counted too, because the schedule draws work around them.
 */
export class PmChanges {
  workOrders = $state(0);
  plans = $state(0);
  meters = $state(0);
  templates = $state(0);
  settings = $state(0);

  changed(
    entity: 'work-order' | 'pm-plan' | 'meter' | 'calibration-template' | 'maintenance-settings',
  ): void {
    if (entity === 'work-order') this.workOrders += 1;
    else if (entity === 'pm-plan') this.plans += 1;
    else if (entity === 'meter') this.meters += 1;
    else if (entity === 'calibration-template') this.templates += 1;
    else this.settings += 1;
  }

  /** After a reconnect: anything may have changed. */
  all(): void {
    this.workOrders += 1;
    this.plans += 1;
    this.meters += 1;
    this.templates += 1;
    this.settings += 1;
  }

  reset(): void {
    this.workOrders = 0;
    this.plans = 0;
    this.meters = 0;
    this.templates = 0;
    this.settings = 0;
  }
}

export const pmChanges = new PmChanges();

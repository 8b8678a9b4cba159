/**
 * Revision counters for the helpdesk records that the settings, problems and runbooks pages load
 * themselves. Each is bumped on its `changed` event and after a reconnect (events may have been
 * missed), so a page that reads one in an effect loads again; the pages coalesce their reloads,
 * so a burst of events costs two requests, not one each.
 */
export class HelpdeskChanges {
  settings = $state(0);
  problems = $state(0);
  runbooks = $state(0);

  settingsChanged(): void {
    this.settings += 1;
  }

  problemChanged(): void {
    this.problems += 1;
  }

  runbookChanged(): void {
    this.runbooks += 1;
  }

  /** After a reconnect: anything may have changed. */
  all(): void {
    this.settings += 1;
    this.problems += 1;
    this.runbooks += 1;
  }

  reset(): void {
    this.settings = 0;
    this.problems = 0;
    this.runbooks = 0;
  }
}

export const helpdeskChanges = new HelpdeskChanges();

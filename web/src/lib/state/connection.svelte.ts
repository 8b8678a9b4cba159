/** Whether the live socket is up, for the indicator and the "may be stale" banner. */
class ConnectionState {
  live = $state(false);
  /** False until the first hello: a fresh page is "connecting", not "lost". */
  everLive = $state(false);

  reset(): void {
    this.live = false;
    this.everLive = false;
  }
}

export const connection = new ConnectionState();

/**
 * The current time, ticking once a second so ages ("12 s ago") stay true. This only redraws
 * text; it never fetches data (the live socket does that).
 */
class Clock {
  now = $state(Date.now());

  constructor() {
    setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }
}

export const clock = new Clock();

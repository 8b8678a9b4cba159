/**
 * Runs `work` at most once per `everyMs`: the first call runs at once, calls inside the window
 * are folded into one run at its end. Live readings can arrive every second on a busy device;
 * sparklines of a day's history need not follow each one.
 */
export function throttle(work: () => void, everyMs: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    work();
  };
  const call = () => {
    if (timer !== undefined) return;
    const wait = last + everyMs - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return call;
}

/**
 * Wraps a loader so that overlapping calls share one run, plus exactly one more run if any call
 * arrived while it was in flight: a burst of live events costs two requests, not one per event.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let again = false;
  return () => {
    if (current) {
      again = true;
      return current;
    }
    current = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        current = null;
      }
    })();
    return current;
  };
}

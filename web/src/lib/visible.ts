type Listener = (visible: boolean) => void;

const listeners = new WeakMap<Element, Listener>();
let observer: IntersectionObserver | null = null;

// One observer for every element: a switch's page can have hundreds of sparklines.
function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) listeners.get(entry.target)?.(entry.isIntersecting);
    },
    // A little ahead of the viewport, so lines are drawn by the time they scroll in.
    { rootMargin: '200px 0px' },
  );
  return observer;
}

/** Calls `listener` when `element` comes into or leaves view; returns the way to stop. */
export function watchVisible(element: Element, listener: Listener): () => void {
  listeners.set(element, listener);
  shared().observe(element);
  return () => {
    observer?.unobserve(element);
    listeners.delete(element);
  };
}

/** Hash routing: `#/devices/abc?suite=x` is path `/devices/abc` with query `{ suite: 'x' }`. */
class Router {
  path = $state('/');
  query = $state<Record<string, string>>({});

  constructor() {
    this.read();
    window.addEventListener('hashchange', () => this.read());
  }

  private read(): void {
    const raw = location.hash.replace(/^#/, '');
    const mark = raw.indexOf('?');
    const path = mark === -1 ? raw : raw.slice(0, mark);
    this.path = path.startsWith('/') ? path : `/${path}`;
    this.query = Object.fromEntries(new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1)));
  }
}

export const router = new Router();

/** The href for a route, e.g. `link('/devices', { suite: id })` → `#/devices?suite=…`. */
export function link(path: string, query: Record<string, string | undefined> = {}): string {
  const pairs = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  const search = pairs
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  location.hash = link(path, query);
}

/** For redirects: the page we leave should not stay in the back-button history. */
export function redirect(path: string): void {
  location.replace(link(path));
}

import { assertNever } from '../../domain/errors';

export type Route =
  | { name: 'accounts' }
  | { name: 'account'; accountId: string }
  | { name: 'history'; accountId?: string }
  | { name: 'data' }
  | { name: 'not-found'; path: string };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/accounts';
  const parts = path.split('/').filter(Boolean).map(decode);
  // A hand-typed address with a broken %-escape is simply a page that does not exist.
  if (parts.includes(null)) return { name: 'not-found', path };
  const [section, id, ...rest] = parts;
  if (rest.length === 0) {
    if (section === 'accounts') return id ? { name: 'account', accountId: id } : { name: 'accounts' };
    if (section === 'history') return id ? { name: 'history', accountId: id } : { name: 'history' };
    if (section === 'data' && !id) return { name: 'data' };
  }
  return { name: 'not-found', path };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'accounts':
      return '#/accounts';
    case 'account':
      return `#/accounts/${encodeURIComponent(route.accountId)}`;
    case 'history':
      return route.accountId ? `#/history/${encodeURIComponent(route.accountId)}` : '#/history';
    case 'data':
      return '#/data';
    case 'not-found':
      return `#${route.path}`;
    default:
      return assertNever(route, 'route');
  }
}

/** Hash routing: the URL is the source of truth, so back/forward and reload land on the same screen. */
export class Router {
  #route = $state.raw<Route>(parseHash(location.hash));

  get route(): Route {
    return this.#route;
  }

  /** Which top-level section a route belongs to, for the navigation's current-page marker. */
  readonly section = $derived.by((): Route['name'] => (this.#route.name === 'account' ? 'accounts' : this.#route.name));

  /** Follows the address bar (links, back/forward, typed URLs). */
  sync(): void {
    this.#route = parseHash(location.hash);
  }
}

import { assertNever } from '../../domain/errors';

export type Route =
  | { name: 'accounts' }
  | { name: 'account'; accountId: string }
  | { name: 'history'; accountId?: string; at?: number }
  | { name: 'events'; at?: number }
  | { name: 'data' }
  | { name: 'not-found'; path: string };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** `at=<position>` after the path: a point of the log the screen opens at. Anything else is no address of ours. */
function positionIn(query: string): { at?: number } | null {
  if (query === '') return {};
  const match = /^at=(\d{1,15})$/.exec(query);
  return match ? { at: Number(match[1]) } : null;
}

export function parseHash(hash: string): Route {
  const address = hash.replace(/^#/, '') || '/accounts';
  const mark = address.indexOf('?');
  const [path, query] = mark === -1 ? [address, ''] : [address.slice(0, mark), address.slice(mark + 1)];
  const parts = path.split('/').filter(Boolean).map(decode);
  // A hand-typed address with a broken %-escape is simply a page that does not exist.
  if (parts.includes(null)) return { name: 'not-found', path: address };
  const [section, id, ...rest] = parts;
  const point = positionIn(query);
  if (rest.length === 0 && point) {
    if (section === 'history') return { name: 'history', ...(id && { accountId: id }), ...point };
    if (section === 'events' && !id) return { name: 'events', ...point };
  }
  if (rest.length === 0 && query === '') {
    if (section === 'accounts') return id ? { name: 'account', accountId: id } : { name: 'accounts' };
    if (section === 'data' && !id) return { name: 'data' };
  }
  return { name: 'not-found', path: address };
}

const withPosition = (at: number | undefined) => (at === undefined ? '' : `?at=${at}`);

export function href(route: Route): string {
  switch (route.name) {
    case 'accounts':
      return '#/accounts';
    case 'account':
      return `#/accounts/${encodeURIComponent(route.accountId)}`;
    case 'history':
      return `#/history${route.accountId ? `/${encodeURIComponent(route.accountId)}` : ''}${withPosition(route.at)}`;
    case 'events':
      return `#/events${withPosition(route.at)}`;
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

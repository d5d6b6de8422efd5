import { useSyncExternalStore } from 'react';

/** Path routing for the citizen pages: `/report`, `/track`, `/track/<code>`. */
const subscribe = (cb: () => void) => {
  window.addEventListener('popstate', cb);
  return () => window.removeEventListener('popstate', cb);
};
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
export function go(path: string): void {
  window.history.pushState(null, '', path + window.location.search);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

// Which view is open, kept in the URL hash so the back key and tests can use it.
export type View = 'dashboard' | 'frameworks' | 'explorer' | 'controls' | 'evidence' | 'assessments' | 'import' | 'activity' | 'settings';

export const VIEWS: { id: View; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'frameworks', label: 'Frameworks' },
  { id: 'explorer', label: 'Mapping explorer' },
  { id: 'controls', label: 'Controls' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'assessments', label: 'Assessments & reports' },
  { id: 'import', label: 'Import' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

export interface Route {
  view: View;
  /** e.g. framework id, control id, evidence id */
  id: string | null;
  /** e.g. a requirement ref inside a framework */
  sub: string | null;
}

export const route = $state<Route>({ view: 'dashboard', id: null, sub: null });

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  const view = VIEWS.some((v) => v.id === parts[0]) ? (parts[0] as View) : 'dashboard';
  return { view, id: parts[1] || null, sub: parts[2] || null };
}

export function hashOf(r: Partial<Route> & { view: View }): string {
  const parts: string[] = [r.view];
  if (r.id) parts.push(encodeURIComponent(r.id));
  if (r.id && r.sub) parts.push(encodeURIComponent(r.sub));
  return `#/${parts.join('/')}`;
}

export function go(view: View, id: string | null = null, sub: string | null = null) {
  route.view = view;
  route.id = id;
  route.sub = sub;
  const h = hashOf({ view, id, sub });
  if (typeof location !== 'undefined' && location.hash !== h) history.pushState(null, '', h);
}

export function initNav() {
  const sync = () => Object.assign(route, parseHash(location.hash));
  sync();
  window.addEventListener('popstate', sync);
  window.addEventListener('hashchange', sync);
}

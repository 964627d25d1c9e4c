// This person's display preferences, loaded from core's settings once and
// after a save; views read them to show dates. Dates are entered and stored
// as YYYY-MM-DD whatever the display.
import { appApi, type DateDisplay, type Settings } from './app';

export const prefs = $state<{ dateDisplay: DateDisplay; expiryWindow: number | null; settings: Settings | null }>({
  dateDisplay: 'iso',
  expiryWindow: null,
  settings: null,
});

export function applySettings(s: Settings) {
  prefs.settings = s;
  prefs.dateDisplay = s.date_display;
  prefs.expiryWindow = s.expiry_window_days;
}

export async function loadPrefs() {
  try {
    applySettings(await appApi.settings());
  } catch {
    // The shell shows why the workspace cannot be read; dates stay ISO.
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A YYYY-MM-DD date as this person chose to see it. */
export function formatDate(iso: string | null | undefined, display: DateDisplay = prefs.dateDisplay): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m || display === 'iso') return iso.slice(0, 10);
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

// Light / dark theme: follows the system until the user picks one.
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'crosswalk.theme';

export const theme = $state<{ choice: ThemeChoice }>({ choice: 'system' });

function systemDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export function effectiveTheme(): 'light' | 'dark' {
  return theme.choice === 'system' ? (systemDark() ? 'dark' : 'light') : theme.choice;
}

function apply() {
  document.documentElement.dataset.theme = effectiveTheme();
}

export function initTheme() {
  const saved = (typeof localStorage !== 'undefined' && localStorage.getItem(KEY)) as ThemeChoice | null;
  if (saved === 'light' || saved === 'dark') theme.choice = saved;
  apply();
  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', apply);
  }
}

/** Flips between light and dark (leaving "system"). */
export function toggleTheme() {
  theme.choice = effectiveTheme() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(KEY, theme.choice);
  apply();
}

import { listen } from '@tauri-apps/api/event';

// A counter every view reads; bumping it after a change makes views reload.
export const data = $state({ version: 0 });

export function refresh() {
  data.version++;
}

/**
 * Reloads the open view when the workspace changed underneath the window:
 * the shell watches the audit trail (app_cmds::watch) and says so with a
 * `workspace-changed` event, e.g. after a CLI import or another window's
 * save. Returns the function that stops listening.
 */
export async function followWorkspace(): Promise<() => void> {
  return listen<{ seq: number }>('workspace-changed', () => refresh());
}

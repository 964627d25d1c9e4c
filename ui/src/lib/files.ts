// Native file pickers and drag-and-drop. They only hand paths to Rust
// commands; the webview never reads or writes a file itself.
import { open, save } from '@tauri-apps/plugin-dialog';
import { getCurrentWebview } from '@tauri-apps/api/webview';

export async function pickFile(title: string, filters?: { name: string; extensions: string[] }[]): Promise<string | null> {
  const chosen = await open({ title, multiple: false, directory: false, filters });
  return typeof chosen === 'string' ? chosen : null;
}

export async function pickFiles(title: string, filters?: { name: string; extensions: string[] }[]): Promise<string[]> {
  const chosen = await open({ title, multiple: true, directory: false, filters });
  if (!chosen) return [];
  return Array.isArray(chosen) ? chosen : [chosen];
}

export async function pickFolder(title: string): Promise<string | null> {
  const chosen = await open({ title, directory: true, multiple: false });
  return typeof chosen === 'string' ? chosen : null;
}

export async function pickSavePath(title: string, defaultPath: string, extensions: string[]): Promise<string | null> {
  return (await save({ title, defaultPath, filters: [{ name: extensions.join(', ').toUpperCase(), extensions }] })) ?? null;
}

export type DropState = 'idle' | 'over';

/**
 * Listens for files dropped on the window while a view is mounted. Returns
 * the unlisten function (for an $effect's cleanup).
 */
export function onFileDrop(onDrop: (paths: string[]) => void, onState?: (s: DropState) => void): () => void {
  let unlisten: (() => void) | null = null;
  let stopped = false;
  try {
    getCurrentWebview()
      .onDragDropEvent((event) => {
        const p = event.payload;
        if (p.type === 'enter' || p.type === 'over') onState?.('over');
        else if (p.type === 'leave') onState?.('idle');
        else if (p.type === 'drop') {
          onState?.('idle');
          if (p.paths.length > 0) onDrop(p.paths);
        }
      })
      .then((u) => {
        if (stopped) u();
        else unlisten = u;
      })
      .catch(() => {});
  } catch {
    // Not inside Tauri (unit tests): no drag-and-drop.
  }
  return () => {
    stopped = true;
    unlisten?.();
  };
}

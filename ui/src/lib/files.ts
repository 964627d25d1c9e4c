// Native file pickers and drag-and-drop. The dialogs open from Rust
// (`pick_paths`, `pick_save_path`), which remembers what the user chose: the
// commands accept no other path. The webview never reads or writes a file.
import { invoke } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';

type Filter = { name: string; extensions: string[] };

export async function pickFile(title: string, filters?: Filter[]): Promise<string | null> {
  const chosen = await invoke<string[]>('pick_paths', { title, filters, multiple: false, directory: false });
  return chosen[0] ?? null;
}

export async function pickFiles(title: string, filters?: Filter[]): Promise<string[]> {
  return invoke<string[]>('pick_paths', { title, filters, multiple: true, directory: false });
}

export async function pickFolder(title: string): Promise<string | null> {
  const chosen = await invoke<string[]>('pick_paths', { title, multiple: false, directory: true });
  return chosen[0] ?? null;
}

export async function pickSavePath(title: string, defaultPath: string, extensions: string[]): Promise<string | null> {
  return invoke<string | null>('pick_save_path', { title, defaultName: defaultPath, extensions });
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

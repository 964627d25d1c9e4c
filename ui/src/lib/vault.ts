// IPC for an encrypted workspace (src-tauri/src/vault_cmds.rs). Core decides
// everything: passphrase rules, what unlocks, what a lock closes.
import { call } from './api';
import type { NewPassphraseCheck, VaultStatus } from './bindings';

export type { KdfParams, KeyState, NewPassphraseCheck, VaultStatus } from './bindings';

/** The shell's own answer (src-tauri/src/vault_cmds.rs). */
export interface VaultState {
  data_dir: string;
  encrypted: boolean;
  first_run: boolean;
  locked: boolean;
  keyring: boolean;
  idle_lock_minutes: number | null;
  status: VaultStatus | null;
}

export const vaultApi = {
  checkNewPassphrase: (passphrase: string, confirm: string) =>
    call<NewPassphraseCheck>('check_new_passphrase', { passphrase, confirm }),
  /** The first run: returns the recovery key of an encrypted workspace (shown once), else null. */
  createWorkspace: (encrypted: boolean, passphrase = '', confirm = '') =>
    call<string | null>('create_workspace', { encrypted, passphrase, confirm }),
  state: () => call<VaultState>('vault_state'),
  unlock: (passphrase: string, recovery = false) => call<void>('unlock', { passphrase, recovery }),
  lockNow: () => call<void>('lock_now'),
  /** Returns the recovery key, shown once. */
  encrypt: (passphrase: string, confirm: string) => call<string>('encrypt_workspace', { passphrase, confirm }),
  changePassphrase: (passphrase: string, confirm: string) => call<void>('change_passphrase', { passphrase, confirm }),
  /** `minutes` as typed; core reads it (empty turns the lock off). */
  setIdleLock: (minutes: string) => call<number | null>('set_idle_lock', { minutes }),
  setKeyring: (on: boolean) => call<void>('set_keyring', { on }),
};

/** Events that count as someone at the keyboard, for the idle lock. */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'pointermove'] as const;

// IPC for an encrypted workspace (src-tauri/src/vault_cmds.rs). Core decides
// everything: passphrase rules, what unlocks, what a lock closes.
import { call } from './api';

export interface VaultStatus {
  encrypted: boolean;
  state: 'ready' | 'converting' | 'rotating' | null;
  key_id: string | null;
  keyring: boolean;
  database_encrypted: boolean;
  blobs_total: number;
  blobs_pending: number;
  temp_files: number;
  key_file: string | null;
}

export interface VaultState {
  data_dir: string;
  encrypted: boolean;
  first_run: boolean;
  locked: boolean;
  keyring: boolean;
  idle_lock_minutes: number | null;
  status: VaultStatus | null;
}

/** Core's message per field of a new passphrase; null when the field is fine. */
export interface NewPassphraseCheck {
  passphrase: string | null;
  confirm: string | null;
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

// IPC for settings, form checks and bulk changes (src-tauri/src/app_cmds.rs),
// with the shapes core returns (core/src/settings.rs, validate.rs, bulk.rs).
// Nothing here decides anything: rules and messages come from core.
import { call } from './api';
import type { ControlStatus } from './types';

export type Rule = 'control_id' | 'title' | 'url' | 'date' | 'duration' | 'name' | 'non_empty' | 'control_status';

export interface FieldInput {
  field: string;
  rule: Rule;
  value: string;
  required?: boolean;
  /** How core's message names the thing, e.g. "the organisation name". */
  label?: string | null;
}

export interface FieldResult {
  field: string;
  ok: boolean;
  message: string | null;
  /** The value as core stores it (a duration as a number of days). */
  value: string | null;
}

export type DateDisplay = 'iso' | 'day_month_year';

export interface Settings {
  organisation: string;
  organisation_set: boolean;
  login: string;
  user_name: string | null;
  actor: string;
  actor_from_env: boolean;
  expiry_window_days: number;
  date_display: DateDisplay;
  last_expiry_reminder: string | null;
}

export interface SettingsChange {
  organisation?: string | null;
  user_name?: string | null;
  expiry_window?: string | null;
  date_display?: DateDisplay | null;
}

export interface Selection {
  ids?: string[];
  all?: boolean;
  examples?: boolean;
  status?: ControlStatus | null;
  category?: string | null;
  owner?: string | null;
  framework?: string | null;
  source_file?: string | null;
}

export type Change =
  | { action: 'delete'; withdraw_orphaned_evidence: boolean }
  | { action: 'set'; owner: string | null; status: ControlStatus | null; category: string | null };

export interface BulkFields {
  owner: string;
  status: ControlStatus;
  category: string;
}

export interface PlannedControl {
  id: string;
  title: string;
  before: BulkFields;
  after: BulkFields | null;
}

export interface BulkReport {
  dry_run: boolean;
  change: Change;
  controls: PlannedControl[];
  unchanged: string[];
  evidence_unlinked: number[];
  evidence_withdrawn: number[];
  event: number | null;
}

export const appApi = {
  validateFields: (fields: FieldInput[]) => call<FieldResult[]>('validate_fields', { fields }),
  settings: () => call<Settings>('settings'),
  saveSettings: (change: SettingsChange) => call<Settings>('save_settings', { change }),
  bulkControls: (selection: Selection, change: Change, dryRun: boolean) =>
    call<BulkReport>('bulk_controls', { selection, change, dryRun }),
  auditHead: () => call<number>('audit_head'),
};

/**
 * Asks core about each field; returns the messages by field (empty when all
 * pass) and the values as core stores them.
 */
export async function checkFields(
  fields: FieldInput[],
): Promise<{ errors: Record<string, string>; values: Record<string, string> }> {
  return byField(await appApi.validateFields(fields));
}

/** Core's field results split into the messages and the accepted values, by field. */
export function byField(results: FieldResult[]): { errors: Record<string, string>; values: Record<string, string> } {
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  for (const r of results) {
    if (!r.ok && r.message) errors[r.field] = r.message;
    if (r.ok && r.value !== null) values[r.field] = r.value;
  }
  return { errors, values };
}

/**
 * Problems core gave on save as `field: message` (settings, a control) turned
 * into messages by field; what names no field stays for the form's error box.
 */
export function fieldProblems(
  problems: { message: string }[],
  fields: string[],
): { errors: Record<string, string>; rest: string[] } {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const p of problems) {
    const m = /^([a-z_]+): (.*)$/s.exec(p.message);
    if (m && fields.includes(m[1])) errors[m[1]] = errors[m[1]] ?? m[2];
    else rest.push(p.message);
  }
  return { errors, rest };
}

// IPC for settings, form checks and bulk changes (src-tauri/src/app_cmds.rs),
// with the shapes core returns (core/src/settings.rs, validate.rs, bulk.rs).
// Nothing here decides anything: rules and messages come from core.
import { call } from './api';
import type { FieldInput, FieldResult, Settings, SettingsChange, Selection, Change, BulkReport } from './bindings';

export type {
  BulkFields,
  BulkReport,
  Change,
  DateDisplay,
  FieldInput,
  FieldResult,
  PlannedControl,
  Rule,
  Selection,
  Settings,
  SettingsChange,
} from './bindings';

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

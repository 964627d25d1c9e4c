// IPC for the evidence register, past reports and packages, and the form
// checks (src-tauri/src/daily_cmds.rs), with the shapes core returns
// (core/src/evidence_register.rs, outputs.rs, forms.rs). Nothing here
// decides anything: statuses, order, names and messages come from core.
import { call } from './api';
import { byField, type FieldResult } from './app';
import type { Evidence, EvidenceKind } from './types';

export type ExpiryStatus = 'expired' | 'expiring' | 'valid' | 'no_expiry';
export type EvidenceSort = 'expiry' | 'collected' | 'title' | 'control' | 'kind' | 'collector' | 'id';

export interface EvidenceQuery {
  status?: ExpiryStatus[];
  control?: string | null;
  kind?: EvidenceKind | null;
  collector?: string | null;
  sort?: EvidenceSort;
  descending?: boolean;
  within_days?: number | null;
}

export interface RegisterRow extends Evidence {
  status: ExpiryStatus;
}

export interface EvidenceRegister {
  as_of: string;
  within_days: number;
  total: number;
  counts: Record<ExpiryStatus, number>;
  collectors: string[];
  rows: RegisterRow[];
}

export type OutputKind = 'report' | 'package';
export type OutputState = 'present' | 'missing' | 'changed';

export interface PastOutput {
  seq: number;
  kind: OutputKind;
  at: string;
  actor: string;
  path: string;
  file_name: string;
  sha256: string;
  bytes: number;
  pages: number | null;
  frameworks: string[];
  assessment_id: number | null;
  state: OutputState;
}

export interface OutputGroup {
  assessment_id: number | null;
  name: string;
  outputs: PastOutput[];
}

export interface EvidenceForm {
  kind: EvidenceKind;
  path: string;
  url: string;
  note: string;
  title: string;
  controls: string[];
  collected_on: string;
  valid_until: string;
  valid_for: string;
  collected_by: string;
}

/** The edit-evidence form: the item's metadata after the user's changes; an empty valid_until means no expiry. */
export interface EvidenceEditForm {
  id: number;
  title: string;
  controls: string[];
  collected_on: string;
  valid_until: string;
  collected_by: string;
}

export interface AssessmentForm {
  name: string;
  period_start: string;
  period_end: string;
  organisation: string;
  frameworks: string[];
}

export interface SoaForm {
  version: string;
  owner: string;
  approved_by: string;
  approved_on: string;
}

export interface ApplicabilityForm {
  applicable: boolean;
  justification: string;
}

export type Form =
  | ({ form: 'evidence' } & EvidenceForm)
  | ({ form: 'evidence_edit' } & EvidenceEditForm)
  | ({ form: 'assessment' } & AssessmentForm)
  | ({ form: 'soa' } & SoaForm)
  | ({ form: 'applicability' } & ApplicabilityForm);

export const dailyApi = {
  evidenceRegister: (query: EvidenceQuery) => call<EvidenceRegister>('evidence_register', { query }),
  pastOutputs: () => call<OutputGroup[]>('past_outputs'),
  openOutput: (seq: number) => call<void>('open_output', { seq }),
  checkForm: (form: Form) => call<FieldResult[]>('check_form', { form }),
};

/**
 * Asks core to check a whole form; returns core's messages by field (empty
 * when it may be saved) and the values as core reads them.
 */
export async function checkForm(
  form: Form,
): Promise<{ errors: Record<string, string>; values: Record<string, string> }> {
  return byField(await dailyApi.checkForm(form));
}

/** The past outputs of one assessment (null: current-state reports). */
export function outputsOf(groups: OutputGroup[], assessmentId: number | null): PastOutput[] {
  return groups.find((g) => g.assessment_id === assessmentId)?.outputs ?? [];
}

/** The next sort when a column header is clicked: the same column flips its direction. */
export function nextSort(
  current: { sort: EvidenceSort; descending: boolean },
  column: EvidenceSort,
): { sort: EvidenceSort; descending: boolean } {
  return current.sort === column ? { sort: column, descending: !current.descending } : { sort: column, descending: false };
}

export const STATUS_LABEL: Record<ExpiryStatus, string> = {
  expired: 'Expired',
  expiring: 'Expiring soon',
  valid: 'Valid',
  no_expiry: 'No expiry',
};

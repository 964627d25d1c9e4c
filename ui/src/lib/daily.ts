// IPC for the evidence register, past reports and packages, and the form
// checks (src-tauri/src/daily_cmds.rs), with the shapes core returns
// (core/src/evidence_register.rs, outputs.rs, forms.rs). Nothing here
// decides anything: statuses, order, names and messages come from core.
import { call } from './api';
import { byField, type FieldResult } from './app';
import type { EvidenceQuery, EvidenceRegister, EvidenceSort, ExpiryStatus, Form, OutputGroup, PastOutput } from './bindings';

export type {
  ApplicabilityForm,
  AssessmentForm,
  EvidenceEditForm,
  EvidenceForm,
  EvidenceQuery,
  EvidenceRegister,
  EvidenceSort,
  ExpiryStatus,
  Form,
  OutputGroup,
  OutputKind,
  OutputState,
  PastOutput,
  RegisterRow,
  SoaForm,
  StatusCounts,
} from './bindings';

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

// The typed IPC layer: one function per Tauri command of src-tauri/src/commands.rs.
// Nothing here decides anything about the domain; it only carries calls.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  Adoption,
  Applicability,
  ApplicabilityDecision,
  ApplicabilityRequest,
  EvidenceEdit,
  ReplaceMode,
  SoaDocument,
  SoaInput,
  AppInfo,
  Assessment,
  AssessmentInput,
  AuditEvent,
  Control,
  CrosswalkLink,
  Evidence,
  Expiry,
  Framework,
  FrameworkChoice,
  FrameworkCoverage,
  ImportReport,
  KeyInfo,
  PackageSummary,
  RegisterExport,
  RegisterFormat,
  RegisterKind,
  LinkQuery,
  LinksView,
  NewEvidence,
  Problem,
  Progress,
  Requirement,
  ReportRequest,
  ReportSummary,
  RequirementHit,
  VerifyReport,
} from './types';

/** An error from the Rust side: `{kind, message, problems}`, and when the
 * shell knows them, `title` (what failed), `hint` (what to do) and `details`
 * (the system's raw text). */
export class AppError extends Error {
  kind: string;
  problems: Problem[];
  title: string | null = null;
  hint: string | null = null;
  details: string | null = null;
  constructor(kind: string, message: string, problems: Problem[] = []) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.problems = problems;
  }

  /** Whatever was thrown, as an AppError with a readable message. */
  static from(e: unknown): AppError {
    if (e instanceof AppError) return e;
    if (e && typeof e === 'object' && 'message' in e) {
      const o = e as { kind?: unknown; message?: unknown; problems?: unknown; title?: unknown; hint?: unknown; details?: unknown };
      const err = new AppError(
        typeof o.kind === 'string' ? o.kind : 'internal',
        String(o.message),
        Array.isArray(o.problems) ? (o.problems as Problem[]) : [],
      );
      const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
      err.title = text(o.title);
      err.hint = text(o.hint);
      err.details = text(o.details);
      return err;
    }
    return new AppError('internal', typeof e === 'string' ? e : 'Something went wrong.');
  }
}

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw AppError.from(e);
  }
}

/** A channel that forwards progress messages to `onProgress`. */
export function progressChannel(onProgress?: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = (p) => onProgress?.(p);
  return channel;
}

type OnProgress = (p: Progress) => void;

export const api = {
  appInfo: () => call<AppInfo>('app_info'),
  setOrganisation: (name: string) => call<void>('set_organisation', { name }),

  frameworks: () => call<Framework[]>('frameworks'),
  requirements: (frameworkId: string) => call<Requirement[]>('requirements', { frameworkId }),
  searchRequirements: (query: string, limit = 50) => call<RequirementHit[]>('search_requirements', { query, limit }),
  coverage: (frameworks?: string[], assessmentId?: number | null) =>
    call<FrameworkCoverage[]>('coverage', { frameworks: frameworks ?? null, assessmentId: assessmentId ?? null }),
  crosswalkLinks: () => call<CrosswalkLink[]>('crosswalk_links'),
  crosswalkBetween: (query: LinkQuery) => call<LinksView>('crosswalk_between', { query }),
  adoptRelated: (
    frameworkId: string,
    ref: string,
    via: { frameworkId: string; ref: string },
    options: { rationale?: string | null; partial?: boolean } = {},
  ) =>
    call<Adoption>('adopt_related', {
      frameworkId,
      reference: ref,
      viaFramework: via.frameworkId,
      viaRef: via.ref,
      rationale: options.rationale || null,
      partial: options.partial ?? false,
    }),
  frameworkChoices: () => call<FrameworkChoice[]>('framework_choices'),
  setTracked: (frameworkId: string, tracked: boolean) =>
    call<FrameworkChoice[]>('set_tracked', { frameworkId, tracked }),

  controls: () => call<Control[]>('controls'),
  control: (id: string) => call<Control>('control', { id }),
  saveControl: (control: Control) => call<Control>('save_control', { control }),
  deleteControl: (id: string) => call<void>('delete_control', { id }),
  exportControls: (path: string) => call<number>('export_controls', { path }),

  evidenceList: (control?: string | null) => call<Evidence[]>('evidence_list', { control: control ?? null }),
  evidence: (id: number) => call<Evidence>('evidence', { id }),
  addEvidence: (evidence: NewEvidence, onProgress?: OnProgress) =>
    call<Evidence>('add_evidence', { evidence, onProgress: progressChannel(onProgress) }),
  replaceEvidence: (
    id: number,
    path: string,
    dates: { collectedOn?: string | null; validUntil?: string | null } = {},
    onProgress?: OnProgress,
  ) =>
    call<Evidence>('replace_evidence', {
      id,
      path,
      collectedOn: dates.collectedOn || null,
      validUntil: dates.validUntil || null,
      onProgress: progressChannel(onProgress),
    }),
  removeEvidence: (id: number) => call<Evidence>('remove_evidence', { id }),
  /** Without a window, core's setting (Settings → expiry window) applies. */
  expiry: (withinDays?: number | null) => call<Expiry>('expiry', { withinDays: withinDays ?? null }),
  openEvidence: (id: number, revision?: number) => call<void>('open_evidence', { id, revision: revision ?? null }),

  importFiles: (paths: string[], options: { dryRun?: boolean; prune?: boolean; skipUnknown?: boolean } = {}) =>
    call<ImportReport>('import_files', {
      paths,
      dryRun: options.dryRun ?? false,
      prune: options.prune ?? false,
      skipUnknown: options.skipUnknown ?? false,
    }),
  loadExamples: () => call<ImportReport>('load_examples'),

  verify: (onProgress?: OnProgress) => call<VerifyReport>('verify', { onProgress: progressChannel(onProgress) }),

  assessments: () => call<Assessment[]>('assessments'),
  assessment: (id: number) => call<Assessment>('assessment', { id }),
  saveAssessment: (assessment: AssessmentInput) => call<Assessment>('save_assessment', { assessment }),
  setApplicability: (assessmentId: number, item: Applicability) =>
    call<Assessment>('set_applicability', { assessmentId, item }),

  generateReport: (request: ReportRequest, outPath?: string | null, onProgress?: OnProgress) =>
    call<ReportSummary>('generate_report', { request, outPath: outPath ?? null, onProgress: progressChannel(onProgress) }),
  openReport: (path: string) => call<void>('open_report', { path }),
  workspaceKey: () => call<KeyInfo>('workspace_key'),
  writePackage: (request: ReportRequest, outPath?: string | null, onProgress?: OnProgress) =>
    call<PackageSummary>('write_package', { request, outPath: outPath ?? null, onProgress: progressChannel(onProgress) }),
  exportRegister: (request: ReportRequest, what: RegisterKind, format: RegisterFormat, outPath?: string | null) =>
    call<RegisterExport>('export_register', { request, what, format, outPath: outPath ?? null }),

  auditLog: (limit = 500, subject?: string) => call<AuditEvent[]>('audit_log', { limit, subject: subject ?? null }),

  editEvidence: (id: number, edit: EvidenceEdit) => call<Evidence>('edit_evidence', { id, edit }),
  replaceEvidenceAs: (
    id: number,
    path: string,
    mode: ReplaceMode,
    dates: { collectedOn?: string | null; validUntil?: string | null } = {},
    onProgress?: OnProgress,
  ) =>
    call<Evidence>('replace_evidence_as', {
      id,
      path,
      mode,
      collectedOn: dates.collectedOn || null,
      validUntil: dates.validUntil || null,
      onProgress: progressChannel(onProgress),
    }),
  evidenceSeries: (id: number) => call<Evidence[]>('evidence_series', { id }),
  applicabilityDecisions: (framework?: string | null) =>
    call<ApplicabilityDecision[]>('applicability_decisions', { framework: framework ?? null }),
  applicabilityHistory: (framework?: string | null, reference?: string | null) =>
    call<ApplicabilityDecision[]>('applicability_history', { framework: framework ?? null, reference: reference ?? null }),
  decideApplicability: (request: ApplicabilityRequest) =>
    call<ApplicabilityDecision[]>('decide_applicability', { request }),
  soaDocument: (framework = 'iso27001-2022') => call<SoaDocument>('soa_document', { framework }),
  setSoaDocument: (input: SoaInput, framework = 'iso27001-2022') =>
    call<SoaDocument>('set_soa_document', { framework, input }),
};

export type Api = typeof api;

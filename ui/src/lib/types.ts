// Shapes of what crosswalk-core returns and takes over IPC. They are
// generated from core's Rust types (ui/src/lib/bindings/, `make bindings`;
// core/src/bindings.rs lists the roots), so they cannot drift from what
// core serializes. Only the shell's own types (src-tauri/src) and the
// UI's lists of values are written here.
import type { ControlStatus, Relationship, Status } from './bindings';

export type {
  Adoption,
  Applicability,
  ApplicabilityDecision,
  ApplicabilityRequest,
  Assessment,
  AssessmentInput,
  AssessmentType,
  AuditEvent,
  Checkpoint,
  ColumnGuess,
  Control,
  ControlChange,
  ControlCoverage,
  ControlStatus,
  Counts,
  CrosswalkLink,
  Decision,
  Evidence,
  EvidenceEdit,
  EvidenceKind,
  Expiry,
  Fault,
  Framework,
  FrameworkChoice,
  FrameworkCoverage,
  ImportReport,
  KeyInfo,
  LinkBasis,
  LinkQuery,
  LinkRow,
  LinkSource,
  LinksView,
  Location,
  Mapping,
  MappingCoverage,
  NewEvidence,
  PackageSummary,
  PathStep,
  Problem,
  Provenance,
  RegisterFormat,
  RegisterKind,
  Related,
  RelatedCoverage,
  Relationship,
  ReplaceMode,
  ReportRequest,
  ReportSummary,
  Requirement,
  RequirementCoverage,
  RequirementHit,
  ReviewWindow,
  Revision,
  SoaDocument,
  SoaInput,
  Status,
  SupportProperty,
  VerifyReport,
} from './bindings';
/** Where new evidence comes from (core's `evidence::Source`, serde: `{kind, value}`). */
export type { Source as EvidenceSource } from './bindings';

export const STATUSES: Status[] = ['covered', 'partial', 'stale', 'gap', 'not_applicable'];
export const CONTROL_STATUSES: ControlStatus[] = ['implemented', 'partial', 'planned', 'not_applicable'];
export const RELATIONSHIPS: Relationship[] = [
  'equal',
  'subset_of',
  'superset_of',
  'intersects',
  'no_relationship',
  'supports',
  'is_supported_by',
];

// ---- The shell's own types (src-tauri/src/commands.rs, package_cmds.rs) ----

export interface AppInfo {
  data_dir: string;
  organisation: string;
  today: string;
  version: string;
}

/** Progress of long work, as the Rust side reports it over a channel. */
export interface Progress {
  phase: string | null;
  done: number;
  total: number;
}

export interface RegisterExport {
  path: string;
  rows: number;
}

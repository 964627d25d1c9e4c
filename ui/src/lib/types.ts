// Shapes of what crosswalk-core returns over IPC (serde field names).
// They mirror core/src/model.rs, core/src/coverage.rs and core/src/audit.rs.

export interface Framework {
  id: string;
  name: string;
  short_name: string;
  version: string;
  publisher: string;
  published: string | null;
  source: string;
  text_rights: string;
  levels: string[];
}

export interface Requirement {
  framework_id: string;
  ref: string;
  parent: string | null;
  level: string;
  title: string;
  summary: string;
  assessable: boolean;
  designation: string | null;
  theme: string | null;
  /** The title is the Crosswalk authors' label (the publisher gives none). */
  own_title?: boolean;
}

export type Status = 'covered' | 'partial' | 'stale' | 'gap' | 'not_applicable';
export const STATUSES: Status[] = ['covered', 'partial', 'stale', 'gap', 'not_applicable'];

export type ControlStatus = 'implemented' | 'partial' | 'planned' | 'not_applicable';
export const CONTROL_STATUSES: ControlStatus[] = ['implemented', 'partial', 'planned', 'not_applicable'];
export type MappingCoverage = 'full' | 'partial';
export type Relationship =
  | 'equal'
  | 'subset_of'
  | 'superset_of'
  | 'intersects'
  | 'no_relationship'
  | 'supports'
  | 'is_supported_by';
export const RELATIONSHIPS: Relationship[] = [
  'equal',
  'subset_of',
  'superset_of',
  'intersects',
  'no_relationship',
  'supports',
  'is_supported_by',
];
export type SupportProperty = 'integral_to' | 'example_of' | 'precedes';
export type LinkBasis = 'published' | 'derived' | 'judgement';
export type EvidenceKind = 'file' | 'link' | 'note';

/** Requirements per status, plus the two figures core derives: in scope (all but not applicable) and gaps (partial, stale or gap). */
export type Counts = Record<Status, number> & { in_scope: number; gaps: number };

export interface ControlCoverage {
  id: string;
  title: string;
  owner: string;
  status: ControlStatus;
  mapping: MappingCoverage;
  rationale: string | null;
  current_evidence: number[];
  expired_evidence: number[];
  /** Type II only: the review windows of the period and the occurrences in each. */
  windows?: ReviewWindow[];
}

/** A requirement of another framework linked to this one (core/src/related.rs). */
export interface Related {
  framework_id: string;
  ref: string;
  relationship: Relationship;
  properties: SupportProperty[];
  strength: number | null;
  basis: LinkBasis;
  source: string;
  status: Status | null;
}

export interface PathStep {
  framework_id: string;
  ref: string;
  relationship: Relationship;
  basis: LinkBasis;
  source: string;
}

/** A covered requirement elsewhere that a gap could reuse; never counted as covered. */
export interface RelatedCoverage {
  framework_id: string;
  ref: string;
  controls: string[];
  path: PathStep[];
  summary: string;
}

export interface RequirementCoverage {
  ref: string;
  parent: string | null;
  level: string;
  title: string;
  assessable: boolean;
  status: Status | null;
  /** Whether core counts it as a gap (partial, stale or gap). */
  gap: boolean;
  reason: string;
  controls: ControlCoverage[];
  related: Related[];
  related_coverage: RelatedCoverage[];
  justification: string | null;
  /** The applicability decision behind it, if anyone made one. */
  decision?: Decision | null;
  rollup: Counts | null;
}

export interface FrameworkCoverage {
  framework: Framework;
  counts: Counts;
  assessable: number;
  percent_covered: number;
  /** Requirements with related coverage from other frameworks. */
  related_coverage: number;
  requirements: RequirementCoverage[];
  /** Which evidence rule applied, in a sentence written by core. */
  rule?: string;
}

export interface Mapping {
  framework_id: string;
  ref: string;
  coverage: MappingCoverage;
  rationale: string | null;
}

export interface Control {
  id: string;
  title: string;
  description: string;
  category: string;
  owner: string;
  status: ControlStatus;
  review_every_days: number | null;
  mappings: Mapping[];
}

export interface CrosswalkLink {
  from_framework: string;
  from_ref: string;
  to_framework: string;
  to_ref: string;
  relationship: Relationship;
  properties?: SupportProperty[];
  strength?: number | null;
  basis: LinkBasis;
  source: string;
  note: string | null;
  provenance?: Provenance;
}

export interface Provenance {
  publisher: string;
  document: string;
  version: string;
  licence: string;
  url: string;
}

/** Which links the explorer asks for (core/src/reuse.rs LinkQuery). */
export interface LinkQuery {
  from: string;
  to: string;
  ref?: string | null;
  relationship?: Relationship | null;
  basis?: LinkBasis | null;
  source?: string | null;
}

export interface LinkRow {
  from_ref: string;
  from_title: string;
  from_status: Status | null;
  to_ref: string;
  to_title: string;
  to_status: Status | null;
  relationship: Relationship;
  properties: SupportProperty[];
  strength: number | null;
  basis: LinkBasis;
  source: string;
  note: string | null;
  inverted: boolean;
}

export interface LinkSource {
  from_framework: string;
  to_framework: string;
  provenance: Provenance;
  by_basis: Record<string, number>;
}

export interface LinksView {
  from: Framework;
  to: Framework;
  sources: LinkSource[];
  total: number;
  links: LinkRow[];
}

export interface Adoption {
  framework_id: string;
  ref: string;
  via_framework: string;
  via_ref: string;
  path: string;
  controls: string[];
  coverage: MappingCoverage;
  rationale: string | null;
}

export interface FrameworkChoice extends Framework {
  tracked: boolean;
}

export interface Revision {
  number: number;
  sha256: string;
  size: number;
  file_name: string;
  added_at: string;
}

export interface Evidence {
  id: number;
  kind: EvidenceKind;
  title: string;
  description: string;
  url: string | null;
  note: string | null;
  collected_by: string;
  collected_on: string;
  valid_until: string | null;
  controls: string[];
  revisions: Revision[];
  added_at: string;
  removed_at?: string | null;
  /** The first occurrence of its series, when it is a later collection. */
  series_id?: number | null;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  summary: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}

export interface AppInfo {
  data_dir: string;
  organisation: string;
  today: string;
  version: string;
}

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface Problem {
  location: Location;
  message: string;
}

/** Progress of long work, as the Rust side reports it over a channel. */
export interface Progress {
  phase?: string | null;
  done: number;
  total: number;
}

export interface Expiry {
  as_of: string;
  within_days: number;
  expired: Evidence[];
  expiring: Evidence[];
}

export interface RequirementHit {
  framework_id: string;
  framework: string;
  ref: string;
  title: string;
  summary: string;
  level: string;
}

/** Where new evidence comes from (serde: `{kind, value}`). */
export type EvidenceSource = { kind: 'file'; value: string } | { kind: 'link'; value: string } | { kind: 'note'; value: string };

export interface NewEvidence {
  controls: string[];
  source: EvidenceSource;
  title: string | null;
  description: string;
  collected_by: string | null;
  collected_on: string | null;
  valid_until: string | null;
  valid_for_days: number | null;
  /** The same file for the same control is a new collection, not a mistake. */
  new_occurrence?: boolean;
}

export interface ControlChange {
  id: string;
  fields: string[];
}

export interface ImportReport {
  dry_run: boolean;
  files: string[];
  added: string[];
  changed: ControlChange[];
  unchanged: string[];
  removed: string[];
  missing: string[];
  evidence_added: number;
  evidence_updated: number;
  evidence_unchanged: number;
  frameworks: string[];
  crosswalk_links: number;
  /** Files read as a foreign format (OSCAL, OpenControl, matrix). */
  formats?: { file: string; format: string; name: string }[];
  /** Matrices: how each column was read. */
  columns?: { file: string; columns: ColumnGuess[] }[];
  /** Cells left out (`skipUnknown`) and references without a web address. */
  skipped_cells?: string[];
  scopes?: string[];
}

export interface ColumnGuess {
  header: string;
  role: string;
  reason: string;
}

export interface Fault {
  subject: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  events_checked: number;
  last_event_hash: string;
  files_checked: number;
  bytes_hashed: number;
  evidence_checked: number;
  controls_checked: number;
  faults: Fault[];
}

export interface Applicability {
  framework_id: string;
  ref: string;
  applicable: boolean;
  justification: string;
  implementation: string;
}

export interface Assessment {
  id: number;
  name: string;
  organisation: string;
  scope: string;
  period_start: string;
  period_end: string;
  frameworks: string[];
  applicability: Applicability[];
  created_at: string;
  updated_at: string;
  /** Absent when nobody stated the type. */
  kind?: AssessmentType | null;
}

export interface AssessmentInput {
  id: number | null;
  name: string;
  organisation: string | null;
  scope: string;
  period_start: string;
  period_end: string;
  frameworks: string[];
  kind?: AssessmentType | null;
}

export interface ReportRequest {
  assessment_id: number | null;
  frameworks: string[];
  /** [from, to] as YYYY-MM-DD */
  period: [string, string] | null;
}

export interface ReportSummary {
  path: string;
  pages: number;
  bytes: number;
  sha256: string;
  frameworks: string[];
}

// ---- Evidence over an audit period (issue 10) ----

export type AssessmentType = 'type1' | 'type2';

export interface ReviewWindow {
  start: string;
  end: string;
  evidence: number[];
  due: boolean;
}

export interface Decision {
  applicable: boolean;
  justification: string;
  decided_by: string;
  decided_at: string;
  /** `workspace`, or `assessment #N`. */
  source: string;
}

export interface ApplicabilityDecision {
  id: number;
  framework_id: string;
  ref: string;
  applicable: boolean;
  justification: string;
  decided_by: string;
  decided_at: string;
}

export interface ApplicabilityRequest {
  framework_id: string;
  /** Refs, groups (`P1`) or prefixes (`P*`). */
  refs: string[];
  applicable: boolean;
  justification: string;
}

export interface EvidenceEdit {
  title?: string | null;
  description?: string | null;
  controls?: string[] | null;
  collected_on?: string | null;
  valid_until?: string | null;
  no_expiry?: boolean;
  collected_by?: string | null;
}

export type ReplaceMode = 'revision' | 'new_occurrence';

export interface SoaDocument {
  framework_id: string;
  version: string;
  owner: string;
  approved_by: string;
  approved_on: string | null;
  updated_at: string | null;
}

export interface SoaInput {
  version?: string | null;
  owner?: string | null;
  approved_by?: string | null;
  approved_on?: string | null;
}

/** The workspace signing key (public side). */
export interface KeyInfo {
  workspace_id: string;
  fingerprint: string;
  public_key: string;
  created_at: string;
  key_file: string;
}

export interface Checkpoint {
  workspace_id: string;
  event_count: number;
  head_hash: string;
  at: string;
  reason: string;
  fingerprint: string;
  signature: string;
}

export interface PackageSummary {
  path: string;
  bytes: number;
  sha256: string;
  files: number;
  evidence_files: number;
  evidence_bytes: number;
  fingerprint: string;
  chain_ok: boolean;
  checkpoint: Checkpoint;
}

export type RegisterKind = 'requirements' | 'controls' | 'evidence' | 'gaps' | 'soa' | 'audit_trail';
export type RegisterFormat = 'csv' | 'xlsx';

export interface RegisterExport {
  path: string;
  rows: number;
}

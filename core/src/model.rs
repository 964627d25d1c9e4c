//! The domain types. Plain data: rules that act on them live in their own modules.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A framework catalog (GDPR, SOC 2, ISO 27001, …): who publishes it and how
/// its requirements are arranged, as read from its catalog YAML
/// (docs/formats.md, "Framework catalog").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Framework {
    /// Stable slug (`nist-csf-2.0`), the key of `maps:` in control YAML and
    /// the `--framework` argument; also the catalog's file name.
    pub id: String,
    /// Full name, as in report titles (`NIST Cybersecurity Framework 2.0`).
    pub name: String,
    /// Short name for tables and charts (`NIST CSF 2.0`).
    pub short_name: String,
    /// The edition catalogued, as the publisher writes it (`2.0`, `4.0.1`).
    pub version: String,
    /// Who issues the framework (the citation's author).
    pub publisher: String,
    /// Date of the edition catalogued; None when the catalog does not say.
    pub published: Option<NaiveDate>,
    /// The document the catalog was written from, to cite it.
    pub source: String,
    /// Whose words the titles and summaries are (copyright statement).
    pub text_rights: String,
    /// Level names, top of the tree first (`function`, `category`,
    /// `subcategory`); every requirement's `level` is one of them.
    pub levels: Vec<String>,
}

/// One entry of a framework's tree (a clause, criterion, subcategory or
/// article paragraph); only assessable ones take mappings and get a coverage
/// status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Requirement {
    /// The [`Framework::id`] it belongs to.
    pub framework_id: String,
    /// The identifier exactly as the framework writes it (`CC6.1`, `A.8.24`,
    /// `Art. 32(1)(a)`); serialized as `ref`. Unique within its framework.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Ref of the enclosing requirement; None at the top of the tree.
    pub parent: Option<String>,
    /// One of the framework's [`Framework::levels`].
    pub level: String,
    /// Short title; for copyrighted frameworks the Crosswalk authors' words.
    pub title: String,
    /// One to three sentences to help decide what evidence fits.
    pub summary: String,
    /// Controls map to it and coverage is computed for it.
    pub assessable: bool,
    /// HIPAA: `required` or `addressable`.
    pub designation: Option<String>,
    /// ISO 27001 Annex A: organizational / people / physical / technological.
    pub theme: Option<String>,
    /// The title is the Crosswalk authors' label: the publisher gives this
    /// requirement no title of its own (catalog key `own_title: true`).
    #[serde(default)]
    pub own_title: bool,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
        impl $name {
            /// Every value, in declaration order (the order lists and menus use).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The written form of each value, in the order of `ALL`.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// The written form used in YAML, `--json`, the CLI and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// The value written `text` (exact, lower case); None for any other text.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

string_enum!(
    /// How far the organisation has put a control in place.
    ControlStatus {
        /// In place and operating.
        Implemented = "implemented",
        /// Partly in place; it can cover a requirement only partially.
        Partial = "partial",
        /// Not in place yet; it covers nothing.
        Planned = "planned",
        /// The organisation decided the control does not apply; it covers nothing.
        NotApplicable = "not_applicable",
    }
);
string_enum!(
    /// How much of a requirement one control's mapping claims to satisfy.
    MappingCoverage {
        /// The control, once implemented and evidenced, meets the whole requirement.
        Full = "full",
        /// It meets only part of it: at best the requirement is partial.
        Partial = "partial",
    }
);
string_enum!(
    /// A NIST IR 8477 relationship, read "`from` is `<relationship>` `to`". Two
    /// styles: set theory (equal … no_relationship: how much the two ask in
    /// common) and supportive (supports / is_supported_by: one helps achieve
    /// the other, qualified by [`SupportProperty`]).
    Relationship {
        /// Both ask for the same thing.
        Equal = "equal",
        /// Everything `from` asks, `to` asks too (and more).
        SubsetOf = "subset_of",
        /// `from` asks everything `to` asks, and more.
        SupersetOf = "superset_of",
        /// Each asks something the other does, and something it does not.
        Intersects = "intersects",
        /// Someone compared the two and found nothing in common; never a path
        /// for related coverage.
        NoRelationship = "no_relationship",
        /// Meeting `from` helps meet `to`.
        Supports = "supports",
        /// Meeting `to` helps meet `from`.
        IsSupportedBy = "is_supported_by",
    }
);
string_enum!(
    /// NIST IR 8477 property of a supportive relationship: how `from` supports `to`.
    SupportProperty {
        /// `from` is a necessary part of achieving `to`.
        IntegralTo = "integral_to",
        /// `from` is one way of achieving `to`.
        ExampleOf = "example_of",
        /// `from` has to come first, before `to` can be achieved.
        Precedes = "precedes",
    }
);
string_enum!(
    /// Where a crosswalk link comes from.
    LinkBasis {
        /// As published by the framework owner, a regulator or a listed mapper
        /// ([`Provenance`] says who).
        Published = "published",
        /// A published mapping carried to other identifiers (for example NIST's
        /// SP 800-66 mapping to CSF 1.1 taken to CSF 2.0 through NIST's own
        /// 1.1-to-2.0 mapping).
        Derived = "derived",
        /// The Crosswalk authors' own mapping where nothing is published; the
        /// rationale is in [`CrosswalkLink::note`].
        Judgement = "judgement",
    }
);
string_enum!(
    /// What a piece of evidence is made of.
    EvidenceKind {
        /// A file kept in the vault, with its SHA-256 and revisions.
        File = "file",
        /// A URL ([`Evidence::url`]); nothing is stored or hashed.
        Link = "link",
        /// A written statement ([`Evidence::note`]).
        Note = "note",
    }
);
string_enum!(
    /// Where evidence stands against its valid-until date.
    Validity {
        /// No valid-until date, or one further away than the "expiring soon" window.
        Current = "current",
        /// Still valid, but its valid-until date falls within the window.
        Expiring = "expiring",
        /// Its valid-until date has passed.
        Expired = "expired",
    }
);
string_enum!(
    /// What an audit period asks: Type I looks at the design of the controls on
    /// one day; Type II at their operation throughout the period.
    AssessmentType {
        /// Design at a point in time (the period's end, or today if sooner).
        Type1 = "type1",
        /// Operation through the period: evidence in every review window.
        Type2 = "type2",
    }
);
string_enum!(
    /// Coverage status of one requirement, derived from data, never stored.
    /// The rules are in `coverage.rs`.
    Status {
        /// An implemented control maps to it fully and its evidence holds.
        Covered = "covered",
        /// Addressed only in part: a partial mapping or control, or (Type II)
        /// missed windows.
        Partial = "partial",
        /// The controls that would cover it have evidence, but all of it expired.
        Stale = "stale",
        /// Not addressed: no control with evidence that holds.
        Gap = "gap",
        /// Out of scope by a decision of the workspace or the assessment, with
        /// a justification.
        NotApplicable = "not_applicable",
    }
);

impl Relationship {
    /// The same link read from the other end.
    pub fn inverse(self) -> Self {
        match self {
            Relationship::SubsetOf => Relationship::SupersetOf,
            Relationship::SupersetOf => Relationship::SubsetOf,
            Relationship::Supports => Relationship::IsSupportedBy,
            Relationship::IsSupportedBy => Relationship::Supports,
            other => other,
        }
    }
    /// IR 8477's supportive style (which takes properties) rather than set theory.
    pub fn is_supportive(self) -> bool {
        matches!(self, Relationship::Supports | Relationship::IsSupportedBy)
    }
}

impl Status {
    /// The English label shown in the app, the CLI's tables and reports.
    pub fn label(self) -> &'static str {
        match self {
            Status::Covered => "Covered",
            Status::Partial => "Partial",
            Status::Stale => "Stale evidence",
            Status::Gap => "Gap",
            Status::NotApplicable => "Not applicable",
        }
    }

    /// What counts as a gap, everywhere (the Dashboard, `coverage --gaps`,
    /// the report's gaps section and the gaps register): a requirement in
    /// scope that is not covered: partly done, covered only by expired
    /// evidence, or not addressed at all. Not-applicable ones are out of scope.
    pub fn is_gap(self) -> bool {
        matches!(self, Status::Partial | Status::Stale | Status::Gap)
    }
}

/// A control's claim to satisfy one requirement (an entry of its `maps:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Mapping {
    /// The framework of the requirement.
    pub framework_id: String,
    /// The requirement's ref as the catalog writes it (serialized as `ref`);
    /// always an assessable requirement.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Whether the control claims all of the requirement or part of it.
    pub coverage: MappingCoverage,
    /// Why the control meets (or only partly meets) the requirement; None
    /// when the user gave no reason.
    pub rationale: Option<String>,
}

/// One of the organisation's own controls, as imported from control YAML or
/// entered in the app, with the requirements it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Control {
    /// The organisation's identifier (`ENC-01`): letters, digits, `-`, `_`,
    /// `.`, at most 64; unique in the workspace.
    pub id: String,
    /// Short name of the control.
    pub title: String,
    /// What the control does; empty when not given.
    pub description: String,
    /// Free-text grouping (`encryption`); `general` when the YAML gives none.
    pub category: String,
    /// Who answers for the control (a person or team); empty when not given.
    pub owner: String,
    /// How far it is in place; only implemented controls can cover fully.
    pub status: ControlStatus,
    /// Review cadence in days (`review_every: 90d`, `6m` = 180); sets the
    /// default validity of new evidence and the Type II windows. None: no
    /// cadence (one window, the whole period).
    pub review_every_days: Option<u32>,
    /// The requirements it claims to satisfy, in any framework.
    pub mappings: Vec<Mapping>,
}

/// One requirement ↔ requirement link between two frameworks: the internal
/// model every crosswalk (shipped YAML, a user's YAML, an OSCAL mapping
/// collection) is read into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CrosswalkLink {
    /// Framework id of the `from` end.
    pub from_framework: String,
    /// Requirement ref of the `from` end, as its catalog writes it.
    pub from_ref: String,
    /// Framework id of the `to` end.
    pub to_framework: String,
    /// Requirement ref of the `to` end, as its catalog writes it.
    pub to_ref: String,
    /// "`from` is `<relationship>` `to`".
    pub relationship: Relationship,
    /// Supportive relationships only: how `from` supports `to` (the published
    /// data sometimes gives two for one pair). Empty for set theory.
    #[serde(default)]
    pub properties: Vec<SupportProperty>,
    /// The publisher's strength of the relationship, 1 (weak) to 10 (strong), when it gives one.
    #[serde(default)]
    pub strength: Option<u8>,
    /// Published, derived from a published mapping, or the authors' judgement.
    pub basis: LinkBasis,
    /// Where this link comes from: the link's own `source` if its file gave
    /// one, else the file's.
    pub source: String,
    /// For `judgement` links: the one-line rationale.
    pub note: Option<String>,
    /// Whose mapping the link belongs to, to cite it.
    #[serde(default)]
    pub provenance: Provenance,
}

/// The citation of a crosswalk file: publisher, document, version, licence
/// (empty strings where the file does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Provenance {
    /// Who made the mapping (a framework owner, a regulator, an author).
    pub publisher: String,
    /// Title of the document or data set the mapping was published in.
    pub document: String,
    /// Its version or date, as the publisher writes it.
    pub version: String,
    /// Terms under which the mapping may be used.
    pub licence: String,
    /// Where the mapping can be found.
    pub url: String,
}

/// One stored version of an evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Revision {
    /// 1 for the first file, one more for each replacement.
    pub number: u32,
    /// SHA-256 of the file's bytes, lower-case hex; names the blob in the
    /// vault and is what `verify` checks.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The file's name as the user gave it (no folders).
    pub file_name: String,
    /// When it was stored (the upload time), RFC 3339 UTC to the second
    /// (`2026-10-01T09:30:00Z`).
    pub added_at: String,
}

/// One occurrence of evidence: a dated record of one collection (a file, a
/// link or a note), attached to the controls it supports (docs/formats.md,
/// "Evidence over an audit period").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Evidence {
    /// The workspace's number for it, as in `crosswalk evidence show ID`.
    pub id: i64,
    /// File, link or note.
    pub kind: EvidenceKind,
    /// Short name; with the control, identifies it on re-import.
    pub title: String,
    /// Free text; empty when not given.
    pub description: String,
    /// The link, for `link` evidence; None for the other kinds.
    pub url: Option<String>,
    /// The statement, for `note` evidence; None for the other kinds.
    pub note: Option<String>,
    /// Who gathered it (by default the user who added it).
    pub collected_by: String,
    /// The evidence date: when it was collected, not when it was uploaded.
    pub collected_on: NaiveDate,
    /// The last day it counts as current; None: it does not expire.
    pub valid_until: Option<NaiveDate>,
    /// Ids of the controls it supports, at least one.
    pub controls: Vec<String>,
    /// Oldest first; the last one is current. Empty for links and notes.
    pub revisions: Vec<Revision>,
    /// When it was first recorded in Crosswalk, RFC 3339 UTC to the second.
    pub added_at: String,
    /// Set when the evidence was withdrawn; its files stay in the vault.
    pub removed_at: Option<String>,
    /// The first occurrence of the series this one belongs to (the Q1 review
    /// for the Q2, Q3 and Q4 ones); None when it is the first or stands alone.
    /// Left out of the serialized form when None, so that the audit states of
    /// evidence recorded before series existed stay the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<i64>,
}

impl Evidence {
    /// The id that names its series: its own when it is the first occurrence.
    pub fn series(&self) -> i64 {
        self.series_id.unwrap_or(self.id)
    }
    /// When the current file (or the link or note) was put into Crosswalk.
    pub fn uploaded_at(&self) -> &str {
        self.current_revision()
            .map(|r| r.added_at.as_str())
            .unwrap_or(self.added_at.as_str())
    }
    /// The file that counts now (the latest revision); None for links and notes.
    pub fn current_revision(&self) -> Option<&Revision> {
        self.revisions.last()
    }
    /// Expired, expiring within `soon_days`, or current, as of `day`.
    pub fn validity_on(&self, day: NaiveDate, soon_days: u32) -> Validity {
        match self.valid_until {
            Some(until) if until < day => Validity::Expired,
            // A window past the end of the calendar reaches every date (no overflow panic).
            Some(until)
                if day
                    .checked_add_days(chrono::Days::new(soon_days as u64))
                    .is_none_or(|limit| until <= limit) =>
            {
                Validity::Expiring
            }
            _ => Validity::Current,
        }
    }

    /// Whether the evidence still counts on `day`.
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.collected_on <= day && self.valid_until.is_none_or(|until| until >= day)
    }
}

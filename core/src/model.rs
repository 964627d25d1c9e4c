//! The domain types. Plain data: rules that act on them live in their own modules.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub version: String,
    pub publisher: String,
    pub published: Option<NaiveDate>,
    pub source: String,
    pub text_rights: String,
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub framework_id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub parent: Option<String>,
    pub level: String,
    pub title: String,
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
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
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
    ControlStatus { Implemented = "implemented", Partial = "partial", Planned = "planned", NotApplicable = "not_applicable" }
);
string_enum!(
    /// How much of a requirement one control's mapping claims to satisfy.
    MappingCoverage { Full = "full", Partial = "partial" }
);
string_enum!(
    /// A NIST IR 8477 relationship, read "from is <relationship> to". Two
    /// styles: set theory (equal … no_relationship: how much the two ask in
    /// common) and supportive (supports / is_supported_by: one helps achieve
    /// the other, qualified by [`SupportProperty`]).
    Relationship {
        Equal = "equal",
        SubsetOf = "subset_of",
        SupersetOf = "superset_of",
        Intersects = "intersects",
        NoRelationship = "no_relationship",
        Supports = "supports",
        IsSupportedBy = "is_supported_by",
    }
);
string_enum!(
    /// NIST IR 8477 property of a supportive relationship: how `from` supports `to`.
    SupportProperty { IntegralTo = "integral_to", ExampleOf = "example_of", Precedes = "precedes" }
);
string_enum!(
    /// Where a crosswalk link comes from.
    LinkBasis { Published = "published", Derived = "derived", Judgement = "judgement" }
);
string_enum!(EvidenceKind { File = "file", Link = "link", Note = "note" });
string_enum!(
    /// Where evidence stands against its valid-until date.
    Validity { Current = "current", Expiring = "expiring", Expired = "expired" }
);
string_enum!(
    /// What an audit period asks: Type I looks at the design of the controls on
    /// one day; Type II at their operation throughout the period.
    AssessmentType { Type1 = "type1", Type2 = "type2" }
);
string_enum!(
    /// Coverage status of one requirement, derived from data, never stored.
    Status {
        Covered = "covered",
        Partial = "partial",
        Stale = "stale",
        Gap = "gap",
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub framework_id: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub coverage: MappingCoverage,
    pub rationale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub owner: String,
    pub status: ControlStatus,
    pub review_every_days: Option<u32>,
    pub mappings: Vec<Mapping>,
}

/// One requirement ↔ requirement link between two frameworks: the internal
/// model every crosswalk (shipped YAML, a user's YAML, an OSCAL mapping
/// collection) is read into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrosswalkLink {
    pub from_framework: String,
    pub from_ref: String,
    pub to_framework: String,
    pub to_ref: String,
    /// "from is <relationship> to".
    pub relationship: Relationship,
    /// Supportive relationships only: how `from` supports `to` (the published
    /// data sometimes gives two for one pair). Empty for set theory.
    #[serde(default)]
    pub properties: Vec<SupportProperty>,
    /// The publisher's strength of the relationship, 1 (weak) to 10 (strong), when it gives one.
    #[serde(default)]
    pub strength: Option<u8>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub publisher: String,
    pub document: String,
    pub version: String,
    pub licence: String,
    pub url: String,
}

/// One stored version of an evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub number: u32,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub added_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: i64,
    pub kind: EvidenceKind,
    pub title: String,
    pub description: String,
    pub url: Option<String>,
    pub note: Option<String>,
    pub collected_by: String,
    /// The evidence date: when it was collected, not when it was uploaded.
    pub collected_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub controls: Vec<String>,
    /// Oldest first; the last one is current. Empty for links and notes.
    pub revisions: Vec<Revision>,
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

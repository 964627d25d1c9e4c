//! What an audit event is about, as a type. Each variant writes the
//! `kind:id` text every stored trail already uses (an event's `subject`, the
//! keys of its `states`), so old and new events read and filter alike; the
//! text is only ever made here.
use std::fmt;

/// The thing an event was made to, or one record whose state it vouches for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// One control, by id: `control:ENC-01`.
    Control(String),
    /// The control library as a whole (imports, bulk changes, exports).
    Controls,
    /// One piece of evidence, by number: `evidence:12`.
    Evidence(i64),
    /// The key an evidence row was imported under: `import-key:12`.
    ImportKey(i64),
    /// One assessment: `assessment:3`.
    Assessment(i64),
    /// A framework's workspace applicability decisions: `applicability:iso27001`.
    Applicability(String),
    /// One requirement's decision history: `applicability:iso27001:A.5.1`.
    RequirementApplicability(String, String),
    /// One requirement, where an event is about it: `requirement:gdpr:Art.32`.
    Requirement(String, String),
    /// A framework's Statement of Applicability document: `soa:iso27001`.
    Soa(String),
    /// A framework (its catalog and requirements): `framework:acme`.
    Framework(String),
    /// The shipped crosswalks as a whole.
    Crosswalks,
    /// The crosswalk links imported from one file: `crosswalk:map.yaml`.
    CrosswalkFile(String),
    /// Settings as a whole.
    Settings,
    /// The organisation's name (a setting, with its own subject since v1).
    Organisation,
    /// One setting: `setting:vault.idle_lock_minutes`.
    Setting(String),
    /// The workspace signing key.
    WorkspaceKey,
    /// One signed checkpoint: `checkpoint:4`.
    Checkpoint(i64),
    /// A register, by name: `register:evidence`.
    Register(String),
    /// A generated report.
    Report,
    /// A generated audit package.
    Package,
    /// The vault and its keys.
    Vault,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Control(id) => write!(f, "control:{id}"),
            Subject::Controls => f.write_str("controls"),
            Subject::Evidence(id) => write!(f, "evidence:{id}"),
            Subject::ImportKey(id) => write!(f, "import-key:{id}"),
            Subject::Assessment(id) => write!(f, "assessment:{id}"),
            Subject::Applicability(fw) => write!(f, "applicability:{fw}"),
            Subject::RequirementApplicability(fw, r) => write!(f, "applicability:{fw}:{r}"),
            Subject::Requirement(fw, r) => write!(f, "requirement:{fw}:{r}"),
            Subject::Soa(fw) => write!(f, "soa:{fw}"),
            Subject::Framework(id) => write!(f, "framework:{id}"),
            Subject::Crosswalks => f.write_str("crosswalks"),
            Subject::CrosswalkFile(origin) => write!(f, "crosswalk:{origin}"),
            Subject::Settings => f.write_str("settings"),
            Subject::Organisation => f.write_str("settings:organisation"),
            Subject::Setting(key) => write!(f, "setting:{key}"),
            Subject::WorkspaceKey => f.write_str("key:workspace"),
            Subject::Checkpoint(id) => write!(f, "checkpoint:{id}"),
            Subject::Register(name) => write!(f, "register:{name}"),
            Subject::Report => f.write_str("report"),
            Subject::Package => f.write_str("package"),
            Subject::Vault => f.write_str("vault"),
        }
    }
}

impl Subject {
    /// The subject in words, for verify's findings (`evidence #12`).
    pub fn describe(&self) -> String {
        match self {
            Subject::Evidence(id) => format!("evidence #{id}"),
            Subject::Control(id) => format!("control {id}"),
            Subject::Assessment(id) => format!("assessment #{id}"),
            Subject::Framework(id) => format!("framework {id} (its catalog and requirements)"),
            Subject::CrosswalkFile(origin) => {
                format!("the crosswalk links imported from {origin}")
            }
            Subject::Setting(key) => format!("setting `{key}`"),
            Subject::ImportKey(id) => format!("the import key of evidence #{id}"),
            Subject::RequirementApplicability(fw, r) => {
                format!("the applicability decisions of {fw} {r}")
            }
            Subject::Soa(fw) => format!("the Statement of Applicability of {fw}"),
            other => other.to_string(),
        }
    }

    /// Reads back the text of the subjects whose state the trail vouches
    /// for; None for any other text (kept as written by whoever wrote it).
    pub fn parse_state_key(text: &str) -> Option<Subject> {
        let (kind, rest) = text.split_once(':')?;
        Some(match kind {
            "control" => Subject::Control(rest.into()),
            "evidence" => Subject::Evidence(rest.parse().ok()?),
            "import-key" => Subject::ImportKey(rest.parse().ok()?),
            "assessment" => Subject::Assessment(rest.parse().ok()?),
            "applicability" => {
                let (fw, r) = rest.split_once(':')?;
                Subject::RequirementApplicability(fw.into(), r.into())
            }
            "soa" => Subject::Soa(rest.into()),
            "framework" => Subject::Framework(rest.into()),
            "crosswalk" => Subject::CrosswalkFile(rest.into()),
            "setting" => Subject::Setting(rest.into()),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_keys_read_back_as_written() {
        let keys = [
            Subject::Control("ENC-01".into()),
            Subject::Evidence(12),
            Subject::ImportKey(3),
            Subject::Assessment(7),
            Subject::RequirementApplicability("iso27001".into(), "A.5.1".into()),
            Subject::Soa("iso27001".into()),
            Subject::Framework("acme".into()),
            Subject::CrosswalkFile("map.yaml".into()),
            Subject::Setting("vault.idle_lock_minutes".into()),
        ];
        for s in keys {
            assert_eq!(Subject::parse_state_key(&s.to_string()), Some(s));
        }
        for text in [
            "",
            "controls",
            "evidence:x",
            "applicability:iso27001",
            "nope:1",
        ] {
            assert_eq!(Subject::parse_state_key(text), None, "{text}");
        }
    }
}

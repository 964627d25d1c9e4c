//! What an audit event says was done, as types. A [`Mutation`] changes a
//! record `verify` vouches for, so recording one takes the new states of what
//! it changed (`States`); a [`Note`] records something done that
//! changes no such record (an export, a report, a key made). The words are
//! the ones every stored trail already holds: readers (the trail register,
//! the outputs list, `log`) match on them, so a variant's word never changes.

/// Declares an action enum and its stored words in one list.
macro_rules! actions {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every variant, for tests and for listing.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word stored in the trail, `area.verb`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

actions! {
    /// A change to records the trail vouches for (controls, evidence,
    /// assessments, applicability, SoA, settings, imported catalogs).
    Mutation {
        /// A control was created from the form.
        ControlCreated => "control.created",
        /// A control was edited from the form.
        ControlEdited => "control.edited",
        /// A control was deleted.
        ControlDeleted => "control.deleted",
        /// Several controls were changed at once.
        ControlsBulkEdited => "controls.bulk_edited",
        /// Several controls were deleted at once.
        ControlsBulkDeleted => "controls.bulk_deleted",
        /// Control, evidence, catalog or crosswalk files were imported.
        Imported => "import",
        /// Evidence was added.
        EvidenceAdded => "evidence.added",
        /// Evidence's details were edited.
        EvidenceEdited => "evidence.edited",
        /// A new file replaced evidence's file (a new revision).
        EvidenceReplaced => "evidence.replaced",
        /// Evidence was withdrawn (kept, marked removed).
        EvidenceRemoved => "evidence.removed",
        /// Evidence's stored files were destroyed (cryptographic erasure).
        EvidencePurged => "evidence.purged",
        /// An assessment was created.
        AssessmentCreated => "assessment.created",
        /// An assessment was edited.
        AssessmentEdited => "assessment.edited",
        /// An applicability decision inside an assessment.
        AssessmentApplicability => "assessment.applicability",
        /// A workspace applicability decision.
        ApplicabilityDecided => "applicability.decided",
        /// The Statement of Applicability's document fields were edited.
        SoaEdited => "soa.edited",
        /// Settings were changed.
        SettingsChanged => "settings.changed",
        /// A framework was added to the tracked ones.
        FrameworkTracked => "framework.tracked",
        /// A framework was taken out of the tracked ones.
        FrameworkUntracked => "framework.untracked",
        /// Controls were mapped to a requirement through a published crosswalk.
        CrosswalkAdopted => "crosswalk.adopted",
    }
}

actions! {
    /// Something done that changes no vouched-for record: what left the
    /// workspace, shipped data loaded, keys and the vault managed.
    Note {
        /// Shipped framework catalogs were loaded or updated.
        FrameworkLoaded => "framework.loaded",
        /// Shipped crosswalks were loaded or updated.
        CrosswalksLoaded => "crosswalks.loaded",
        /// The control library was exported as YAML.
        ControlsExported => "export.controls",
        /// A register was exported.
        RegisterExported => "register.exported",
        /// A report was generated.
        ReportGenerated => "report.generated",
        /// An audit package was generated.
        PackageGenerated => "package.generated",
        /// The workspace signing key was created.
        KeyCreated => "key.created",
        /// A checkpoint of the trail was signed.
        CheckpointSigned => "checkpoint.signed",
        /// The encrypted vault was created.
        VaultCreated => "vault.created",
        /// A plain workspace was encrypted.
        VaultEncrypted => "vault.encrypted",
        /// The OS keyring entry was stored or removed.
        VaultKeyring => "vault.keyring",
        /// The passphrase was changed (the data key re-wrapped).
        VaultPassphraseChanged => "vault.passphrase_changed",
        /// Data-key rotation began.
        VaultRotationStarted => "vault.rotation_started",
        /// Data-key rotation finished.
        VaultRotated => "vault.rotated",
        /// Unreferenced vault files were removed.
        VaultCollected => "gc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_word_is_distinct_and_lower_case() {
        let words: Vec<&str> = (Mutation::ALL.iter().map(|m| m.as_str()))
            .chain(Note::ALL.iter().map(|n| n.as_str()))
            .collect();
        let unique: HashSet<_> = words.iter().collect();
        assert_eq!(unique.len(), words.len(), "a word names two actions");
        for w in words {
            assert!(
                w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{w}"
            );
        }
    }
}

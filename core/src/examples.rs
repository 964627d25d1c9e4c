//! The example control libraries shipped in the binary (controls/library/),
//! written from the AIOS and AMAS security policies. `make run` opens a
//! workspace seeded with them so a newcomer sees real coverage and real gaps.
use crate::error::{Error, Result};
use crate::import::{ImportOptions, ImportReport};
use crate::workspace::Workspace;

/// Writes the embedded library to a temporary folder and imports it.
pub fn seed(ws: &mut Workspace) -> Result<ImportReport> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("cannot create a temporary folder", e))?;
    for (name, bytes) in crate::embedded::LIBRARY_FILES {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap())
            .map_err(|e| Error::io("cannot write the example library", e))?;
        std::fs::write(&path, bytes)
            .map_err(|e| Error::io("cannot write the example library", e))?;
    }
    let files: Vec<_> = crate::embedded::LIBRARY_FILES
        .iter()
        .filter(|(n, _)| !n.contains('/') && (n.ends_with(".yaml") || n.ends_with(".yml")))
        .map(|(n, _)| dir.path().join(n))
        .collect();
    if ws.organisation()? == "Your organisation" {
        ws.set_organisation("Example Org (AIOS and AMAS example controls)")?;
    }
    ws.import(&files, &ImportOptions::default())
}

/// The ids of the example controls, read from the embedded library: what
/// "Remove the example controls" removes.
pub fn example_control_ids() -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for (name, bytes) in crate::embedded::LIBRARY_FILES {
        if name.contains('/') || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let root = crate::yaml::parse(name, bytes).map_err(|p| Error::Invalid(vec![p]))?;
        let fields = root
            .map(name, "the example library")
            .map_err(|p| Error::Invalid(vec![p]))?;
        let Some(controls) = fields.get("controls") else {
            continue;
        };
        for c in controls
            .seq(name, "`controls`")
            .map_err(|p| Error::Invalid(vec![p]))?
        {
            let f = c
                .map(name, "a control")
                .map_err(|p| Error::Invalid(vec![p]))?;
            if let Some(id) = f.get("id").and_then(|n| n.as_scalar()) {
                ids.push(id.trim().to_string());
            }
        }
    }
    Ok(ids)
}

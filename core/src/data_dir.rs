//! Where a workspace lives when the user has not said: one rule for the CLI
//! and the app, so `crosswalk` and the window open the same workspace.
//!
//! In order: the folder given on the command line (`--data-dir`), else
//! `CROSSWALK_DATA_DIR` when set and not empty, else `crosswalk` in the
//! platform's data folder (`~/.local/share` or `$XDG_DATA_HOME` on Linux,
//! `~/Library/Application Support` on macOS, `%APPDATA%` on Windows). The
//! platform folder comes from the `dirs` crate, the same one Tauri asks.
use std::path::PathBuf;

/// The environment variable that names the workspace folder.
pub const DATA_DIR_ENV: &str = "CROSSWALK_DATA_DIR";

/// The workspace folder when neither `--data-dir` nor the environment says.
/// Falls back to `.crosswalk` in the current folder only when the platform
/// has no data folder at all (no home directory).
pub fn default_data_dir() -> PathBuf {
    match dirs::data_dir() {
        Some(base) => base.join("crosswalk"),
        None => PathBuf::from(".crosswalk"),
    }
}

/// The workspace folder: `explicit` (from `--data-dir`), else the
/// environment, else [`default_data_dir`].
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .filter(|d| !d.as_os_str().is_empty())
        .or_else(|| {
            std::env::var_os(DATA_DIR_ENV)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(default_data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_folder_wins_and_an_empty_one_does_not_count() {
        assert_eq!(
            resolve_data_dir(Some(PathBuf::from("/w"))),
            PathBuf::from("/w")
        );
        // Empty is "not given": the answer is whatever the environment or
        // the platform says, never the empty path.
        assert_ne!(resolve_data_dir(Some(PathBuf::new())), PathBuf::new());
    }

    #[test]
    fn the_default_is_named_crosswalk() {
        assert!(
            default_data_dir().ends_with("crosswalk") || default_data_dir().ends_with(".crosswalk")
        );
    }
}

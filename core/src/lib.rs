//! crosswalk-core: every rule of Crosswalk's domain. The CLI, the desktop app
//! and the tests all go through [`Workspace`]; nothing else holds a domain rule.
#![warn(missing_docs)]
pub mod applicability;
pub mod assessment;
pub mod audit;
pub mod bindings;
pub mod bulk;
pub mod catalog;
pub mod controls;
pub mod coverage;
pub mod data_dir;
pub mod dates;
pub mod error;
pub mod evidence;
pub mod evidence_register;
pub mod examples;
mod export;
pub mod forms;
mod fsutil;
pub mod gc;
pub mod hash;
pub mod import;
pub mod input;
pub mod interop;
pub mod model;
pub mod outputs;
pub mod package;
pub mod registers;
pub mod related;
pub mod report;
pub mod reuse;
pub mod settings;
pub mod signing;
mod store;
pub mod text;
pub mod validate;
pub mod vault;
pub mod verify;
mod workspace;
pub mod yaml;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use error::{Error, Location, Problem, Result};
pub use model::*;
pub use workspace::{now, timestamp, Workspace};

//! The one home for SQL: the schema and its migrations (`schema.rs`,
//! `migrations/*.sql`), how typed values are stored and read back
//! (`types.rs`: a value Crosswalk does not write is a [`Corrupt`] error,
//! never a default), and the queries of each group of tables, so the
//! domain modules call typed functions and pass typed filters, never SQL.
pub(crate) mod applicability;
pub(crate) mod assessment;
pub(crate) mod audit;
pub(crate) mod catalog;
pub(crate) mod cipher;
pub(crate) mod controls;
pub(crate) mod evidence;
pub(crate) mod raw;
mod schema;
pub(crate) mod scopes;
pub(crate) mod settings;
pub(crate) mod signing;
pub(crate) mod types;

pub(crate) use schema::{open, open_keyed, open_read_only, open_read_only_keyed, writable};
pub use types::Corrupt;

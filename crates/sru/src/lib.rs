//! SRU for Shelfmark: how the catalog talks to the rest of the library world over the
//! Search/Retrieve via URL standard.
//!
//! - [`cql`]: the Contextual Query Language parsed into a tree.
//! - [`mapping`]: that tree mapped onto the catalog's own search, or the SRU diagnostic.
//! - [`server`]: SRU 1.2 and 2.0 `explain` and `searchRetrieve` over a catalog, as a pure
//!   function of the request's parameters ([`server::respond`]); [`router`] (feature `axum`)
//!   mounts it at `/sru`.
//! - [`client`]: copy cataloging: searching other libraries' SRU targets and importing one of
//!   their records through core's matching; [`loopback`] stands in for such a target in tests.
//!
//! What this crate must never do: hold catalog rules of its own (searching, matching,
//! storing and logging are core's), or be depended on by core.

pub mod client;
pub mod cql;
pub mod diagnostic;
pub mod dublin_core;
pub mod loopback;
pub mod mapping;
pub mod server;
pub mod xml_tree;

#[cfg(feature = "axum")]
mod http;

#[cfg(feature = "axum")]
pub use http::{SruState, router};

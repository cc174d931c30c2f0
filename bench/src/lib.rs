//! Peers for the policy engine's performance work.
//!
//! The engine (root crate) is compared against two implementations of
//! `contract/rules.md` that live here:
//!
//! - [`native`]: the floor, the rules hand-written in Rust;
//! - [`rego`]: a Rego port of the rules (`rego/policy.rego`) run by regorus.
//!
//! Around them: [`request`] (the strict request types both read),
//! [`table`] (the embedded code table) and [`gen`] (a seeded request
//! generator for agreement tests and benches). This crate does not depend on
//! the root crate.

#![forbid(unsafe_code)]
#![warn(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod decision;
pub mod r#gen;
pub mod native;
pub mod rego;
pub mod request;
pub mod table;

pub use r#gen::Generator;

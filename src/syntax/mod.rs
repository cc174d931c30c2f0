//! Stage 1: source text -> syntax tree, with spans on every node.
//!
//! - `ast.rs`: the syntax tree, as written.
//! - `span.rs`: byte spans, and nodes that carry them.
//! - `parse/`: text -> tree; the only place pest (and its `Rule`) is seen.

pub mod ast;
mod parse;
pub mod span;

pub use parse::{SyntaxError, parse_expr, parse_policy};

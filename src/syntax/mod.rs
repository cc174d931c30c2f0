//! Stage 1: source text -> syntax tree, with spans on every node.

pub mod ast;
mod parse;
pub mod span;

pub use parse::{SyntaxError, parse_expr, parse_policy};

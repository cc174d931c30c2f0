//! Stage 3: the compiled form and the evaluator. The optimizer turns a
//! checked [`program::Program`] into a [`Plan`]; expressions, compiled to
//! closures, evaluate by Kleene's three-valued logic; [`evaluate`] applies
//! the rules, stage by stage, and gives the [`Verdict`] from which the
//! decision is built or written.
//!
//! | file | what it owns |
//! |---|---|
//! | `program/` | the data model: values, types, declarations, rules, nodes |
//! | `facts.rs` | a request's [`Facts`] and a worker's [`Scratch`] |
//! | `ops.rs` | [`Eval`]: the language's operations, three-valued |
//! | `show.rs` | how values are written in messages and by the REPL |
//! | `compile.rs` | each node to a closure over [`Eval`]'s operations |
//! | `plan.rs` | a program ready to run: rule codes and candidate bit sets |
//! | `analysis.rs` | what a node depends on (the optimizer's questions) |
//! | `fold.rs` | row folding: parts that depend only on a line's code |
//! | `optimize.rs` | the optimizer's passes, program in, [`Plan`] out |
//! | `apply.rs` | applying the rules of a plan to one request |
//! | `work.rs` | what applying the rules produced, in reusable buffers |
//! | `verdict.rs` | settling that into the decision's fields |
//! | `json.rs` | the decision's JSON, written straight from a [`Verdict`] |
//!
//! The modules depend on each other in one direction: `program` <-
//! `ops`/`compile` <- `plan` <- `analysis` <- `fold` <- `optimize`, and
//! `plan` <- `apply` -> `work` <- `verdict` <- `json`. (A node's code is a
//! closure over [`Eval`], so `program` names [`Eval`]'s type.)

mod analysis;
mod apply;
pub mod compile;
mod facts;
mod fold;
mod json;
mod ops;
pub mod optimize;
pub mod plan;
pub mod program;
mod show;
mod verdict;
mod work;

pub use apply::{BranchStep, BranchWalker, decide, evaluate, walk_branches};
pub use facts::{FACT_LIST, Facts, Scratch};
pub use ops::{Eval, and3, truth};
pub use optimize::optimize;
pub use plan::Plan;
pub use show::{format_number, write_number};
pub use verdict::Verdict;

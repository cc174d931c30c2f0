//! The decision (contract `decision.md`) as serde types.
//!
//! Stage: output. Owns the shape the peers' decisions serialize to; the
//! native baseline builds it, the tests compare the Rego peer's JSON with it.

use serde::Serialize;

use crate::request::Code;

/// A line's (and the request's) outcome; the derived order is the ranking of
/// `rules.md`, least decisive first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Outcome {
    NotRequired,
    Proceed,
    Supported,
    Review,
    Alternative,
    Pend,
    Redirect,
    NotSupported,
}

/// `guideline` (G1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Guideline {
    Pediatric,
    General,
}

/// `authority` (C1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Authority {
    Cms,
    Guidelines,
}

/// The decision of `decision.md`, without `trace`: the baseline does not
/// record which rules fired in order, only their effects (it is the floor of
/// the comparison, and a trace would cost allocations the engine may avoid
/// when tracing is off).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// The request's `id`, or null.
    pub id: Option<String>,
    /// The most decisive line outcome.
    pub outcome: Outcome,
    /// G1; null when the age is unknown.
    pub guideline: Option<Guideline>,
    /// C1.
    pub authority: Authority,
    /// One entry per request line, in request order.
    pub lines: Vec<LineDecision>,
    /// Union of the lines' alternatives; sorted, unique.
    pub alternatives: Vec<Code>,
    /// Union of the lines' redirect targets; sorted, unique.
    pub redirect_to: Vec<Code>,
    /// Dotted paths of the facts that made a line pend; sorted, unique.
    pub missing: Vec<&'static str>,
    /// Cautions from annotation rules (unique, in order of first firing).
    pub cautions: Vec<&'static str>,
    /// Sections behind every rule that fired; sorted, unique.
    pub citations: Vec<&'static str>,
}

/// One entry of `lines`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineDecision {
    /// The line's code.
    pub code: Code,
    /// The line's outcome.
    pub outcome: Outcome,
    /// Codes suggested instead; sorted, unique.
    pub alternatives: Vec<Code>,
    /// Codes the service must be requested under; sorted, unique.
    pub redirect_to: Vec<Code>,
    /// Sections behind the rules that fired for this line; sorted, unique.
    pub citations: Vec<&'static str>,
}

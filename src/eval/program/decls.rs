//! What a policy declares besides its rules: vocabularies, text formats,
//! records, facts, outcomes, annotations, and the decision's lines.

use regex::Regex;

use super::value::{FactKind, Sym, Type, Value, ValueSpec};
use crate::syntax::span::Span;

/// A vocabulary.
#[derive(Clone, Debug)]
pub struct EnumInfo {
    /// Its name.
    pub name: String,
    /// Its values, in declaration order.
    pub values: Vec<Sym>,
    /// Where it was declared.
    pub span: Span,
}

/// A text format.
#[derive(Clone, Debug)]
pub struct Format {
    /// Its name.
    pub name: String,
    /// What the text must match.
    pub regex: Regex,
    /// The table whose key this format is, if any.
    pub table: Option<u32>,
}

/// A record type.
#[derive(Clone, Debug)]
pub struct RecordInfo {
    /// Its name.
    pub name: String,
    /// Its fields, in declaration order.
    pub fields: Vec<FieldInfo>,
}

/// A record field.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    /// Its name.
    pub name: String,
    /// What its values must be.
    pub spec: ValueSpec,
    /// What its absence means.
    pub kind: FactKind,
    /// Where it was declared.
    pub span: Span,
}

/// A fact of the request.
#[derive(Clone, Debug)]
pub struct FactInfo {
    /// Its dotted path.
    pub path: String,
    /// What its values must be.
    pub spec: ValueSpec,
    /// What its absence means.
    pub kind: FactKind,
    /// Where it was declared.
    pub span: Span,
}

/// The outcomes and how they combine.
#[derive(Clone, Debug, Default)]
pub struct Outcomes {
    /// Names, most decisive first: an outcome's index is its rank.
    pub names: Vec<String>,
    /// The outcome of a line no rule decides.
    pub default: u32,
    /// The outcome of a line an unknown fact keeps from being decided.
    pub pending: u32,
    /// For each outcome, the outcomes still allowed on a line that has it.
    pub restrict: Vec<Option<Vec<u32>>>,
}

/// A decision annotation.
#[derive(Clone, Debug)]
pub struct Annotation {
    /// Its name in the decision.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its value when no rule sets it (`Absent`: null).
    pub default: Value,
    /// The same, as JSON.
    pub default_json: serde_json::Value,
}

/// Which list the decision's lines are.
#[derive(Clone, Debug)]
pub struct LinesInfo {
    /// The list fact.
    pub fact: u32,
    /// The field shown as the line's code.
    pub shown_by: u32,
}

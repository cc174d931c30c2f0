//! Stages, rules, their branches and effects, messages, and definitions.

use super::node::Node;
use super::value::Type;
use crate::syntax::span::Span;

/// A stage of rules.
#[derive(Clone, Debug)]
pub struct Stage {
    /// Its name.
    pub name: String,
    /// A rule that decides a line in this stage decides it alone.
    pub decides_alone: bool,
    /// Its rules, by index into [`Program::rules`].
    pub rules: Vec<u32>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `M1`
    pub id: String,
    /// `mri-unsafe-implant`
    pub name: String,
    /// `M1 mri-unsafe-implant`, as the trace shows it.
    pub label: String,
    /// The cited section (index into [`Program::sections`]).
    pub cites: Option<u32>,
    /// The local slot of the `for each` variable: a line rule.
    pub for_each: Option<u32>,
    /// The guard.
    pub when: Option<Node>,
    /// The branches: the first whose condition holds applies.
    pub branches: Vec<Branch>,
    /// The stage.
    pub stage: u32,
    /// The whole rule.
    pub span: Span,
}

/// A compiled branch.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Its condition (`None`: `then` or `else`).
    pub cond: Option<Node>,
    /// Its outcome, if it decides.
    pub outcome: Option<u32>,
    /// The codes of `to`.
    pub to: Option<Node>,
    /// The other effects.
    pub effects: Vec<Effect>,
    /// The reviewer's message.
    pub message: Option<Message>,
    /// The whole branch.
    pub span: Span,
}

/// An effect other than the outcome.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Codes recommended instead.
    Offer(Node),
    /// A caution.
    Caution(Message),
    /// Missing facts (slots); `true`: only those that are unknown.
    Missing(bool, Vec<u32>),
    /// An annotation's value.
    Set(u32, Node),
}

/// A message with holes.
#[derive(Clone, Debug)]
pub struct Message {
    /// Its pieces.
    pub parts: Vec<MessagePart>,
}

/// A piece of a message.
#[derive(Clone, Debug)]
pub enum MessagePart {
    /// Text.
    Text(String),
    /// A value to print.
    Hole(Node),
}

/// A definition.
#[derive(Clone, Debug)]
pub struct Define {
    /// Its name.
    pub name: String,
    /// The local slots of its parameters.
    pub params: Vec<u32>,
    /// The types of its parameters.
    pub param_types: Vec<Type>,
    /// Its body.
    pub body: Node,
    /// Its result type.
    pub ty: Type,
    /// Where it was declared.
    pub span: Span,
}

//! A compiled expression: its operation ([`NodeKind`]), its span and its
//! code, and the one visitor over its operands.

use super::value::Value;
use crate::eval::compile::Code;
use crate::syntax::ast::{Quantifier, TestOp};
use crate::syntax::span::Span;

/// A compiled expression.
#[derive(Clone, Debug)]
pub struct Node {
    /// What it computes.
    pub kind: NodeKind,
    /// Where it was written.
    pub span: Span,
    /// How it computes it (see `eval::compile`).
    pub code: Code,
}

/// The one match behind [`Node::for_each_child`] and its `_mut` twin:
/// `kind` is `&NodeKind` or `&mut NodeKind`, `f` is called with each operand.
macro_rules! each_child {
    ($kind:expr, $f:ident) => {
        match $kind {
            NodeKind::Const(_) | NodeKind::Fact(_) | NodeKind::Local(_) | NodeKind::Let(_) => {}
            NodeKind::Field(x, _)
            | NodeKind::Not(x)
            | NodeKind::Neg(x)
            | NodeKind::Test(_, x)
            | NodeKind::Column { key: x, .. } => $f(x, None),
            NodeKind::And(a, b)
            | NodeKind::Or(a, b)
            | NodeKind::Cmp(_, a, b)
            | NodeKind::In(_, a, b)
            | NodeKind::Set(_, a, b)
            | NodeKind::Arith(_, a, b) => {
                $f(a, None);
                $f(b, None);
            }
            NodeKind::List(items) | NodeKind::Call(_, items) => {
                for x in items {
                    $f(x, None);
                }
            }
            NodeKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                let bound = Some(Bound {
                    var: *var,
                    over: fact_of(list),
                });
                $f(list, None);
                $f(item, bound);
                if let Some(x) = filter {
                    $f(x, bound);
                }
            }
            NodeKind::Quantifier {
                var, list, cond, ..
            } => {
                let bound = Some(Bound {
                    var: *var,
                    over: fact_of(list),
                });
                $f(list, None);
                if let Some(x) = cond {
                    $f(x, bound);
                }
            }
            NodeKind::Query { tests, .. } => {
                for (_, _, x) in tests {
                    $f(x, None);
                }
            }
            NodeKind::Match(v, arms) => {
                $f(v, None);
                for (_, x) in arms {
                    $f(x, None);
                }
            }
        }
    };
}

/// The fact a node is, if it is one.
fn fact_of(n: &Node) -> Option<u32> {
    match n.kind {
        NodeKind::Fact(f) => Some(f),
        _ => None,
    }
}

impl Node {
    /// A node, compiled: its operands' code is already built.
    pub fn new(kind: NodeKind, span: Span) -> Node {
        let code = crate::eval::compile::compile(&kind);
        Node { kind, span, code }
    }

    /// Calls `f` with each of its operands, and the variable it sees bound
    /// by this node, if any.
    pub fn for_each_child<'n>(&'n self, f: &mut dyn FnMut(&'n Node, Option<Bound>)) {
        each_child!(&self.kind, f)
    }

    /// [`Node::for_each_child`], the operands to change.
    pub fn for_each_child_mut(&mut self, f: &mut dyn FnMut(&mut Node, Option<Bound>)) {
        each_child!(&mut self.kind, f)
    }
}

/// The variable a quantifier or comprehension binds for its condition (and
/// item), and the fact it ranges over when its list is one.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The variable's local slot.
    pub var: u32,
    /// The fact slot of the list, when the list is a fact (`order.lines`).
    pub over: Option<u32>,
}

/// The comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// The set operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetOp {
    /// `has any of`
    Any,
    /// `has none of`
    None,
    /// `has all of`
    All,
}

/// The arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A compiled expression's operation.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A value known when compiling (literals, constants, named sets).
    Const(Value),
    /// A fact of the request, by slot.
    Fact(u32),
    /// A local: a `for each`, quantifier or parameter variable.
    Local(u32),
    /// A rule's `let`, by index into [`Program::lets`].
    Let(u32),
    /// A record field.
    Field(Box<Node>, u32),
    /// A table column looked up by key.
    Column {
        /// The key.
        key: Box<Node>,
        /// The table.
        table: u32,
        /// The column.
        column: u32,
    },
    /// `not`
    Not(Box<Node>),
    /// `-`
    Neg(Box<Node>),
    /// `and`
    And(Box<Node>, Box<Node>),
    /// `or`
    Or(Box<Node>, Box<Node>),
    /// A comparison.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `in` (`true`: `not in`).
    In(bool, Box<Node>, Box<Node>),
    /// `has any/none/all of`
    Set(SetOp, Box<Node>, Box<Node>),
    /// Arithmetic.
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// A postfix test.
    Test(TestOp, Box<Node>),
    /// `{a, b}`
    List(Vec<Node>),
    /// `{item for var in list where filter}`
    Comprehension {
        /// What each kept item gives.
        item: Box<Node>,
        /// The variable's slot.
        var: u32,
        /// The list.
        list: Box<Node>,
        /// Which items to keep.
        filter: Option<Box<Node>>,
    },
    /// `any/all/no/count var in list where cond`
    Quantifier {
        /// Which.
        kind: Quantifier,
        /// The variable's slot.
        var: u32,
        /// The list.
        list: Box<Node>,
        /// The condition.
        cond: Option<Box<Node>>,
        /// `other`: skip the item held by this local.
        skip: Option<u32>,
    },
    /// `table where col is v and col in vs`
    Query {
        /// The table.
        table: u32,
        /// Column, `in`, value.
        tests: Vec<(u32, bool, Node)>,
    },
    /// `match v { pattern => result }` (`None`: `else`).
    Match(Box<Node>, Vec<(Option<Value>, Node)>),
    /// A definition applied to arguments.
    Call(u32, Vec<Node>),
}

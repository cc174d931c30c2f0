//! What a compiled expression depends on: the questions the optimizer asks
//! of a node before it filters, guards or folds it. Each answer is exact
//! or errs on the side of "depends": an optimization built on a wrong "does
//! not depend" would change decisions.

use super::program::{LineKey, Node, NodeKind, Program};
use crate::syntax::span::Span;

/// Whether `node` depends on nothing but constants and the code of the line
/// held by local `var` (`line.code.family is ct`). Sees through definitions
/// called with the line or with such values, and through `let`s.
pub fn code_only(program: &Program, node: &Node, var: u32, key: LineKey) -> bool {
    code_only_in(program, node, &[var], &[], key.field)
}

/// `lines`: locals holding the line; `values`: locals holding code-only
/// values.
fn code_only_in(program: &Program, node: &Node, lines: &[u32], values: &[u32], field: u32) -> bool {
    let ok = |n: &Node| code_only_in(program, n, lines, values, field);
    match &node.kind {
        NodeKind::Const(_) => true,
        NodeKind::Local(v) => values.contains(v),
        NodeKind::Field(rec, f) => {
            *f == field && matches!(rec.kind, NodeKind::Local(v) if lines.contains(&v))
        }
        NodeKind::Let(id) => program.lets.get(*id as usize).is_some_and(ok),
        NodeKind::Call(id, args) => {
            let Some(def) = program.defines.get(*id as usize) else {
                return false;
            };
            let mut inner_lines = Vec::new();
            let mut inner_values = Vec::new();
            for (param, arg) in def.params.iter().zip(args) {
                match arg.kind {
                    NodeKind::Local(v) if lines.contains(&v) => inner_lines.push(*param),
                    _ if ok(arg) => inner_values.push(*param),
                    _ => return false,
                }
            }
            !args.is_empty() && code_only_in(program, &def.body, &inner_lines, &inner_values, field)
        }
        // Operations whose value is a function of their operands alone.
        NodeKind::Column { .. }
        | NodeKind::Not(_)
        | NodeKind::Test(..)
        | NodeKind::And(..)
        | NodeKind::Or(..)
        | NodeKind::Cmp(..)
        | NodeKind::In(..)
        | NodeKind::Set(..)
        | NodeKind::Match(..)
        | NodeKind::Query { .. } => {
            let mut all = true;
            node.for_each_child(&mut |child, _| all = all && ok(child));
            all
        }
        NodeKind::Fact(_)
        | NodeKind::Neg(_)
        | NodeKind::Arith(..)
        | NodeKind::List(_)
        | NodeKind::Comprehension { .. }
        | NodeKind::Quantifier { .. } => false,
    }
}

/// Whether a code-only node reads the line's code itself, not only its
/// columns (`line.code is "76376"`). Such a node's value on one code outside
/// the table is not its value on every other: a rule may name one.
pub fn reads_code(program: &Program, node: &Node, lines: &[u32], field: u32) -> bool {
    let is_code = |n: &Node| {
        matches!(&n.kind, NodeKind::Field(rec, f)
            if *f == field && matches!(rec.kind, NodeKind::Local(v) if lines.contains(&v)))
    };
    match &node.kind {
        NodeKind::Column { key, .. } if is_code(key) => false,
        _ if is_code(node) => true,
        NodeKind::Let(id) => program
            .lets
            .get(*id as usize)
            .is_none_or(|body| reads_code(program, body, lines, field)),
        NodeKind::Call(id, args) => {
            let Some(def) = program.defines.get(*id as usize) else {
                return true;
            };
            let inner: Vec<u32> = def
                .params
                .iter()
                .zip(args)
                .filter(|(_, a)| matches!(a.kind, NodeKind::Local(v) if lines.contains(&v)))
                .map(|(p, _)| *p)
                .collect();
            args.iter().any(|a| reads_code(program, a, lines, field))
                || (!inner.is_empty() && reads_code(program, &def.body, &inner, field))
        }
        _ => {
            let mut reads = false;
            node.for_each_child(&mut |c, _| reads |= reads_code(program, c, lines, field));
            reads
        }
    }
}

/// Whether a node depends only on the columns of the line's code: its value
/// is the same for every code outside the table. The line filters decide
/// such conjuncts for every line.
pub fn columns_only(program: &Program, node: &Node, var: u32, key: LineKey) -> bool {
    code_only(program, node, var, key) && !reads_code(program, node, &[var], key.field)
}

/// Whether a node reads the local `var` (the rule's line), directly, through
/// a `let`, an argument, or as the item an `other` quantifier skips.
pub fn uses_local(program: &Program, node: &Node, var: u32) -> bool {
    match &node.kind {
        NodeKind::Local(v) => *v == var,
        NodeKind::Let(id) => program
            .lets
            .get(*id as usize)
            .is_none_or(|body| uses_local(program, body, var)),
        NodeKind::Quantifier { skip, .. } if *skip == Some(var) => true,
        // A definition sees only its arguments and the globals: its
        // operands are its arguments.
        _ => {
            let mut uses = false;
            node.for_each_child(&mut |c, _| uses = uses || uses_local(program, c, var));
            uses
        }
    }
}

/// The conjuncts of a node: the operands of its `and`s, left to right.
pub fn conjuncts<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.kind {
        NodeKind::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(node),
    }
}

/// The conjunction of `parts` (`None`, true, when there are none).
pub fn conjoin(parts: Vec<Node>, span: Span) -> Option<Node> {
    parts
        .into_iter()
        .reduce(|a, b| Node::new(NodeKind::And(Box::new(a), Box::new(b)), span))
}

//! Declarations nothing uses: `unused-const`, `unused-set`,
//! `unused-definition` (dead code: warnings), `unused-fact` and
//! `unused-column` (informational: the declaration still lets requests carry
//! the field, or still checks the table's cells).

use std::sync::Arc;

use super::hash::Set;
use super::{Finding, SourceFile};
use crate::eval::program::{Effect, Global, MessagePart, Node, NodeKind, Program};
use crate::syntax::ast::{Decl, Policy};
use crate::syntax::span::Span;

/// What the program's expressions refer to.
#[derive(Default)]
struct Uses {
    facts: Set<u32>,
    columns: Set<(u32, u32)>,
    /// Definitions reached from a rule.
    defines: Set<u32>,
}

/// The names of the constants, sets and definitions, with their spans
/// (taken from the syntax tree, so that it need not be kept).
#[derive(Default)]
pub(crate) struct Declared {
    consts: Vec<(String, Span)>,
    sets: Vec<(String, Span)>,
    defines: Vec<(String, Span)>,
}

impl Declared {
    pub fn of(ast: &Policy) -> Declared {
        let mut d = Declared::default();
        for decl in &ast.decls {
            match decl {
                Decl::Const(c) => d.consts.push((c.name.node.clone(), c.name.span)),
                Decl::Set(s) => d.sets.push((s.name.node.clone(), s.name.span)),
                Decl::Define(def) => d.defines.push((def.name.node.clone(), def.name.span)),
                _ => {}
            }
        }
        d
    }
}

pub(crate) fn check(
    source: &Arc<SourceFile>,
    program: &Program,
    declared: &Declared,
    out: &mut Vec<Finding>,
) {
    let mut uses = Uses::default();
    for rule in &program.rules {
        let mut nodes: Vec<&Node> = rule.when.iter().collect();
        for b in &rule.branches {
            nodes.extend(b.cond.iter().chain(b.to.iter()));
            for e in &b.effects {
                match e {
                    Effect::Offer(n) | Effect::Set(_, n) => nodes.push(n),
                    Effect::Caution(m) => nodes.extend(holes(&m.parts)),
                    Effect::Missing(_, slots) => uses.facts.extend(slots),
                }
            }
            if let Some(m) = &b.message {
                nodes.extend(holes(&m.parts));
            }
        }
        for n in nodes {
            walk(program, n, &mut uses, true);
        }
    }
    for n in &program.lets {
        walk(program, n, &mut uses, true);
    }
    // Facts and columns read by any definition, used or not, count as read.
    let reached = uses.defines.clone();
    for d in &program.defines {
        walk(program, &d.body, &mut uses, false);
    }
    uses.defines = reached;
    if let Some(lines) = &program.lines {
        uses.facts.insert(lines.fact);
    }
    if let Some(id) = program.id_fact {
        uses.facts.insert(id);
    }

    for (name, span) in &declared.consts {
        if !program.used.contains(name) {
            out.push(
                Finding::new(
                    source,
                    "unused-const",
                    *span,
                    format!("constant `{name}` is never used"),
                )
                .label("not used")
                .help("use it where its value is written out, or remove it"),
            );
        }
    }
    for (name, span) in &declared.sets {
        if !program.used.contains(name) {
            out.push(
                Finding::new(
                    source,
                    "unused-set",
                    *span,
                    format!("set `{name}` is never used"),
                )
                .label("not used")
                .help("use it where its values are listed out, or remove it"),
            );
        }
    }
    for (name, span) in &declared.defines {
        let reached = match program.globals.get(name) {
            Some(Global::Define(id)) => uses.defines.contains(id),
            _ => true,
        };
        if !reached {
            out.push(
                Finding::new(
                    source,
                    "unused-definition",
                    *span,
                    format!("definition `{name}` is never used by a rule"),
                )
                .label("not used")
                .help("use it in a rule, or remove it (and what only it uses)"),
            );
        }
    }
    for (slot, fact) in program.facts.iter().enumerate() {
        if !uses.facts.contains(&(slot as u32)) {
            out.push(
                Finding::new(
                    source,
                    "unused-fact",
                    fact.span,
                    format!("no rule reads fact `{}`", fact.path),
                )
                .label("never read")
                .help("requests may still carry it (the declaration accepts the field), but it never changes a decision; if that is meant, allow the lint"),
            );
        }
    }
    for (t, table) in program.tables.iter().enumerate() {
        for (c, column) in table.columns.iter().enumerate() {
            if !uses.columns.contains(&(t as u32, c as u32)) {
                out.push(
                    Finding::new(
                        source,
                        "unused-column",
                        column.span,
                        format!("no rule reads column `{}` of table `{}`", column.name, table.name),
                    )
                    .label("never read")
                    .help("the table still checks its cells; extra columns of the file may go undeclared, so remove it if it is not needed"),
                );
            }
        }
    }
}

fn holes(parts: &[MessagePart]) -> impl Iterator<Item = &Node> {
    parts.iter().filter_map(|p| match p {
        MessagePart::Hole(n) => Some(n),
        MessagePart::Text(_) => None,
    })
}

/// Records what `n` refers to; with `follow`, the definitions it calls too.
fn walk(program: &Program, n: &Node, uses: &mut Uses, follow: bool) {
    match &n.kind {
        NodeKind::Fact(slot) => {
            uses.facts.insert(*slot);
        }
        NodeKind::Column { table, column, .. } => {
            uses.columns.insert((*table, *column));
        }
        NodeKind::Query { table, tests } => {
            uses.columns
                .extend(tests.iter().map(|(c, _, _)| (*table, *c)));
        }
        NodeKind::Call(id, _) => {
            if follow
                && uses.defines.insert(*id)
                && let Some(d) = program.defines.get(*id as usize)
            {
                walk(program, &d.body, uses, follow);
            }
        }
        _ => {}
    }
    n.for_each_child(&mut |x, _| walk(program, x, uses, follow));
}

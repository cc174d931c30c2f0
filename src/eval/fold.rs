//! Row folding: a part of a condition, effect or message that depends only
//! on a line's code (`same_site(line, without)`, `l.code.family is ct`) has
//! one value per row of the code table. When the policy compiles, such a
//! part's code becomes a lookup by the line's row (see
//! [`super::compile::by_row`]) that remembers each row's value the first
//! time a line of that row needs it; a policy loads as fast as before, and a
//! worker that has seen a row does not compute its values again.
//!
//! The node keeps its kind, so explanations, the REPL and the linter see the
//! expression as written; only its code changes, and the nodes above it are
//! recompiled to call the new code.

use super::analysis::{code_only, reads_code};
use super::compile::{by_row, compile};
use super::plan::Guards;
use super::program::{Branch, Effect, LineKey, Message, MessagePart, Node, NodeKind, Program};

/// Folds every rule (with the guards the optimizer split from it), `let`
/// and definition of the program.
pub fn fold(program: &mut Program, keyed: LineKey, guards: &mut [Guards]) {
    // Deciding what to fold reads the lets and definitions, not the rules.
    let mut rules = std::mem::take(&mut program.rules);
    for (rule, guard) in rules.iter_mut().zip(guards) {
        let vars: Vec<u32> = rule.for_each.into_iter().collect();
        let sites = rule.when.iter_mut().chain(guard.nodes_mut());
        for node in sites {
            fold_node(program, keyed, node, &vars);
        }
        for branch in &mut rule.branches {
            for node in branch.cond.iter_mut().chain(branch.to.iter_mut()) {
                fold_node(program, keyed, node, &vars);
            }
            for effect in &mut branch.effects {
                match effect {
                    Effect::Offer(n) | Effect::Set(_, n) => {
                        fold_node(program, keyed, n, &vars);
                    }
                    Effect::Caution(m) => fold_message(program, keyed, m, &vars),
                    Effect::Missing(..) => {}
                }
            }
            if let Some(m) = &mut branch.message {
                fold_message(program, keyed, m, &vars);
            }
        }
        // The rule's `let`s see its line.
        let mut lets = Vec::new();
        for node in rule
            .when
            .iter()
            .chain(rule.branches.iter().flat_map(branch_nodes))
        {
            visit_lets(node, &mut |id| lets.push(id));
        }
        for id in lets {
            if let Some(mut body) = take_node(program.lets.get_mut(id as usize)) {
                fold_node(program, keyed, &mut body, &vars);
                program.lets[id as usize] = body;
            }
        }
    }
    program.rules = rules;
    for d in 0..program.defines.len() {
        if let Some(mut body) = take_node(program.defines.get_mut(d).map(|d| &mut d.body)) {
            fold_node(program, keyed, &mut body, &[]);
            program.defines[d].body = body;
        }
    }
}

/// Takes a node out of its place, leaving a constant.
fn take_node(place: Option<&mut Node>) -> Option<Node> {
    let place = place?;
    let stand_in = Node::new(NodeKind::Const(super::program::Value::Unknown), place.span);
    Some(std::mem::replace(place, stand_in))
}

/// The nodes of a branch: condition, codes, effects, message holes.
fn branch_nodes(b: &Branch) -> impl Iterator<Item = &Node> {
    let effects = b
        .effects
        .iter()
        .flat_map(|e| -> Box<dyn Iterator<Item = &Node>> {
            match e {
                Effect::Offer(n) | Effect::Set(_, n) => Box::new(std::iter::once(n)),
                Effect::Caution(m) => Box::new(holes(m)),
                Effect::Missing(..) => Box::new(std::iter::empty()),
            }
        });
    b.cond
        .iter()
        .chain(b.to.iter())
        .chain(effects)
        .chain(b.message.iter().flat_map(holes))
}

fn holes(m: &Message) -> impl Iterator<Item = &Node> {
    m.parts.iter().filter_map(|p| match p {
        MessagePart::Hole(n) => Some(n),
        MessagePart::Text(_) => None,
    })
}

fn visit_lets(n: &Node, f: &mut dyn FnMut(u32)) {
    if let NodeKind::Let(id) = n.kind {
        f(id);
    }
    n.for_each_child(&mut |c, _| visit_lets(c, f));
}

fn fold_message(program: &Program, keyed: LineKey, m: &mut Message, vars: &[u32]) {
    for p in &mut m.parts {
        if let MessagePart::Hole(n) = p {
            fold_node(program, keyed, n, vars);
        }
    }
}

/// Whether a node is worth a lookup: anything but a constant, a local, and
/// a field or column of a local, which cost no more than the lookup, and a
/// `let`, whose body is folded on its own.
fn worth_folding(n: &Node) -> bool {
    let of_local =
        |x: &Node| matches!(&x.kind, NodeKind::Field(r, _) if matches!(r.kind, NodeKind::Local(_)));
    match &n.kind {
        NodeKind::Const(_) | NodeKind::Local(_) | NodeKind::Let(_) => false,
        NodeKind::Field(..) => !of_local(n),
        NodeKind::Column { key, .. } => !of_local(key),
        _ => true,
    }
}

/// Folds the largest parts of `node` that depend only on the code of a line
/// held by a local of `vars`, and recompiles what is above them. Whether it
/// changed.
fn fold_node(program: &Program, keyed: LineKey, node: &mut Node, vars: &[u32]) -> bool {
    if worth_folding(node) {
        // The innermost variable first: a quantifier's, then the rule's.
        if let Some(&var) = vars
            .iter()
            .rev()
            .find(|&&v| code_only(program, node, v, keyed))
        {
            // A node that reads the code itself has, on a code outside the
            // table, that code's value: it is not remembered for that row.
            let outside = !reads_code(program, node, &[var], keyed.field);
            let rows = program.tables[keyed.table as usize].keys.len() + 1;
            node.code = by_row(var, keyed, rows, outside, node.code.clone());
            return true;
        }
    }
    // A quantifier or comprehension over the lines binds a line too.
    let mut changed = false;
    node.for_each_child_mut(&mut |child, bound| {
        let inner: Vec<u32>;
        let vars = match bound {
            Some(b) if b.over == Some(keyed.lines) => {
                inner = vars.iter().copied().chain([b.var]).collect();
                &inner[..]
            }
            _ => vars,
        };
        changed |= fold_node(program, keyed, child, vars);
    });
    if changed {
        node.code = compile(&node.kind);
    }
    changed
}

//! Line filters, computed once when a policy compiles: for each line rule,
//! which rows of the code table can satisfy the parts of its condition that
//! depend only on the line's code (`line.code.family is ct`). At run time a
//! rule whose filter rejects a line's code is skipped for that line.
//!
//! Exact, not a heuristic: a filtered part is a conjunct of the condition,
//! and a false conjunct makes the condition false whatever else is unknown.

use super::program::{Candidates, Node, NodeKind, Program, RuleCode, Type, Value};
use super::{Eval, Facts, Scratch};

/// The record field of the decision's lines that keys the code table, and
/// that table: `(field, table)`.
fn keyed_field(program: &Program) -> Option<(u32, u32)> {
    let lines = program.lines.as_ref()?;
    let Type::List(item) = &program.facts.get(lines.fact as usize)?.spec.ty else {
        return None;
    };
    let Type::Record(r) = **item else { return None };
    program
        .records
        .get(r as usize)?
        .fields
        .iter()
        .enumerate()
        .find_map(|(i, f)| match f.spec.ty {
            Type::Text(Some(fmt)) => program
                .formats
                .get(fmt as usize)?
                .table
                .map(|t| (i as u32, t)),
            _ => None,
        })
}

/// Whether a node depends on nothing but constants and the line's code
/// (`var` holds the line; `field` is its code). Sees through definitions
/// called with the line or with such values, and through `let`s.
pub(super) fn code_only(program: &Program, node: &Node, var: u32, field: u32) -> bool {
    code_only_in(program, node, &[var], &[], field)
}

/// `lines`: locals holding the line; `values`: locals holding code-only values.
fn code_only_in(program: &Program, node: &Node, lines: &[u32], values: &[u32], field: u32) -> bool {
    let ok = |n: &Node| code_only_in(program, n, lines, values, field);
    match &node.kind {
        NodeKind::Const(_) => true,
        NodeKind::Local(v) => values.contains(v),
        NodeKind::Field(rec, f) => {
            *f == field && matches!(rec.kind, NodeKind::Local(v) if lines.contains(&v))
        }
        NodeKind::Column { key, .. } => ok(key),
        NodeKind::Not(x) | NodeKind::Test(_, x) => ok(x),
        NodeKind::And(a, b)
        | NodeKind::Or(a, b)
        | NodeKind::Cmp(_, a, b)
        | NodeKind::In(_, a, b)
        | NodeKind::Set(_, a, b) => ok(a) && ok(b),
        NodeKind::Match(v, arms) => ok(v) && arms.iter().all(|(_, r)| ok(r)),
        NodeKind::Query { tests, .. } => tests.iter().all(|(_, _, v)| ok(v)),
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
        _ => false,
    }
}

/// Whether a code-only node reads the line's code itself, not only its
/// columns (`line.code is "76376"`). Such a node's value on the made-up code
/// of the filters' last row is not that of every code outside the table: a
/// rule may name one.
pub(super) fn reads_code(program: &Program, node: &Node, lines: &[u32], field: u32) -> bool {
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
fn columns_only(program: &Program, node: &Node, var: u32, field: u32) -> bool {
    code_only(program, node, var, field) && !reads_code(program, node, &[var], field)
}

/// Whether a node reads the local `var` (the rule's line), directly, through
/// a `let`, an argument, or as the item an `other` quantifier skips.
fn uses_local(program: &Program, node: &Node, var: u32) -> bool {
    let uses = |n: &Node| uses_local(program, n, var);
    match &node.kind {
        NodeKind::Const(_) | NodeKind::Fact(_) => false,
        NodeKind::Local(v) => *v == var,
        NodeKind::Let(id) => program.lets.get(*id as usize).is_none_or(uses),
        NodeKind::Field(x, _) | NodeKind::Not(x) | NodeKind::Neg(x) | NodeKind::Test(_, x) => {
            uses(x)
        }
        NodeKind::Column { key, .. } => uses(key),
        NodeKind::And(a, b)
        | NodeKind::Or(a, b)
        | NodeKind::Cmp(_, a, b)
        | NodeKind::In(_, a, b)
        | NodeKind::Set(_, a, b)
        | NodeKind::Arith(_, a, b) => uses(a) || uses(b),
        NodeKind::List(items) => items.iter().any(uses),
        NodeKind::Comprehension {
            item, list, filter, ..
        } => uses(item) || uses(list) || filter.as_deref().is_some_and(uses),
        NodeKind::Quantifier {
            list, cond, skip, ..
        } => *skip == Some(var) || uses(list) || cond.as_deref().is_some_and(uses),
        NodeKind::Query { tests, .. } => tests.iter().any(|(_, _, n)| uses(n)),
        NodeKind::Match(v, arms) => uses(v) || arms.iter().any(|(_, r)| uses(r)),
        // A definition sees only its arguments and the globals.
        NodeKind::Call(_, args) => args.iter().any(uses),
    }
}

fn conjuncts<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.kind {
        NodeKind::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(node),
    }
}

/// Splits each line rule's `when` into the conjuncts that do not depend on
/// the line (`request_guard`, evaluated once per request) and the rest
/// (`line_guard`, without the parts the line filter decides).
fn request_guards(program: &mut Program) {
    let key = program.line_key.map(|(field, _)| field);
    let mut guards = Vec::with_capacity(program.rules.len());
    for rule in &program.rules {
        let (Some(var), Some(when)) = (rule.for_each, &rule.when) else {
            guards.push(None);
            continue;
        };
        let mut parts = Vec::new();
        conjuncts(when, &mut parts);
        let (request, line): (Vec<&Node>, Vec<&Node>) = parts
            .into_iter()
            .partition(|n| !uses_local(program, n, var));
        if request.is_empty() {
            guards.push(None);
            continue;
        }
        let filtered = rule.line_filter.is_some();
        let line_rest: Vec<Node> = line
            .into_iter()
            .filter(|n| {
                !(filtered && key.is_some_and(|field| columns_only(program, n, var, field)))
            })
            .cloned()
            .collect();
        let request: Vec<Node> = request.into_iter().cloned().collect();
        guards.push(Some((
            conjoin(request, when.span),
            conjoin(line_rest, when.span),
        )));
    }
    for (rule, guard) in program.rules.iter_mut().zip(guards) {
        if let Some((request, line)) = guard {
            rule.request_guard = request;
            rule.line_guard = Some(line);
        }
    }
}

/// The conjunction of `parts` (`true` when there are none).
fn conjoin(parts: Vec<Node>, span: crate::syntax::span::Span) -> Option<Node> {
    parts
        .into_iter()
        .reduce(|a, b| Node::new(NodeKind::And(Box::new(a), Box::new(b)), span))
}

/// Computes every line rule's filter, then each stage's candidates per row,
/// then folds what depends only on a line's code (see [`super::fold`]), and
/// writes the messages' constant holes into their text.
pub fn compute(program: &mut Program) {
    super::compile::constant_holes(program);
    let rows = RowFacts::new(program);
    if let Some(rows) = &rows {
        line_filters(program, rows);
    }
    candidates(program);
    if let Some(rows) = &rows {
        let keyed = super::fold::Keyed {
            field: rows.field,
            table: rows.table,
            lines: program.lines.as_ref().map(|l| l.fact),
        };
        super::fold::fold(program, keyed);
    }
    program.rule_codes = program.rules.iter().map(RuleCode::of).collect();
}

/// A made-up request of one line per row of the code table, and one more
/// line whose code is outside it: what the line filters evaluate.
struct RowFacts {
    /// The line record's field that keys the table.
    field: u32,
    /// The table.
    table: u32,
    /// The number of lines: the table's rows and one more.
    count: usize,
    /// The line record's width.
    width: usize,
    /// The lines' records.
    facts: Facts,
}

impl RowFacts {
    fn new(program: &Program) -> Option<RowFacts> {
        let (field, table) = keyed_field(program)?;
        let width = program
            .lines
            .as_ref()
            .and_then(|l| match &program.facts[l.fact as usize].spec.ty {
                Type::List(item) => match **item {
                    Type::Record(r) => Some(program.records[r as usize].fields.len()),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or(0);
        let keys = &program.tables[table as usize].keys;
        let outside = program.syms.len() as u32;
        let mut facts = Facts::default();
        for key in keys.iter().copied().chain(std::iter::once(outside)) {
            for i in 0..width {
                facts.records.push(if i as u32 == field {
                    Value::Sym(key)
                } else {
                    Value::Unknown
                });
            }
        }
        facts.texts.push(String::new());
        Some(RowFacts {
            field,
            table,
            count: keys.len() + 1,
            width,
            facts,
        })
    }

    /// The line of row `r`.
    fn line(&self, r: usize) -> Value {
        Value::Rec((r * self.width) as u32)
    }
}

/// For each stage and row, the line rules whose filter lets the row
/// through: a line is run through those alone.
fn candidates(program: &mut Program) {
    let rows = program
        .line_key
        .map_or(0, |(_, t)| program.tables[t as usize].keys.len() + 1);
    let candidates = program
        .stages
        .iter()
        .map(|stage| {
            Candidates::new(program, stage, rows, |rule, row| {
                rule.line_filter
                    .as_ref()
                    .is_none_or(|f| f.get(row) != Some(&false))
            })
        })
        .collect();
    program.candidates = candidates;
}

/// Computes every line rule's filter. Row `rows.count - 1` stands for a
/// code outside the table.
fn line_filters(program: &mut Program, rows: &RowFacts) {
    let field = rows.field;
    let mut filters = Vec::with_capacity(program.rules.len());
    let mut residuals = Vec::with_capacity(program.rules.len());
    for rule in &program.rules {
        residuals.push(None);
        let Some(var) = rule.for_each else {
            filters.push(None);
            continue;
        };
        let mut parts: Vec<&Node> = Vec::new();
        if let Some(w) = &rule.when {
            conjuncts(w, &mut parts);
        }
        let when_parts: Vec<&Node> = parts
            .into_iter()
            .filter(|n| code_only(program, n, var, field))
            .collect();
        // Each branch can fire only where its own code-only conjuncts hold.
        let branch_parts: Vec<Vec<&Node>> = rule
            .branches
            .iter()
            .map(|b| {
                let mut parts = Vec::new();
                if let Some(c) = &b.cond {
                    conjuncts(c, &mut parts);
                }
                parts
                    .into_iter()
                    .filter(|n| code_only(program, n, var, field))
                    .collect()
            })
            .collect();
        if when_parts.is_empty() && branch_parts.iter().any(Vec::is_empty) {
            filters.push(None);
            continue;
        }
        let mut scratch = Scratch::default();
        let mut ev = Eval::new(program, &rows.facts, &mut scratch);
        // On the last row, for codes outside the table, only the parts on
        // the code's columns decide: the made-up code stands for none of the
        // codes a rule may name.
        let outside = rows.count - 1;
        let holds = |ev: &mut Eval, parts: &[&Node], r: usize| {
            parts.iter().all(|p| {
                (r == outside && reads_code(program, p, &[var], field))
                    || ev.eval(p) != Value::Bool(false)
            })
        };
        let filter: Vec<bool> = (0..rows.count)
            .map(|r| {
                ev.set_local(var, rows.line(r));
                holds(&mut ev, &when_parts, r) && branch_parts.iter().any(|b| holds(&mut ev, b, r))
            })
            .collect();
        filters.push(Some(filter));
        // Where the filter lets a line through, its conjuncts of `when` on
        // the code's columns hold (they can be neither false nor unknown),
        // so the evaluator need only check the rest.
        if !when_parts.is_empty()
            && let Some(w) = &rule.when
        {
            let mut all = Vec::new();
            conjuncts(w, &mut all);
            let rest: Vec<Node> = all
                .into_iter()
                .filter(|n| !columns_only(program, n, var, field))
                .cloned()
                .collect();
            if let Some(last) = residuals.last_mut() {
                *last = Some(conjoin(rest, w.span));
            }
        }
    }
    for ((rule, filter), residual) in program.rules.iter_mut().zip(filters).zip(residuals) {
        rule.line_filter = filter;
        rule.residual = residual;
    }
    // The request guards leave out of the line guards what the filters decide.
    program.line_key = Some((field, rows.table));
    request_guards(program);
}

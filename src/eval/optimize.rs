//! The optimizer: a checked [`Program`] in, a [`Plan`] that decides every
//! request exactly as [`Plan::plain`] would, with less work. Its passes, in
//! order:
//!
//! 1. **constant holes**: a message's holes that are constants
//!    (`{ADULT_AGE}`) are written into its text;
//! 2. **line filters**: for each line rule, which rows of the code table can
//!    satisfy the conjuncts of its condition that depend only on the line's
//!    code; a rule is not run on a line its filter rejects;
//! 3. **request guards**: a line rule's conjuncts that do not depend on the
//!    line are run once per request, not once per line;
//! 4. **candidates**: per stage and row, the line rules whose filter lets
//!    the row through, as bit sets;
//! 5. **row folding** ([`super::fold`]): a part that depends only on a
//!    line's code is computed once per row.
//!
//! Each is exact, not a heuristic: a filtered part is a conjunct of the
//! condition, and a false conjunct makes the condition false whatever else
//! is unknown. `tests/optimizer.rs` decides the same requests with both
//! plans and compares the bytes.

use super::analysis::{code_only, columns_only, conjoin, conjuncts, reads_code, uses_local};
use super::fold::fold;
use super::plan::{Candidates, Guards, Plan, RuleCode};
use super::program::{Effect, LineKey, MessagePart, Node, NodeKind, Program, Value};
use super::{Eval, Facts, Scratch};

/// Optimizes a checked program.
pub fn optimize(mut program: Program) -> Plan {
    constant_holes(&mut program);
    let key = program.line_key();
    let mut guards: Vec<Guards> = vec![Guards::default(); program.rules.len()];
    if let Some(key) = key {
        let rows = RowFacts::new(&program, key);
        line_filters(&program, &rows, &mut guards);
    }
    request_guards(&program, key, &mut guards);
    let stages = candidates(&program, key, &guards);
    if let Some(key) = key {
        fold(&mut program, key, &mut guards);
    }
    let rules = program
        .rules
        .iter()
        .zip(&guards)
        .map(|(rule, g)| RuleCode::guarded(rule, g))
        .collect();
    Plan::optimized(program, rules, stages, key)
}

/// Writes each message's constant holes (`{ADULT_AGE}`) into its text, so
/// that firing a rule formats only what varies.
fn constant_holes(program: &mut Program) {
    let mut rules = std::mem::take(&mut program.rules);
    let (facts, mut scratch) = (Facts::default(), Scratch::default());
    let ev = Eval::new(program, &facts, &mut scratch);
    for branch in rules.iter_mut().flat_map(|r| r.branches.iter_mut()) {
        let cautions = branch.effects.iter_mut().filter_map(|e| match e {
            Effect::Caution(m) => Some(m),
            _ => None,
        });
        for m in cautions.chain(branch.message.iter_mut()) {
            let mut parts: Vec<MessagePart> = Vec::with_capacity(m.parts.len());
            for part in m.parts.drain(..) {
                let part = match part {
                    MessagePart::Hole(n) => match n.kind {
                        NodeKind::Const(v) => MessagePart::Text(ev.display(v)),
                        _ => MessagePart::Hole(n),
                    },
                    text => text,
                };
                match (parts.last_mut(), part) {
                    (Some(MessagePart::Text(t)), MessagePart::Text(more)) => t.push_str(&more),
                    (_, part) => parts.push(part),
                }
            }
            m.parts = parts;
        }
    }
    program.rules = rules;
}

/// A made-up request of one line per row of the code table, and one more
/// line whose code is outside it: what the line filters evaluate.
struct RowFacts {
    key: LineKey,
    /// The number of lines: the table's rows and one more.
    count: usize,
    /// The line record's width.
    width: usize,
    /// The lines' records.
    facts: Facts,
}

impl RowFacts {
    fn new(program: &Program, key: LineKey) -> RowFacts {
        let width = program.line_width();
        let keys = &program.tables[key.table as usize].keys;
        let outside = program.syms.len() as u32;
        let mut facts = Facts::default();
        for code in keys.iter().copied().chain(std::iter::once(outside)) {
            for i in 0..width {
                facts.records.push(if i as u32 == key.field {
                    Value::Sym(code)
                } else {
                    Value::Unknown
                });
            }
        }
        facts.texts.push(String::new());
        RowFacts {
            key,
            count: keys.len() + 1,
            width,
            facts,
        }
    }

    /// The line of row `r`.
    fn line(&self, r: usize) -> Value {
        Value::Rec((r * self.width) as u32)
    }
}

/// Computes every line rule's filter, and the part of its `when` the filter
/// does not decide. Row `rows.count - 1` stands for a code outside the
/// table.
fn line_filters(program: &Program, rows: &RowFacts, guards: &mut [Guards]) {
    let key = rows.key;
    let mut scratch = Scratch::default();
    for (rule, guard) in program.rules.iter().zip(guards) {
        let Some(var) = rule.for_each else {
            continue;
        };
        let when_parts = code_only_conjuncts(program, rule.when.as_ref(), var, key);
        // Each branch can fire only where its own code-only conjuncts hold.
        let branch_parts: Vec<Vec<&Node>> = rule
            .branches
            .iter()
            .map(|b| code_only_conjuncts(program, b.cond.as_ref(), var, key))
            .collect();
        if when_parts.is_empty() && branch_parts.iter().any(Vec::is_empty) {
            continue;
        }
        let mut ev = Eval::new(program, &rows.facts, &mut scratch);
        // On the last row, for codes outside the table, only the parts on
        // the code's columns decide: the made-up code stands for none of the
        // codes a rule may name.
        let outside = rows.count - 1;
        let holds = |ev: &mut Eval, parts: &[&Node], r: usize| {
            parts.iter().all(|p| {
                (r == outside && reads_code(program, p, &[var], key.field))
                    || ev.eval(p) != Value::Bool(false)
            })
        };
        let filter: Vec<bool> = (0..rows.count)
            .map(|r| {
                ev.set_local(var, rows.line(r));
                holds(&mut ev, &when_parts, r) && branch_parts.iter().any(|b| holds(&mut ev, b, r))
            })
            .collect();
        guard.filter = Some(filter);
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
                .filter(|n| !columns_only(program, n, var, key))
                .cloned()
                .collect();
            guard.residual = Some(conjoin(rest, w.span));
        }
    }
}

/// The conjuncts of a condition that depend only on the code of the line in
/// local `var`.
fn code_only_conjuncts<'a>(
    program: &Program,
    cond: Option<&'a Node>,
    var: u32,
    key: LineKey,
) -> Vec<&'a Node> {
    let mut parts = Vec::new();
    if let Some(c) = cond {
        conjuncts(c, &mut parts);
    }
    parts.retain(|n| code_only(program, n, var, key));
    parts
}

/// Splits each line rule's `when` into the conjuncts that do not depend on
/// the line (the request guard, evaluated once per request) and the rest
/// (the line guard, without the parts the line filter decides).
fn request_guards(program: &Program, key: Option<LineKey>, guards: &mut [Guards]) {
    for (rule, guard) in program.rules.iter().zip(guards) {
        let (Some(var), Some(when)) = (rule.for_each, &rule.when) else {
            continue;
        };
        let mut parts = Vec::new();
        conjuncts(when, &mut parts);
        let (request, line): (Vec<&Node>, Vec<&Node>) = parts
            .into_iter()
            .partition(|n| !uses_local(program, n, var));
        if request.is_empty() {
            continue;
        }
        let filtered = guard.filter.is_some();
        let line_rest: Vec<Node> = line
            .into_iter()
            .filter(|n| !(filtered && key.is_some_and(|key| columns_only(program, n, var, key))))
            .cloned()
            .collect();
        let request: Vec<Node> = request.into_iter().cloned().collect();
        guard.request = conjoin(request, when.span);
        guard.line = Some(conjoin(line_rest, when.span));
    }
}

/// For each stage and row, the line rules whose filter lets the row
/// through: a line is run through those alone.
fn candidates(program: &Program, key: Option<LineKey>, guards: &[Guards]) -> Vec<Candidates> {
    let rows = key.map_or(0, |k| program.tables[k.table as usize].keys.len() + 1);
    program
        .stages
        .iter()
        .map(|stage| {
            Candidates::new(program, stage, rows, |rule, row| {
                guards[rule as usize]
                    .filter
                    .as_ref()
                    .is_none_or(|f| f.get(row) != Some(&false))
            })
        })
        .collect()
}

//! `pended-by-unknown` (informational): a rule whose outcome a fact that
//! `may be unknown` can turn into a pend. When such a fact is missing the
//! rule can neither fire nor stay silent, so the line pends and the fact is
//! listed as missing. Often that is the point (T2 pends on an unknown
//! radiotracer); sometimes the author meant `if known`.
//!
//! Facts the contract calls `required` are left out (a missing required
//! fact pends by design), and so are facts read under `is known`,
//! `is not known` or `if known`, rules whose outcome is the pending outcome
//! itself or ranks at or below the default, and rules that name the fact in
//! a `missing` effect.

use std::sync::Arc;

use super::hash::Map;
use super::{Finding, SourceFile, rule_header};
use crate::eval::program::{Effect, FactKind, Node, NodeKind, Program};
use crate::syntax::ast::TestOp;
use crate::syntax::span::Span;

const LINT: &str = "pended-by-unknown";

pub(crate) fn check(source: &Arc<SourceFile>, program: &Program, out: &mut Vec<Finding>) {
    let outcomes = &program.outcomes;
    let mut memo: Map<u32, Vec<u32>> = Map::default();
    for rule in &program.rules {
        // The conditions that decide whether a deciding branch fires.
        let mut conds: Vec<&Node> = rule.when.iter().collect();
        let mut decisive: Option<u32> = None;
        let mut named: Vec<u32> = Vec::new();
        let mut reads: Vec<(u32, Span)> = Vec::new();
        for b in &rule.branches {
            conds.extend(b.cond.iter());
            for e in &b.effects {
                if let Effect::Missing(_, slots) = e {
                    named.extend(slots);
                }
            }
            let Some(o) = b.outcome else { continue };
            if o == outcomes.pending || o >= outcomes.default {
                continue;
            }
            decisive = Some(decisive.map_or(o, |d| d.min(o)));
            for c in &conds {
                unknowns(program, c, None, &mut memo, &mut reads);
            }
        }
        let Some(outcome) = decisive else { continue };
        let mut facts: Vec<(u32, Span)> = Vec::new();
        for (slot, span) in reads {
            if !named.contains(&slot) && !facts.iter().any(|(s, _)| *s == slot) {
                facts.push((slot, span));
            }
        }
        if facts.is_empty() {
            continue;
        }
        let names: Vec<String> = facts
            .iter()
            .filter_map(|(s, _)| program.facts.get(*s as usize))
            .map(|f| format!("`{}`", f.path))
            .collect();
        let header = rule_header(&source.text, rule.span);
        let mut f = Finding::new(
            source,
            LINT,
            header,
            format!(
                "rule `{}` pends a line when {} {} unknown, instead of deciding `{}`",
                rule.label,
                names.join(" or "),
                if names.len() == 1 { "is" } else { "are" },
                program.outcome_name(outcome)
            ),
        )
        .label("can pend");
        for (_, span) in &facts {
            f = f.related(*span, "may be unknown");
        }
        out.push(f.help(
            "if the rule should apply only when the fact is known, write `CONDITION if known`; if pending is meant, allow the lint: `# dslcheck: allow(pended-by-unknown)`",
        ));
    }
}

/// Facts of kind `may be unknown` a condition reads outside a known-test;
/// `site` is the call a definition's body was reached through.
fn unknowns(
    program: &Program,
    n: &Node,
    site: Option<Span>,
    memo: &mut Map<u32, Vec<u32>>,
    out: &mut Vec<(u32, Span)>,
) {
    let here = site.unwrap_or(n.span);
    match &n.kind {
        NodeKind::Fact(slot) => {
            if program
                .facts
                .get(*slot as usize)
                .is_some_and(|f| f.kind == FactKind::Unknown)
            {
                out.push((*slot, here));
            }
        }
        NodeKind::Test(TestOp::IsKnown | TestOp::IsNotKnown | TestOp::IfKnown, _) => {}
        NodeKind::Let(id) => {
            if let Some(body) = program.lets.get(*id as usize) {
                unknowns(program, body, Some(here), memo, out);
            }
        }
        NodeKind::Call(id, args) => {
            for a in args {
                unknowns(program, a, site, memo, out);
            }
            let facts = match memo.get(id) {
                Some(f) => f.clone(),
                None => {
                    let mut inner = Vec::new();
                    if let Some(def) = program.defines.get(*id as usize) {
                        memo.insert(*id, Vec::new());
                        unknowns(program, &def.body, Some(here), memo, &mut inner);
                    }
                    let slots: Vec<u32> = inner.iter().map(|(s, _)| *s).collect();
                    memo.insert(*id, slots.clone());
                    slots
                }
            };
            out.extend(facts.into_iter().map(|s| (s, here)));
        }
        NodeKind::Const(_) | NodeKind::Local(_) => {}
        NodeKind::Field(x, _)
        | NodeKind::Column { key: x, .. }
        | NodeKind::Not(x)
        | NodeKind::Neg(x)
        | NodeKind::Test(_, x) => unknowns(program, x, site, memo, out),
        NodeKind::And(a, b)
        | NodeKind::Or(a, b)
        | NodeKind::Cmp(_, a, b)
        | NodeKind::In(_, a, b)
        | NodeKind::Set(_, a, b)
        | NodeKind::Arith(_, a, b) => {
            unknowns(program, a, site, memo, out);
            unknowns(program, b, site, memo, out);
        }
        NodeKind::List(items) => items
            .iter()
            .for_each(|i| unknowns(program, i, site, memo, out)),
        NodeKind::Comprehension {
            item, list, filter, ..
        } => {
            unknowns(program, list, site, memo, out);
            if let Some(f) = filter {
                unknowns(program, f, site, memo, out);
            }
            unknowns(program, item, site, memo, out);
        }
        NodeKind::Quantifier { list, cond, .. } => {
            unknowns(program, list, site, memo, out);
            if let Some(c) = cond {
                unknowns(program, c, site, memo, out);
            }
        }
        NodeKind::Query { tests, .. } => tests
            .iter()
            .for_each(|(_, _, v)| unknowns(program, v, site, memo, out)),
        NodeKind::Match(v, arms) => {
            unknowns(program, v, site, memo, out);
            arms.iter()
                .for_each(|(_, r)| unknowns(program, r, site, memo, out));
        }
    }
}

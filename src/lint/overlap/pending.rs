//! Which facts a branch may pend on, and which a rule always reports
//! missing: a redundant rule must not add a fact to `missing`.

use super::super::canon::{CExpr, test_tag};
use super::super::hash::Set;
use super::super::logic::{F, Lit, Logic, Pred};
use super::super::rules::RuleF;
use super::super::solve::Sat;
use crate::eval::program::FactKind;
use crate::syntax::ast::TestOp;

/// The facts some rule reports missing whenever they are unknown (a
/// `required-information` rule), with the stages from which on they are:
/// a rule reading only those cannot change `missing` by pending.
pub(super) fn always_reported(logic: &mut Logic, rules: &[RuleF]) -> Set<(u32, u32)> {
    let program = logic.program;
    let stages = program.stages.len() as u32;
    let mut out = Set::default();
    let is_not_known = logic.pred(Pred::Test(test_tag(TestOp::IsNotKnown)));
    for (slot, fact) in program.facts.iter().enumerate() {
        if !matches!(fact.kind, FactKind::Required | FactKind::Unknown) {
            continue;
        }
        let slot = slot as u32;
        let term = logic.term(CExpr::Fact(slot));
        let unknown = F::Lit(Lit {
            term,
            pred: is_not_known,
            pol: true,
            comp: false,
            span: crate::syntax::span::Span::default(),
        });
        for r in rules {
            for b in &r.branches {
                let names = b
                    .effects
                    .iter()
                    .any(|e| matches!(e, super::super::rules::CEffect::Missing(_, slots) if slots.contains(&slot)));
                if !names || b.outcome.is_none() {
                    continue;
                }
                let escape = F::and(vec![unknown.clone(), b.firing.not_true()]);
                if logic.satisfiable(&escape) == Sat::No {
                    // Reported in its stage and every later one a line reaches.
                    for s in r.stage..stages {
                        out.insert((slot, s));
                    }
                }
            }
        }
    }
    out
}

/// The facts that may be unknown which a formula reads, sorted.
pub(super) fn unknown_facts(logic: &Logic, f: &F) -> Vec<u32> {
    let mut lits = Vec::new();
    f.lits(&mut lits);
    let mut out = Vec::new();
    for l in lits {
        if let Some(t) = logic.terms.get(l.term as usize) {
            facts_in(&t.expr, &mut out);
        }
    }
    out.retain(|s| {
        logic
            .program
            .facts
            .get(*s as usize)
            .is_some_and(|f| matches!(f.kind, FactKind::Required | FactKind::Unknown))
    });
    out.sort_unstable();
    out.dedup();
    out
}

fn facts_in(e: &CExpr, out: &mut Vec<u32>) {
    match e {
        CExpr::Fact(s) => out.push(*s),
        CExpr::Const(_) | CExpr::Line | CExpr::Var(_) | CExpr::Fresh(_) => {}
        CExpr::Field(x, _)
        | CExpr::Column(x, _, _)
        | CExpr::Not(x)
        | CExpr::Neg(x)
        | CExpr::Test(_, x) => facts_in(x, out),
        CExpr::And(a, b)
        | CExpr::Or(a, b)
        | CExpr::Cmp(_, a, b)
        | CExpr::In(_, a, b)
        | CExpr::Set(_, a, b)
        | CExpr::Arith(_, a, b) => {
            facts_in(a, out);
            facts_in(b, out);
        }
        CExpr::List(items) => items.iter().for_each(|i| facts_in(i, out)),
        CExpr::Comprehension(item, list, filter) => {
            facts_in(item, out);
            facts_in(list, out);
            if let Some(f) = filter {
                facts_in(f, out);
            }
        }
        CExpr::Quantifier(_, list, cond, _) => {
            facts_in(list, out);
            if let Some(c) = cond {
                facts_in(c, out);
            }
        }
        CExpr::Query(_, tests) => tests.iter().for_each(|(_, _, v)| facts_in(v, out)),
        CExpr::Match(v, arms) => {
            facts_in(v, out);
            arms.iter().for_each(|(_, r)| facts_in(r, out));
        }
    }
}

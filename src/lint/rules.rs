//! Each rule's conditions as formulas, prepared once for the lints that
//! compare rules: when each branch applies (its `when`, every earlier
//! branch's condition false, its own true), its outcome, and its other
//! effects in canonical form.

use super::canon::{CExpr, rule_env};
use super::logic::{F, Logic};
use super::solve::Sat;
use crate::eval::program::{Effect, MessagePart};
use crate::syntax::span::Span;

/// An effect other than the outcome, canonically.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CEffect {
    To(CExpr),
    Offer(CExpr),
    Caution(Vec<Result<String, CExpr>>),
    Missing(bool, Vec<u32>),
    Set(u32, CExpr),
}

/// A branch of a rule.
#[derive(Clone, Debug)]
pub(crate) struct BranchF {
    /// When it applies.
    pub firing: F,
    /// When it is known not to apply (its condition is false, not unknown).
    pub falsity: F,
    /// Its outcome.
    pub outcome: Option<u32>,
    /// Its other effects.
    pub effects: Vec<CEffect>,
    /// The branch.
    pub span: Span,
    /// Its condition, if it has one.
    pub cond_span: Option<Span>,
    /// Some request makes it apply (as far as the solver can tell).
    pub live: bool,
}

/// A rule.
#[derive(Clone, Debug)]
pub(crate) struct RuleF {
    /// Index into `Program::rules`.
    pub index: u32,
    pub stage: u32,
    /// A `for each` rule.
    pub line: bool,
    /// Its `when` (true if it has none).
    pub when: F,
    pub when_span: Option<Span>,
    /// Some request makes the `when` true.
    pub when_live: bool,
    pub branches: Vec<BranchF>,
}

/// Every rule of the program, prepared.
pub(crate) fn prepare(logic: &mut Logic) -> Vec<RuleF> {
    let program = logic.program;
    let mut out = Vec::with_capacity(program.rules.len());
    for (index, rule) in program.rules.iter().enumerate() {
        let env = rule_env(rule);
        let when = match &rule.when {
            Some(w) => logic.cond(w, &env, true, None),
            None => F::True,
        };
        let when_false = match &rule.when {
            Some(w) => logic.cond(w, &env, false, None),
            None => F::False,
        };
        let mut earlier_false: Vec<F> = Vec::new();
        let mut earlier_true: Vec<F> = Vec::new();
        let mut branches = Vec::new();
        for b in &rule.branches {
            let guard = match &b.cond {
                Some(c) => logic.cond(c, &env, true, None),
                None => F::True,
            };
            let mut parts = vec![when.clone()];
            parts.extend(earlier_false.iter().cloned());
            parts.push(guard);
            let firing = F::and(parts);
            // Known false: the `when` is false, an earlier branch's condition
            // true, or its own false.
            let own_false = match &b.cond {
                Some(c) => logic.cond(c, &env, false, None),
                None => F::False,
            };
            let mut parts = vec![when_false.clone()];
            parts.extend(earlier_true.iter().cloned());
            parts.push(own_false.clone());
            let falsity = F::or(parts);
            if let Some(c) = &b.cond {
                earlier_false.push(own_false);
                earlier_true.push(logic.cond(c, &env, true, None));
            }
            let mut effects = Vec::new();
            if let Some(to) = &b.to {
                effects.push(CEffect::To(logic.canon.expr(to, &env, 0)));
            }
            for e in &b.effects {
                effects.push(match e {
                    Effect::Offer(n) => CEffect::Offer(logic.canon.expr(n, &env, 0)),
                    Effect::Caution(m) => CEffect::Caution(
                        m.parts
                            .iter()
                            .map(|p| match p {
                                MessagePart::Text(t) => Ok(t.clone()),
                                MessagePart::Hole(n) => Err(logic.canon.expr(n, &env, 0)),
                            })
                            .collect(),
                    ),
                    Effect::Missing(only_unknown, slots) => {
                        CEffect::Missing(*only_unknown, slots.clone())
                    }
                    Effect::Set(a, n) => CEffect::Set(*a, logic.canon.expr(n, &env, 0)),
                });
            }
            let live = logic.satisfiable(&firing) != Sat::No;
            branches.push(BranchF {
                live,
                falsity,
                firing,
                outcome: b.outcome,
                effects,
                span: b.span,
                cond_span: b.cond.as_ref().map(|c| c.span),
            });
        }
        let when_live = logic.satisfiable(&when) != Sat::No;
        out.push(RuleF {
            when_live,
            index: index as u32,
            stage: rule.stage,
            line: rule.for_each.is_some(),
            when,
            when_span: rule.when.as_ref().map(|w| w.span),
            branches,
        });
    }
    out
}

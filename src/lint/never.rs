//! `rule-never-fires`: a rule, or a branch of one, whose condition no
//! request can make true: contradictory comparisons on one fact, a
//! vocabulary fact equal to two values, columns no table row combines, a
//! table lookup that can have no match.

use std::sync::Arc;

use super::hash::Set;
use super::logic::{F, Lit, Logic};
use super::rules::RuleF;
use super::solve::Sat;
use super::{Finding, SourceFile, rule_header, snippet};
use crate::syntax::span::Span;

const LINT: &str = "rule-never-fires";

/// Reports the rules and branches that can never apply. `impossible` holds
/// the spans `impossible-value` reported: a rule dead only because of one of
/// them is not reported twice.
pub(crate) fn check(
    source: &Arc<SourceFile>,
    logic: &mut Logic,
    rules: &[RuleF],
    impossible: &Set<Span>,
    out: &mut Vec<Finding>,
) {
    for r in rules {
        let Some(rule) = logic.program.rules.get(r.index as usize) else {
            continue;
        };
        let label = rule.label.clone();
        let header = rule_header(&source.text, rule.span);
        if !r.when_live {
            let why = explain(logic, &r.when);
            if already_reported(&why, impossible) {
                continue;
            }
            let span = r.when_span.unwrap_or(header);
            out.push(finding(
                source,
                span,
                false,
                format!("rule `{label}` can never fire"),
                why,
                header,
            ));
            continue;
        }
        let dead: Vec<bool> = r.branches.iter().map(|b| !b.live).collect();
        if dead.iter().all(|d| *d) && !dead.is_empty() {
            let why = match r.branches.as_slice() {
                [one] => explain(logic, &one.firing),
                _ => None,
            };
            if already_reported(&why, impossible) {
                continue;
            }
            out.push(
                finding(
                    source,
                    header,
                    false,
                    format!("rule `{label}` can never fire"),
                    why,
                    header,
                )
                .help("no branch of the rule can apply: fix its conditions, or remove it"),
            );
            continue;
        }
        for (b, _) in r.branches.iter().zip(&dead).filter(|(_, d)| **d) {
            let why = explain(logic, &b.firing);
            if already_reported(&why, impossible) {
                continue;
            }
            let span = b.cond_span.unwrap_or(b.span);
            out.push(
                finding(
                    source,
                    span,
                    true,
                    format!("this branch of rule `{label}` can never apply"),
                    why,
                    header,
                )
                .help("the rule's `when` and the branches before it leave no request for this branch; fix the conditions, or remove the branch"),
            );
        }
    }
}

/// Why a formula can never hold: the fewest of its top-level tests that
/// already contradict each other, if they do.
struct Why {
    lits: Vec<Lit>,
}

fn explain(logic: &mut Logic, f: &F) -> Option<Why> {
    let mut lits = f.top_lits();
    let all = F::and(lits.iter().map(|l| F::Lit(*l)).collect());
    if logic.satisfiable(&all) != Sat::No {
        return None;
    }
    // Drop each test that the contradiction does not need.
    let mut i = 0;
    while i < lits.len() {
        let mut fewer = lits.clone();
        fewer.remove(i);
        let f = F::and(fewer.iter().map(|l| F::Lit(*l)).collect());
        if logic.satisfiable(&f) == Sat::No {
            lits = fewer;
        } else {
            i += 1;
        }
    }
    lits.sort_by_key(|l| (l.span.start, l.span.end));
    lits.dedup_by_key(|l| l.span);
    Some(Why { lits })
}

fn already_reported(why: &Option<Why>, impossible: &Set<Span>) -> bool {
    match why {
        Some(w) if w.lits.len() == 1 => impossible
            .iter()
            .any(|s| s.start >= w.lits[0].span.start && s.end <= w.lits[0].span.end),
        _ => false,
    }
}

/// The finding: at the first contradicting test for a rule, at the branch
/// for a branch (`at_span`), the tests labelled.
fn finding(
    source: &Arc<SourceFile>,
    span: Span,
    at_span: bool,
    message: String,
    why: Option<Why>,
    header: Span,
) -> Finding {
    const HELP: &str = "fix the condition, or remove the rule; if it is meant, allow the lint: `# dslcheck: allow(rule-never-fires)`";
    let text = &source.text;
    let Some(w) = why.filter(|w| !w.lits.is_empty()) else {
        let mut f = Finding::new(
            source,
            LINT,
            span,
            format!("{message}: no request satisfies its conditions"),
        )
        .label("never true");
        if header != span {
            f = f.related(header, "in this rule");
        }
        return f.help(HELP).anchor(header);
    };
    let parts: Vec<String> = w
        .lits
        .iter()
        .map(|l| {
            let shown = snippet(text, l.span);
            match (l.pol, l.comp) {
                (true, false) => format!("`{shown}`"),
                (false, false) => format!("not `{shown}`"),
                (true, true) => format!("`{shown}` not true"),
                (false, true) => format!("`{shown}` not false"),
            }
        })
        .collect();
    let reason = match parts.as_slice() {
        [one] => format!("{one} can never hold"),
        [a, b] => format!("{a} and {b} cannot both hold"),
        _ => format!(
            "{} and {} cannot all hold",
            parts[..parts.len() - 1].join(", "),
            parts[parts.len() - 1]
        ),
    };
    let message = format!("{message}: {reason}");
    let mut f = if at_span {
        let mut f = Finding::new(source, LINT, span, message).label("never applies");
        for l in &w.lits {
            if !(span.start <= l.span.start && l.span.end <= span.end) {
                f = f.related(l.span, "excludes it");
            }
        }
        f
    } else {
        let first = w.lits[0].span;
        let mut f = Finding::new(source, LINT, first, message).label(if w.lits.len() == 1 {
            "never true"
        } else {
            "this"
        });
        for l in &w.lits[1..] {
            f = f.related(l.span, "contradicts it");
        }
        f
    };
    if header != f.span {
        f = f.related(header, "in this rule");
    }
    f.help(HELP).anchor(header)
}

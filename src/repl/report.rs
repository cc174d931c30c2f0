//! What the REPL prints about a decision: the `:decide` summary, the
//! `:whatif` difference, and `:missing` (which tries the values of the facts
//! it names).

use std::fmt::Write;

use serde_json::Value as Json;

use super::Paint;
use super::values;
use crate::decision::Decision;
use crate::eval::Facts;
use crate::eval::program::{Effect, FactKind, Program, Type, Value, ValueSpec};

/// The rules that gave line `i` (or, with no lines, the request) its outcome.
pub(super) fn deciders(
    program: &Program,
    decision: &Decision,
    line: Option<usize>,
    outcome: &str,
) -> Vec<String> {
    let mut out: Vec<String> = decision
        .trace
        .iter()
        .filter(|t| t.effect == outcome && (t.line_index == line || t.line_index.is_none()))
        .map(|t| t.rule.clone())
        .collect();
    if program.outcome_name(program.outcomes.pending) == outcome {
        for p in decision
            .pending
            .iter()
            .filter(|p| p.line_index == line || p.line_index.is_none())
        {
            out.push(format!("{} (unknown {})", p.rule, p.facts.join(", ")));
        }
    }
    out.dedup();
    out
}

fn line_label(i: usize, code: &str) -> String {
    format!("line {} {code}", i + 1)
}

/// `:decide`: the outcome, each line and what decided it, and the rest of
/// the decision, one field a line.
pub fn summary(program: &Program, decision: &Decision, paint: Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("outcome:"),
        paint.outcome(program, &decision.outcome)
    );
    let by = |line: Option<usize>, outcome: &str| {
        let rules = deciders(program, decision, line, outcome);
        if rules.is_empty() {
            if outcome == program.outcome_name(program.outcomes.default) {
                "  (no rule decided it)".to_string()
            } else {
                String::new()
            }
        } else {
            format!("  by {}", rules.join(", "))
        }
    };
    for (i, line) in decision.lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}: {}{}",
            line_label(i, &line.code),
            paint.outcome(program, &line.outcome),
            paint.dim(&by(Some(i), &line.outcome))
        );
        if !line.alternatives.is_empty() {
            let _ = writeln!(out, "  alternatives: {}", line.alternatives.join(", "));
        }
        if !line.redirect_to.is_empty() {
            let _ = writeln!(out, "  redirect to: {}", line.redirect_to.join(", "));
        }
    }
    if decision.lines.is_empty() {
        let _ = writeln!(
            out,
            "no lines: {}{}",
            paint.outcome(program, &decision.outcome),
            paint.dim(&by(None, &decision.outcome))
        );
    }
    for (name, value) in &decision.annotations {
        let _ = writeln!(out, "{name}: {}", annotation(value));
    }
    let fields = [
        ("alternatives", &decision.alternatives),
        ("redirect to", &decision.redirect_to),
        ("missing", &decision.missing),
    ];
    for (name, list) in fields {
        if !list.is_empty() {
            let shown = if name == "missing" {
                paint.unknown(&list.join(", "))
            } else {
                list.join(", ")
            };
            let _ = writeln!(out, "{name}: {shown}");
        }
    }
    for c in &decision.cautions {
        let _ = writeln!(out, "caution: {c}");
    }
    if !decision.citations.is_empty() {
        let _ = writeln!(out, "citations: {}", decision.citations.join(", "));
    }
    out
}

fn annotation(value: &Json) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

/// `+a -b` for what `after` has that `before` has not, and the reverse.
fn set_diff(before: &[String], after: &[String], paint: Paint) -> Option<String> {
    let mut parts: Vec<String> = after
        .iter()
        .filter(|x| !before.contains(x))
        .map(|x| paint.good(&format!("+{x}")))
        .collect();
    parts.extend(
        before
            .iter()
            .filter(|x| !after.contains(x))
            .map(|x| paint.bad(&format!("-{x}"))),
    );
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// `:whatif`: what differs between two decisions on the same policy.
pub fn diff(program: &Program, before: &Decision, after: &Decision, paint: Paint) -> String {
    let mut out = String::new();
    let arrow = |a: &str, b: &str| {
        format!(
            "{} -> {}",
            paint.outcome(program, a),
            paint.outcome(program, b)
        )
    };
    if before.outcome != after.outcome {
        let _ = writeln!(out, "outcome: {}", arrow(&before.outcome, &after.outcome));
    } else {
        let _ = writeln!(
            out,
            "outcome: {} (unchanged)",
            paint.outcome(program, &after.outcome)
        );
    }
    let unchanged = out.clone();
    for ((name, a), (_, b)) in before.annotations.iter().zip(&after.annotations) {
        if a != b {
            let _ = writeln!(out, "{name}: {} -> {}", annotation(a), annotation(b));
        }
    }
    let lines = before.lines.len().max(after.lines.len());
    for i in 0..lines {
        match (before.lines.get(i), after.lines.get(i)) {
            (Some(a), Some(b)) => {
                let label = if a.code == b.code {
                    line_label(i, &b.code)
                } else {
                    format!("line {} {} -> {}", i + 1, a.code, b.code)
                };
                let mut items = Vec::new();
                if let Some(d) = set_diff(&a.alternatives, &b.alternatives, paint) {
                    items.push(format!("  alternatives: {d}"));
                }
                if let Some(d) = set_diff(&a.redirect_to, &b.redirect_to, paint) {
                    items.push(format!("  redirect to: {d}"));
                }
                if a.outcome != b.outcome {
                    let _ = writeln!(out, "{label}: {}", arrow(&a.outcome, &b.outcome));
                } else if !items.is_empty() || a.code != b.code {
                    let _ = writeln!(
                        out,
                        "{label}: {} (unchanged)",
                        paint.outcome(program, &b.outcome)
                    );
                }
                for item in items {
                    let _ = writeln!(out, "{item}");
                }
            }
            (None, Some(b)) => {
                let _ = writeln!(
                    out,
                    "{}: {} (new line)",
                    line_label(i, &b.code),
                    paint.outcome(program, &b.outcome)
                );
            }
            (Some(a), None) => {
                let _ = writeln!(out, "{}: gone", line_label(i, &a.code));
            }
            (None, None) => {}
        }
    }
    let fields = [
        ("alternatives", &before.alternatives, &after.alternatives),
        ("redirect to", &before.redirect_to, &after.redirect_to),
        ("missing", &before.missing, &after.missing),
        ("cautions", &before.cautions, &after.cautions),
        ("citations", &before.citations, &after.citations),
    ];
    for (name, a, b) in fields {
        if let Some(d) = set_diff(a, b, paint) {
            let _ = writeln!(out, "{name}: {d}");
        }
    }
    // The rules that fired, by rule and line: added, gone, or with
    // another effect.
    let key = |t: &crate::decision::TraceEntry| match &t.line {
        Some(code) => format!("{} on {code}", t.rule),
        None => t.rule.clone(),
    };
    let mut rules: Vec<String> = Vec::new();
    for t in &after.trace {
        match before.trace.iter().find(|b| key(b) == key(t)) {
            None => rules.push(paint.good(&format!("+ {} ({})", key(t), t.effect))),
            Some(b) if b.effect != t.effect => {
                rules.push(format!("~ {} ({} -> {})", key(t), b.effect, t.effect));
            }
            Some(_) => {}
        }
    }
    for b in &before.trace {
        if !after.trace.iter().any(|t| key(t) == key(b)) {
            rules.push(paint.bad(&format!("- {} ({})", key(b), b.effect)));
        }
    }
    if !rules.is_empty() {
        let _ = writeln!(out, "rules:");
        for r in rules {
            let _ = writeln!(out, "  {r}");
        }
    }
    if out == unchanged && before.outcome == after.outcome {
        out = format!(
            "no change: the decision stays {}\n",
            paint.outcome(program, &after.outcome)
        );
    }
    out
}

/// The values a fact can take, when there are few enough to try them all.
fn domain(program: &Program, spec: &ValueSpec) -> Option<Vec<Json>> {
    match &spec.ty {
        Type::Bool => Some(vec![Json::Bool(true), Json::Bool(false)]),
        Type::Enum(e) => program.enums.get(*e as usize).map(|info| {
            info.values
                .iter()
                .filter_map(|s| program.syms.resolve(*s))
                .map(|s| Json::String(s.to_string()))
                .collect()
        }),
        _ => None,
    }
}

/// What a fact's values must be, in words: `number from 0 to 150`.
pub fn describe(program: &Program, spec: &ValueSpec) -> String {
    let mut out = String::new();
    if spec.non_empty {
        out.push_str("non-empty ");
    }
    out.push_str(&program.type_name(&spec.ty));
    if spec.integer && spec.ty == Type::Number {
        out = out.replace("number", "integer");
    }
    match (spec.min, spec.max) {
        (Some(a), Some(b)) => {
            let _ = write!(out, " from {} to {}", fmt_num(a), fmt_num(b));
        }
        (Some(a), None) => {
            let _ = write!(out, " at least {}", fmt_num(a));
        }
        (None, Some(b)) => {
            let _ = write!(out, " at most {}", fmt_num(b));
        }
        (None, None) => {}
    }
    if let (Type::Enum(_), Some(values)) = (&spec.ty, domain(program, spec)) {
        let names: Vec<String> = values.iter().map(values::friendly).collect();
        let _ = write!(out, ": {}", names.join(", "));
    }
    out
}

fn fmt_num(n: f64) -> String {
    crate::eval::format_number(n)
}

/// `a, b -> proceed; c -> not_supported`: values grouped by the outcome
/// they give, in the order the values come.
fn by_outcome(program: &Program, tried: &[(String, String)], paint: Paint) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (value, outcome) in tried {
        match groups.iter_mut().find(|(o, _)| o == outcome) {
            Some((_, values)) => values.push(value),
            None => groups.push((outcome, vec![value])),
        }
    }
    groups
        .iter()
        .map(|(o, values)| format!("{} -> {}", values.join(", "), paint.outcome(program, o)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `:missing`: the unknown facts the decision waits on, the rules that wait
/// on each, and (where the fact has few values) the outcome each value
/// would give. `try_value` decides the request with one fact changed.
pub fn missing(
    program: &Program,
    facts: &Facts,
    decision: &Decision,
    try_value: &dyn Fn(&str, Json) -> Option<Decision>,
    paint: Paint,
) -> String {
    let mut out = String::new();
    if decision.missing.is_empty() {
        let _ = writeln!(
            out,
            "nothing is missing: the outcome {} does not wait on an unknown fact",
            paint.outcome(program, &decision.outcome)
        );
    } else {
        let _ = writeln!(
            out,
            "{} {}  (the outcome {} waits on {})",
            paint.bold("missing:"),
            paint.unknown(&decision.missing.join(", ")),
            paint.outcome(program, &decision.outcome),
            if decision.missing.len() == 1 {
                "it"
            } else {
                "them"
            }
        );
    }
    for path in &decision.missing {
        let Some(slot) = program.fact_slots.get(path).copied() else {
            continue;
        };
        let Some(fact) = program.facts.get(slot as usize) else {
            continue;
        };
        let required = if fact.kind == FactKind::Required {
            "required; "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{}  {}",
            paint.bold(path),
            paint.dim(&format!("({required}{})", describe(program, &fact.spec)))
        );
        let mut items: Vec<String> = Vec::new();
        for p in decision.pending.iter().filter(|p| p.facts.contains(path)) {
            let on = match (&p.line, p.line_index) {
                (Some(code), Some(i)) => line_label(i, code),
                _ => "the request".into(),
            };
            items.push(format!(
                "{} could not decide {on}: {} if it held",
                p.rule,
                paint.outcome(program, &p.would_be)
            ));
        }
        for t in &decision.trace {
            let names_it = program
                .rules
                .iter()
                .find(|r| r.label == t.rule)
                .is_some_and(|r| {
                    r.branches.iter().any(|b| {
                        b.effects.iter().any(
                            |e| matches!(e, Effect::Missing(_, slots) if slots.contains(&slot)),
                        )
                    })
                });
            if names_it {
                let on = match (&t.line, t.line_index) {
                    (Some(code), Some(i)) => line_label(i, code),
                    _ => "every line".into(),
                };
                items.push(format!(
                    "{} gave {on} {} for want of it",
                    t.rule,
                    paint.outcome(program, &t.effect)
                ));
            }
        }
        if let Some(values) = domain(program, &fact.spec) {
            let tried: Vec<(String, String)> = values
                .into_iter()
                .filter_map(|v| {
                    let shown = values::friendly(&v);
                    try_value(path, v).map(|d| (shown, d.outcome))
                })
                .collect();
            if tried.iter().any(|(_, o)| *o != decision.outcome) {
                items.push(format!("if set: {}", by_outcome(program, &tried, paint)));
            } else if !tried.is_empty() {
                items.push(format!(
                    "alone it does not settle the outcome: every value still gives {}",
                    paint.outcome(program, &decision.outcome)
                ));
            }
        }
        tree(&mut out, &items);
    }
    // Unknown facts the decision does not name, but whose value would still
    // change the outcome (few values only: each is tried).
    let mut others: Vec<String> = Vec::new();
    for (slot, fact) in program.facts.iter().enumerate() {
        if facts.slots.get(slot) != Some(&Value::Unknown) || decision.missing.contains(&fact.path) {
            continue;
        }
        let Some(values) = domain(program, &fact.spec) else {
            continue;
        };
        let tried: Vec<(String, String)> = values
            .into_iter()
            .filter_map(|v| {
                let shown = values::friendly(&v);
                try_value(&fact.path, v).map(|d| (shown, d.outcome))
            })
            .collect();
        if tried.iter().any(|(_, o)| *o != decision.outcome) {
            others.push(format!(
                "{}: {}",
                fact.path,
                by_outcome(program, &tried, paint)
            ));
        }
    }
    if !others.is_empty() {
        let _ = writeln!(out, "other unknown facts that would change the outcome:");
        tree(&mut out, &others);
    }
    out
}

/// Items as a tree, the way `:explain` draws one.
pub fn tree(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        let _ = writeln!(out, "  {} {item}", if last { "└─" } else { "├─" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    const PLAIN: Paint = Paint { color: false };

    fn decide(policy: &Policy, json: &str) -> Decision {
        policy.decide(&policy.bind(json).unwrap())
    }

    const PACEMAKER: &str = r#"{"member": {"age": 62, "plan": "commercial", "implants": ["pacemaker"]},
        "order": {"lines": [{"code": "70553"}], "purpose": "diagnostic"},
        "clinical": {"evaluation": "in_person"}}"#;

    #[test]
    fn summary_names_what_decided_each_line() {
        let policy = Policy::embedded().unwrap();
        let out = summary(policy.program(), &decide(&policy, PACEMAKER), PLAIN);
        assert!(out.starts_with("outcome: alternative\n"), "{out}");
        assert!(
            out.contains("line 1 70553: alternative  by M1 mri-unsafe-implant"),
            "{out}"
        );
        let out = summary(policy.program(), &decide(&policy, "{}"), PLAIN);
        assert!(
            out.contains("no lines: pend  by G2 required-information"),
            "{out}"
        );
    }

    #[test]
    fn diff_shows_what_changed_and_only_that() {
        let policy = Policy::embedded().unwrap();
        let before = decide(&policy, PACEMAKER);
        let after = decide(&policy, &PACEMAKER.replace("pacemaker", "dental"));
        let out = diff(policy.program(), &before, &after, PLAIN);
        assert!(out.contains("outcome: alternative -> proceed"), "{out}");
        assert!(out.contains("alternatives: -70460 -70470"), "{out}");
        assert!(
            out.contains("- M1 mri-unsafe-implant on 70553 (alternative)"),
            "{out}"
        );
        let same = diff(policy.program(), &before, &before, PLAIN);
        assert_eq!(same, "no change: the decision stays alternative\n");
    }

    #[test]
    fn values_are_grouped_by_the_outcome_they_give() {
        let program = Policy::embedded().unwrap().program().clone();
        let tried = [
            ("a".to_string(), "proceed".to_string()),
            ("b".to_string(), "pend".to_string()),
            ("c".to_string(), "proceed".to_string()),
        ];
        assert_eq!(
            by_outcome(&program, &tried, PLAIN),
            "a, c -> proceed; b -> pend"
        );
    }
}

//! `:why RULE`: a rule's compiled condition walked part by part, each part
//! shown with its source text and its value for the current request (for a
//! `for each` rule, once per line), and the verdict the evaluator reached:
//! fired, did not apply, could not decide for want of a fact, or never ran.
//! The walk follows the rule's `let`s and the definitions it calls, so the
//! answer reaches down to the facts.

use std::fmt::Write;

use super::Paint;
use super::listing::find_rule;
use super::parts::Walker;
use super::report::deciders;
use crate::Policy;
use crate::decision::Decision;
use crate::eval::program::{Program, Rule, Value};
use crate::eval::{Eval, Facts, Scratch, and3};

/// What became of the rule on one target.
enum Verdict {
    NotApplicable,
    Fired,
    Undecided(Vec<(u32, Vec<u32>)>),
    NoBranch,
}

/// `:why` with no rule: which rules gave the request its outcome.
fn overview(program: &Program, decision: &Decision, paint: Paint) -> String {
    let mut out = String::new();
    let outcome = &decision.outcome;
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("outcome:"),
        paint.outcome(program, outcome)
    );
    let targets: Vec<Option<usize>> = if decision.lines.is_empty() {
        vec![None]
    } else {
        (0..decision.lines.len())
            .filter(|&i| decision.lines[i].outcome == *outcome)
            .map(Some)
            .collect()
    };
    let mut first_rule: Option<String> = None;
    for target in targets {
        let on = match target {
            Some(i) => format!("line {} {}", i + 1, decision.lines[i].code),
            None => "the request (no lines)".into(),
        };
        let mut items = Vec::new();
        for t in decision
            .trace
            .iter()
            .filter(|t| t.effect == *outcome && (t.line_index == target || t.line_index.is_none()))
        {
            let cite = t
                .citation
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            items.push(format!("{} -> {}{cite}: {}", t.rule, t.effect, t.message));
            first_rule.get_or_insert_with(|| t.rule.clone());
        }
        if program.outcome_name(program.outcomes.pending) == outcome {
            for p in decision
                .pending
                .iter()
                .filter(|p| p.line_index == target || p.line_index.is_none())
            {
                items.push(format!(
                    "{} could not decide ({} if it held): unknown {}",
                    p.rule,
                    p.would_be,
                    p.facts.join(", ")
                ));
                first_rule.get_or_insert_with(|| p.rule.clone());
            }
        }
        if items.is_empty() {
            items.push(format!(
                "no rule decided it: {outcome} is the default outcome"
            ));
        }
        let _ = writeln!(out, "{on}:");
        super::report::tree(&mut out, &items);
    }
    if let Some(rule) = first_rule {
        let id = rule.split_whitespace().next().unwrap_or(&rule);
        let _ = writeln!(
            out,
            "{}",
            paint.dim(&format!("(`:why {id}` shows its condition part by part)"))
        );
    }
    out
}

/// `:why [RULE [LINE]]`.
pub fn why(policy: &Policy, facts: &Facts, args: &str, paint: Paint) -> Result<String, String> {
    let program = policy.program();
    let decision = policy.decide(facts);
    let mut words = args.split_whitespace();
    let Some(query) = words.next() else {
        return Ok(overview(program, &decision, paint));
    };
    let line_filter = words.next();
    if let Some(extra) = words.next() {
        return Err(format!("`:why` takes a rule and a line, not `{extra}`"));
    }
    let r = find_rule(program, query)?;
    let rule = &program.rules[r];
    let mut scratch = Scratch::default();
    let ev = Eval::new(program, facts, &mut scratch);
    let lines: Vec<Value> = match program
        .lines
        .as_ref()
        .and_then(|l| facts.slots.get(l.fact as usize))
    {
        Some(Value::List(id)) => ev.list_items(*id),
        _ => Vec::new(),
    };
    let mut w = Walker {
        ev,
        program,
        source: policy.text(),
        rule,
        paint,
    };

    let mut out = String::new();
    let cite = rule
        .cites
        .and_then(|c| program.sections.get(c as usize))
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    let stage = program.stages.get(rule.stage as usize);
    let lines_path = program
        .lines
        .as_ref()
        .map_or("?", |l| super::fact_path(program, l.fact));
    let scope = if rule.for_each.is_some() {
        format!("for each line of {lines_path}")
    } else {
        "once for the request".into()
    };
    let _ = writeln!(
        out,
        "{}{cite}: stage {}, {scope}",
        paint.bold(&rule.label),
        stage.map_or("?", |s| s.name.as_str())
    );

    let targets: Vec<Option<usize>> = match rule.for_each {
        Some(_) if lines.is_empty() => {
            let state = match program
                .lines
                .as_ref()
                .and_then(|l| facts.slots.get(l.fact as usize))
            {
                Some(Value::Unknown) => "unknown",
                _ => "empty",
            };
            let _ = writeln!(
                out,
                "  it did not run: {lines_path} is {state}, so there is no line to run it for"
            );
            return Ok(out);
        }
        Some(_) => {
            let chosen: Vec<Option<usize>> = match line_filter {
                None => (0..lines.len()).map(Some).collect(),
                Some(f) => {
                    let by_code: Vec<Option<usize>> = (0..decision.lines.len())
                        .filter(|&i| decision.lines[i].code == f)
                        .map(Some)
                        .collect();
                    match f.parse::<usize>() {
                        Ok(n) if (1..=lines.len()).contains(&n) && by_code.is_empty() => {
                            vec![Some(n - 1)]
                        }
                        _ if !by_code.is_empty() => by_code,
                        _ => {
                            return Err(format!(
                                "no line `{f}`: the request has {} line{} (give a number from 1, or a line's code)",
                                lines.len(),
                                if lines.len() == 1 { "" } else { "s" }
                            ));
                        }
                    }
                }
            };
            chosen
        }
        None => {
            if line_filter.is_some() {
                return Err(format!(
                    "{} runs once for the request, not per line",
                    rule.id
                ));
            }
            vec![None]
        }
    };

    for target in targets {
        explain_target(&mut w, &mut out, &decision, rule, &lines, target);
    }
    Ok(out)
}

fn explain_target<'p>(
    w: &mut Walker<'p>,
    out: &mut String,
    decision: &Decision,
    rule: &'p Rule,
    lines: &[Value],
    target: Option<usize>,
) {
    let program = w.program;
    let paint = w.paint;
    let on = match target {
        Some(i) => format!(
            "line {} {}",
            i + 1,
            decision.lines.get(i).map_or("?", |l| l.code.as_str())
        ),
        None => "request".into(),
    };
    // A line an earlier stage decided alone never reaches this rule.
    if let Some(i) = target {
        let stage_of = |label: &str| {
            program
                .rules
                .iter()
                .find(|r| r.label == label)
                .map(|r| r.stage)
        };
        let earlier = decision.trace.iter().find(|t| {
            t.line_index == Some(i)
                && program.outcomes.names.contains(&t.effect)
                && stage_of(&t.rule).is_some_and(|s| {
                    s < rule.stage
                        && program
                            .stages
                            .get(s as usize)
                            .is_some_and(|st| st.decides_alone)
                })
        });
        if let Some(t) = earlier {
            let stage = stage_of(&t.rule)
                .and_then(|s| program.stages.get(s as usize))
                .map_or("?", |s| s.name.as_str());
            let _ = writeln!(
                out,
                "{on}: {} stage {stage} decided it alone ({} -> {})",
                paint.bold("did not run:"),
                t.rule,
                paint.outcome(program, &t.effect)
            );
            return;
        }
    }
    if let (Some(slot), Some(i)) = (rule.for_each, target)
        && let Some(line) = lines.get(i)
    {
        w.ev.set_local(slot, *line);
    }

    let mut body = String::new();
    let mut when_unknowns: Vec<u32> = Vec::new();
    let when = match &rule.when {
        Some(n) => {
            let (t, unknowns, part) = w.condition(n);
            w.draw(&mut body, "when", &part, &unknowns);
            when_unknowns = unknowns;
            t
        }
        None => Some(true),
    };
    let mut verdict = if when == Some(false) {
        Verdict::NotApplicable
    } else {
        Verdict::NoBranch
    };
    let mut undecided: Vec<(u32, Vec<u32>)> = Vec::new();
    let mut fired_effects = String::new();
    if when != Some(false) {
        let mut previous = Some(true);
        for (k, b) in rule.branches.iter().enumerate() {
            let guard = match &b.cond {
                Some(c) => {
                    let (t, unknowns, part) = w.condition(c);
                    let label = if k == 0 { "if" } else { "else if" };
                    w.draw(&mut body, label, &part, &unknowns);
                    if let Some(o) = b.outcome
                        && and3(when, previous, t).is_none()
                    {
                        let mut facts = when_unknowns.clone();
                        facts.extend(unknowns);
                        facts.sort_unstable();
                        facts.dedup();
                        undecided.push((o, facts));
                    }
                    t
                }
                None => {
                    if let Some(o) = b.outcome
                        && and3(when, previous, Some(true)).is_none()
                    {
                        undecided.push((o, when_unknowns.clone()));
                    }
                    Some(true)
                }
            };
            if and3(when, previous, guard) == Some(true) {
                let label = if b.cond.is_some() || k == 0 {
                    "then"
                } else {
                    "else"
                };
                let effects = w.effects(b);
                let _ = writeln!(body, "  {} {effects}", paint.bold(label));
                fired_effects = effects;
                if let Some(m) = &b.message {
                    let text = w.message(&m.parts);
                    let _ = writeln!(body, "  {} \"{text}\"", paint.bold("because"));
                }
                verdict = Verdict::Fired;
                break;
            }
            if b.cond.is_none() && k > 0 {
                let _ = writeln!(body, "  {} {}", paint.bold("else"), w.would(b));
            }
            previous = and3(previous, guard.map(|g| !g), Some(true));
            if previous == Some(false) {
                break;
            }
        }
    }
    if !undecided.is_empty() && !matches!(verdict, Verdict::Fired) {
        verdict = Verdict::Undecided(undecided);
    }

    let label = &rule.label;
    let headline = match &verdict {
        Verdict::NotApplicable => format!("{} its `when` is false", paint.bad("does not apply:")),
        Verdict::NoBranch => format!(
            "{} no branch's condition holds",
            paint.bad("does not fire:")
        ),
        Verdict::Fired => {
            let what = &fired_effects;
            let applied = decision
                .trace
                .iter()
                .any(|t| t.rule == *label && t.line_index == target);
            if applied {
                format!("{} {what}", paint.good("fires:"))
            } else {
                // A restricting outcome on the line lets only some others apply.
                let restricted = decision.trace.iter().find_map(|t| {
                    let o = program.outcomes.names.iter().position(|n| *n == t.effect)?;
                    let allowed = program.outcomes.restrict.get(o)?.as_ref()?;
                    (t.line_index == target).then_some((t, allowed))
                });
                match restricted {
                    Some((t, allowed)) => {
                        let allowed: Vec<String> = allowed
                            .iter()
                            .map(|&o| paint.outcome(program, program.outcome_name(o)))
                            .collect();
                        format!(
                            "{} {what}, but {} made the line {}, on which only {} applies",
                            paint.unknown("fires, not applied:"),
                            t.rule,
                            paint.outcome(program, &t.effect),
                            allowed.join(" or ")
                        )
                    }
                    None => format!("{} {what}, but it was not applied", paint.unknown("fires:")),
                }
            }
        }
        Verdict::Undecided(list) => {
            let mut facts: Vec<u32> = list.iter().flat_map(|(_, f)| f.iter().copied()).collect();
            facts.sort_unstable();
            facts.dedup();
            let outcomes: Vec<String> = list
                .iter()
                .map(|(o, _)| paint.outcome(program, program.outcome_name(*o)))
                .collect();
            let pended = decision
                .pending
                .iter()
                .any(|p| p.rule == *label && p.line_index == target);
            let line_outcome = match target {
                Some(i) => decision.lines.get(i).map(|l| l.outcome.clone()),
                None => Some(decision.outcome.clone()),
            }
            .unwrap_or_default();
            let effect = if pended {
                format!(
                    "so the {} pends",
                    if target.is_some() { "line" } else { "request" }
                )
            } else {
                format!(
                    "which would not rank above {}, so nothing waits on it",
                    paint.outcome(program, &line_outcome)
                )
            };
            format!(
                "{} {} if it held, {effect}; unknown: {}",
                paint.unknown("could not decide:"),
                outcomes.join(" or "),
                paint.unknown(&w.paths(&facts).join(", "))
            )
        }
    };
    let _ = writeln!(out, "{on}: {headline}");
    out.push_str(&body);
    if let Some(i) = target
        && let Some(l) = decision.lines.get(i)
    {
        let by = deciders(program, decision, Some(i), &l.outcome);
        let by = if by.is_empty() {
            String::new()
        } else {
            paint.dim(&format!(", by {}", by.join(", ")))
        };
        let _ = writeln!(
            out,
            "  {} {}{by}",
            paint.bold("line outcome:"),
            paint.outcome(program, &l.outcome)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(policy: &Policy, json: &str) -> Facts {
        policy.bind(json).unwrap()
    }

    const PLAIN: Paint = Paint { color: false };

    #[test]
    fn a_fired_rule_shows_its_parts() {
        let policy = Policy::embedded().unwrap();
        let f = facts(
            &policy,
            r#"{"member": {"age": 62, "plan": "commercial", "implants": ["pacemaker"]},
                "order": {"lines": [{"code": "70553"}], "purpose": "diagnostic"},
                "clinical": {"evaluation": "in_person"}}"#,
        );
        let out = why(&policy, &f, "M1", PLAIN).unwrap();
        assert!(out.contains("line 1 70553: fires: alternative"), "{out}");
        assert!(out.contains("member.implants = {pacemaker}"), "{out}");
        assert!(
            out.contains("then alternative, offer 70460, 70470"),
            "{out}"
        );
        let out = why(&policy, &f, "K8", PLAIN).unwrap();
        assert!(out.contains("does not apply: its `when` is false"), "{out}");
        assert!(
            out.contains("line.code.contrast = without_and_with"),
            "{out}"
        );
    }

    #[test]
    fn an_unknown_fact_shows_as_unknown() {
        let policy = Policy::embedded().unwrap();
        let f = facts(
            &policy,
            r#"{"member": {"age": 62, "plan": "commercial"},
                "order": {"lines": [{"code": "70553"}], "purpose": "diagnostic"}}"#,
        );
        let out = why(&policy, &f, "I1", PLAIN).unwrap();
        assert!(
            out.contains("could not decide: pend if it held, so the line pends"),
            "{out}"
        );
        assert!(
            out.contains("clinical.evaluation is none = unknown"),
            "{out}"
        );
        let out = why(&policy, &f, "", PLAIN).unwrap();
        assert!(
            out.contains("I1 clinical-evaluation could not decide"),
            "{out}"
        );
    }

    #[test]
    fn bad_arguments_are_errors() {
        let policy = Policy::embedded().unwrap();
        let f = facts(&policy, "{}");
        assert!(
            why(&policy, &f, "M9", PLAIN)
                .unwrap_err()
                .contains("no rule `M9`")
        );
        let out = why(&policy, &f, "M1", PLAIN).unwrap();
        assert!(out.contains("order.lines is unknown"), "{out}");
    }
}

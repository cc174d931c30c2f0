//! Inline examples: each `example` of a policy is a request and the
//! decision fields it must show. [`mismatches`] compares a decision with a
//! scenario's `expect` (the rules of the contract's scenarios README, shared
//! with `tests/scenarios.rs`); `failing-example` reports an example whose
//! decision does not match, and `rule-not-covered` (with `--coverage`) a
//! rule no example makes fire.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use serde_json::Value;

use super::{Finding, SourceFile, rule_header};
use crate::eval::program::{Example, Program};
use crate::eval::{Plan, Scratch};
use crate::request::Schema;
use crate::syntax::span::Span;

fn as_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The ways a decision (as JSON) fails an `expect` object; empty: it passes.
///
/// | expect field | passes when |
/// |---|---|
/// | `outcome`, `guideline`, `authority`, any annotation | equal |
/// | `alternatives`, `redirect_to`, `missing` | equal as sets |
/// | `citations` | every listed citation is among the decision's |
/// | `lines` | each listed code's line has that outcome |
/// | `cautions_nonempty` | `cautions` is non-empty (true) or empty (false) |
pub fn mismatches(expect: &Value, decision: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(expect) = expect.as_object() else {
        return vec!["`expect` is not an object".into()];
    };
    for (field, want) in expect {
        let got = &decision[field.as_str()];
        let ok = match field.as_str() {
            "alternatives" | "redirect_to" | "missing" => as_set(got) == as_set(want),
            "citations" => as_set(want).is_subset(&as_set(got)),
            "cautions_nonempty" => {
                let nonempty = decision["cautions"]
                    .as_array()
                    .is_some_and(|c| !c.is_empty());
                Some(nonempty) == want.as_bool()
            }
            "lines" => want.as_object().is_some_and(|lines| {
                lines.iter().all(|(code, outcome)| {
                    decision["lines"]
                        .as_array()
                        .and_then(|ls| ls.iter().find(|l| l["code"] == code.as_str()))
                        .is_some_and(|l| &l["outcome"] == outcome)
                })
            }),
            other => {
                // `outcome` and the annotations (`guideline`, `authority`).
                if decision.get(other).is_none() {
                    out.push(format!("unknown expect field `{other}`"));
                    continue;
                }
                got == want
            }
        };
        if !ok {
            let got = match field.as_str() {
                "lines" => decision["lines"]
                    .as_array()
                    .map(|ls| {
                        let shown: Vec<String> = ls
                            .iter()
                            .map(|l| format!("{}: {}", l["code"], l["outcome"]))
                            .collect();
                        format!("{{{}}}", shown.join(", "))
                    })
                    .unwrap_or_else(|| "no lines".into()),
                "cautions_nonempty" => format!("cautions {}", decision["cautions"]),
                _ => got.to_string(),
            };
            out.push(format!("{field}: expected {want}, got {got}"));
        }
    }
    out
}

/// Decides an example's request: the decision as JSON and the labels of the
/// rules that fired, or why the request is rejected.
pub fn decide(
    plan: &Plan,
    schema: &Schema,
    example: &Example,
) -> Result<(Value, Vec<String>), String> {
    let facts = crate::request::bind(plan.program(), schema, &example.request)
        .map_err(|e| e.to_string())?;
    let decision = crate::eval::decide(plan, &facts, &mut Scratch::default());
    let fired = decision.trace.iter().map(|t| t.rule.clone()).collect();
    let json = serde_json::to_value(&decision).map_err(|e| e.to_string())?;
    Ok((json, fired))
}

/// Runs every example; reports those that fail. Returns the labels of the
/// rules some example makes fire.
pub(crate) fn check(
    source: &Arc<SourceFile>,
    program: &Program,
    out: &mut Vec<Finding>,
) -> HashSet<String> {
    let mut fired = HashSet::new();
    if program.examples.is_empty() {
        return fired;
    }
    // Examples run on what `policy eval` runs: the optimized plan.
    let plan = crate::eval::optimize(program.clone());
    let schema = Schema::new(plan.program());
    for ex in &program.examples {
        let header = example_header(&source.text, ex.span);
        match decide(&plan, &schema, ex) {
            Err(e) => out.push(
                Finding::new(
                    source,
                    "failing-example",
                    ex.request_span,
                    format!("example `{}` fails: its request is rejected: {e}", ex.name),
                )
                .label("rejected")
                .help("an example's request must be valid input (`contract/request.md`)"),
            ),
            Ok((decision, rules)) => {
                fired.extend(rules);
                let wrong = mismatches(&ex.expect, &decision);
                if !wrong.is_empty() {
                    out.push(
                        Finding::new(
                            source,
                            "failing-example",
                            header,
                            format!("example `{}` fails: {}", ex.name, wrong.join("; ")),
                        )
                        .label("fails")
                        .related(ex.expect_span, "expected here")
                        .help(format!("the decision was {}", shorten(&decision))),
                    );
                }
            }
        }
    }
    fired
}

/// The decision without its trace, for a help line.
fn shorten(decision: &Value) -> String {
    let mut d = decision.clone();
    if let Some(o) = d.as_object_mut() {
        o.remove("trace");
        o.remove("id");
    }
    d.to_string()
}

/// Reports the rules no example makes fire; returns their labels.
pub(crate) fn uncovered(
    source: &Arc<SourceFile>,
    program: &Program,
    fired: &HashSet<String>,
    out: &mut Vec<Finding>,
) -> Vec<String> {
    let mut labels = Vec::new();
    for rule in &program.rules {
        if fired.contains(&rule.label) {
            continue;
        }
        labels.push(rule.label.clone());
        out.push(
            Finding::new(
                source,
                "rule-not-covered",
                rule_header(&source.text, rule.span),
                format!("no example makes rule `{}` fire", rule.label),
            )
            .label("not covered")
            .help("add an `example` whose request makes the rule fire"),
        );
    }
    labels
}

/// `example "name"`, from the example's span.
fn example_header(text: &str, span: Span) -> Span {
    let start = span.start as usize;
    let Some(rest) = text.get(start..span.end as usize) else {
        return span;
    };
    let Some(open) = rest.find('"') else {
        return span;
    };
    let mut escaped = false;
    for (i, c) in rest[open + 1..].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Span::new(start, start + open + 1 + i + 1),
            _ => escaped = false,
        }
    }
    span
}

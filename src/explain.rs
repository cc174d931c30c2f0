//! A decision as a reviewer reads it: each line's outcome and the rules
//! behind it as a tree, with citations, messages, and the unknown facts that
//! made a line pend. Used by `policy eval --explain` and the REPL.

use std::fmt::Write;

use crate::decision::Decision;

/// Renders a decision as an indented tree.
pub fn explain(decision: &Decision) -> String {
    let mut out = String::new();
    let id = decision
        .id
        .as_deref()
        .map(|i| format!(" {i}"))
        .unwrap_or_default();
    let _ = writeln!(out, "request{id}: {}", decision.outcome);
    for (name, value) in &decision.annotations {
        let v = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        let _ = writeln!(out, "  {name}: {v}");
    }
    let request_rules: Vec<_> = decision
        .trace
        .iter()
        .filter(|t| t.line_index.is_none())
        .collect();
    for (i, line) in decision.lines.iter().enumerate() {
        let _ = writeln!(out, "line {} {}: {}", i + 1, line.code, line.outcome);
        let mut items: Vec<String> = Vec::new();
        for t in decision.trace.iter().filter(|t| t.line_index == Some(i)) {
            items.push(rule_item(
                &t.rule,
                &t.effect,
                t.citation.as_deref(),
                &t.message,
            ));
        }
        for p in decision.pending.iter().filter(|p| p.line_index == Some(i)) {
            items.push(format!(
                "{} could not decide ({} if it held): unknown {}",
                p.rule,
                p.would_be,
                p.facts.join(", ")
            ));
        }
        if !line.alternatives.is_empty() {
            items.push(format!("alternatives: {}", line.alternatives.join(", ")));
        }
        if !line.redirect_to.is_empty() {
            items.push(format!("redirect to: {}", line.redirect_to.join(", ")));
        }
        if items.is_empty() {
            items.push("no rule fired".into());
        }
        tree(&mut out, &items);
    }
    if !request_rules.is_empty() || decision.lines.is_empty() {
        let _ = writeln!(out, "request-level rules:");
        let mut items: Vec<String> = request_rules
            .iter()
            .map(|t| rule_item(&t.rule, &t.effect, t.citation.as_deref(), &t.message))
            .collect();
        for p in decision.pending.iter().filter(|p| p.line_index.is_none()) {
            items.push(format!(
                "{} could not decide ({} if it held): unknown {}",
                p.rule,
                p.would_be,
                p.facts.join(", ")
            ));
        }
        if items.is_empty() {
            items.push("none fired".into());
        }
        tree(&mut out, &items);
    }
    if !decision.missing.is_empty() {
        let _ = writeln!(out, "missing: {}", decision.missing.join(", "));
    }
    for c in &decision.cautions {
        let _ = writeln!(out, "caution: {c}");
    }
    if !decision.citations.is_empty() {
        let _ = writeln!(out, "citations: {}", decision.citations.join(", "));
    }
    out
}

fn rule_item(rule: &str, effect: &str, citation: Option<&str>, message: &str) -> String {
    let cite = citation.map(|c| format!(" [{c}]")).unwrap_or_default();
    if message.is_empty() {
        format!("{rule} -> {effect}{cite}")
    } else {
        format!("{rule} -> {effect}{cite}\n{message}")
    }
}

fn tree(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        let last = i + 1 == items.len();
        let mut lines = item.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(out, "  {} {first}", if last { "└─" } else { "├─" });
        for rest in lines {
            let _ = writeln!(out, "  {}    {rest}", if last { " " } else { "│" });
        }
    }
}

//! What the REPL prints about the policy and the request: `:facts` (every
//! fact, with defaults and unknowns marked), `:rules`, and `:show` (the
//! source of a rule or declaration, found by its span).

use std::fmt::Write;

use serde_json::{Map, Value as Json};

use super::Paint;
use super::read::Seg;
use super::values;
use crate::Policy;
use crate::diag::did_you_mean;
use crate::eval::program::{FactKind, Program};
use crate::eval::{Eval, Facts, Scratch};
use crate::syntax::ast::Decl;
use crate::syntax::span::{Span, line_col};

/// `:facts`: every fact (or those under a prefix) with its value, marking
/// defaults, unknowns and absent facts.
pub fn facts(
    program: &Program,
    facts: &Facts,
    request: &Map<String, Json>,
    filter: &str,
    paint: Paint,
) -> Result<String, String> {
    let chosen: Vec<_> = program
        .facts
        .iter()
        .filter(|f| {
            filter.is_empty()
                || f.path == filter
                || f.path
                    .strip_prefix(filter)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .collect();
    if chosen.is_empty() {
        let mut names: Vec<&str> = program.facts.iter().map(|f| f.path.as_str()).collect();
        for f in &program.facts {
            if let Some((prefix, _)) = f.path.split_once('.') {
                names.push(prefix);
            }
        }
        let hint = did_you_mean(filter, names)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!(
            "no fact is named `{filter}` or starts with it{hint}"
        ));
    }
    let width = chosen.iter().map(|f| f.path.len()).max().unwrap_or(0);
    let mut scratch = Scratch::default();
    let ev = Eval::new(program, facts, &mut scratch);
    let mut out = String::new();
    let (mut set, mut defaults, mut unknown) = (0, 0, 0);
    for f in chosen {
        let path: Vec<Seg> = f.path.split('.').map(|s| Seg::Key(s.to_string())).collect();
        let shown = match values::get(request, &path) {
            Some(v) => {
                set += 1;
                format!("= {}", values::friendly(v))
            }
            None => match &f.kind {
                FactKind::Default(v) => {
                    defaults += 1;
                    let v =
                        values::value_json(&ev, *v).map_or("none".into(), |j| values::friendly(&j));
                    paint.dim(&format!("= {v} (default)"))
                }
                FactKind::Required => {
                    unknown += 1;
                    paint.unknown("unknown (required)")
                }
                FactKind::Unknown => {
                    unknown += 1;
                    paint.unknown("unknown")
                }
                FactKind::Absent => paint.dim("absent"),
            },
        };
        let _ = writeln!(out, "{:width$}  {shown}", f.path);
    }
    let _ = writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "{set} set, {defaults} by default, {unknown} unknown"
        ))
    );
    Ok(out)
}

/// Finds a rule by ID (any case), name or label.
pub fn find_rule(program: &Program, query: &str) -> Result<usize, String> {
    program
        .rules
        .iter()
        .position(|r| r.id.eq_ignore_ascii_case(query) || r.name == query || r.label == query)
        .ok_or_else(|| {
            let names = program
                .rules
                .iter()
                .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
            let hint = did_you_mean(query, names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `:rules` lists them".into());
            format!("no rule `{query}`{hint}")
        })
}

/// `:rules`: ID, name and citation, one rule a line.
pub fn rules(program: &Program, filter: &str, paint: Paint) -> Result<String, String> {
    let lower = filter.to_lowercase();
    let cite = |c: Option<u32>| {
        c.and_then(|c| program.sections.get(c as usize))
            .cloned()
            .unwrap_or_default()
    };
    let chosen: Vec<_> = program
        .rules
        .iter()
        .filter(|r| {
            lower.is_empty()
                || r.id.to_lowercase().starts_with(&lower)
                || r.name.contains(filter)
                || cite(r.cites).to_lowercase() == lower
                || program
                    .stages
                    .get(r.stage as usize)
                    .is_some_and(|s| s.name == lower)
        })
        .collect();
    if chosen.is_empty() {
        return Err(format!("no rule matches `{filter}`"));
    }
    let id_w = chosen.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let name_w = chosen.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in chosen {
        let id = format!("{:id_w$}", r.id);
        let _ = writeln!(
            out,
            "{}  {:name_w$}  {}",
            paint.bold(&id),
            r.name,
            paint.dim(&cite(r.cites))
        );
    }
    Ok(out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// The source lines from the line holding `start` to the line holding
/// `end`, with their common indentation removed.
fn source_lines(text: &str, start: usize, end: usize) -> String {
    let start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[end.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| end + i);
    let lines: Vec<&str> = text[start..end].lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "{}", l.get(indent..).unwrap_or("").trim_end());
    }
    out
}

/// Moves `start` up over the comment lines right above its line.
fn with_comments(text: &str, start: usize) -> usize {
    let mut line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    while line_start > 0 {
        let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &text[prev_start..line_start - 1];
        if prev.trim_start().starts_with('#') && !prev.contains("───") {
            line_start = prev_start;
        } else {
            break;
        }
    }
    line_start
}

/// Past a closing brace that follows `end` (after whitespace), if there is one.
fn past_brace(text: &str, end: usize) -> usize {
    let rest = &text[end.min(text.len())..];
    let trimmed = rest.trim_start();
    if trimmed.starts_with('}') {
        end + (rest.len() - trimmed.len()) + 1
    } else {
        end
    }
}

/// The span of the declaration of a global name, from the syntax tree.
fn declaration(policy: &Policy, name: &str) -> Option<(usize, usize)> {
    let ast = crate::syntax::parse_policy(policy.text()).ok()?;
    let text = policy.text();
    let span = |s: Span| (s.start as usize, s.end as usize);
    for decl in &ast.decls {
        let found = match decl {
            Decl::Enum(d) if d.name.node == name => {
                let end = d.values.last().map_or(d.name.span, |v| v.span);
                Some((span(d.name.span).0, past_brace(text, span(end).1)))
            }
            Decl::Text(d) if d.name.node == name => {
                Some((span(d.name.span).0, span(d.pattern.span).1))
            }
            Decl::Record(d) if d.name.node == name => {
                let end = d.fields.last().map_or(d.name.span, |f| {
                    f.kind.as_ref().map_or(f.ty.span, |k| k.span).to(f.ty.span)
                });
                Some((span(d.name.span).0, past_brace(text, span(end).1)))
            }
            Decl::Table(d) if d.name.node == name => {
                let end = d.columns.last().map_or(d.key.ty.span, |f| {
                    f.kind.as_ref().map_or(f.ty.span, |k| k.span).to(f.ty.span)
                });
                Some((span(d.name.span).0, past_brace(text, span(end).1)))
            }
            Decl::Const(d) if d.name.node == name => {
                Some((span(d.name.span).0, span(d.value.span).1))
            }
            Decl::Set(d) if d.name.node == name => {
                Some((span(d.name.span).0, past_brace(text, span(d.items.span).1)))
            }
            Decl::Define(d) if d.name.node == name => {
                Some((span(d.name.span).0, span(d.body.span).1))
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `:show`: the source of a rule, a global name, or a fact's declaration.
pub fn show(policy: &Policy, name: &str, paint: Paint) -> Result<String, String> {
    let program = policy.program();
    let text = policy.text();
    let (start, end) = if let Ok(r) = find_rule(program, name) {
        let span = program.rules[r].span;
        let start = span.start as usize;
        let body = text.get(start..span.end as usize).unwrap_or("");
        (start, start + body.trim_end().len())
    } else if let Some((start, end)) = declaration(policy, name) {
        (with_comments(text, start), end)
    } else if let Some(fact) = program
        .fact_slots
        .get(name)
        .and_then(|&s| program.facts.get(s as usize))
    {
        (fact.span.start as usize, fact.span.end as usize)
    } else {
        let mut names: Vec<&str> = program.globals.keys().map(String::as_str).collect();
        names.extend(program.rules.iter().map(|r| r.id.as_str()));
        names.extend(program.enums.iter().map(|e| e.name.as_str()));
        names.extend(program.facts.iter().map(|f| f.path.as_str()));
        let hint = did_you_mean(name, names)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!(
            "nothing named `{name}`: not a rule, definition, constant, set, vocabulary or fact{hint}"
        ));
    };
    let (line, _) = line_col(text, start);
    let where_ = paint.dim(&format!("# {}:{line}", policy.name()));
    Ok(format!("{where_}\n{}", source_lines(text, start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_lines_dedent() {
        let text = "stage s {\n  rule A a\n    when x\n    then y\n}\n";
        let start = text.find("rule").unwrap();
        let end = text.find("then y").unwrap() + 6;
        assert_eq!(
            source_lines(text, start, end),
            "rule A a\n  when x\n  then y\n"
        );
    }

    #[test]
    fn shows_declarations_with_their_comments() {
        let policy = Policy::embedded().unwrap();
        let paint = Paint { color: false };
        let out = show(&policy, "ADULT_AGE", paint).unwrap();
        assert!(out.contains("const ADULT_AGE = 18"), "{out}");
        let out = show(&policy, "MRI_UNSAFE_IMPLANTS", paint).unwrap();
        assert!(
            out.contains("# Preface-3: these contraindicate MRI"),
            "{out}"
        );
        assert!(out.trim_end().ends_with('}'), "{out}");
        let out = show(&policy, "m1", paint).unwrap();
        assert!(out.starts_with("# policies.dsl:"), "{out}");
        assert!(out.contains("rule M1 mri-unsafe-implant"), "{out}");
        assert!(
            show(&policy, "ADULT_AGES", paint)
                .unwrap_err()
                .contains("did you mean `ADULT_AGE`?")
        );
    }
}

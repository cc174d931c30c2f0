//! Suppression comments: `# dslcheck: allow(rule-never-fires, unused-set)`
//! silences the named lints on its own line and the line after it, and the
//! findings about a rule whose `rule` line is one of those. A name
//! that is no lint is itself reported (`unknown-lint`), so a typo cannot
//! silently switch nothing off.

use std::sync::Arc;

use super::{Finding, LINTS, SourceFile};
use crate::diag::suggestion;
use crate::syntax::span::Span;

/// One `# dslcheck: allow(...)` comment.
#[derive(Debug)]
struct Allow {
    line: usize,
    names: Vec<(String, Span)>,
}

/// The comments of a policy: `#` to the end of the line, outside strings.
fn comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut comment_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if let Some(start) = comment_start {
            if c == '\n' {
                out.push(Span::new(start, i));
                comment_start = None;
            }
            continue;
        }
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => comment_start = Some(i),
            _ => {}
        }
    }
    if let Some(start) = comment_start {
        out.push(Span::new(start, text.len()));
    }
    out
}

const PREFIX: &str = "dslcheck:";

/// The suppressions of a policy, and findings for malformed ones.
fn parse(source: &Arc<SourceFile>, out: &mut Vec<Finding>) -> Vec<Allow> {
    let text = &source.text;
    let mut allows = Vec::new();
    for span in comments(text) {
        let body = span.text(text);
        let after_hash = body.trim_start_matches('#');
        let trimmed = after_hash.trim_start();
        let Some(rest) = trimmed.strip_prefix(PREFIX) else {
            continue;
        };
        let offset = span.start as usize + (body.len() - trimmed.len()) + PREFIX.len();
        let rest_trimmed = rest.trim_start();
        let offset = offset + (rest.len() - rest_trimmed.len());
        let list = rest_trimmed
            .strip_prefix("allow")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.find(')').map(|close| (r, close)));
        let Some((inner, close)) = list else {
            out.push(
                Finding::new(
                    source,
                    "unknown-lint",
                    span,
                    "this `dslcheck:` comment is not a suppression".into(),
                )
                .label("not understood")
                .help("write `# dslcheck: allow(LINT)`, or `allow(LINT, LINT)` for several"),
            );
            continue;
        };
        let inner_start = offset + rest_trimmed.len() - inner.len();
        let mut names = Vec::new();
        let mut pos = 0;
        for part in inner[..close].split(',') {
            let name = part.trim();
            let lead = part.len() - part.trim_start().len();
            let start = inner_start + pos + lead;
            if !name.is_empty() {
                names.push((name.to_string(), Span::new(start, start + name.len())));
            }
            pos += part.len() + 1;
        }
        allows.push(Allow {
            line: source.line_of(span.start as usize),
            names,
        });
    }
    allows
}

/// Drops the findings a comment allows, and reports the names no lint has.
pub(crate) fn apply(source: &Arc<SourceFile>, findings: Vec<Finding>) -> Vec<Finding> {
    let mut extra = Vec::new();
    let allows = parse(source, &mut extra);
    for a in &allows {
        for (name, span) in &a.names {
            if super::lint(name).is_none() {
                let help = suggestion(name, LINTS.iter().map(|l| l.name))
                    .unwrap_or_else(|| "`dslcheck --list` names every lint".into());
                extra.push(
                    Finding::new(
                        source,
                        "unknown-lint",
                        *span,
                        format!("`{name}` is not a lint, so this suppresses nothing"),
                    )
                    .label("no such lint")
                    .help(help),
                );
            }
        }
    }
    let allowed = |f: &Finding| {
        if !f.is_lint() || !Arc::ptr_eq(&f.source, source) {
            return false;
        }
        let mut lines = vec![f.start().line];
        if let Some(anchor) = f.anchor {
            lines.push(source.line_of(anchor.start as usize));
        }
        allows.iter().any(|a| {
            lines.iter().any(|&l| a.line == l || a.line + 1 == l)
                && a.names.iter().any(|(n, _)| *n == f.lint)
        })
    };
    let mut out: Vec<Finding> = findings.into_iter().filter(|f| !allowed(f)).collect();
    out.extend(extra.into_iter().filter(|f| !allowed(f)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_skip_strings() {
        let text = "a \"# not\" # yes\n# also";
        let spans = comments(text);
        let got: Vec<&str> = spans.iter().map(|s| s.text(text)).collect();
        assert_eq!(got, ["# yes", "# also"]);
    }

    #[test]
    fn names_get_their_own_spans() {
        let text = "x\n# dslcheck: allow(rule-never-fires,  bogus)\n";
        let source = Arc::new(SourceFile::new("t.dsl", text));
        let mut out = Vec::new();
        let allows = parse(&source, &mut out);
        assert!(out.is_empty());
        assert_eq!(allows[0].line, 2);
        let names: Vec<&str> = allows[0].names.iter().map(|(_, s)| s.text(text)).collect();
        assert_eq!(names, ["rule-never-fires", "bogus"]);
    }
}

//! What `dslcheck` reports: a [`Finding`] in a [`SourceFile`], and the
//! parse and check errors of the language turned into findings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::Diagnostic;

use super::registry::{Severity, lint};
use crate::check::CheckError;
use crate::syntax::span::Span;

/// A file's text and where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    /// The path, as given.
    pub name: String,
    /// The text.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The line.
    pub line: usize,
    /// The column.
    pub column: usize,
}

impl SourceFile {
    /// A file's text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: Arc<str> = Arc::from(text.into());
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }

    /// The 1-based line a byte offset is on.
    pub fn line_of(&self, offset: usize) -> usize {
        self.position(offset).line
    }
}

/// One thing `dslcheck` reports.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The file it is in.
    pub source: Arc<SourceFile>,
    /// Where.
    pub span: Span,
    /// The lint's name, or the error's code (`policy::check::unknown_fact`).
    pub lint: String,
    /// How serious.
    pub severity: Severity,
    /// One sentence.
    pub message: String,
    /// The label of the span.
    pub label: Option<String>,
    /// Advice.
    pub help: Option<String>,
    /// Other places in the same file, labelled.
    pub related: Vec<(Span, String)>,
    /// The declaration it is about (a rule's `rule ID name`), if not the
    /// span itself: a suppression comment before it counts too.
    pub anchor: Option<Span>,
}

impl Finding {
    /// A finding of `lint` at `span`, with the lint's default severity.
    pub fn new(source: &Arc<SourceFile>, lint: &str, span: Span, message: String) -> Self {
        Finding {
            source: source.clone(),
            span,
            lint: lint.to_string(),
            severity: super::registry::lint(lint).map_or(Severity::Error, |l| l.severity),
            message,
            label: None,
            help: None,
            related: Vec::new(),
            anchor: None,
        }
    }

    /// About the declaration at `span` (see [`Finding::anchor`]).
    pub fn anchor(mut self, span: Span) -> Self {
        self.anchor = Some(span);
        self
    }

    /// With a label on the span.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = Some(text.into());
        self
    }

    /// With advice.
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// With another labelled place.
    pub fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push((span, text.into()));
        self
    }

    /// The file's path.
    pub fn file(&self) -> &str {
        &self.source.name
    }

    /// Where the finding starts.
    pub fn start(&self) -> Position {
        self.source.position(self.span.start as usize)
    }

    /// Just past where it ends.
    pub fn end(&self) -> Position {
        self.source.position(self.span.end as usize)
    }

    /// Whether it is a lint (not a parse or check error).
    pub fn is_lint(&self) -> bool {
        lint(&self.lint).is_some()
    }
}

/// The `rule ID name` line of a rule, from the rule's span.
pub(crate) fn rule_header(text: &str, rule: Span) -> Span {
    let start = rule.start as usize;
    let Some(rest) = text.get(start..rule.end as usize) else {
        return rule;
    };
    // `rule`, the ID, the name: three words.
    let mut end = 0;
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words == 3 {
                    break;
                }
            }
        } else {
            in_word = true;
            end = i + c.len_utf8();
        }
    }
    Span::new(start, start + end)
}

/// The text of a span on one line, shortened.
pub(crate) fn snippet(text: &str, span: Span) -> String {
    let raw = span.text(text);
    let mut out = String::new();
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > 80 {
        let cut: String = out.chars().take(77).collect();
        format!("{cut}...")
    } else {
        out
    }
}

/// A parse or check error as a finding.
pub(crate) fn from_diagnostic(source: &Arc<SourceFile>, d: &dyn Diagnostic) -> Finding {
    let code = d
        .code()
        .map_or("policy::error".to_string(), |c| c.to_string());
    let mut labels: Vec<(Span, Option<String>)> = d
        .labels()
        .map(|ls| {
            ls.map(|l| {
                (
                    Span::new(l.offset(), l.offset() + l.len()),
                    l.label().map(str::to_string),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    let (span, label) = if labels.is_empty() {
        (Span::new(0, 0), None)
    } else {
        labels.remove(0)
    };
    Finding {
        source: source.clone(),
        span,
        lint: code,
        severity: Severity::Error,
        message: d.to_string(),
        label,
        help: d.help().map(|h| h.to_string()),
        related: labels
            .into_iter()
            .map(|(s, l)| (s, l.unwrap_or_default()))
            .collect(),
        anchor: None,
    }
}

/// A check error; a table row's error points into the table's file.
pub(crate) fn check_error(
    source: &Arc<SourceFile>,
    e: &CheckError,
    tables: &mut HashMap<String, Arc<SourceFile>>,
) -> Finding {
    if let CheckError::TableRow {
        file, source_code, ..
    } = e
    {
        let path = Path::new(&source.name)
            .parent()
            .map_or_else(|| PathBuf::from(file), |d| d.join(file))
            .display()
            .to_string();
        let table = tables
            .entry(path.clone())
            .or_insert_with(|| Arc::new(SourceFile::new(path, source_code.inner().clone())))
            .clone();
        return from_diagnostic(&table, e);
    }
    from_diagnostic(source, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let f = SourceFile::new("x", "ab\ncé d\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        assert_eq!(f.position(7), Position { line: 2, column: 4 });
        assert_eq!(f.position(9), Position { line: 3, column: 1 });
    }
}

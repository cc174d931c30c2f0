//! The report in each output format: `human` (miette's graphical report),
//! `plain` (one line per finding), `json`, `sarif` (SARIF 2.1.0) and
//! `github` (workflow annotations).

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use serde_json::{Value, json};

use super::{Finding, LINTS, Report, Severity};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette's graphical report, with the source, labels and help.
    Human {
        /// In colour.
        color: bool,
    },
    /// `file:line:col: severity[lint]: message`, help indented below.
    Plain,
    /// A JSON array, one object per finding.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::message`).
    Github,
}

/// The report in a format. `human` and `plain` end with a summary line.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Human { color } => human(report, color),
        Format::Plain => plain(report),
        Format::Json => {
            serde_json::to_string_pretty(&json_findings(report)).unwrap_or_default() + "\n"
        }
        Format::Sarif => serde_json::to_string_pretty(&sarif(report)).unwrap_or_default() + "\n",
        Format::Github => github(report),
    }
}

/// "2 errors, 1 warning", and the coverage lines.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.coverage {
        let covered = c.rules - c.uncovered.len();
        out.push_str(&format!(
            "coverage: {covered} of {} rules of {} fire in its {} example{}\n",
            c.rules,
            c.file,
            c.examples,
            if c.examples == 1 { "" } else { "s" }
        ));
    }
    let counts = [
        (report.count(Severity::Error), "error"),
        (report.count(Severity::Warning), "warning"),
        (report.count(Severity::Info), "note"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        out.push_str("no problems found\n");
    } else {
        out.push_str(&parts.join(", "));
        out.push('\n');
    }
    out
}

/// A finding as a miette diagnostic.
struct Shown<'a> {
    finding: &'a Finding,
    source: NamedSource<std::sync::Arc<str>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.lint))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(f.label.clone(), f.span);
        let others = f
            .related
            .iter()
            .map(|(span, text)| LabeledSpan::new_with_span(Some(text.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

fn human(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for f in &report.findings {
        let shown = Shown {
            finding: f,
            source: NamedSource::new(f.file(), f.source.text.clone()),
        };
        let mut one = String::new();
        if handler.render_report(&mut one, &shown).is_err() {
            one = format!("{}\n", f.message);
        }
        out.push_str(&one);
        out.push('\n');
    }
    out.push_str(&summary(report));
    out
}

fn plain(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let start = f.start();
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            f.file(),
            start.line,
            start.column,
            f.severity.name(),
            f.lint,
            f.message
        ));
        if let Some(help) = &f.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out.push_str(&summary(report));
    out
}

fn json_findings(report: &Report) -> Value {
    Value::Array(
        report
            .findings
            .iter()
            .map(|f| {
                let (start, end) = (f.start(), f.end());
                json!({
                    "file": f.file(),
                    "line": start.line,
                    "column": start.column,
                    "end": {"line": end.line, "column": end.column},
                    "lint": f.lint,
                    "severity": f.severity.name(),
                    "message": f.message,
                    "help": f.help,
                })
            })
            .collect(),
    )
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif(report: &Report) -> Value {
    // Every lint, then the error codes that occur.
    let mut ids: Vec<String> = LINTS.iter().map(|l| l.name.to_string()).collect();
    let mut rules: Vec<Value> = LINTS
        .iter()
        .map(|l| {
            let mut rule = json!({
                "id": l.name,
                "shortDescription": {"text": l.summary},
                "defaultConfiguration": {"level": sarif_level(l.severity)},
            });
            if let Some(page) = super::explain(l.name) {
                rule["help"] = json!({"text": page, "markdown": page});
            }
            rule
        })
        .collect();
    for f in &report.findings {
        if !ids.contains(&f.lint) {
            ids.push(f.lint.clone());
            rules.push(json!({
                "id": f.lint,
                "shortDescription": {"text": "an error of the policy language"},
                "defaultConfiguration": {"level": "error"},
            }));
        }
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (start, end) = (f.start(), f.end());
            let text = match &f.help {
                Some(h) => format!("{}\nhelp: {h}", f.message),
                None => f.message.clone(),
            };
            let mut result = json!({
                "ruleId": f.lint,
                "ruleIndex": ids.iter().position(|i| *i == f.lint).unwrap_or(0),
                "level": sarif_level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(f.file())},
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        }
                    }
                }],
            });
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, (span, label))| {
                    let (s, e) = (
                        f.source.position(span.start as usize),
                        f.source.position(span.end as usize),
                    );
                    json!({
                        "id": i,
                        "message": {"text": label},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(f.file())},
                            "region": {
                                "startLine": s.line,
                                "startColumn": s.column,
                                "endLine": e.line,
                                "endColumn": e.column,
                            }
                        }
                    })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "dslcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A path as a relative URI reference (forward slashes, spaces escaped).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// GitHub's escaping of a workflow command's data.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let (start, end) = (f.start(), f.end());
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let message = match &f.help {
            Some(h) => format!("{}\nhelp: {h}", f.message),
            None => f.message.clone(),
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(f.file()),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&f.lint),
            escape_data(&message)
        ));
    }
    out
}

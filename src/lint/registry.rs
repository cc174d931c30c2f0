//! The lints' registry: each lint's name, default severity and summary,
//! and its page in `docs/lints.md` (compiled in, for `--explain`).

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// For information; never fails a run.
    Info,
    /// Suspicious; fails a run with `--deny warnings`.
    Warning,
    /// Wrong; fails the run.
    Error,
}

impl Severity {
    /// The name used in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A lint: its stable name, default severity and one-line summary. Its page
/// is the section of `docs/lints.md` with its name ([`explain`]).
#[derive(Clone, Copy, Debug)]
pub struct LintInfo {
    /// Kebab-case, stable: what suppressions and `--allow` name.
    pub name: &'static str,
    /// Its severity unless configured otherwise.
    pub severity: Severity,
    /// What it catches, in one line.
    pub summary: &'static str,
}

/// Every lint, in the order of `docs/lints.md`.
pub const LINTS: &[LintInfo] = &[
    LintInfo {
        name: "rule-never-fires",
        severity: Severity::Warning,
        summary: "a rule, or a branch of a rule, whose condition can never hold",
    },
    LintInfo {
        name: "redundant-rule",
        severity: Severity::Warning,
        summary: "a rule that never changes a decision: another rule at least as decisive fires whenever it does",
    },
    LintInfo {
        name: "conflicting-rules",
        severity: Severity::Warning,
        summary: "two rules of one stage with the same condition and different outcomes",
    },
    LintInfo {
        name: "missing-citation",
        severity: Severity::Warning,
        summary: "a rule that cites no section of the guideline",
    },
    LintInfo {
        name: "unused-const",
        severity: Severity::Warning,
        summary: "a constant no expression uses",
    },
    LintInfo {
        name: "unused-set",
        severity: Severity::Warning,
        summary: "a named set no expression uses",
    },
    LintInfo {
        name: "unused-definition",
        severity: Severity::Warning,
        summary: "a definition no rule reaches",
    },
    LintInfo {
        name: "unused-fact",
        severity: Severity::Info,
        summary: "a fact no rule reads (requests may still carry it)",
    },
    LintInfo {
        name: "unused-column",
        severity: Severity::Info,
        summary: "a table column no rule reads",
    },
    LintInfo {
        name: "impossible-value",
        severity: Severity::Warning,
        summary: "a comparison with a value that cannot occur: outside a fact's range, a code the table lacks, a column value no row has",
    },
    LintInfo {
        name: "pended-by-unknown",
        severity: Severity::Info,
        summary: "a rule whose outcome a fact that may be unknown can turn into a pend",
    },
    LintInfo {
        name: "failing-example",
        severity: Severity::Error,
        summary: "an inline example whose decision is not what it expects",
    },
    LintInfo {
        name: "rule-not-covered",
        severity: Severity::Info,
        summary: "with `--coverage`: a rule no example makes fire",
    },
    LintInfo {
        name: "unknown-lint",
        severity: Severity::Warning,
        summary: "a suppression comment naming no known lint",
    },
];

/// `docs/lints.md`, compiled in for `--explain`.
pub const DOC: &str = include_str!("../../docs/lints.md");

/// The lint of that name.
pub fn lint(name: &str) -> Option<&'static LintInfo> {
    LINTS.iter().find(|l| l.name == name)
}

/// A section of `docs/lints.md`: `## NAME` up to the next `## ` heading.
pub fn explain(name: &str) -> Option<&'static str> {
    let heading = format!("## {name}\n");
    let start = if DOC.starts_with(&heading) {
        0
    } else {
        DOC.find(&format!("\n{heading}"))? + 1
    };
    let rest = &DOC[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |i| i + heading.len() + 1);
    Some(rest[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_has_a_page_with_a_bad_and_a_good_example() {
        for l in LINTS {
            let page = explain(l.name).unwrap_or_else(|| panic!("no section for {}", l.name));
            assert!(page.contains(l.severity.name()), "{}: severity", l.name);
            assert!(page.contains("Bad:"), "{}: bad", l.name);
            assert!(page.contains("Good:"), "{}: good", l.name);
        }
    }
}

//! `dslcheck`, the linter: every parse and check error of a policy, and the
//! lints, mistakes that check cleanly but decide wrongly (a rule that can
//! never fire, a rule another rule always overrides, an example that fails).
//!
//! [`check_paths`] and [`check_source`] give a [`Report`] of [`Finding`]s;
//! [`output`] prints them (miette's report, plain lines, JSON, SARIF, GitHub
//! annotations). Each lint has a stable name, a default [`Severity`] and a
//! section in `docs/lints.md` ([`LINTS`], [`explain`]); a comment
//! `# dslcheck: allow(NAME)` on a finding's line or the line before it
//! silences it.
//!
//! | module | lints |
//! |---|---|
//! | `never` | `rule-never-fires` |
//! | `overlap` | `redundant-rule`, `conflicting-rules` |
//! | `citations` | `missing-citation` |
//! | `unused` | `unused-const`, `unused-set`, `unused-definition`, `unused-fact`, `unused-column` |
//! | `values` | `impossible-value` |
//! | `unknown` | `pended-by-unknown` |
//! | [`examples`] | `failing-example`, `rule-not-covered` |
//! | `suppress` | `unknown-lint` |
//!
//! The reasoning about conditions lives in `canon` (rules in canonical
//! form), `logic` (conditions as formulas over terms) and `solve` (can a
//! formula hold?); `rules` prepares each rule's formulas once for all lints.
//! `registry` lists the lints, `finding` is what they report, [`generate`]
//! makes large policies for the benchmark.

mod canon;
mod citations;
pub mod examples;
mod finding;
pub mod generate;
mod hash;
mod logic;
mod never;
pub mod output;
mod overlap;
mod registry;
mod rules;
mod solve;
mod suppress;
mod unknown;
mod unused;
mod values;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::DirLoader;
use crate::check::Loader;

pub use finding::{Finding, Position, SourceFile};
use finding::{check_error, from_diagnostic};
pub(crate) use finding::{rule_header, snippet};
pub use registry::{DOC, LINTS, LintInfo, Severity, explain, lint};

/// What to check and how loudly.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Report the rules no example makes fire (`rule-not-covered`).
    pub coverage: bool,
    /// Per-lint severity; `None` turns a lint off.
    pub levels: HashMap<String, Option<Severity>>,
}

/// How many rules a file's examples make fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The policy file.
    pub file: String,
    /// Rules in the policy.
    pub rules: usize,
    /// Labels of the rules no example makes fire.
    pub uncovered: Vec<String>,
    /// Examples in the policy.
    pub examples: usize,
}

/// Everything one run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Findings, sorted by file and position.
    pub findings: Vec<Finding>,
    /// Example coverage per policy (with [`Options::coverage`]).
    pub coverage: Vec<Coverage>,
}

impl Report {
    /// Findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (a.file(), a.span.start, a.span.end, &a.lint, &a.message).cmp(&(
                b.file(),
                b.span.start,
                b.span.end,
                &b.lint,
                &b.message,
            ))
        });
    }
}

/// The `.dsl` files of the given paths (folders searched recursively,
/// sorted), or why a path cannot be read.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read folder `{}`: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            // Hidden folders and build output hold no policies.
            let skip = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.') || n == "target");
            if p.is_dir() && !skip {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "dsl") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("no such file or folder: `{}`", p.display()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

/// Checks every policy of the given files and folders.
pub fn check_paths(paths: &[PathBuf], options: &Options) -> Result<Report, String> {
    let mut report = Report::default();
    for file in policy_files(paths)? {
        let one = check_file(&file, options)?;
        report.findings.extend(one.findings);
        report.coverage.extend(one.coverage);
    }
    report.sort();
    Ok(report)
}

/// Checks one policy file; its tables are read from its folder.
pub fn check_file(path: &Path, options: &Options) -> Result<Report, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(check_source(
        &path.display().to_string(),
        &text,
        &DirLoader(dir),
        options,
    ))
}

/// Checks a policy's text. `name` is its path (tables are named relative to
/// its folder in findings); `loader` reads its tables.
pub fn check_source(name: &str, text: &str, loader: &dyn Loader, options: &Options) -> Report {
    let source = Arc::new(SourceFile::new(name, text));
    let mut findings = Vec::new();
    let mut coverage = Vec::new();
    match crate::syntax::parse_policy(text) {
        Err(e) => findings.push(from_diagnostic(&source, &e)),
        Ok(ast) => {
            citations::check(&source, &ast, &mut findings);
            let declared = unused::Declared::of(&ast);
            let (program, errors) = crate::check::check(&ast, loader);
            // The tree is big; the lints need only the program.
            drop(ast);
            if errors.is_empty() {
                let mut logic = logic::Logic::new(&program);
                let prepared = rules::prepare(&mut logic);
                let impossible = values::check(&source, &program, &mut findings);
                never::check(&source, &mut logic, &prepared, &impossible, &mut findings);
                overlap::check(&source, &mut logic, &prepared, &mut findings);
                unused::check(&source, &program, &declared, &mut findings);
                unknown::check(&source, &program, &mut findings);
                let covered = examples::check(&source, &program, &mut findings);
                if options.coverage {
                    let uncovered = examples::uncovered(&source, &program, &covered, &mut findings);
                    coverage.push(Coverage {
                        file: name.to_string(),
                        rules: program.rules.len(),
                        uncovered,
                        examples: program.examples.len(),
                    });
                }
            } else {
                let mut tables: HashMap<String, Arc<SourceFile>> = HashMap::new();
                for err in &errors {
                    findings.push(check_error(&source, err, &mut tables));
                }
            }
        }
    }
    let mut findings = suppress::apply(&source, findings);
    findings.retain_mut(|f| {
        if !f.is_lint() {
            return true;
        }
        if f.lint == "rule-not-covered" && !options.coverage {
            return false;
        }
        match options.levels.get(&f.lint) {
            Some(None) => false,
            Some(Some(s)) => {
                f.severity = *s;
                true
            }
            None => true,
        }
    });
    let mut report = Report { findings, coverage };
    report.sort();
    report
}

//! A policy language for medical-imaging prior authorization.
//!
//! The pipeline, one module per stage:
//!
//! | module | stage |
//! |---|---|
//! | [`syntax`] | source text -> syntax tree (pest lives only in `syntax/parse/`) |
//! | [`check`] | syntax tree -> checked, compiled [`eval::program::Program`] |
//! | [`eval`] | the compiled form; three-valued evaluation; rule application |
//! | [`request`] | JSON request -> [`eval::Facts`], strictly |
//! | [`decision`] | the decision and its JSON |
//! | [`diag`] | shared diagnostic helpers |
//! | [`explain`] | a decision as a reviewer reads it (a tree) |
//! | [`batch`] | NDJSON streams, in order, across worker threads |
//! | [`repl`] | the REPL's backend: commands in, text out (the rustyline frontend is in `src/bin/policy/repl.rs`) |
//!
//! [`Policy`] ties them together: load once, then bind and decide requests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod batch;
pub mod check;
pub mod decision;
pub mod diag;
pub mod eval;
pub mod explain;
pub mod lint;
pub mod repl;
pub mod request;
pub mod syntax;

use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

pub use decision::Decision;
pub use eval::{Facts, Scratch};
pub use request::RequestError;

use check::{CheckError, Loader};
use eval::Plan;
use eval::program::Program;
use request::Schema;
use syntax::SyntaxError;

/// The policy compiled into the binary: `policies.dsl` and its code table.
pub const EMBEDDED_POLICY: &str = include_str!("../policies.dsl");
/// The code table `policies.dsl` loads.
pub const EMBEDDED_CODES: &str = include_str!("../codes.csv");

/// A policy that does not parse or check: every error, with the source.
#[derive(Debug, Error)]
#[error("{}", .0.summary)]
pub struct PolicyError(Box<Invalid>);

#[derive(Debug)]
struct Invalid {
    summary: String,
    source_code: NamedSource<String>,
    syntax: Option<SyntaxError>,
    errors: Vec<CheckError>,
}

impl Diagnostic for PolicyError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("policy::invalid"))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.0.source_code)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        let syntax = self.0.syntax.iter().map(|e| e as &dyn Diagnostic);
        let errors = self.0.errors.iter().map(|e| e as &dyn Diagnostic);
        Some(Box::new(syntax.chain(errors)))
    }
}

impl PolicyError {
    /// The policy's name (its file).
    pub fn name(&self) -> &str {
        self.0.source_code.name()
    }

    /// The policy's text.
    pub fn source_text(&self) -> &str {
        self.0.source_code.inner()
    }

    /// Every diagnostic, syntax first.
    pub fn diagnostics(&self) -> Vec<&dyn Diagnostic> {
        self.related().map(|r| r.collect()).unwrap_or_default()
    }

    /// The syntax error, if the policy did not parse.
    pub fn syntax_error(&self) -> Option<&SyntaxError> {
        self.0.syntax.as_ref()
    }

    /// The checker's errors.
    pub fn check_errors(&self) -> &[CheckError] {
        &self.0.errors
    }
}

/// Reads table files from the folder of the policy file.
pub struct DirLoader(pub PathBuf);

impl Loader for DirLoader {
    fn load(&self, file: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(file)).map_err(|e| e.to_string())
    }
}

/// Serves the embedded code table.
pub struct EmbeddedLoader;

impl Loader for EmbeddedLoader {
    fn load(&self, file: &str) -> Result<String, String> {
        match file {
            "codes.csv" => Ok(EMBEDDED_CODES.to_string()),
            other => Err(format!("the embedded policy has no file `{other}`")),
        }
    }
}

/// A checked, compiled policy: bind requests to it and decide them.
#[derive(Clone, Debug)]
pub struct Policy {
    plan: Plan,
    schema: Schema,
    name: String,
    text: String,
}

impl Policy {
    /// Parses, checks and compiles a policy's text. `loader` reads the
    /// files it names.
    pub fn from_source(name: &str, text: &str, loader: &dyn Loader) -> Result<Policy, PolicyError> {
        Policy::build(name, text, loader, eval::optimize)
    }

    /// [`Policy::from_source`] without the optimizer: every rule runs as
    /// written. It decides every request as the optimized policy does (what
    /// `bench/tests/optimizer.rs` checks), only slower.
    pub fn from_source_plain(
        name: &str,
        text: &str,
        loader: &dyn Loader,
    ) -> Result<Policy, PolicyError> {
        Policy::build(name, text, loader, Plan::plain)
    }

    fn build(
        name: &str,
        text: &str,
        loader: &dyn Loader,
        plan: fn(Program) -> Plan,
    ) -> Result<Policy, PolicyError> {
        let fail = |syntax: Option<SyntaxError>, errors: Vec<CheckError>| {
            let count = errors.len() + usize::from(syntax.is_some());
            PolicyError(Box::new(Invalid {
                summary: format!(
                    "policy `{name}` has {count} error{}",
                    if count == 1 { "" } else { "s" }
                ),
                source_code: NamedSource::new(name, text.to_string()),
                syntax,
                errors,
            }))
        };
        let ast = syntax::parse_policy(text).map_err(|e| fail(Some(e), Vec::new()))?;
        let (program, errors) = check::check(&ast, loader);
        if !errors.is_empty() {
            return Err(fail(None, errors));
        }
        let plan = plan(program);
        Ok(Policy {
            schema: Schema::new(plan.program()),
            plan,
            name: name.to_string(),
            text: text.to_string(),
        })
    }

    /// Loads a policy file; tables are read from its folder.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            PolicyError(Box::new(Invalid {
                summary: format!("cannot read policy `{name}`: {e}"),
                source_code: NamedSource::new(&name, String::new()),
                syntax: None,
                errors: Vec::new(),
            }))
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Policy::from_source(&name, &text, &DirLoader(dir))
    }

    /// The policy compiled into the binary.
    pub fn embedded() -> Result<Policy, PolicyError> {
        Policy::from_source("policies.dsl", EMBEDDED_POLICY, &EmbeddedLoader)
    }

    /// The checked program.
    pub fn program(&self) -> &Program {
        self.plan.program()
    }

    /// The optimized plan that decides requests.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The policy's name (its file).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Binds a JSON request to the policy's facts.
    pub fn bind(&self, json: &str) -> Result<Facts, RequestError> {
        request::bind(self.plan.program(), &self.schema, json)
    }

    /// Decides a bound request.
    pub fn decide(&self, facts: &Facts) -> Decision {
        self.decide_with(facts, &mut Scratch::default())
    }

    /// Decides a bound request, reusing a worker's scratch space.
    pub fn decide_with(&self, facts: &Facts, scratch: &mut Scratch) -> Decision {
        eval::decide(&self.plan, facts, scratch)
    }

    /// Evaluates a bound request: what every rule did, ready to become a
    /// [`Decision`] ([`eval::Verdict::decision`]) or JSON
    /// ([`eval::Verdict::write_json`]). The verdict lives in `scratch`'s
    /// buffers, reused by the next request: a worker allocates once.
    pub fn evaluate<'a>(&'a self, facts: &'a Facts, scratch: &'a mut Scratch) -> eval::Verdict<'a> {
        eval::evaluate(&self.plan, facts, scratch)
    }

    /// JSON request in, decision JSON out.
    pub fn decide_json(&self, json: &str) -> Result<String, RequestError> {
        let facts = self.bind(json)?;
        let mut out = Vec::new();
        self.evaluate(&facts, &mut Scratch::default())
            .write_json(&mut out);
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

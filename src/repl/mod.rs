//! The REPL's backend: a [`Session`] holds a policy and the request being
//! built, takes one command (or expression) at a time and returns its result
//! as text. It knows nothing of terminals: the rustyline frontend in
//! `src/bin/policy/repl.rs` and piped input drive the same [`Session::run`],
//! and ask it for completions ([`Session::complete`]), hints and whether an
//! input needs another line ([`Session::needs_more`]).
//!
//! The request is kept as the JSON object a user would send to
//! `policy eval`, and bound again with [`Policy::bind`] after every change,
//! so a value gets exactly `policy eval`'s checks and messages.

pub mod command;
mod complete;
mod edit;
mod listing;
mod parts;
pub mod read;
mod render;
mod report;
pub mod values;
mod why;

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use crate::check::check_expr;
use crate::diag::{Style, render};
use crate::eval::program::{Program, Value};
use crate::eval::{Eval, Facts, Scratch};
use crate::request::Schema;
use crate::syntax::parse_expr;
use crate::{Decision, Policy};

pub use command::{COMMANDS, Command};
pub use complete::Completion;
pub(crate) use render::Paint;

/// What a command printed, and whether it asked to leave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The text to print (may be empty).
    pub text: String,
    /// `:quit` was asked for.
    pub quit: bool,
}

impl Output {
    fn text(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            quit: false,
        }
    }
}

/// A command that failed: its rendered diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// A policy and the request being built against it.
pub struct Session {
    policy: Policy,
    /// The policy file (`None`: the embedded policy).
    source: Option<PathBuf>,
    request: Map<String, Json>,
    facts: Facts,
    style: Style,
}

impl Session {
    /// A session on a loaded policy, with an empty request. `color` chooses
    /// colour and miette's coloured diagnostics over plain text.
    pub fn new(policy: Policy, source: Option<PathBuf>, color: bool) -> Result<Session, Failure> {
        let style = if color { Style::Color } else { Style::Plain };
        let facts = policy.bind("{}").map_err(|e| Failure(render(&e, style)))?;
        Ok(Session {
            policy,
            source,
            request: Map::new(),
            facts,
            style,
        })
    }

    /// A session on a policy file, or on the embedded policy.
    pub fn open(path: Option<&Path>, color: bool) -> Result<Session, Failure> {
        let style = if color { Style::Color } else { Style::Plain };
        let policy = match path {
            Some(p) => Policy::load(p),
            None => Policy::embedded(),
        }
        .map_err(|e| Failure(render(&e, style)))?;
        Session::new(policy, path.map(Path::to_path_buf), color)
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The current request, as JSON.
    pub fn request_json(&self) -> String {
        Json::Object(self.request.clone()).to_string()
    }

    /// The decision on the current request.
    pub fn decide(&self) -> Decision {
        self.policy.decide(&self.facts)
    }

    /// One line saying what is loaded, for the frontend's greeting.
    pub fn banner(&self) -> String {
        let program = self.policy.program();
        let title = program
            .title
            .as_deref()
            .map(|t| format!("\"{t}\" "))
            .unwrap_or_default();
        format!(
            "policy {title}({}): {} rules, {} facts",
            self.policy.name(),
            program.rules.len(),
            program.facts.len()
        )
    }

    fn paint(&self) -> Paint {
        Paint {
            color: self.style == Style::Color,
        }
    }

    /// Runs one line of input: a command or an expression.
    pub fn run(&mut self, line: &str) -> Result<Output, Failure> {
        let command = command::parse(line).map_err(|m| self.plain_failure(&m))?;
        self.execute(command)
    }

    /// Runs a parsed command.
    pub fn execute(&mut self, command: Command) -> Result<Output, Failure> {
        let paint = self.paint();
        match command {
            Command::Nothing => Ok(Output::default()),
            Command::Set(args) => self.set(&args),
            Command::Unset(args) => self.unset(&args),
            Command::Clear => {
                self.request = Map::new();
                self.facts = self
                    .bind(&self.request)
                    .map_err(|e| self.request_failure(e))?;
                Ok(Output::text("request cleared\n"))
            }
            Command::Request(args) => self.load_request(&args),
            Command::Facts(args) => self.show_facts(&args),
            Command::Decide(args) => match args.text() {
                "" => Ok(Output::text(report::summary(
                    self.policy.program(),
                    &self.decide(),
                    paint,
                ))),
                "json" => Ok(Output::text(self.decide().to_json_pretty() + "\n")),
                other => Err(self
                    .plain_failure(&format!("`:decide` takes nothing or `json`, not `{other}`"))),
            },
            Command::Explain => Ok(Output::text(crate::explain::explain(&self.decide()))),
            Command::Why(args) => why::why(&self.policy, &self.facts, args.text(), paint)
                .map(Output::text)
                .map_err(|m| self.plain_failure(&m)),
            Command::Missing => Ok(Output::text(self.missing())),
            Command::WhatIf(args) => self.what_if(&args),
            Command::Eval(args) => self.evaluate(&args, false),
            Command::Type(args) => self.evaluate(&args, true),
            Command::Rules(args) => listing::rules(self.policy.program(), args.text(), paint)
                .map(Output::text)
                .map_err(|m| self.plain_failure(&m)),
            Command::Show(args) => listing::show(&self.policy, args.text(), paint)
                .map(Output::text)
                .map_err(|m| self.plain_failure(&m)),
            Command::Load(args) => {
                let path = PathBuf::from(args.text());
                self.load_policy(Some(path), "loaded")
            }
            Command::Reload => self.load_policy(self.source.clone(), "reloaded"),
            Command::Help(args) => self.help(args.text()),
            Command::Quit => Ok(Output {
                text: String::new(),
                quit: true,
            }),
        }
    }

    /// Whether `input` stops in the middle of an expression or value, so the
    /// frontend should read another line before running it.
    pub fn needs_more(&self, input: &str) -> bool {
        match command::parse(input) {
            Ok(Command::Eval(args)) => parse_expr(args.text()).is_err_and(|e| e.at_end),
            Ok(Command::Type(args)) => parse_expr(args.text()).is_err_and(|e| e.at_end),
            Ok(Command::Set(args) | Command::WhatIf(args)) => {
                read::read_assignments(args.text()).is_err_and(|e| e.at_end)
            }
            Ok(Command::Request(args)) if args.text().starts_with('{') => {
                serde_json::from_str::<Json>(args.text()).is_err_and(|e| e.is_eof())
            }
            _ => false,
        }
    }

    /// Completions for `line` with the cursor at `pos`.
    pub fn complete(&self, line: &str, pos: usize) -> Completion {
        complete::complete(self.policy.program(), line, pos)
    }

    /// A hint to show after the cursor (what the command takes).
    pub fn hint(&self, line: &str, pos: usize) -> Option<String> {
        complete::hint(self.policy.program(), line, pos)
    }

    // ───────────────────────── questions ─────────────────────────

    fn missing(&self) -> String {
        let decision = self.decide();
        let try_value = |path: &str, value: Json| -> Option<Decision> {
            let segs = read::read_path(path).ok()?;
            let mut request = self.request.clone();
            values::set(&mut request, &segs, value).ok()?;
            let facts = self.bind(&request).ok()?;
            Some(self.policy.decide(&facts))
        };
        report::missing(
            self.policy.program(),
            &self.facts,
            &decision,
            &try_value,
            self.paint(),
        )
    }

    fn evaluate(&self, args: &command::Args, type_only: bool) -> Result<Output, Failure> {
        let text = args.text();
        let expr = parse_expr(text).map_err(|e| Failure(self.in_input(&e, text)))?;
        // Compile against a copy: an expression may intern texts and lists,
        // and the request must be bound to the program it is read with.
        let mut program = self.policy.program().clone();
        let (node, ty) = check_expr(&mut program, &expr)
            .map_err(|errors| Failure(errors.iter().map(|e| self.in_input(e, text)).collect()))?;
        if type_only {
            return Ok(Output::text(program.type_name(&ty) + "\n"));
        }
        let facts = crate::request::bind(&program, &Schema::new(&program), &self.request_json())
            .map_err(|e| self.request_failure(e))?;
        let mut scratch = Scratch::default();
        let mut ev = Eval::new(&program, &facts, &mut scratch);
        ev.clear_unknowns();
        let value = ev.eval(&node);
        let paint = self.paint();
        if value == Value::Unknown {
            let mut unknown: Vec<&str> = ev
                .unknowns()
                .iter()
                .filter_map(|&s| program.facts.get(s as usize).map(|f| f.path.as_str()))
                .collect();
            unknown.sort_unstable();
            unknown.dedup();
            let why = if unknown.is_empty() {
                String::new()
            } else {
                paint.dim(&format!(
                    "  ({} not known)",
                    unknown
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            };
            return Ok(Output::text(format!("{}{why}\n", paint.unknown("unknown"))));
        }
        Ok(Output::text(ev.show(value) + "\n"))
    }

    // ───────────────────────── the policy ─────────────────────────

    fn load_policy(&mut self, path: Option<PathBuf>, verb: &str) -> Result<Output, Failure> {
        let loaded = match &path {
            Some(p) => Policy::load(p),
            None => Policy::embedded(),
        };
        let policy = loaded.map_err(|e| {
            let mut text = self.render(&e);
            text.push_str(&format!(
                "the policy `{}` stays loaded\n",
                self.policy.name()
            ));
            Failure(text)
        })?;
        let previous = std::mem::replace(&mut self.policy, policy);
        self.source = path;
        let mut out = format!("{verb} {}\n", self.banner().trim_start_matches("policy "));
        match self.bind(&self.request) {
            Ok(facts) => self.facts = facts,
            Err(e) => {
                out.push_str(&format!(
                    "the request does not fit this policy ({}), so it was cleared\n",
                    e.message
                ));
                self.request = Map::new();
                match self.bind(&self.request) {
                    Ok(facts) => self.facts = facts,
                    Err(e) => {
                        self.policy = previous;
                        return Err(self.request_failure(e));
                    }
                }
            }
        }
        Ok(Output::text(out))
    }

    fn help(&self, topic: &str) -> Result<Output, Failure> {
        let paint = self.paint();
        if topic.is_empty() {
            let mut out = String::new();
            let width = COMMANDS
                .iter()
                .map(|c| c.name.len() + 1 + c.usage.len())
                .max()
                .unwrap_or(0);
            for c in COMMANDS {
                let head = format!("{} {}", c.name, c.usage);
                let pad = width.saturating_sub(head.trim_end().len());
                out.push_str(&format!(
                    "{}{}{}  {}\n",
                    paint.bold(c.name),
                    if c.usage.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", c.usage)
                    },
                    " ".repeat(pad),
                    c.summary
                ));
            }
            out.push_str(&format!(
                "{}{}  evaluate an expression against the request (`member.age < ADULT_AGE`)\n",
                paint.bold("EXPR"),
                " ".repeat(width.saturating_sub(4))
            ));
            return Ok(Output::text(out));
        }
        let name = if topic.starts_with(':') {
            topic.to_string()
        } else {
            format!(":{topic}")
        };
        let info = command::lookup(&name).map_err(|m| self.plain_failure(&m))?;
        let mut out = format!(
            "{} {}\n  {}\n",
            paint.bold(info.name),
            info.usage,
            info.summary
        );
        for line in info.details.lines() {
            out.push_str(&format!("  {}\n", line.trim()));
        }
        Ok(Output::text(out))
    }
}

/// The dotted path of a fact, or `?`.
pub(crate) fn fact_path(program: &Program, slot: u32) -> &str {
    program
        .facts
        .get(slot as usize)
        .map_or("?", |f| f.path.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::open(None, false).unwrap()
    }

    fn run(s: &mut Session, line: &str) -> String {
        match s.run(line) {
            Ok(o) => o.text,
            Err(f) => panic!("{line}: {f}"),
        }
    }

    #[test]
    fn builds_a_request_fact_by_fact() {
        let mut s = session();
        assert_eq!(run(&mut s, ":set member.age = 62"), "member.age = 62\n");
        run(
            &mut s,
            ":set member.plan = commercial; order.purpose = diagnostic",
        );
        run(&mut s, ":set order.lines = [{code: 70553}]");
        run(&mut s, ":set clinical.evaluation = in_person");
        let out = run(&mut s, ":set member.implants = [pacemaker]");
        assert!(out.contains("outcome: proceed -> alternative"), "{out}");
        assert_eq!(
            s.request_json(),
            r#"{"clinical":{"evaluation":"in_person"},"member":{"age":62,"implants":["pacemaker"],"plan":"commercial"},"order":{"lines":[{"code":"70553"}],"purpose":"diagnostic"}}"#
        );
        assert_eq!(run(&mut s, "member.age < ADULT_AGE"), "false\n");
        assert_eq!(
            run(&mut s, "member.gfr < LOW_GFR"),
            "unknown  (`member.gfr` not known)\n"
        );
        assert_eq!(run(&mut s, ":type member.age < ADULT_AGE"), "bool\n");
    }

    #[test]
    fn bad_values_fail_and_change_nothing() {
        let mut s = session();
        let e = s.run(":set member.age = -1").unwrap_err();
        assert!(e.0.contains("member.age: -1 is below the minimum 0"), "{e}");
        let e = s.run(":set member.implants = [pacemakr]").unwrap_err();
        assert!(e.0.contains("did you mean \"pacemaker\"?"), "{e}");
        let e = s.run(":set member.agee = 1").unwrap_err();
        assert!(e.0.contains("unknown field"), "{e}");
        assert_eq!(s.request_json(), "{}");
    }

    #[test]
    fn incomplete_input_asks_for_more() {
        let s = session();
        assert!(s.needs_more("member.age <"));
        assert!(s.needs_more(":set member.implants = [pacemaker,"));
        assert!(!s.needs_more("member.age < 18"));
        assert!(!s.needs_more(":set member.age = ]"));
        assert!(!s.needs_more(":facts"));
    }

    #[test]
    fn quit_says_so() {
        assert!(session().run(":quit").unwrap().quit);
    }
}

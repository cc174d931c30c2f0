//! The commands that change or try the request: `:set`, `:unset`,
//! `:request`, `:whatif`, and `:facts` to look at it. Every change is made
//! on a copy, bound again with [`crate::Policy::bind`], and kept only if it
//! binds, so a bad value changes nothing and reads as `policy eval` would
//! report it.

use std::sync::Arc;

use miette::{NamedSource, SourceSpan};
use serde_json::{Map, Value as Json};

use super::command::Args;
use super::read::{self, Assignment};
use super::render::INPUT;
use super::{Failure, Output, Session, listing, report, values};
use crate::Decision;
use crate::diag::did_you_mean;
use crate::eval::program::FactKind;
use crate::eval::{Eval, Facts, Scratch};
use crate::request::RequestError;

impl Session {
    pub(super) fn bind(&self, request: &Map<String, Json>) -> Result<Facts, RequestError> {
        self.policy.bind(&Json::Object(request.clone()).to_string())
    }

    /// Applies assignments to a copy of the request and binds it: the
    /// request and its facts, or the error pointing into the input.
    pub(super) fn apply(
        &self,
        args: &Args,
        assignments: &[Assignment],
    ) -> Result<(Map<String, Json>, Facts), Failure> {
        let program = self.policy.program();
        let mut request = self.request.clone();
        let offset = args.offset();
        for a in assignments {
            let json = values::to_json(program, &a.value, values::shape_at(program, &a.path));
            values::set(&mut request, &a.path, json).map_err(|m| {
                let span = (offset + a.path_span.0, offset + a.path_span.1);
                self.input_failure(
                    &args.line,
                    span,
                    &format!("{}: {m}", a.path_text),
                    "here",
                    None,
                )
            })?;
        }
        match self.bind(&request) {
            Ok(facts) => Ok((request, facts)),
            Err(e) => {
                // Point at the assignment the error is about: at its path
                // when the path names a field that does not exist, at its
                // value otherwise.
                let at = e.message.split(": ").next().unwrap_or("");
                let culprit = assignments
                    .iter()
                    .rev()
                    .find(|a| at.starts_with(&a.path_text) || a.path_text.starts_with(at));
                let span = culprit.map(|a| {
                    if e.message.contains("unknown field") && a.path_text.starts_with(at) {
                        a.path_span
                    } else {
                        a.value_span
                    }
                });
                let span = span.map_or((0, args.line.len()), |(s, t)| (offset + s, offset + t));
                let e = RequestError {
                    source_code: Some(Arc::new(NamedSource::new(INPUT, args.line.clone()))),
                    span: Some(SourceSpan::new(span.0.into(), span.1 - span.0)),
                    ..e
                };
                Err(self.request_failure(e))
            }
        }
    }

    pub(super) fn set(&mut self, args: &Args) -> Result<Output, Failure> {
        let assignments =
            read::read_assignments(args.text()).map_err(|e| self.read_failure(args, &e))?;
        let before = self.decide();
        let (request, facts) = self.apply(args, &assignments)?;
        self.request = request;
        self.facts = facts;
        let mut out = String::new();
        for a in &assignments {
            let shown =
                values::get(&self.request, &a.path).map_or_else(|| "?".into(), values::friendly);
            out.push_str(&format!("{} = {shown}\n", a.path_text));
        }
        out.push_str(&self.outcome_change(&before));
        Ok(Output::text(out))
    }

    /// `outcome: a -> b` when the outcome changed.
    pub(super) fn outcome_change(&self, before: &Decision) -> String {
        let after = self.decide();
        let paint = self.paint();
        let program = self.policy.program();
        if after.outcome == before.outcome {
            String::new()
        } else {
            format!(
                "outcome: {} -> {}\n",
                paint.outcome(program, &before.outcome),
                paint.outcome(program, &after.outcome)
            )
        }
    }

    pub(super) fn unset(&mut self, args: &Args) -> Result<Output, Failure> {
        let path = read::read_path(args.text()).map_err(|e| self.read_failure(args, &e))?;
        let program = self.policy.program();
        let text = read::path_string(&path);
        if matches!(values::shape_at(program, &path), values::Shape::Free) {
            let help = did_you_mean(&text, program.facts.iter().map(|f| f.path.as_str()))
                .map(|s| format!("did you mean `{s}`?"));
            let span = (args.offset(), args.offset() + args.text().len());
            return Err(self.input_failure(
                &args.line,
                span,
                &format!("unknown fact `{text}`"),
                "no fact declares this path",
                help,
            ));
        }
        let before = self.decide();
        let mut request = self.request.clone();
        if !values::unset(&mut request, &path) {
            return Ok(Output::text(format!("{text} is not set\n")));
        }
        let facts = self.bind(&request).map_err(|e| self.request_failure(e))?;
        self.request = request;
        self.facts = facts;
        let now = match program
            .fact_slots
            .get(&text)
            .and_then(|&s| program.facts.get(s as usize))
        {
            Some(fact) => match &fact.kind {
                FactKind::Required | FactKind::Unknown => " (now unknown)".to_string(),
                FactKind::Absent => " (now absent)".to_string(),
                FactKind::Default(v) => {
                    let mut scratch = Scratch::default();
                    let ev = Eval::new(program, &self.facts, &mut scratch);
                    let shown =
                        values::value_json(&ev, *v).map_or("none".into(), |j| values::friendly(&j));
                    format!(" (now its default, {shown})")
                }
            },
            None => String::new(),
        };
        let mut out = format!("{text} unset{now}\n");
        out.push_str(&self.outcome_change(&before));
        Ok(Output::text(out))
    }

    pub(super) fn load_request(&mut self, args: &Args) -> Result<Output, Failure> {
        let arg = args.text();
        let (name, text) = if arg.starts_with('{') {
            (INPUT.to_string(), arg.to_string())
        } else {
            let text = std::fs::read_to_string(arg)
                .map_err(|e| self.plain_failure(&format!("cannot read `{arg}`: {e}")))?;
            (arg.to_string(), text)
        };
        let facts = self
            .policy
            .bind(&text)
            .map_err(|e| self.request_failure(e.with_source(&name, &text)))?;
        let request = match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(map)) => map,
            _ => return Err(self.plain_failure(&format!("`{name}` is not a JSON object"))),
        };
        self.request = request;
        self.facts = facts;
        let decision = self.decide();
        let id = decision
            .id
            .as_deref()
            .map(|i| format!(" {i}"))
            .unwrap_or_default();
        let paint = self.paint();
        let from = if name == INPUT {
            String::new()
        } else {
            format!(" from {name}")
        };
        Ok(Output::text(format!(
            "request{id} loaded{from}: {}\n",
            paint.outcome(self.policy.program(), &decision.outcome)
        )))
    }

    pub(super) fn show_facts(&self, args: &Args) -> Result<Output, Failure> {
        let filter = args.text();
        if filter == "json" {
            let pretty = serde_json::to_string_pretty(&Json::Object(self.request.clone()))
                .unwrap_or_default();
            return Ok(Output::text(pretty + "\n"));
        }
        listing::facts(
            self.policy.program(),
            &self.facts,
            &self.request,
            filter,
            self.paint(),
        )
        .map(Output::text)
        .map_err(|m| self.plain_failure(&m))
    }

    pub(super) fn what_if(&self, args: &Args) -> Result<Output, Failure> {
        let assignments =
            read::read_assignments(args.text()).map_err(|e| self.read_failure(args, &e))?;
        let (request, facts) = self.apply(args, &assignments)?;
        let before = self.decide();
        let after = self.policy.decide(&facts);
        let changes: Vec<String> = assignments
            .iter()
            .map(|a| {
                let shown =
                    values::get(&request, &a.path).map_or_else(|| "?".into(), values::friendly);
                format!("{} = {shown}", a.path_text)
            })
            .collect();
        let paint = self.paint();
        let mut out = format!("{} {}\n", paint.bold("what if"), changes.join("; "));
        out.push_str(&report::diff(self.policy.program(), &before, &after, paint));
        Ok(Output::text(out))
    }
}

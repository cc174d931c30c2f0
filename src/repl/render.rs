//! How the REPL's answers look: colours on a terminal (none in plain mode),
//! and failures rendered as miette diagnostics that point into the text
//! just typed.

use std::fmt;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::command::Args;
use super::read::ReadError;
use super::{Failure, Session};
use crate::diag::render;
use crate::eval::program::Program;
use crate::request::RequestError;

/// Colours for a terminal, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paint {
    pub(super) color: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub(crate) fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    pub(crate) fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }

    /// `unknown`, and what is uncertain.
    pub(crate) fn unknown(self, s: &str) -> String {
        self.wrap("33", s)
    }

    pub(crate) fn good(self, s: &str) -> String {
        self.wrap("32", s)
    }

    pub(crate) fn bad(self, s: &str) -> String {
        self.wrap("31", s)
    }

    /// An outcome, coloured by where it ranks: above the pending outcome
    /// red, the pending outcome yellow, down to the default cyan, the
    /// default and below green.
    pub(crate) fn outcome(self, program: &Program, name: &str) -> String {
        let rank = program.outcomes.names.iter().position(|n| n == name);
        let code = match rank.map(|r| r as u32) {
            Some(r) if r < program.outcomes.pending => "1;31",
            Some(r) if r == program.outcomes.pending => "1;33",
            Some(r) if r < program.outcomes.default => "1;36",
            Some(_) => "1;32",
            None => "1",
        };
        self.wrap(code, name)
    }
}

/// A diagnostic about the text just typed.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(policy::repl::input))]
struct InputError {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// A diagnostic whose spans point into the typed input (the checker's and
/// parser's errors carry spans but no source).
struct InInput<'a> {
    inner: &'a dyn Diagnostic,
    src: NamedSource<String>,
}

impl fmt::Debug for InInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for InInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for InInput<'_> {}

impl Diagnostic for InInput<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
}

/// The name typed input goes by in diagnostics.
pub(super) const INPUT: &str = "input";

impl Session {
    pub(super) fn render(&self, d: &dyn Diagnostic) -> String {
        render(d, self.style)
    }

    pub(super) fn plain_failure(&self, message: &str) -> Failure {
        let paint = self.paint();
        Failure(format!("{} {message}\n", paint.bad("error:")))
    }

    pub(super) fn input_failure(
        &self,
        line: &str,
        span: (usize, usize),
        message: &str,
        label: &str,
        help: Option<String>,
    ) -> Failure {
        let e = InputError {
            message: message.to_string(),
            src: NamedSource::new(INPUT, line.to_string()),
            span: SourceSpan::new(span.0.into(), span.1.saturating_sub(span.0)),
            label: label.to_string(),
            help,
        };
        Failure(self.render(&e))
    }

    pub(super) fn read_failure(&self, args: &Args, e: &ReadError) -> Failure {
        let at = args.offset() + e.at;
        let end = args.line.trim_end().len();
        if at >= end {
            // Past the end there is nothing to underline: point at the last
            // character instead.
            let last = args.line[..end].chars().last().map_or(0, char::len_utf8);
            let span = (end - last, end);
            return self.input_failure(&args.line, span, &e.message, "the input ends here", None);
        }
        self.input_failure(&args.line, (at, at + 1), &e.message, "here", None)
    }

    pub(super) fn request_failure(&self, e: RequestError) -> Failure {
        Failure(self.render(&e))
    }

    pub(super) fn in_input(&self, d: &dyn Diagnostic, text: &str) -> String {
        self.render(&InInput {
            inner: d,
            src: NamedSource::new(INPUT, text.to_string()),
        })
    }
}

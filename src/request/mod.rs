//! JSON request -> [`Facts`], strictly: an unknown field, a duplicate key, a
//! wrong type, a value outside its vocabulary or format, a number out of
//! range are errors that name the path. Absent fields follow their kind.
//! The JSON is read once, straight into fact slots (no intermediate tree).
//!
//! Two readers fill the same `Builder`: a small scanner for requests as
//! they usually come (well formed, no escapes, nothing wrong), and
//! serde_json for everything else. The scanner gives up on anything it does
//! not vouch for, and serde_json then reads the request again and, if it is
//! bad, says what is wrong and where. Both accept the same requests and bind
//! them the same way (the tests in `tests.rs` compare them).
//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | [`bind`], [`RequestError`], the scratch each thread reuses, the choice of reader |
//! | `schema.rs` | [`Schema`]: the request's shape and lookups, built once per policy |
//! | `names.rs` | the name table behind those lookups |
//! | `build.rs` | the `Builder` both readers bind into, with every check on a value |
//! | `fast.rs` | the fast reader: a byte scanner for well-formed requests |
//! | `reference.rs` | the reference reader: serde_json, with each error's path and reason |
//! | `tests.rs` | the two readers compared |

mod build;
mod fast;
mod names;
mod reference;
mod schema;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::eval::Facts;
use crate::eval::program::Program;
use build::Scratch;

pub use schema::Schema;

/// A request that cannot be decided: bad JSON or a bad field.
#[derive(Clone, Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(policy::request::invalid))]
pub struct RequestError {
    /// What is wrong, starting with the field's path.
    pub message: String,
    /// 1-based line of the JSON text where reading stopped (0: unknown).
    pub line: usize,
    /// 1-based column there.
    pub column: usize,
    /// The request text, when attached for rendering.
    #[source_code]
    pub source_code: Option<Arc<NamedSource<String>>>,
    /// Where in it.
    #[label("here")]
    pub span: Option<SourceSpan>,
}

impl RequestError {
    /// Attaches the request text so the error renders with it.
    pub fn with_source(mut self, name: &str, text: &str) -> Self {
        if self.line > 0 {
            let offset: usize = text
                .split_inclusive('\n')
                .take(self.line - 1)
                .map(str::len)
                .sum::<usize>()
                + self.column.saturating_sub(1);
            let offset = offset.min(text.len());
            // serde stops just past a bad string: point at the whole string.
            let before = &text.as_bytes()[..offset];
            let start = match before.last() {
                Some(b'"') => before[..before.len() - 1]
                    .iter()
                    .rposition(|&b| b == b'"')
                    .unwrap_or(offset),
                _ => offset,
            };
            self.span = Some(SourceSpan::new(start.into(), offset - start));
        }
        self.source_code = Some(Arc::new(NamedSource::new(name, text.to_string())));
        self
    }
}

/// Binds a JSON request to the program's facts.
pub fn bind(program: &Program, schema: &Schema, json: &str) -> Result<Facts, RequestError> {
    SCRATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let result = bind_with(program, schema, json, &mut scratch);
                if scratch.capacity() > SCRATCH_KEPT {
                    *scratch = Scratch::default();
                }
                result
            }
            Err(_) => bind_with(program, schema, json, &mut Scratch::default()),
        })
        .unwrap_or_else(|_| bind_with(program, schema, json, &mut Scratch::default()))
}

/// Binds with the fast reader, or, if it gives up, with the reference one.
fn bind_with(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Result<Facts, RequestError> {
    match fast::read(program, schema, json, scratch) {
        Some(facts) => Ok(facts),
        None => reference::read(program, schema, json, scratch),
    }
}

/// Values a thread's scratch may keep between requests.
const SCRATCH_KEPT: usize = 1 << 12;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

//! The checker's errors: one variant per thing that can be wrong, each with a
//! stable code, a labelled span and, where there is advice, a help line.

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

use crate::syntax::span::Span;

/// An error found while checking a policy.
#[derive(Clone, Debug, Error, Diagnostic)]
pub enum CheckError {
    /// A name that nothing declares.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(policy::check::unknown_name))]
    UnknownName {
        /// The name.
        name: String,
        /// Where.
        #[label("not declared")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A dotted path that is not a declared fact.
    #[error("unknown fact `{path}`")]
    #[diagnostic(code(policy::check::unknown_fact))]
    UnknownFact {
        /// The path.
        path: String,
        /// Where.
        #[label("no fact declares this path")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A field or column that the record or table does not have.
    #[error("`{owner}` has no field `{field}`")]
    #[diagnostic(code(policy::check::unknown_field))]
    UnknownField {
        /// The record or table.
        owner: String,
        /// The field.
        field: String,
        /// Where.
        #[label("no such field")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A type name that nothing declares.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(policy::check::unknown_type))]
    UnknownType {
        /// The name.
        name: String,
        /// Where.
        #[label("not a declared enum, text format or record")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A value outside its vocabulary.
    #[error("`{value}` is not a value of `{vocabulary}`")]
    #[diagnostic(code(policy::check::unknown_value))]
    UnknownValue {
        /// The value.
        value: String,
        /// The vocabulary.
        vocabulary: String,
        /// Where.
        #[label("not in `{vocabulary}`")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A text that does not match its format.
    #[error("`{value}` is not a valid `{format}`")]
    #[diagnostic(code(policy::check::bad_format))]
    BadFormat {
        /// The text.
        value: String,
        /// The format.
        format: String,
        /// Where.
        #[label("does not match `{pattern}`")]
        span: Span,
        /// The pattern.
        pattern: String,
    },
    /// An expression of the wrong type.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(policy::check::type_mismatch))]
    TypeMismatch {
        /// What fits here.
        expected: String,
        /// What was written.
        found: String,
        /// Where.
        #[label("this is {found}")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A name declared twice.
    #[error("`{name}` is declared twice")]
    #[diagnostic(code(policy::check::duplicate))]
    Duplicate {
        /// The name.
        name: String,
        /// The second declaration.
        #[label("declared again here")]
        span: Span,
        /// The first declaration.
        #[label("first declared here")]
        first: Span,
    },
    /// Two rules with one ID.
    #[error("rule ID `{id}` is used twice")]
    #[diagnostic(
        code(policy::check::duplicate_rule),
        help("each rule carries its own ID from the contract; give this rule its own")
    )]
    DuplicateRule {
        /// The ID.
        id: String,
        /// The second rule.
        #[label("used again here")]
        span: Span,
        /// The first rule.
        #[label("first used here")]
        first: Span,
    },
    /// An outcome that the `outcomes` declaration does not list.
    #[error("unknown outcome `{name}`")]
    #[diagnostic(code(policy::check::unknown_outcome))]
    UnknownOutcome {
        /// The name.
        name: String,
        /// Where.
        #[label("not in the `outcomes` ranking")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A citation of a section the policy does not declare.
    #[error("unknown section `{name}`")]
    #[diagnostic(code(policy::check::unknown_section))]
    UnknownSection {
        /// The section.
        name: String,
        /// Where.
        #[label("not in `sections`")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// Effects that do not fit together or with the declarations.
    #[error("{message}")]
    #[diagnostic(code(policy::check::bad_effect))]
    BadEffect {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A definition called with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s), given {found}")]
    #[diagnostic(code(policy::check::arity))]
    Arity {
        /// The definition.
        name: String,
        /// Parameters.
        expected: usize,
        /// Arguments.
        found: usize,
        /// Where.
        #[label("called here")]
        span: Span,
    },
    /// A definition that refers to itself.
    #[error("`{name}` is defined in terms of itself")]
    #[diagnostic(
        code(policy::check::cycle),
        help("definitions are expanded when a rule runs, so they may not refer to themselves")
    )]
    Cycle {
        /// The definition.
        name: String,
        /// Where.
        #[label("refers back to itself")]
        span: Span,
    },
    /// A declaration that is missing or malformed.
    #[error("{message}")]
    #[diagnostic(code(policy::check::declaration))]
    Declaration {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// Advice.
        #[help]
        help: Option<String>,
    },
    /// A regular expression that does not compile.
    #[error("invalid pattern: {message}")]
    #[diagnostic(code(policy::check::bad_pattern))]
    BadPattern {
        /// The regex error.
        message: String,
        /// Where.
        #[label("this pattern")]
        span: Span,
    },
    /// A table file that could not be read.
    #[error("cannot read table file `{file}`: {reason}")]
    #[diagnostic(code(policy::check::table_file))]
    TableFile {
        /// The file.
        file: String,
        /// Why.
        reason: String,
        /// Where the table names it.
        #[label("named here")]
        span: Span,
    },
    /// A table row or header that does not fit the declared columns.
    #[error("{file}:{line}: {message}")]
    #[diagnostic(code(policy::check::table_row))]
    TableRow {
        /// The file.
        file: String,
        /// The CSV line (1-based).
        line: usize,
        /// What is wrong.
        message: String,
        /// The file's text.
        #[source_code]
        source_code: NamedSource<String>,
        /// Where in the file.
        #[label("{label}")]
        span: Span,
        /// The label.
        label: String,
        /// Advice.
        #[help]
        help: Option<String>,
    },
}

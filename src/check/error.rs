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
    // Declarations that are missing or malformed. They share the code
    // `policy::check::declaration`, which docs/language.md lists.
    /// A policy with stages but no `outcomes` ranking.
    #[error("the policy has rules but no `outcomes` declaration")]
    #[diagnostic(
        code(policy::check::declaration),
        help(
            "declare the outcomes, most decisive first: `outcomes deny > pend > allow default allow pending pend`"
        )
    )]
    RulesWithoutOutcomes {
        /// The first stage.
        #[label("here")]
        span: Span,
    },
    /// A second `outcomes` declaration.
    #[error("`outcomes` is declared twice")]
    #[diagnostic(
        code(policy::check::declaration),
        help("one `outcomes` declaration ranks them all")
    )]
    OutcomesDeclaredTwice {
        /// The second declaration.
        #[label("here")]
        span: Span,
    },
    /// An `outcomes` ranking without `default`.
    #[error("`outcomes` needs a `default`: the outcome of a line no rule decides")]
    #[diagnostic(
        code(policy::check::declaration),
        help("add `default {least_decisive}`")
    )]
    MissingDefaultOutcome {
        /// The last outcome of the ranking, offered as the default.
        least_decisive: String,
        /// The `outcomes` declaration.
        #[label("here")]
        span: Span,
    },
    /// An `outcomes` ranking without `pending`.
    #[error(
        "`outcomes` needs `pending`: the outcome of a line an unknown fact keeps from being decided"
    )]
    #[diagnostic(
        code(policy::check::declaration),
        help("add `pending pend`, naming one of the outcomes")
    )]
    MissingPendingOutcome {
        /// The `outcomes` declaration.
        #[label("here")]
        span: Span,
    },
    /// A number range whose lower bound is above its upper bound.
    #[error("the range {low} to {high} is empty")]
    #[diagnostic(code(policy::check::declaration), help("write the lower bound first"))]
    EmptyRange {
        /// The lower bound as written.
        low: f64,
        /// The upper bound as written.
        high: f64,
        /// The type.
        #[label("here")]
        span: Span,
    },
    /// A fact declared inside another fact (`member` and `member.age`).
    #[error("fact `{fact}` overlaps fact `{other}`")]
    #[diagnostic(
        code(policy::check::declaration),
        help("a fact is a leaf of the request, and `{other}` already is one")
    )]
    OverlappingFacts {
        /// The fact declared here.
        fact: String,
        /// The fact declared before it.
        other: String,
        /// The path declared here.
        #[label("here")]
        span: Span,
    },
    /// A `const` whose value is a set or a name.
    #[error("constant `{name}` must be a number, a text or a bool")]
    #[diagnostic(
        code(policy::check::declaration),
        help("for a set of vocabulary values, write `set NAME of TYPE = {{...}}`")
    )]
    NonScalarConstant {
        /// The constant.
        name: String,
        /// Its value.
        #[label("here")]
        span: Span,
    },
    /// A named `set` that lists one value twice.
    #[error("set `{set}` lists a value twice")]
    #[diagnostic(code(policy::check::declaration))]
    DuplicateSetValue {
        /// The set.
        set: String,
        /// The second listing.
        #[label("here")]
        span: Span,
    },
    /// A text format that a second table takes as its key.
    #[error("format `{format}` is already the key of table `{table}`")]
    #[diagnostic(code(policy::check::declaration))]
    FormatKeysTwoTables {
        /// The format.
        format: String,
        /// The table it is already the key of.
        table: String,
        /// The second table's key type.
        #[label("here")]
        span: Span,
    },
    /// A table column declared `unknown` or with a `default`.
    #[error("a table column is required or `may be absent`")]
    #[diagnostic(code(policy::check::declaration))]
    UnsupportedColumnKind {
        /// The kind written (or the column, when there is none).
        #[label("here")]
        span: Span,
    },
    /// An example whose `expect` does not parse as JSON.
    #[error("the example's `expect` is not valid JSON: {reason}")]
    #[diagnostic(code(policy::check::declaration))]
    InvalidExampleJson {
        /// The JSON parser's error.
        reason: String,
        /// The `expect` object.
        #[label("here")]
        span: Span,
    },
    /// An example that expects a field no decision has.
    #[error("the example expects an unknown decision field `{field}`")]
    #[diagnostic(code(policy::check::declaration))]
    UnknownExampleField {
        /// The field.
        field: String,
        /// The `expect` object.
        #[label("here")]
        span: Span,
        /// The decision field it is closest to, if any.
        #[help]
        help: Option<String>,
    },
    /// A `for each` over a list that is not the decision's lines.
    #[error("`for each` ranges over the decision's lines, and `{path}` is not them")]
    #[diagnostic(
        code(policy::check::declaration),
        help(
            "declare the lines with `lines PATH shown by FIELD`, or use a quantifier (`any x in list where ...`)"
        )
    )]
    ForEachNotOverLines {
        /// The fact ranged over.
        path: String,
        /// Where.
        #[label("here")]
        span: Span,
    },
    /// `all x in list` or `no x in list` without `where`.
    #[error("`all` and `no` need a condition")]
    #[diagnostic(
        code(policy::check::declaration),
        help("write `all x in list where CONDITION`")
    )]
    QuantifierWithoutCondition {
        /// The quantifier.
        #[label("here")]
        span: Span,
    },
    /// A `match` arm whose pattern is not a constant value.
    #[error("a match pattern must be a value")]
    #[diagnostic(code(policy::check::declaration))]
    NonValuePattern {
        /// The pattern.
        #[label("here")]
        span: Span,
    },
    // Effects that do not fit together or with the declarations. They share
    // the code `policy::check::bad_effect`, which docs/language.md lists.
    /// A branch with a second outcome.
    #[error("a branch decides at most one outcome")]
    #[diagnostic(
        code(policy::check::bad_effect),
        help("this branch already decides `{first}`; split it with `if ... then ... else if ...`")
    )]
    TwoOutcomes {
        /// The outcome the branch decides first.
        first: String,
        /// The second outcome effect.
        #[label("here")]
        span: Span,
    },
    /// `to CODES` in a branch that decides no outcome.
    #[error("`to` needs an outcome")]
    #[diagnostic(code(policy::check::bad_effect))]
    ToWithoutOutcome {
        /// The branch.
        #[label("here")]
        span: Span,
    },
    /// `missing` in a branch whose outcome is not the pending one.
    #[error("`missing` goes with the `{pending}` outcome")]
    #[diagnostic(
        code(policy::check::bad_effect),
        help("facts are missing only when the line waits for them")
    )]
    MissingWithoutPending {
        /// The pending outcome.
        pending: String,
        /// The branch.
        #[label("here")]
        span: Span,
    },
    /// `any other x in list` outside a `for each` rule over that list.
    #[error("`other` needs a `for each` rule over the same list")]
    #[diagnostic(
        code(policy::check::bad_effect),
        help("`any other l in order.lines` skips the line the rule is at")
    )]
    OtherWithoutForEach {
        /// The quantifier.
        #[label("here")]
        span: Span,
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

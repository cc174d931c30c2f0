//! The syntax tree of a policy, as written. Every node carries its span.

pub use super::span::Ident;
use super::span::{Span, Spanned};

/// A parsed policy file.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The `policy "..."` title.
    pub title: Option<Spanned<String>>,
    /// The declarations, in source order.
    pub decls: Vec<Decl>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    /// `enum name { a, b }`
    Enum(EnumDecl),
    /// `text name matching "regex"`
    Text(TextDecl),
    /// `record name { field: type ... }`
    Record(RecordDecl),
    /// `table name from "file.csv" { key ...; columns }`
    Table(TableDecl),
    /// `facts { path: type kind ... }`
    Facts(Vec<FactDecl>),
    /// `const NAME = literal`
    Const(ConstDecl),
    /// `set NAME of type = {...}`
    Set(SetDecl),
    /// `define name(params) = expr`
    Define(DefineDecl),
    /// `outcomes a > b > c default c pending b restrict c to a`
    Outcomes(OutcomesDecl),
    /// `annotation name: type default value`
    Annotation(AnnotationDecl),
    /// `sections "A", "B"`
    Sections(Vec<Spanned<String>>),
    /// `lines order.lines shown by code`
    Lines(LinesDecl),
    /// `stage name decides alone { rules }`
    Stage(StageDecl),
    /// `example "name" { request {...} expect {...} }`
    Example(ExampleDecl),
}

/// An inline example: a request and the decision fields it must show.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleDecl {
    /// Its name.
    pub name: Spanned<String>,
    /// The request, as JSON text.
    pub request: Spanned<String>,
    /// The expected decision fields, as JSON text.
    pub expect: Spanned<String>,
    /// The whole example.
    pub span: Span,
}

/// A vocabulary.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    /// Its name.
    pub name: Ident,
    /// Its values, in order.
    pub values: Vec<Ident>,
}

/// A text format: text that must match a regular expression.
#[derive(Clone, Debug, PartialEq)]
pub struct TextDecl {
    /// Its name.
    pub name: Ident,
    /// The regular expression.
    pub pattern: Spanned<String>,
}

/// A record type (list items such as order lines).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordDecl {
    /// Its name.
    pub name: Ident,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
}

/// A record field or a table column.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// What its absence means (`None`: required).
    pub kind: Option<AbsenceDecl>,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `bool`
    Bool,
    /// `number` or `integer`, with optional bounds.
    Number {
        /// Whole numbers only.
        integer: bool,
        /// Lowest value allowed.
        min: Option<f64>,
        /// Highest value allowed.
        max: Option<f64>,
    },
    /// A declared enum, text format or record.
    Named(String),
    /// `list of T`, maybe `non-empty`.
    List {
        /// The item type.
        item: Box<TypeExpr>,
        /// At least one item.
        non_empty: bool,
    },
}

/// A type with its span.
pub type TypeExpr = Spanned<TypeKind>;

/// What an absent fact means.
#[derive(Clone, Debug, PartialEq)]
pub enum Absence {
    /// Absent is unknown (and the contract calls the field required).
    Required,
    /// Absent is unknown.
    Unknown,
    /// Absent is known to be absent.
    Absent,
    /// Absent means this value.
    Default(Literal),
}

/// What an absent fact means, with its span (`may be unknown`, `default 0`).
pub type AbsenceDecl = Spanned<Absence>;

/// A code table loaded from a CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDecl {
    /// Its name.
    pub name: Ident,
    /// The CSV file, relative to the policy file.
    pub file: Spanned<String>,
    /// The key column.
    pub key: FieldDecl,
    /// The other columns, in CSV order.
    pub columns: Vec<FieldDecl>,
}

/// A fact of the request.
#[derive(Clone, Debug, PartialEq)]
pub struct FactDecl {
    /// Its dotted request path.
    pub path: Path,
    /// Its type.
    pub ty: TypeExpr,
    /// What its absence means.
    pub kind: AbsenceDecl,
}

/// A named constant.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    /// Its name.
    pub name: Ident,
    /// Its value.
    pub value: Literal,
}

/// A named set.
#[derive(Clone, Debug, PartialEq)]
pub struct SetDecl {
    /// Its name.
    pub name: Ident,
    /// The item type.
    pub item: TypeExpr,
    /// The items.
    pub items: Spanned<Vec<Literal>>,
}

/// A definition: a named expression, maybe with parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DefineDecl {
    /// Its name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<Param>,
    /// Its declared result type, if written.
    pub ty: Option<TypeExpr>,
    /// Its body.
    pub body: Expr,
}

/// A definition's parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
}

/// The outcomes and how they combine.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomesDecl {
    /// Most decisive first.
    pub ranking: Vec<Ident>,
    /// The outcome of a line no rule decides.
    pub default: Option<Ident>,
    /// The outcome a line gets when an unknown fact keeps a rule from deciding.
    pub pending: Option<Ident>,
    /// `restrict a to b, c`: on a line with outcome `a`, only rules whose
    /// outcome is `b` or `c` still apply.
    pub restricts: Vec<(Ident, Vec<Ident>)>,
    /// The whole declaration.
    pub span: Span,
}

/// A decision annotation (`guideline`, `authority`).
#[derive(Clone, Debug, PartialEq)]
pub struct AnnotationDecl {
    /// Its name, as printed in the decision.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// Its value when no rule sets it (else null).
    pub default: Option<Literal>,
}

/// Which list the decision's lines are.
#[derive(Clone, Debug, PartialEq)]
pub struct LinesDecl {
    /// The list fact.
    pub path: Path,
    /// The item field echoed as the line's `code`.
    pub shown_by: Ident,
}

/// A stage of rules.
#[derive(Clone, Debug, PartialEq)]
pub struct StageDecl {
    /// Its name.
    pub name: Ident,
    /// A rule of this stage that decides a line decides it alone.
    pub decides_alone: bool,
    /// Its rules.
    pub rules: Vec<RuleDecl>,
}

/// A rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    /// Its ID (`M1`).
    pub id: Ident,
    /// Its name (`mri-unsafe-implant`).
    pub name: Ident,
    /// The guideline section it encodes.
    pub cites: Option<Spanned<String>>,
    /// `for each VAR in PATH`: a line rule.
    pub for_each: Option<(Ident, Path)>,
    /// `let NAME = EXPR`.
    pub lets: Vec<(Ident, Expr)>,
    /// `when EXPR`: the guard of every branch.
    pub when: Option<Expr>,
    /// The branches; the first whose condition holds applies.
    pub branches: Vec<Branch>,
    /// The whole rule.
    pub span: Span,
}

/// One branch of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// Its condition: `None` for `then` and `else`.
    pub cond: Option<Expr>,
    /// What happens when it applies.
    pub effects: Vec<Effect>,
    /// The reviewer's message.
    pub because: Option<Message>,
    /// The whole branch.
    pub span: Span,
}

/// An effect of a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum EffectKind {
    /// An outcome, maybe with codes to request instead (`redirect to X`).
    Outcome {
        /// The outcome.
        name: Ident,
        /// The codes of `to`.
        to: Option<Expr>,
    },
    /// Codes recommended or acceptable instead.
    Offer(Expr),
    /// A caution for the reviewer.
    Caution(Message),
    /// Facts the decision is missing.
    Missing {
        /// Only those of `paths` that are unknown.
        unknown_among: bool,
        /// The facts.
        paths: Vec<Path>,
    },
    /// `set annotation = value`.
    Set {
        /// The annotation.
        name: Ident,
        /// Its value.
        value: Expr,
    },
}

/// An effect with its span.
pub type Effect = Spanned<EffectKind>;

/// A message with `{expression}` holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Text and holes, in order.
    pub parts: Vec<MessagePart>,
    /// The whole message.
    pub span: Span,
}

/// A piece of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum MessagePart {
    /// Literal text.
    Text(String),
    /// An expression whose value is printed.
    Hole(Expr),
}

/// A dotted path (`member.age`, `line.code.family`).
pub type Path = Spanned<Vec<Ident>>;

/// A literal value in a declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    /// `18`
    Number(f64),
    /// `"text"`
    Str(String),
    /// `true`
    Bool(bool),
    /// A vocabulary value.
    Name(String),
    /// `{a, b}`
    Set(Vec<Literal>),
}

/// A literal with its span.
pub type Literal = Spanned<LiteralKind>;

/// An expression with its span.
pub type Expr = Spanned<ExprKind>;

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `18`
    Number(f64),
    /// `"76376"`
    Str(String),
    /// `true`
    Bool(bool),
    /// A name or a dotted path: a fact, a variable, a constant, a vocabulary value.
    Path(Vec<Ident>),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `{item for var in list where cond}`
    Comprehension {
        /// What each chosen item gives.
        item: Box<Expr>,
        /// The variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// Which items to keep.
        filter: Option<Box<Expr>>,
    },
    /// `any/all/no/count [other] var in list [where cond]`
    Quantifier {
        /// Which quantifier.
        kind: Quantifier,
        /// Skip the item the enclosing `for each` is at.
        other: bool,
        /// The variable.
        var: Ident,
        /// The list.
        list: Box<Expr>,
        /// The condition on each item.
        cond: Option<Box<Expr>>,
    },
    /// `table where col is value and col in values`
    Query {
        /// The table.
        table: Ident,
        /// The column tests.
        tests: Vec<QueryTest>,
    },
    /// `match value { pattern => result, else => result }`
    Match {
        /// The value matched.
        value: Box<Expr>,
        /// Arms: a pattern (`None` for `else`) and its result.
        arms: Vec<(Option<Expr>, Expr)>,
    },
    /// `name(args)`
    Call {
        /// The definition.
        name: Ident,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `not x`, `-x`
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// `a op b`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `x is known`, `x if known`, ...
    Test {
        /// The test.
        test: TestOp,
        /// What is tested.
        operand: Box<Expr>,
    },
}

/// A quantifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quantifier {
    /// Some item satisfies the condition.
    Any,
    /// Every item satisfies it.
    All,
    /// No item satisfies it.
    No,
    /// How many items satisfy it.
    Count,
}

/// A column test of a table query.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryTest {
    /// The column.
    pub column: Ident,
    /// `in` (a set of values) rather than `is` (one value).
    pub is_in: bool,
    /// The value or values.
    pub value: Expr,
}

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// An infix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BinaryOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==` or `is`
    Eq,
    /// `!=` or `is not`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `has any of`
    HasAny,
    /// `has none of`
    HasNone,
    /// `has all of`
    HasAll,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::HasAny => "has any of",
            BinaryOp::HasNone => "has none of",
            BinaryOp::HasAll => "has all of",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// A postfix test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TestOp {
    /// `is known`
    IsKnown,
    /// `is not known`
    IsNotKnown,
    /// `is present`
    IsPresent,
    /// `is absent`
    IsAbsent,
    /// `is empty`
    IsEmpty,
    /// `is not empty`
    IsNotEmpty,
    /// `if known`
    IfKnown,
}

impl TestOp {
    /// The test as written.
    pub fn words(self) -> &'static str {
        match self {
            TestOp::IsKnown => "is known",
            TestOp::IsNotKnown => "is not known",
            TestOp::IsPresent => "is present",
            TestOp::IsAbsent => "is absent",
            TestOp::IsEmpty => "is empty",
            TestOp::IsNotEmpty => "is not empty",
            TestOp::IfKnown => "if known",
        }
    }
}

//! The compiled policy: names resolved to slots, vocabulary values and codes
//! interned, spans kept for traces and diagnostics. The checker builds it;
//! the evaluator runs it.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;

use super::compile::Code;

use crate::syntax::ast::{Quantifier, TestOp};
use crate::syntax::span::Span;

/// An interned string: a vocabulary value, a code, a text from the policy.
pub type Sym = u32;

/// A value at run time. `Unknown` and `Absent` are values too: the three
/// kinds of absence of `request.md` meet the logic here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// Absent with no default: unknown (Kleene's third truth value).
    Unknown,
    /// Known to be absent: comparisons with it are false.
    Absent,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A vocabulary value or a text.
    Sym(Sym),
    /// A list: a constant list of the program, a list of the request
    /// (`crate::eval::FACT_LIST` set) or one made while evaluating.
    List(u32),
    /// A record of a request list, by the offset of its first field.
    Rec(u32),
}

/// A type of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number` and `integer`
    Number,
    /// Text, maybe of a declared format (index into [`Program::formats`]).
    Text(Option<u32>),
    /// A vocabulary (index into [`Program::enums`]).
    Enum(u32),
    /// A list or set.
    List(Box<Type>),
    /// A record (index into [`Program::records`]).
    Record(u32),
    /// The item type of `{}`: fits any list.
    Any,
}

/// What a value must be to be accepted from a request.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueSpec {
    /// The type.
    pub ty: Type,
    /// Lowest number allowed.
    pub min: Option<f64>,
    /// Highest number allowed.
    pub max: Option<f64>,
    /// Whole numbers only.
    pub integer: bool,
    /// A list needs at least one item.
    pub non_empty: bool,
    /// The item spec of a list.
    pub item: Option<Box<ValueSpec>>,
}

/// What an absent fact or field means.
#[derive(Clone, Debug, PartialEq)]
pub enum FactKind {
    /// Unknown, and the contract calls it required.
    Required,
    /// Unknown.
    Unknown,
    /// Known to be absent.
    Absent,
    /// This value.
    Default(Value),
}

/// A vocabulary.
#[derive(Clone, Debug)]
pub struct EnumInfo {
    /// Its name.
    pub name: String,
    /// Its values, in declaration order.
    pub values: Vec<Sym>,
    /// Where it was declared.
    pub span: Span,
}

/// A text format.
#[derive(Clone, Debug)]
pub struct Format {
    /// Its name.
    pub name: String,
    /// What the text must match.
    pub regex: Regex,
    /// The table whose key this format is, if any.
    pub table: Option<u32>,
}

/// A record type.
#[derive(Clone, Debug)]
pub struct RecordInfo {
    /// Its name.
    pub name: String,
    /// Its fields, in declaration order.
    pub fields: Vec<FieldInfo>,
}

/// A record field.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    /// Its name.
    pub name: String,
    /// What its values must be.
    pub spec: ValueSpec,
    /// What its absence means.
    pub kind: FactKind,
    /// Where it was declared.
    pub span: Span,
}

/// A code table.
#[derive(Clone, Debug)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// The format of its key.
    pub key_format: u32,
    /// Its columns (the key is not one of them).
    pub columns: Vec<Column>,
    /// Each row's key.
    pub keys: Vec<Sym>,
    /// Each row's values, one per column (`Absent` for an empty cell).
    pub rows: Vec<Vec<Value>>,
    /// Row of a key symbol (`u32::MAX`: none), indexed by symbol.
    pub row_of: Vec<u32>,
    /// Per column: the rows holding each symbol (`ABSENT_KEY`: empty
    /// cells), in row order. Empty for columns of other types.
    pub postings: Vec<Postings>,
}

/// A column's postings: for each symbol it holds, the rows that hold it.
/// Keys sorted, for a binary search; each key's rows a run of `rows`.
#[derive(Clone, Debug, Default)]
pub struct Postings {
    keys: Vec<u32>,
    /// Where each key's rows start in `rows`; one more at the end.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl Postings {
    /// The postings of `(key, row)` pairs given in row order.
    fn new(mut pairs: Vec<(u32, u32)>) -> Postings {
        pairs.sort_unstable();
        let mut p = Postings::default();
        for (key, row) in pairs {
            if p.keys.last() != Some(&key) {
                p.keys.push(key);
                p.starts.push(p.rows.len() as u32);
            }
            p.rows.push(row);
        }
        p.starts.push(p.rows.len() as u32);
        p
    }

    /// The rows holding `key`, in row order.
    fn get(&self, key: u32) -> &[u32] {
        match self.keys.binary_search(&key) {
            Ok(i) => &self.rows[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The posting key of an empty cell.
pub const ABSENT_KEY: u32 = u32::MAX;

impl Table {
    /// Builds the column postings from the rows.
    pub fn index(&mut self) {
        self.postings = (0..self.columns.len())
            .map(|c| {
                let mut pairs = Vec::with_capacity(self.rows.len());
                for (r, row) in self.rows.iter().enumerate() {
                    let key = match row[c] {
                        Value::Sym(s) => s,
                        Value::Absent => ABSENT_KEY,
                        _ => return Postings::default(),
                    };
                    pairs.push((key, r as u32));
                }
                Postings::new(pairs)
            })
            .collect();
    }

    /// The rows a column test `column is value` can match, if the column is
    /// indexed.
    pub fn posting(&self, column: usize, value: Value) -> Option<&[u32]> {
        let postings = self.postings.get(column)?;
        if postings.is_empty() {
            return None;
        }
        let key = match value {
            Value::Sym(s) => s,
            Value::Absent => ABSENT_KEY,
            _ => return None,
        };
        Some(postings.get(key))
    }
}

impl Table {
    /// The row of a key, if the table has it.
    pub fn row(&self, key: Sym) -> Option<usize> {
        match self.row_of.get(key as usize) {
            Some(&r) if r != u32::MAX => Some(r as usize),
            _ => None,
        }
    }
}

/// A table column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Cells may be empty.
    pub may_be_absent: bool,
    /// Where it was declared.
    pub span: Span,
}

/// A fact of the request.
#[derive(Clone, Debug)]
pub struct FactInfo {
    /// Its dotted path.
    pub path: String,
    /// What its values must be.
    pub spec: ValueSpec,
    /// What its absence means.
    pub kind: FactKind,
    /// Where it was declared.
    pub span: Span,
}

/// The outcomes and how they combine.
#[derive(Clone, Debug, Default)]
pub struct Outcomes {
    /// Names, most decisive first: an outcome's index is its rank.
    pub names: Vec<String>,
    /// The outcome of a line no rule decides.
    pub default: u32,
    /// The outcome of a line an unknown fact keeps from being decided.
    pub pending: u32,
    /// For each outcome, the outcomes still allowed on a line that has it.
    pub restrict: Vec<Option<Vec<u32>>>,
}

/// A decision annotation.
#[derive(Clone, Debug)]
pub struct Annotation {
    /// Its name in the decision.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its value when no rule sets it (`Absent`: null).
    pub default: Value,
    /// The same, as JSON.
    pub default_json: serde_json::Value,
}

/// Which list the decision's lines are.
#[derive(Clone, Debug)]
pub struct LinesInfo {
    /// The list fact.
    pub fact: u32,
    /// The field shown as the line's code.
    pub shown_by: u32,
}

/// A stage of rules.
#[derive(Clone, Debug)]
pub struct Stage {
    /// Its name.
    pub name: String,
    /// A rule that decides a line in this stage decides it alone.
    pub decides_alone: bool,
    /// Its rules, by index into [`Program::rules`].
    pub rules: Vec<u32>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `M1`
    pub id: String,
    /// `mri-unsafe-implant`
    pub name: String,
    /// `M1 mri-unsafe-implant`, as the trace shows it.
    pub label: String,
    /// The cited section (index into [`Program::sections`]).
    pub cites: Option<u32>,
    /// The local slot of the `for each` variable: a line rule.
    pub for_each: Option<u32>,
    /// The guard.
    pub when: Option<Node>,
    /// The branches: the first whose condition holds applies.
    pub branches: Vec<Branch>,
    /// The stage.
    pub stage: u32,
    /// The whole rule.
    pub span: Span,
}

/// A compiled branch.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Its condition (`None`: `then` or `else`).
    pub cond: Option<Node>,
    /// Its outcome, if it decides.
    pub outcome: Option<u32>,
    /// The codes of `to`.
    pub to: Option<Node>,
    /// The other effects.
    pub effects: Vec<Effect>,
    /// The reviewer's message.
    pub message: Option<Message>,
    /// The whole branch.
    pub span: Span,
}

/// An effect other than the outcome.
#[derive(Clone, Debug)]
pub enum Effect {
    /// Codes recommended instead.
    Offer(Node),
    /// A caution.
    Caution(Message),
    /// Missing facts (slots); `true`: only those that are unknown.
    Missing(bool, Vec<u32>),
    /// An annotation's value.
    Set(u32, Node),
}

/// A message with holes.
#[derive(Clone, Debug)]
pub struct Message {
    /// Its pieces.
    pub parts: Vec<MessagePart>,
}

/// A piece of a message.
#[derive(Clone, Debug)]
pub enum MessagePart {
    /// Text.
    Text(String),
    /// A value to print.
    Hole(Node),
}

/// A definition.
#[derive(Clone, Debug)]
pub struct Define {
    /// Its name.
    pub name: String,
    /// The local slots of its parameters.
    pub params: Vec<u32>,
    /// The types of its parameters.
    pub param_types: Vec<Type>,
    /// Its body.
    pub body: Node,
    /// Its result type.
    pub ty: Type,
    /// Where it was declared.
    pub span: Span,
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub struct Node {
    /// What it computes.
    pub kind: NodeKind,
    /// Where it was written.
    pub span: Span,
    /// How it computes it (see `eval::compile`).
    pub code: Code,
}

/// The one match behind [`Node::for_each_child`] and its `_mut` twin:
/// `kind` is `&NodeKind` or `&mut NodeKind`, `f` is called with each operand.
macro_rules! each_child {
    ($kind:expr, $f:ident) => {
        match $kind {
            NodeKind::Const(_) | NodeKind::Fact(_) | NodeKind::Local(_) | NodeKind::Let(_) => {}
            NodeKind::Field(x, _)
            | NodeKind::Not(x)
            | NodeKind::Neg(x)
            | NodeKind::Test(_, x)
            | NodeKind::Column { key: x, .. } => $f(x, None),
            NodeKind::And(a, b)
            | NodeKind::Or(a, b)
            | NodeKind::Cmp(_, a, b)
            | NodeKind::In(_, a, b)
            | NodeKind::Set(_, a, b)
            | NodeKind::Arith(_, a, b) => {
                $f(a, None);
                $f(b, None);
            }
            NodeKind::List(items) | NodeKind::Call(_, items) => {
                for x in items {
                    $f(x, None);
                }
            }
            NodeKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                let bound = Some(Bound {
                    var: *var,
                    over: fact_of(list),
                });
                $f(list, None);
                $f(item, bound);
                if let Some(x) = filter {
                    $f(x, bound);
                }
            }
            NodeKind::Quantifier {
                var, list, cond, ..
            } => {
                let bound = Some(Bound {
                    var: *var,
                    over: fact_of(list),
                });
                $f(list, None);
                if let Some(x) = cond {
                    $f(x, bound);
                }
            }
            NodeKind::Query { tests, .. } => {
                for (_, _, x) in tests {
                    $f(x, None);
                }
            }
            NodeKind::Match(v, arms) => {
                $f(v, None);
                for (_, x) in arms {
                    $f(x, None);
                }
            }
        }
    };
}

/// The fact a node is, if it is one.
fn fact_of(n: &Node) -> Option<u32> {
    match n.kind {
        NodeKind::Fact(f) => Some(f),
        _ => None,
    }
}

impl Node {
    /// A node, compiled: its operands' code is already built.
    pub fn new(kind: NodeKind, span: Span) -> Node {
        let code = super::compile::compile(&kind);
        Node { kind, span, code }
    }

    /// Calls `f` with each of its operands, and the variable it sees bound
    /// by this node, if any.
    pub fn for_each_child<'n>(&'n self, f: &mut dyn FnMut(&'n Node, Option<Bound>)) {
        each_child!(&self.kind, f)
    }

    /// [`Node::for_each_child`], the operands to change.
    pub fn for_each_child_mut(&mut self, f: &mut dyn FnMut(&mut Node, Option<Bound>)) {
        each_child!(&mut self.kind, f)
    }
}

/// The variable a quantifier or comprehension binds for its condition (and
/// item), and the fact it ranges over when its list is one.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The variable's local slot.
    pub var: u32,
    /// The fact slot of the list, when the list is a fact (`order.lines`).
    pub over: Option<u32>,
}

/// The comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// The set operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetOp {
    /// `has any of`
    Any,
    /// `has none of`
    None,
    /// `has all of`
    All,
}

/// The arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A compiled expression's operation.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A value known when compiling (literals, constants, named sets).
    Const(Value),
    /// A fact of the request, by slot.
    Fact(u32),
    /// A local: a `for each`, quantifier or parameter variable.
    Local(u32),
    /// A rule's `let`, by index into [`Program::lets`].
    Let(u32),
    /// A record field.
    Field(Box<Node>, u32),
    /// A table column looked up by key.
    Column {
        /// The key.
        key: Box<Node>,
        /// The table.
        table: u32,
        /// The column.
        column: u32,
    },
    /// `not`
    Not(Box<Node>),
    /// `-`
    Neg(Box<Node>),
    /// `and`
    And(Box<Node>, Box<Node>),
    /// `or`
    Or(Box<Node>, Box<Node>),
    /// A comparison.
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `in` (`true`: `not in`).
    In(bool, Box<Node>, Box<Node>),
    /// `has any/none/all of`
    Set(SetOp, Box<Node>, Box<Node>),
    /// Arithmetic.
    Arith(ArithOp, Box<Node>, Box<Node>),
    /// A postfix test.
    Test(TestOp, Box<Node>),
    /// `{a, b}`
    List(Vec<Node>),
    /// `{item for var in list where filter}`
    Comprehension {
        /// What each kept item gives.
        item: Box<Node>,
        /// The variable's slot.
        var: u32,
        /// The list.
        list: Box<Node>,
        /// Which items to keep.
        filter: Option<Box<Node>>,
    },
    /// `any/all/no/count var in list where cond`
    Quantifier {
        /// Which.
        kind: Quantifier,
        /// The variable's slot.
        var: u32,
        /// The list.
        list: Box<Node>,
        /// The condition.
        cond: Option<Box<Node>>,
        /// `other`: skip the item held by this local.
        skip: Option<u32>,
    },
    /// `table where col is v and col in vs`
    Query {
        /// The table.
        table: u32,
        /// Column, `in`, value.
        tests: Vec<(u32, bool, Node)>,
    },
    /// `match v { pattern => result }` (`None`: `else`).
    Match(Box<Node>, Vec<(Option<Value>, Node)>),
    /// A definition applied to arguments.
    Call(u32, Vec<Node>),
}

/// What a name in the global scope stands for (kept for the REPL and lints).
#[derive(Clone, Debug, PartialEq)]
pub enum Global {
    /// A constant.
    Const(Value, Type),
    /// A named set (a constant list).
    Set(Value, Type),
    /// A definition.
    Define(u32),
    /// A table.
    Table(u32),
}

/// The interned strings.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    strings: Vec<Arc<str>>,
    map: HashMap<Arc<str>, Sym>,
}

impl Interner {
    /// The symbol of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        let s: Arc<str> = Arc::from(s);
        self.strings.push(s.clone());
        self.map.insert(s, sym);
        sym
    }

    /// The symbol of `s`, if interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    /// The text of a symbol.
    pub fn resolve(&self, sym: Sym) -> Option<&str> {
        self.strings.get(sym as usize).map(|s| &**s)
    }

    /// How many symbols there are.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// A checked, compiled policy, ready to decide requests.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// The `policy "..."` title.
    pub title: Option<String>,
    /// Interned strings.
    pub syms: Interner,
    /// Vocabularies.
    pub enums: Vec<EnumInfo>,
    /// Vocabulary by name.
    pub enum_names: HashMap<String, u32>,
    /// Per vocabulary, value text -> symbol.
    pub enum_values: Vec<HashMap<String, Sym>>,
    /// Text formats.
    pub formats: Vec<Format>,
    /// Record types.
    pub records: Vec<RecordInfo>,
    /// Code tables.
    pub tables: Vec<Table>,
    /// Facts, by slot.
    pub facts: Vec<FactInfo>,
    /// Fact slot by dotted path.
    pub fact_slots: HashMap<String, u32>,
    /// Constant lists (named sets and literal sets).
    pub const_lists: Vec<Vec<Value>>,
    /// Globals by name: constants, sets, definitions, tables.
    pub globals: HashMap<String, Global>,
    /// Definitions.
    pub defines: Vec<Define>,
    /// Rule `let`s.
    pub lets: Vec<Node>,
    /// Outcomes.
    pub outcomes: Outcomes,
    /// Annotations.
    pub annotations: Vec<Annotation>,
    /// Citable sections, in order.
    pub sections: Vec<String>,
    /// The decision's lines.
    pub lines: Option<LinesInfo>,
    /// The fact echoed as the decision's `id`.
    pub id_fact: Option<u32>,
    /// Stages, in order.
    pub stages: Vec<Stage>,
    /// Rules, in source order.
    pub rules: Vec<Rule>,
    /// Local variable slots needed.
    pub locals: u32,
    /// Inline examples.
    pub examples: Vec<Example>,
    /// Global names (constants, sets, definitions, tables) some expression
    /// refers to.
    pub used: std::collections::BTreeSet<String>,
}

/// The field of the decision's lines that keys a code table: what a
/// line's row in the table is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineKey {
    /// The line record's field.
    pub field: u32,
    /// The table it keys.
    pub table: u32,
    /// The list fact of the lines.
    pub lines: u32,
}

/// An inline example of the policy.
#[derive(Clone, Debug)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// The request, as JSON text.
    pub request: String,
    /// The expected decision fields (scenario form).
    pub expect: serde_json::Value,
    /// Where the example is.
    pub span: Span,
    /// Where its request is.
    pub request_span: Span,
    /// Where its expectations are.
    pub expect_span: Span,
}

impl Program {
    /// The field of the decision's lines that keys a code table, if one
    /// does: the first field whose format is a table's key.
    pub fn line_key(&self) -> Option<LineKey> {
        let lines = self.lines.as_ref()?.fact;
        let Type::List(item) = &self.facts.get(lines as usize)?.spec.ty else {
            return None;
        };
        let Type::Record(r) = **item else { return None };
        self.records
            .get(r as usize)?
            .fields
            .iter()
            .enumerate()
            .find_map(|(i, f)| match f.spec.ty {
                Type::Text(Some(fmt)) => {
                    let table = self.formats.get(fmt as usize)?.table?;
                    Some(LineKey {
                        field: i as u32,
                        table,
                        lines,
                    })
                }
                _ => None,
            })
    }

    /// The number of fields of a line's record (0 if there are no lines).
    pub fn line_width(&self) -> usize {
        let lines = self
            .lines
            .as_ref()
            .and_then(|l| self.facts.get(l.fact as usize));
        match lines.map(|f| &f.spec.ty) {
            Some(Type::List(item)) => match **item {
                Type::Record(r) => self.records.get(r as usize).map_or(0, |r| r.fields.len()),
                _ => 0,
            },
            _ => 0,
        }
    }

    /// The text of a symbol, including a request's own texts.
    pub fn sym_text<'a>(&'a self, sym: Sym, extra: &'a [String]) -> &'a str {
        match self.syms.resolve(sym) {
            Some(s) => s,
            None => extra
                .get(sym as usize - self.syms.len())
                .map_or("?", String::as_str),
        }
    }

    /// The name of an outcome.
    pub fn outcome_name(&self, outcome: u32) -> &str {
        self.outcomes
            .names
            .get(outcome as usize)
            .map_or("?", String::as_str)
    }

    /// How a type is written.
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::Text(None) => "text".into(),
            Type::Text(Some(f)) => self
                .formats
                .get(*f as usize)
                .map_or("text".into(), |f| f.name.clone()),
            Type::Enum(e) => self
                .enums
                .get(*e as usize)
                .map_or("enum".into(), |e| e.name.clone()),
            Type::List(item) => format!("list of {}", self.type_name(item)),
            Type::Record(r) => self
                .records
                .get(*r as usize)
                .map_or("record".into(), |r| r.name.clone()),
            Type::Any => "anything".into(),
        }
    }
}

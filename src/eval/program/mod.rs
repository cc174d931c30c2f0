//! The checked policy: names resolved to slots, vocabulary values and codes
//! interned, spans kept for traces and diagnostics. The checker builds it;
//! the optimizer plans it; the evaluator runs it.
//!
//! | file | what it owns |
//! |---|---|
//! | `value.rs` | values and types |
//! | `decls.rs` | vocabularies, formats, records, facts, outcomes, annotations |
//! | `table.rs` | code tables and their column postings |
//! | `rule.rs` | stages, rules, branches, effects, messages, definitions |
//! | `node.rs` | compiled expressions and the visitor over their operands |
//! | `mod.rs` | the [`Program`] that holds them, and the interner |

mod decls;
mod node;
mod rule;
mod table;
mod value;

use std::collections::HashMap;
use std::sync::Arc;

pub use decls::*;
pub use node::*;
pub use rule::*;
pub use table::*;
pub use value::*;

use crate::syntax::span::Span;

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

//! The shape of a policy's requests, built once per policy: the objects of
//! facts that the facts' dotted paths make, the record types' fields, each
//! fact's and field's value when it is absent, and the [`Names`] tables for
//! every key and text value a request may hold. Binding only reads it.

use super::names::Names;
use crate::eval::program::{FactKind, Program, Sym, Type, Value};

/// The shape of the request: objects of facts, from the facts' dotted paths,
/// and the lookups binding needs, built once per policy.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub(super) root: Object,
    /// Each slot's value when its field is absent.
    pub(super) absent: Vec<Value>,
    /// Per record type.
    pub(super) records: Vec<RecordShape>,
    /// Per vocabulary: value -> symbol.
    pub(super) values: Vec<Names<Sym>>,
    /// The program's symbols, each with the formats it matches (bit `f`:
    /// format `f`), so that a known code skips its format's regex.
    pub(super) syms: Names<(Sym, u64)>,
    /// How many symbols `syms` holds: the program may intern more later
    /// (the REPL compiles expressions), and those are looked up there.
    pub(super) syms_len: usize,
}

/// What binding a record needs, beside its type.
#[derive(Clone, Debug)]
pub(super) struct RecordShape {
    /// Field name -> index.
    pub(super) fields: Names<u32>,
    /// Each field's value when it is absent.
    pub(super) absent: Vec<Value>,
    /// The fields that must be present, in order.
    pub(super) required: Vec<usize>,
}

/// An object of the request (the request itself, or one a dotted path
/// names): its fields, each a fact or an object.
#[derive(Clone, Debug, Default)]
pub(super) struct Object {
    pub(super) children: Vec<(String, Child)>,
    /// Child by name.
    pub(super) index: Names<u32>,
}

/// A field of an object.
#[derive(Clone, Debug)]
pub(super) enum Child {
    /// A fact: its slot.
    Fact(u32),
    /// An object of facts.
    Object(Object),
}

impl Object {
    fn index_children(&mut self) {
        self.index = Names::new(
            (0u32..)
                .zip(&self.children)
                .map(|(i, (name, _))| (name.as_str(), i)),
        );
        for (_, child) in &mut self.children {
            if let Child::Object(o) = child {
                o.index_children();
            }
        }
    }
}

impl Schema {
    /// The schema of a program's facts.
    pub fn new(program: &Program) -> Self {
        let mut root = Object::default();
        for (slot, fact) in program.facts.iter().enumerate() {
            let mut node = &mut root;
            let segments: Vec<&str> = fact.path.split('.').collect();
            for (i, seg) in segments.iter().enumerate() {
                let last = i + 1 == segments.len();
                let pos = node.children.iter().position(|(n, _)| n == seg);
                let pos = match pos {
                    Some(p) => p,
                    None => {
                        let child = if last {
                            Child::Fact(slot as u32)
                        } else {
                            Child::Object(Object::default())
                        };
                        node.children.push((seg.to_string(), child));
                        node.children.len() - 1
                    }
                };
                match &mut node.children[pos].1 {
                    Child::Object(o) if !last => node = o,
                    _ => break,
                }
            }
        }
        root.index_children();
        let absent = program
            .facts
            .iter()
            .map(|f| absent_value(&f.kind))
            .collect();
        let records = program
            .records
            .iter()
            .map(|r| RecordShape {
                fields: Names::new((0u32..).zip(&r.fields).map(|(i, f)| (f.name.as_str(), i))),
                absent: r.fields.iter().map(|f| absent_value(&f.kind)).collect(),
                required: (0..)
                    .zip(&r.fields)
                    .filter(|(_, f)| f.kind == FactKind::Required)
                    .map(|(i, _)| i)
                    .collect(),
            })
            .collect();
        let values = program
            .enum_values
            .iter()
            .map(|m| Names::new(m.iter().map(|(name, &sym)| (name.as_str(), sym))))
            .collect();
        // Only the formats a request can hold are worth matching in advance.
        let mut formats = 0u64;
        let specs = program.facts.iter().map(|f| &f.spec).chain(
            program
                .records
                .iter()
                .flat_map(|r| r.fields.iter().map(|f| &f.spec)),
        );
        for mut spec in specs {
            while let Some(item) = &spec.item {
                spec = item;
            }
            if let Type::Text(Some(f)) = spec.ty
                && f < 64
            {
                formats |= 1 << f;
            }
        }
        let syms_len = program.syms.len();
        let syms = Names::new((0..syms_len as Sym).filter_map(|sym| {
            let text = program.syms.resolve(sym)?;
            let matches = (0u32..)
                .zip(&program.formats)
                .filter(|(f, format)| formats >> f & 1 == 1 && format.regex.is_match(text))
                .fold(0u64, |bits, (f, _)| bits | 1 << f);
            Some((text, (sym, matches)))
        }));
        Schema {
            root,
            absent,
            records,
            values,
            syms,
            syms_len,
        }
    }
}

/// The value of a fact or field that is absent.
fn absent_value(kind: &FactKind) -> Value {
    match kind {
        FactKind::Default(v) => *v,
        FactKind::Absent => Value::Absent,
        FactKind::Required | FactKind::Unknown => Value::Unknown,
    }
}

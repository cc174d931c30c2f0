//! What both readers bind into, and every check on a value: the
//! [`Builder`] takes each value a reader has read, checks it against its
//! fact's or field's spec (type, vocabulary, format, range, a non-empty
//! list, a record's required fields) and puts it in its place; [`Seen`]
//! keeps which keys an object has had (one given twice, one missing); the
//! [`Scratch`] holds the lists and records being read. A reader only reads JSON and walks the [`Schema`]; [`fill`]
//! gives it a builder and returns the facts it bound.

use super::schema::Schema;
use crate::eval::Facts;
use crate::eval::program::{Program, Sym, Type, Value, ValueSpec};

/// Binds a request with `read`, a reader that fills the builder it is given
/// (every fact at its absent value, the scratch empty): the facts, or the
/// reader's error.
pub(super) fn fill<'p, E>(
    program: &'p Program,
    schema: &'p Schema,
    scratch: &mut Scratch,
    read: impl FnOnce(&mut Builder<'p, '_>) -> Result<(), E>,
) -> Result<Facts, E> {
    scratch.clear();
    let mut facts = Facts {
        slots: schema.absent.clone(),
        ..Facts::default()
    };
    read(&mut Builder {
        program,
        schema,
        facts: &mut facts,
        scratch,
    })?;
    Ok(scratch.finish(facts))
}

/// The lists and records of a request as they are read. Kept per thread and
/// reused, so that binding allocates only the facts it returns, each at its
/// final size.
#[derive(Default)]
pub(super) struct Scratch {
    /// The items of the lists and the fields of the records being read:
    /// nested ones finish first, and each moves to its place whole.
    stack: Vec<Value>,
    lists: Vec<(u32, u32)>,
    items: Vec<Value>,
    records: Vec<Value>,
}

impl Scratch {
    /// How many values it holds room for.
    pub(super) fn capacity(&self) -> usize {
        self.stack.capacity()
            + self.lists.capacity()
            + self.items.capacity()
            + self.records.capacity()
    }

    fn clear(&mut self) {
        self.stack.clear();
        self.lists.clear();
        self.items.clear();
        self.records.clear();
    }

    /// The facts, with the lists and records read into them.
    fn finish(&self, mut facts: Facts) -> Facts {
        facts.lists = self.lists.clone();
        facts.items = self.items.clone();
        facts.records = self.records.clone();
        facts
    }
}

/// What both readers bind into: the facts, and the scratch for lists and
/// records. Each method takes a value a reader has read and says what it
/// binds to (`None`: it is not one; the reference reader then says why).
pub(super) struct Builder<'p, 'f> {
    pub(super) program: &'p Program,
    pub(super) schema: &'p Schema,
    /// Slots and texts.
    facts: &'f mut Facts,
    scratch: &'f mut Scratch,
}

impl<'p> Builder<'p, '_> {
    pub(super) fn set_fact(&mut self, slot: u32, v: Value) {
        if let Some(s) = self.facts.slots.get_mut(slot as usize) {
            *s = v;
        }
    }

    pub(super) fn boolean(spec: &ValueSpec, v: bool) -> Option<Value> {
        (spec.ty == Type::Bool).then_some(Value::Bool(v))
    }

    pub(super) fn number(spec: &ValueSpec, v: f64) -> Option<Value> {
        let fits = spec.ty == Type::Number
            && !(spec.integer && v.fract() != 0.0)
            // (A JSON number is never NaN.)
            && spec.min.is_none_or(|min| v >= min)
            && spec.max.is_none_or(|max| v <= max);
        fits.then_some(Value::Num(v))
    }

    pub(super) fn string(&mut self, spec: &ValueSpec, v: &str) -> Option<Value> {
        match spec.ty {
            Type::Enum(e) => self.vocabulary_value(e, v).map(Value::Sym),
            Type::Text(format) => self.text(format, v),
            _ => None,
        }
    }

    fn vocabulary_value(&self, e: u32, v: &str) -> Option<Sym> {
        let values = self.schema.values.get(e as usize);
        values
            .and_then(|values| values.get(v))
            .or_else(|| self.program.enum_values.get(e as usize)?.get(v).copied())
    }

    fn text(&mut self, format: Option<u32>, v: &str) -> Option<Value> {
        let schema = self.schema;
        match schema.syms.get(v) {
            // A symbol matched its format (if any) when the schema was built.
            Some((sym, matches)) if format.is_none_or(|f| f < 64 && matches >> f & 1 == 1) => {
                Some(Value::Sym(sym))
            }
            Some((sym, _)) => self.new_text(format, v, Some(sym)),
            // Symbols interned after the schema was built.
            None if self.program.syms.len() != schema.syms_len => {
                self.new_text(format, v, self.program.syms.get(v))
            }
            None => self.new_text(format, v, None),
        }
    }

    /// A text to check against its format, and to add to the request's
    /// texts if it is not the symbol `sym`.
    #[inline(never)]
    fn new_text(&mut self, format: Option<u32>, v: &str, sym: Option<Sym>) -> Option<Value> {
        let program = self.program;
        if let Some(f) = format.and_then(|f| program.formats.get(f as usize))
            && !f.regex.is_match(v)
        {
            return None;
        }
        let sym = match sym {
            Some(s) => s,
            None => {
                let texts = &mut self.facts.texts;
                match texts.iter().position(|t| t == v) {
                    Some(i) => (program.syms.len() + i) as u32,
                    None => {
                        texts.push(v.to_string());
                        (program.syms.len() + texts.len() - 1) as u32
                    }
                }
            }
        };
        Some(Value::Sym(sym))
    }

    /// Starts a list: its items go above the returned mark.
    pub(super) fn list_start(&self) -> usize {
        self.scratch.stack.len()
    }

    /// How many items the list started at `start` has so far.
    pub(super) fn list_len(&self, start: usize) -> usize {
        self.scratch.stack.len().saturating_sub(start)
    }

    pub(super) fn list_item(&mut self, v: Value) {
        self.scratch.stack.push(v);
    }

    /// The list started at `start`; `None` if `spec` wants items and it has
    /// none.
    pub(super) fn list_end(&mut self, spec: &ValueSpec, start: usize) -> Option<Value> {
        let scratch = &mut *self.scratch;
        let items = scratch.stack.get(start..).unwrap_or_default();
        if spec.non_empty && items.is_empty() {
            return None;
        }
        let first = scratch.items.len() as u32;
        scratch.items.extend_from_slice(items);
        let len = items.len() as u32;
        scratch.stack.truncate(start);
        let id = crate::eval::FACT_LIST | scratch.lists.len() as u32;
        scratch.lists.push((first, len));
        Some(Value::List(id))
    }

    /// Starts a record of type `r`, its fields absent: they go above the
    /// returned mark.
    pub(super) fn record_start(&mut self, r: u32) -> usize {
        let start = self.scratch.stack.len();
        if let Some(shape) = self.schema.records.get(r as usize) {
            self.scratch.stack.extend_from_slice(&shape.absent);
        }
        start
    }

    pub(super) fn record_field(&mut self, start: usize, index: usize, v: Value) {
        if let Some(s) = self.scratch.stack.get_mut(start + index) {
            *s = v;
        }
    }

    /// The record of type `r` started at `start`; or the index of the first
    /// required field that is missing.
    pub(super) fn record_end(&mut self, r: u32, start: usize, seen: &Seen) -> Result<Value, usize> {
        let shape = self.schema.records.get(r as usize);
        let required = shape.map_or(&[][..], |s| &s.required);
        if let Some(&missing) = required.iter().find(|&&i| !seen.has(i)) {
            return Err(missing);
        }
        let scratch = &mut *self.scratch;
        let off = scratch.records.len() as u32;
        scratch
            .records
            .extend_from_slice(scratch.stack.get(start..).unwrap_or_default());
        scratch.stack.truncate(start);
        Ok(Value::Rec(off))
    }
}

/// Which of an object's fields have been read.
pub(super) enum Seen {
    Few(u64),
    Many(Vec<bool>),
}

impl Seen {
    #[inline]
    pub(super) fn new(fields: usize) -> Self {
        if fields <= 64 {
            Seen::Few(0)
        } else {
            Seen::Many(vec![false; fields])
        }
    }

    #[inline]
    fn has(&self, i: usize) -> bool {
        match self {
            Seen::Few(bits) => i < 64 && bits >> i & 1 == 1,
            Seen::Many(seen) => seen.get(i).copied().unwrap_or(false),
        }
    }

    /// Marks field `i`; `false` if it was already.
    #[inline]
    pub(super) fn mark(&mut self, i: usize) -> bool {
        let fresh = !self.has(i);
        match self {
            Seen::Few(bits) if i < 64 => *bits |= 1 << i,
            Seen::Few(_) => {}
            Seen::Many(seen) => {
                if let Some(s) = seen.get_mut(i) {
                    *s = true;
                }
            }
        }
        fresh
    }
}

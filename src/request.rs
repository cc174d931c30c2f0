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
//! them the same way (the tests at the bottom compare them).

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use thiserror::Error;

use crate::diag::did_you_mean;
use crate::eval::Facts;
use crate::eval::program::{FactKind, Program, Sym, Type, Value, ValueSpec};

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

/// The shape of the request: objects of facts, from the facts' dotted paths,
/// and the lookups binding needs, built once per policy.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    root: Object,
    /// Each slot's value when its field is absent.
    absent: Vec<Value>,
    /// Per record type.
    records: Vec<RecordShape>,
    /// Per vocabulary: value -> symbol.
    values: Vec<Names<Sym>>,
    /// The program's symbols, each with the formats it matches (bit `f`:
    /// format `f`), so that a known code skips its format's regex.
    syms: Names<(Sym, u64)>,
    /// How many symbols `syms` holds: the program may intern more later
    /// (the REPL compiles expressions), and those are looked up there.
    syms_len: usize,
}

/// Names to what they stand for, for the lookups binding makes for every
/// key and every text value. Open addressing; a name is hashed from its
/// length and its first and last eight bytes, which for a name of at most
/// 16 bytes (field names, vocabulary values, codes) is all of it, so that
/// those compare as three words and the hash costs the same for any length.
#[derive(Clone, Debug)]
struct Names<T> {
    /// At least twice as many as the names, a power of two.
    slots: Vec<Option<Entry<T>>>,
    /// The names, to compare those longer than a probe.
    names: Vec<Box<str>>,
    /// 64 - log2(slots).
    shift: u32,
}

#[derive(Clone, Copy, Debug)]
struct Entry<T> {
    probe: Probe,
    /// Index into `names`.
    name: u32,
    value: T,
}

impl<T: Copy> Default for Names<T> {
    fn default() -> Self {
        Names::new(std::iter::empty())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Probe {
    len: usize,
    head: u64,
    tail: u64,
}

impl Probe {
    #[inline]
    fn new(name: &str) -> Self {
        let b = name.as_bytes();
        let (head, tail) = match (b.first_chunk::<8>(), b.last_chunk::<8>()) {
            (Some(h), Some(t)) => (u64::from_le_bytes(*h), u64::from_le_bytes(*t)),
            _ => match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
                (Some(h), Some(t)) => {
                    (u32::from_le_bytes(*h).into(), u32::from_le_bytes(*t).into())
                }
                _ => (b.iter().fold(0, |w, &c| w << 8 | u64::from(c)), 0),
            },
        };
        Probe {
            len: b.len(),
            head,
            tail,
        }
    }

    /// Whether the probe alone tells the name (see [`Names`]).
    #[inline]
    fn is_whole(&self) -> bool {
        self.len <= 16
    }

    #[inline]
    fn slot(&self, shift: u32) -> usize {
        let h = self.head ^ self.tail.rotate_left(31) ^ self.len as u64;
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }
}

impl<T: Copy> Names<T> {
    /// The table of `pairs`; of names given twice, the first counts.
    fn new<'s>(pairs: impl Iterator<Item = (&'s str, T)>) -> Self {
        let pairs: Vec<(&str, T)> = pairs.collect();
        let size = (pairs.len() * 2).max(2).next_power_of_two();
        let mut names = Names {
            slots: vec![None; size],
            names: Vec::with_capacity(pairs.len()),
            shift: 64 - size.trailing_zeros(),
        };
        for (name, value) in pairs {
            if names.get(name).is_some() {
                continue;
            }
            let probe = Probe::new(name);
            let mask = size - 1;
            let mut i = probe.slot(names.shift);
            while let Some(Some(_)) = names.slots.get(i & mask) {
                i += 1;
            }
            if let Some(slot) = names.slots.get_mut(i & mask) {
                *slot = Some(Entry {
                    probe,
                    name: names.names.len() as u32,
                    value,
                });
                names.names.push(name.into());
            }
        }
        names
    }

    #[inline(always)]
    fn get(&self, name: &str) -> Option<T> {
        let probe = Probe::new(name);
        let mask = self.slots.len().wrapping_sub(1);
        let first = probe.slot(self.shift);
        // Never more probes than slots: at least half of them are empty.
        for i in first..first + self.slots.len() {
            let entry = self.slots.get(i & mask)?.as_ref()?;
            if entry.probe == probe
                && (probe.is_whole()
                    || self
                        .names
                        .get(entry.name as usize)
                        .is_some_and(|n| **n == *name))
            {
                return Some(entry.value);
            }
        }
        None
    }
}

/// What binding a record needs, beside its type.
#[derive(Clone, Debug)]
struct RecordShape {
    /// Field name -> index.
    fields: Names<u32>,
    /// Each field's value when it is absent.
    absent: Vec<Value>,
    /// The fields that must be present, in order.
    required: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
struct Object {
    children: Vec<(String, Child)>,
    /// Child by name.
    index: Names<u32>,
}

#[derive(Clone, Debug)]
enum Child {
    Fact(u32),
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

fn bind_with(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Result<Facts, RequestError> {
    match read_fast(program, schema, json, scratch) {
        Some(facts) => Ok(facts),
        None => read_serde(program, schema, json, scratch),
    }
}

/// The lists and records of a request as they are read. Kept per thread and
/// reused, so that binding allocates only the facts it returns, each at its
/// final size.
#[derive(Default)]
struct Scratch {
    /// The items of the lists and the fields of the records being read:
    /// nested ones finish first, and each moves to its place whole.
    stack: Vec<Value>,
    lists: Vec<(u32, u32)>,
    items: Vec<Value>,
    records: Vec<Value>,
}

impl Scratch {
    /// How many values it holds room for.
    fn capacity(&self) -> usize {
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

/// Values a thread's scratch may keep between requests.
const SCRATCH_KEPT: usize = 1 << 12;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Reads a request with the fast reader: `None` if it gives up.
fn read_fast(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Option<Facts> {
    scratch.clear();
    let mut facts = Facts {
        slots: schema.absent.clone(),
        ..Facts::default()
    };
    let mut builder = Builder {
        program,
        schema,
        facts: &mut facts,
        scratch,
    };
    fast_request(&mut builder, json)?;
    Some(scratch.finish(facts))
}

/// Reads a request with serde_json, which says what is wrong with a bad one.
fn read_serde(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Result<Facts, RequestError> {
    scratch.clear();
    let mut facts = Facts {
        slots: schema.absent.clone(),
        ..Facts::default()
    };
    let mut builder = Builder {
        program,
        schema,
        facts: &mut facts,
        scratch,
    };
    let mut de = serde_json::Deserializer::from_str(json);
    let result = ObjectSeed {
        b: &mut builder,
        node: &schema.root,
        at: None,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match result {
        Ok(()) => Ok(scratch.finish(facts)),
        Err(e) => Err(json_error(&e)),
    }
}

// ──────────────────────── binding, for both readers ────────────────────────

/// What both readers bind into: the facts, and the scratch for lists and
/// records. Each method takes a value a reader has read and says what it
/// binds to (`None`: it is not one; the serde reader then says why).
struct Builder<'p, 'f> {
    program: &'p Program,
    schema: &'p Schema,
    /// Slots and texts.
    facts: &'f mut Facts,
    scratch: &'f mut Scratch,
}

impl<'p> Builder<'p, '_> {
    fn set_fact(&mut self, slot: u32, v: Value) {
        if let Some(s) = self.facts.slots.get_mut(slot as usize) {
            *s = v;
        }
    }

    fn boolean(spec: &ValueSpec, v: bool) -> Option<Value> {
        (spec.ty == Type::Bool).then_some(Value::Bool(v))
    }

    fn number(spec: &ValueSpec, v: f64) -> Option<Value> {
        let fits = spec.ty == Type::Number
            && !(spec.integer && v.fract() != 0.0)
            // (A JSON number is never NaN.)
            && spec.min.is_none_or(|min| v >= min)
            && spec.max.is_none_or(|max| v <= max);
        fits.then_some(Value::Num(v))
    }

    fn string(&mut self, spec: &ValueSpec, v: &str) -> Option<Value> {
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
    fn list_start(&self) -> usize {
        self.scratch.stack.len()
    }

    /// How many items the list started at `start` has so far.
    fn list_len(&self, start: usize) -> usize {
        self.scratch.stack.len().saturating_sub(start)
    }

    fn list_item(&mut self, v: Value) {
        self.scratch.stack.push(v);
    }

    /// The list started at `start`; `None` if `spec` wants items and it has
    /// none.
    fn list_end(&mut self, spec: &ValueSpec, start: usize) -> Option<Value> {
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
    fn record_start(&mut self, r: u32) -> usize {
        let start = self.scratch.stack.len();
        if let Some(shape) = self.schema.records.get(r as usize) {
            self.scratch.stack.extend_from_slice(&shape.absent);
        }
        start
    }

    fn record_field(&mut self, start: usize, index: usize, v: Value) {
        if let Some(s) = self.scratch.stack.get_mut(start + index) {
            *s = v;
        }
    }

    /// The record of type `r` started at `start`; or the index of the first
    /// required field that is missing.
    fn record_end(&mut self, r: u32, start: usize, seen: &Seen) -> Result<Value, usize> {
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
enum Seen {
    Few(u64),
    Many(Vec<bool>),
}

impl Seen {
    #[inline]
    fn new(fields: usize) -> Self {
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
    fn mark(&mut self, i: usize) -> bool {
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

// ───────────────────────────── the fast reader ─────────────────────────────
//
// serde_json spends about as much reading a request as all the binding
// does (some 120 instructions a string, most of it finding where the string
// ends). This reader scans the bytes itself, and reads only what it can read
// exactly as serde_json does: it gives up (`None`) on an escape, a control
// character, `null`, any syntax error, anything the policy does not accept,
// and nesting deeper than `FAST_DEPTH`; numbers other than small whole ones
// it hands to serde_json.

/// Deepest nesting the fast reader follows (serde_json's limit is 128).
const FAST_DEPTH: usize = 64;

/// The bytes of a request and where the reader is.
struct Scan<'j> {
    text: &'j str,
    pos: usize,
}

impl<'j> Scan<'j> {
    /// The next byte that is not JSON whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            // Every byte that starts a token is above the space.
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `c` if it comes next.
    #[inline(always)]
    fn eat(&mut self, c: u8) -> bool {
        // Most requests have no whitespace between tokens.
        let next = self.text.as_bytes().get(self.pos) == Some(&c) || self.peek() == Some(c);
        self.pos += usize::from(next);
        next
    }

    /// A string, its opening quote consumed; `None` for one with an escape
    /// or a control character (serde_json decodes or rejects those).
    #[inline]
    fn string(&mut self) -> Option<&'j str> {
        const ONES: u64 = u64::MAX / 255;
        const HIGHS: u64 = ONES << 7;
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut end = start;
        // Eight bytes at a time: the first that is `"`, `\\` or a control
        // character (a zero byte of `w ^ c` is a byte equal to `c`).
        while let Some(chunk) = bytes.get(end..).and_then(<[u8]>::first_chunk::<8>) {
            let w = u64::from_le_bytes(*chunk);
            let quote = w ^ (ONES * u64::from(b'"'));
            let backslash = w ^ (ONES * u64::from(b'\\'));
            let found = (quote.wrapping_sub(ONES) & !quote)
                | (backslash.wrapping_sub(ONES) & !backslash)
                | (w.wrapping_sub(ONES * 0x20) & !w);
            let found = found & HIGHS;
            if found != 0 {
                end += found.trailing_zeros() as usize / 8;
                break;
            }
            end += 8;
        }
        loop {
            match *bytes.get(end)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => end += 1,
            }
        }
        let s = self.text.get(start..end)?;
        self.pos = end + 1;
        Some(s)
    }

    /// A number, as serde_json reads it into an `f64`.
    fn number(&mut self) -> Option<f64> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = bytes.get(self.pos) {
            self.pos += 1;
        }
        let token = self.text.get(start..self.pos)?;
        match token.as_bytes() {
            // serde_json reads these as a u64, converted.
            [first @ b'1'..=b'9', rest @ ..]
                if rest.len() < 15 && rest.iter().all(u8::is_ascii_digit) =>
            {
                let n = rest
                    .iter()
                    .fold(u64::from(first - b'0'), |n, d| n * 10 + u64::from(d - b'0'));
                Some(n as f64)
            }
            b"0" => Some(0.0),
            _ => serde_json::from_str(token).ok(),
        }
    }

    /// Consumes `word` (`true`, `false`) if it comes next.
    fn literal(&mut self, word: &str) -> bool {
        let next = self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word));
        if next {
            self.pos += word.len();
        }
        next
    }
}

fn fast_request(b: &mut Builder, json: &str) -> Option<()> {
    let schema = b.schema;
    let mut scan = Scan { text: json, pos: 0 };
    if !scan.eat(b'{') {
        return None;
    }
    fast_object(b, &mut scan, &schema.root, 1)?;
    (scan.peek().is_none()).then_some(())
}

/// An object of facts, its `{` consumed.
fn fast_object(b: &mut Builder, scan: &mut Scan, node: &Object, depth: usize) -> Option<()> {
    if scan.eat(b'}') {
        return Some(());
    }
    let mut seen = Seen::new(node.children.len());
    loop {
        if !scan.eat(b'"') {
            return None;
        }
        let index = node.index.get(scan.string()?)? as usize;
        if !seen.mark(index) || !scan.eat(b':') {
            return None;
        }
        match &node.children.get(index)?.1 {
            Child::Fact(slot) => {
                let program = b.program;
                let spec = &program.facts.get(*slot as usize)?.spec;
                let v = fast_value(b, scan, spec, depth)?;
                b.set_fact(*slot, v);
            }
            Child::Object(o) => {
                if depth >= FAST_DEPTH || !scan.eat(b'{') {
                    return None;
                }
                fast_object(b, scan, o, depth + 1)?;
            }
        }
        if !scan.eat(b',') {
            return scan.eat(b'}').then_some(());
        }
    }
}

fn fast_value(b: &mut Builder, scan: &mut Scan, spec: &ValueSpec, depth: usize) -> Option<Value> {
    match scan.peek()? {
        b'"' => {
            scan.pos += 1;
            let s = scan.string()?;
            b.string(spec, s)
        }
        b't' if scan.literal("true") => Builder::boolean(spec, true),
        b'f' if scan.literal("false") => Builder::boolean(spec, false),
        b'-' | b'0'..=b'9' => Builder::number(spec, scan.number()?),
        b'[' if depth < FAST_DEPTH => {
            scan.pos += 1;
            let item = spec.item.as_deref()?;
            let start = b.list_start();
            if !scan.eat(b']') {
                loop {
                    let v = fast_value(b, scan, item, depth + 1)?;
                    b.list_item(v);
                    if !scan.eat(b',') {
                        break;
                    }
                }
                if !scan.eat(b']') {
                    return None;
                }
            }
            b.list_end(spec, start)
        }
        b'{' if depth < FAST_DEPTH => {
            scan.pos += 1;
            let Type::Record(r) = spec.ty else {
                return None;
            };
            let program = b.program;
            let schema = b.schema;
            let record = program.records.get(r as usize)?;
            let fields = &schema.records.get(r as usize)?.fields;
            let mut seen = Seen::new(record.fields.len());
            let start = b.record_start(r);
            if !scan.eat(b'}') {
                loop {
                    if !scan.eat(b'"') {
                        return None;
                    }
                    let index = fields.get(scan.string()?)? as usize;
                    let field = record.fields.get(index)?;
                    if !seen.mark(index) || !scan.eat(b':') {
                        return None;
                    }
                    let v = fast_value(b, scan, &field.spec, depth + 1)?;
                    b.record_field(start, index, v);
                    if !scan.eat(b',') {
                        break;
                    }
                }
                if !scan.eat(b'}') {
                    return None;
                }
            }
            b.record_end(r, start, &seen).ok()
        }
        _ => None,
    }
}

// ───────────────────────────── the serde reader ─────────────────────────────
//
// The reference: it reads any request, and names the path and says what is
// wrong in a bad one. Paths are kept as a chain on the call stack and
// written out only for an error.

fn json_error(e: &serde_json::Error) -> RequestError {
    let text = e.to_string();
    let message = match text.rsplit_once(" at line ") {
        Some((m, _)) if e.line() > 0 => m.to_string(),
        _ => text,
    };
    let message = match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("malformed JSON: {message}")
        }
        _ => message,
    };
    RequestError {
        message,
        line: e.line(),
        column: e.column(),
        source_code: None,
        span: None,
    }
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a value is: a chain of segments up to the root, kept on the call
/// stack and read only to name the path in an error.
#[derive(Clone, Copy)]
struct At<'a> {
    seg: Seg<'a>,
    up: Path<'a>,
}

/// The place of a value (`None`: the request itself).
type Path<'a> = Option<&'a At<'a>>;

/// How a path is written in an error: `order.lines[0].code`, or `request`.
fn path_text(at: Path) -> String {
    let mut segs = Vec::new();
    let mut next = at;
    while let Some(a) = next {
        segs.push(a.seg);
        next = a.up;
    }
    let mut out = String::new();
    for seg in segs.iter().rev() {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "request".into()
    } else {
        out
    }
}

fn fail<E: de::Error>(at: Path, what: impl fmt::Display) -> E {
    E::custom(format!("{}: {what}", path_text(at)))
}

impl Builder<'_, '_> {
    fn expected(&self, spec: &ValueSpec) -> String {
        match &spec.ty {
            Type::Bool => "true or false".into(),
            Type::Number if spec.integer => "a whole number".into(),
            Type::Number => "a number".into(),
            Type::Text(Some(f)) => format!("a {} (text)", self.program.formats[*f as usize].name),
            Type::Text(None) => "a text".into(),
            Type::Enum(e) => {
                let info = &self.program.enums[*e as usize];
                let values: Vec<String> = info
                    .values
                    .iter()
                    .filter_map(|s| self.program.syms.resolve(*s))
                    .map(|s| format!("\"{s}\""))
                    .collect();
                if values.len() <= 8 {
                    format!("one of {}", values.join(", "))
                } else {
                    format!("a {} (one of {} values)", info.name, values.len())
                }
            }
            Type::List(_) => "a list".into(),
            Type::Record(_) => "an object".into(),
            Type::Any => "a value".into(),
        }
    }
}

fn found(unexp: de::Unexpected) -> String {
    match unexp {
        de::Unexpected::Str(s) => format!("\"{s}\""),
        de::Unexpected::Unit => "null".into(),
        de::Unexpected::Map => "an object".into(),
        de::Unexpected::Seq => "a list".into(),
        other => other.to_string(),
    }
}

struct ObjectSeed<'a, 'p, 'f> {
    b: &'a mut Builder<'p, 'f>,
    node: &'p Object,
    at: Path<'a>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads a key and finds it among `names`: its index, or `UNKNOWN` with the
/// key in `unknown`. `index` finds it fast; a key it lacks is looked for in
/// `names`.
struct KeySeed<'n, I> {
    index: Option<&'n Names<u32>>,
    names: &'n [I],
    name_of: fn(&I) -> &str,
    unknown: &'n mut String,
}

/// The index of a key that is not a field.
const UNKNOWN: u32 = u32::MAX;

impl<'de, I> DeserializeSeed<'de> for KeySeed<'_, I> {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl<I> Visitor<'_> for KeySeed<'_, I> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        if let Some(i) = self.index.and_then(|index| index.get(v)) {
            return Ok(i);
        }
        match self.names.iter().position(|n| (self.name_of)(n) == v) {
            Some(i) => Ok(i as u32),
            None => {
                self.unknown.push_str(v);
                Ok(UNKNOWN)
            }
        }
    }
}

/// `; did you mean "x"?`, or the names a key may be.
fn unknown_field_hint(name: &str, names: &[&str]) -> String {
    match did_you_mean(name, names.iter().copied()) {
        Some(s) => format!("; did you mean \"{s}\"?"),
        None => format!(
            "; expected one of {}",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl<'de, 'p> Visitor<'de> for ObjectSeed<'_, 'p, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node: &'p Object = self.node;
        let mut seen = Seen::new(node.children.len());
        let mut unknown = String::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            index: Some(&node.index),
            names: &node.children,
            name_of: |c| c.0.as_str(),
            unknown: &mut unknown,
        })? {
            let index = match key {
                UNKNOWN => {
                    let names: Vec<&str> = node.children.iter().map(|c| c.0.as_str()).collect();
                    let hint = unknown_field_hint(&unknown, &names);
                    let here = At {
                        seg: Seg::Key(""),
                        up: self.at,
                    };
                    let at = path_text(Some(&here));
                    let at = at.trim_end_matches('.');
                    let prefix = if at == "request" {
                        String::new()
                    } else {
                        format!("{at}.")
                    };
                    return Err(de::Error::custom(format!(
                        "{prefix}{unknown}: unknown field{hint}"
                    )));
                }
                i => i as usize,
            };
            let Some((name, child)) = node.children.get(index) else {
                return Err(fail(self.at, "unknown field"));
            };
            let at = At {
                seg: Seg::Key(name),
                up: self.at,
            };
            if !seen.mark(index) {
                return Err(fail(Some(&at), "duplicate key"));
            }
            match child {
                Child::Fact(slot) => {
                    let spec = &self.b.program.facts[*slot as usize].spec;
                    let v = map.next_value_seed(ValueSeed {
                        b: self.b,
                        spec,
                        at: Some(&at),
                    })?;
                    self.b.set_fact(*slot, v);
                }
                Child::Object(o) => map.next_value_seed(ObjectSeed {
                    b: self.b,
                    node: o,
                    at: Some(&at),
                })?,
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(fail(self.at, "expected an object, found null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(fail(self.at, "expected an object, found a list"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        Err(fail(self.at, format!("expected an object, found \"{v}\"")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        Err(fail(self.at, format!("expected an object, found {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        Err(fail(self.at, format!("expected an object, found {v}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        Err(fail(self.at, format!("expected an object, found {v}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        Err(fail(self.at, format!("expected an object, found {v}")))
    }
}

struct ValueSeed<'a, 'p, 'f> {
    b: &'a mut Builder<'p, 'f>,
    spec: &'p ValueSpec,
    at: Path<'a>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValueSeed<'_, '_, '_> {
    fn mismatch<E: de::Error>(&self, unexp: de::Unexpected) -> E {
        fail(
            self.at,
            format!(
                "expected {}, found {}",
                self.b.expected(self.spec),
                found(unexp)
            ),
        )
    }

    fn number<E: de::Error>(&self, v: f64) -> Result<Value, E> {
        if let Some(value) = Builder::number(self.spec, v) {
            return Ok(value);
        }
        if self.spec.ty != Type::Number {
            return Err(self.mismatch(de::Unexpected::Float(v)));
        }
        if self.spec.integer && v.fract() != 0.0 {
            return Err(fail(self.at, format!("expected a whole number, found {v}")));
        }
        if let Some(min) = self.spec.min
            && v < min
        {
            return Err(fail(
                self.at,
                format!(
                    "{} is below the minimum {}",
                    crate::eval::format_number(v),
                    crate::eval::format_number(min)
                ),
            ));
        }
        if let Some(max) = self.spec.max
            && v > max
        {
            return Err(fail(
                self.at,
                format!(
                    "{} is above the maximum {}",
                    crate::eval::format_number(v),
                    crate::eval::format_number(max)
                ),
            ));
        }
        // Not reached: `Builder::number` takes every other number.
        Err(self.mismatch(de::Unexpected::Float(v)))
    }

    /// Why a string is not a value of the spec's type.
    fn string_error<E: de::Error>(&self, v: &str) -> E {
        let program = self.b.program;
        match self.spec.ty {
            Type::Enum(e) => {
                let info = &program.enums[e as usize];
                let names: Vec<&str> = info
                    .values
                    .iter()
                    .filter_map(|s| program.syms.resolve(*s))
                    .collect();
                let article = if info.name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                let hint = match did_you_mean(v, names.iter().copied()) {
                    Some(s) => format!("; did you mean \"{s}\"?"),
                    None => format!("; expected {}", self.b.expected(self.spec)),
                };
                fail(
                    self.at,
                    format!("\"{v}\" is not {article} {}{hint}", info.name),
                )
            }
            Type::Text(Some(f)) => match program.formats.get(f as usize) {
                Some(f) => fail(
                    self.at,
                    format!(
                        "\"{v}\" is not a valid {} (expected text matching {})",
                        f.name,
                        f.regex.as_str()
                    ),
                ),
                // Not reached: a text of no known format is any text.
                None => self.mismatch(de::Unexpected::Str(v)),
            },
            _ => self.mismatch(de::Unexpected::Str(v)),
        }
    }
}

impl<'de, 'p> Visitor<'de> for ValueSeed<'_, 'p, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.b.expected(self.spec))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Builder::boolean(self.spec, v).ok_or_else(|| self.mismatch(de::Unexpected::Bool(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.number(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.number(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.number(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Err(self.mismatch(de::Unexpected::Unit))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        match self.b.string(self.spec, v) {
            Some(value) => Ok(value),
            None => Err(self.string_error(v)),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Some(item_spec) = self.spec.item.as_deref() else {
            return Err(self.mismatch(de::Unexpected::Seq));
        };
        let start = self.b.list_start();
        loop {
            let at = At {
                seg: Seg::Index(self.b.list_len(start)),
                up: self.at,
            };
            let next = seq.next_element_seed(ValueSeed {
                b: self.b,
                spec: item_spec,
                at: Some(&at),
            })?;
            match next {
                Some(v) => self.b.list_item(v),
                None => break,
            }
        }
        match self.b.list_end(self.spec, start) {
            Some(list) => Ok(list),
            None => Err(fail(
                self.at,
                "expected at least one item, found an empty list",
            )),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Type::Record(r) = self.spec.ty else {
            return Err(self.mismatch(de::Unexpected::Map));
        };
        let program: &'p Program = self.b.program;
        let record = &program.records[r as usize];
        let start = self.b.record_start(r);
        let mut seen = Seen::new(record.fields.len());
        let mut unknown = String::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            index: self.b.schema.records.get(r as usize).map(|s| &s.fields),
            names: &record.fields,
            name_of: |f| f.name.as_str(),
            unknown: &mut unknown,
        })? {
            let index = match key {
                UNKNOWN => {
                    let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                    let hint = unknown_field_hint(&unknown, &names);
                    return Err(fail(self.at, format!("unknown field \"{unknown}\"{hint}")));
                }
                i => i as usize,
            };
            let Some(field) = record.fields.get(index) else {
                return Err(fail(self.at, "unknown field"));
            };
            let at = At {
                seg: Seg::Key(&field.name),
                up: self.at,
            };
            if !seen.mark(index) {
                return Err(fail(Some(&at), "duplicate key"));
            }
            let v = map.next_value_seed(ValueSeed {
                b: self.b,
                spec: &field.spec,
                at: Some(&at),
            })?;
            self.b.record_field(start, index, v);
        }
        self.b.record_end(r, start, &seen).map_err(|missing| {
            let name = record.fields.get(missing).map_or("", |f| f.name.as_str());
            fail(self.at, format!("missing field \"{name}\""))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use serde_json::Value as Json;

    use super::{Names, Schema, Scratch, read_fast, read_serde};
    use crate::{EmbeddedLoader, Policy};

    #[test]
    fn names_find_every_name_and_nothing_else() {
        let names = [
            "",
            "a",
            "id",
            "abc",
            "code",
            "plan_x",
            "purpose_",
            "symptomatic",
            "scheduled_follow_up",
            "aaaaaaaa_x_bbbbbbbb",
            "aaaaaaaa_y_bbbbbbbb",
            "aaaaaaaa_xy_bbbbbbbb",
        ];
        let table = Names::new((0u32..).zip(names).map(|(i, n)| (n, i)));
        for (i, n) in (0u32..).zip(names) {
            assert_eq!(table.get(n), Some(i), "{n:?}");
        }
        for n in [
            "b",
            "ID",
            "cod",
            "codes",
            "aaaaaaaa_z_bbbbbbbb",
            "aaaaaaaa",
            "bbbbbbbb",
        ] {
            assert_eq!(table.get(n), None, "{n:?}");
        }
        let twice = Names::new([("x", 1), ("x", 2)].into_iter());
        assert_eq!(twice.get("x"), Some(1));
        assert_eq!(Names::<u32>::default().get(""), None);
    }

    /// A policy with the shapes the embedded one lacks: a list of lists, a
    /// record with a list and a record field, plain text, integer bounds.
    const NESTED: &str = r#"
        enum colour { red, green }
        text tag matching "^[a-z]+$"
        record inner {
          n: integer from 1 to 9 default 5
          tags: list of tag default {}
        }
        record outer {
          name: text
          inner: inner may be absent
          colours: non-empty list of colour
        }
        facts {
          a.grid: list of list of integer default {}
          a.items: list of outer default {}
          a.note: text may be absent
          b: bool may be unknown
        }
        outcomes deny > allow
          default allow
          pending deny
        sections "S"
        lines a.items shown by name
        stage main {
          rule R1 b cites "S" for each i in a.items when b then deny because "b"
        }
    "#;

    /// Both readers on one request: the fast one, when it reads it, binds it
    /// as serde_json does. Returns whether serde_json read it, and whether
    /// the fast reader did.
    fn agree(policy: &Policy, schema: &Schema, json: &str) -> (bool, bool) {
        let program = policy.program();
        let mut scratch = Scratch::default();
        let fast = read_fast(program, schema, json, &mut scratch);
        let reference = read_serde(program, schema, json, &mut scratch);
        match (fast, reference) {
            (Some(f), Ok(r)) => {
                assert_eq!(format!("{f:?}"), format!("{r:?}"), "{json}");
                (true, true)
            }
            (Some(_), Err(e)) => panic!("fast reader accepted {json}, serde_json: {}", e.message),
            (None, r) => (r.is_ok(), false),
        }
    }

    fn scenario_requests() -> Vec<Json> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let v: Json = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                v["request"].clone()
            })
            .collect()
    }

    const NESTED_REQUESTS: &[&str] = &[
        r#"{"a": {"grid": [[1, 2], [], [3]], "items": [{"name": "x", "colours": ["red"]}]}}"#,
        r#"{"a": {"items": [{"name": "y", "inner": {"n": 2, "tags": ["ab", "cd"]}, "colours": ["green", "red"]}, {"name": "x", "colours": ["red"], "inner": {}}], "grid": [[9]]}, "b": true}"#,
        r#"{"a": {"items": [{"name": "x", "colours": []}]}}"#,
        r#"{"a": {"items": [{"name": "x", "colours": ["red"], "inner": {"n": 10}}]}}"#,
        r#"{"a": {"items": [{"name": "x", "colours": ["red"], "inner": {"tags": ["A"]}}]}}"#,
        r#"{"a": {"grid": [[1.5]]}}"#,
        r#"{"a": {"note": "x", "note": "y"}}"#,
        r#"{"a": {"items": [{"colours": ["red"]}]}}"#,
    ];

    /// Values a mutation puts in place of another.
    const VALUES: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-0",
        "-1",
        "1.5",
        "62",
        "1e2",
        "6.2E1",
        "200",
        "1e400",
        "12345678901234567890",
        "\"\"",
        "\"x\"",
        "[]",
        "{}",
        "[1]",
        "[\"pacemaker\"]",
        "\"70551\"",
        "\"7055\"",
        "\"A1234\"",
        "\"99999\"",
        "\"0001T\"",
        "\"CA\"",
        "\"2025-01-01\"",
        "\"pacemakr\"",
        "\"commercial\"",
        "\"diagnostic\"",
        "\"p\\u0061cemaker\"",
        "\"\\\"\"",
        "[{\"code\":\"70551\"}]",
        "[{\"code\":\"70551\",\"code\":\"70552\"}]",
        "[{}]",
        "{\"modality\":\"CT\",\"reason\":\"other\"}",
        "[[]]",
        "[\"red\"]",
        "[[1,2]]",
    ];

    /// Keys a mutation adds.
    const KEYS: &[&str] = &[
        "id",
        "idd",
        "member",
        "age",
        "plan",
        "lines",
        "code",
        "laterality",
        "purpose",
        "x",
        "",
        "a\\u0067e",
        "days_ago",
        "request",
        "grid",
        "items",
        "inner",
        "n",
        "tags",
    ];

    /// Every way of writing `request` with one value replaced, one key
    /// added, one key removed, or the text cut or extended, that the
    /// mutation tables give; deterministic.
    fn mutations(request: &Json) -> Vec<String> {
        fn visit(v: &Json, at: &mut Vec<Json>, out: &mut Vec<Vec<Json>>) {
            out.push(at.clone());
            match v {
                Json::Object(m) => {
                    for (k, c) in m {
                        at.push(Json::from(k.as_str()));
                        visit(c, at, out);
                        at.pop();
                    }
                }
                Json::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        at.push(Json::from(i));
                        visit(c, at, out);
                        at.pop();
                    }
                }
                _ => {}
            }
        }
        fn get<'a>(v: &'a mut Json, path: &[Json]) -> Option<&'a mut Json> {
            path.iter().try_fold(v, |v, seg| match seg {
                Json::String(k) => v.get_mut(k.as_str()),
                _ => v.get_mut(seg.as_u64()? as usize),
            })
        }
        let mut paths = Vec::new();
        visit(request, &mut Vec::new(), &mut paths);
        let text = request.to_string();
        let mut out = vec![
            text.clone(),
            serde_json::to_string_pretty(request).unwrap(),
            format!("{text} x"),
            format!(" {text}\n"),
        ];
        for cut in (0..text.len()).step_by(7) {
            out.push(text[..cut].to_string());
        }
        for path in &paths {
            for value in VALUES {
                let mut v = request.clone();
                if let Some(slot) = get(&mut v, path) {
                    *slot = Json::from("\u{1}MARK");
                    out.push(v.to_string().replace("\"\\u0001MARK\"", value));
                }
            }
            let mut v = request.clone();
            if let Some(Json::Object(m)) = get(&mut v, path) {
                m.insert("\u{1}KEY".into(), Json::Null);
                let text = v.to_string();
                for key in KEYS {
                    for value in ["1", "\"x\"", "{}", "[]"] {
                        out.push(
                            text.replace("\"\\u0001KEY\":null", &format!("\"{key}\":{value}")),
                        );
                    }
                }
            }
            if let Some((last, parent)) = path.split_last()
                && let Some(Json::Object(m)) = get(&mut request.clone(), parent)
                && let Some(key) = last.as_str()
            {
                let mut m = m.clone();
                m.remove(key);
                let mut v = request.clone();
                if let Some(slot) = get(&mut v, parent) {
                    *slot = Json::Object(m);
                }
                out.push(v.to_string());
            }
        }
        out
    }

    #[test]
    fn the_fast_reader_binds_as_serde_json_does() {
        let (policy, schema) = embedded();
        let (mut cases, mut fast) = (0, 0);
        for request in scenario_requests() {
            let text = request.to_string();
            let mut scratch = Scratch::default();
            if read_serde(policy.program(), schema, &text, &mut scratch).is_ok() {
                assert_eq!(agree(policy, schema, &text), (true, true), "{text}");
            }
            for m in mutations(&request) {
                let (good, read) = agree(policy, schema, &m);
                cases += usize::from(good);
                fast += usize::from(read);
            }
        }
        // Of the good requests, the fast reader gives up on few (those with
        // escapes).
        assert!(fast * 10 > cases * 9, "{fast} of {cases}");
        let nested = Policy::from_source("nested.dsl", NESTED, &EmbeddedLoader).unwrap();
        let schema = Schema::new(nested.program());
        for text in NESTED_REQUESTS {
            let request: Json = serde_json::from_str(text).unwrap();
            for m in mutations(&request) {
                agree(&nested, &schema, &m);
            }
        }
        assert_eq!(agree(&nested, &schema, NESTED_REQUESTS[1]), (true, true));
    }

    /// Pieces of JSON, good and bad, for the property below.
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\"member\"",
        "\"order\"",
        "\"age\"",
        "\"plan\"",
        "\"lines\"",
        "\"code\"",
        "\"purpose\"",
        "\"implants\"",
        "\"id\"",
        "\"70551\"",
        "\"diagnostic\"",
        "\"commercial\"",
        "\"pacemaker\"",
        "\"a\\\"b\"",
        "\"\u{1}\"",
        "\"é\"",
        "1",
        "-0",
        "0.5",
        "1e2",
        "01",
        "-",
        "true",
        "false",
        "null",
        "tru",
        "\"",
    ];

    fn embedded() -> &'static (Policy, Schema) {
        static EMBEDDED: OnceLock<(Policy, Schema)> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let policy = Policy::embedded().unwrap();
            let schema = Schema::new(policy.program());
            (policy, schema)
        })
    }

    proptest! {
        #[test]
        fn the_readers_agree_on_any_text(
            pieces in prop::collection::vec(prop::sample::select(TOKENS), 0..40)
        ) {
            let (policy, schema) = embedded();
            agree(policy, schema, &pieces.concat());
        }

        #[test]
        fn the_readers_agree_on_any_member(
            pieces in prop::collection::vec(prop::sample::select(TOKENS), 0..30)
        ) {
            let (policy, schema) = embedded();
            let text = format!(
                r#"{{"order": {{"lines": [{{"code": "70551"}}], "purpose": "diagnostic"}}, "member": {{{}}}}}"#,
                pieces.concat()
            );
            agree(policy, schema, &text);
        }
    }
}

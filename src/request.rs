//! JSON request -> [`Facts`], strictly: an unknown field, a duplicate key, a
//! wrong type, a value outside its vocabulary or format, a number out of
//! range are errors that name the path. Absent fields follow their kind.
//! The JSON is read once, straight into fact slots (no intermediate tree).

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use thiserror::Error;

use crate::diag::did_you_mean;
use crate::eval::Facts;
use crate::eval::program::{FactKind, Program, Type, Value, ValueSpec};

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

/// The shape of the request: objects of facts, from the facts' dotted paths.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    root: Object,
}

#[derive(Clone, Debug, Default)]
struct Object {
    children: Vec<(String, Child)>,
}

#[derive(Clone, Debug)]
enum Child {
    Fact(u32),
    Object(Object),
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
        Schema { root }
    }
}

/// Binds a JSON request to the program's facts.
pub fn bind(program: &Program, schema: &Schema, json: &str) -> Result<Facts, RequestError> {
    let mut facts = Facts {
        slots: program
            .facts
            .iter()
            .map(|f| match &f.kind {
                FactKind::Default(v) => *v,
                FactKind::Absent => Value::Absent,
                FactKind::Required | FactKind::Unknown => Value::Unknown,
            })
            .collect(),
        ..Facts::default()
    };
    let mut builder = Builder {
        program,
        facts: &mut facts,
        path: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(json);
    let result = ObjectSeed {
        b: &mut builder,
        node: &schema.root,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match result {
        Ok(()) => Ok(facts),
        Err(e) => Err(json_error(&e)),
    }
}

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
enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

struct Builder<'p, 'f> {
    program: &'p Program,
    facts: &'f mut Facts,
    path: Vec<Seg<'p>>,
}

impl Builder<'_, '_> {
    fn path(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
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

    fn fail<E: de::Error>(&self, what: impl fmt::Display) -> E {
        E::custom(format!("{}: {what}", self.path()))
    }

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

// ───────────────────────────── objects of facts ─────────────────────────────

struct ObjectSeed<'a, 'p, 'f> {
    b: &'a mut Builder<'p, 'f>,
    node: &'p Object,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads a key and finds it among `names`: its index, or the key itself.
struct KeySeed<'n, I> {
    names: &'n [I],
    name_of: fn(&I) -> &str,
}

impl<'de, I> DeserializeSeed<'de> for KeySeed<'_, I> {
    type Value = Result<usize, String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<I> Visitor<'_> for KeySeed<'_, I> {
    type Value = Result<usize, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self
            .names
            .iter()
            .position(|n| (self.name_of)(n) == v)
            .ok_or_else(|| v.to_string()))
    }
}

impl<'de, 'p> Visitor<'de> for ObjectSeed<'_, 'p, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node: &'p Object = self.node;
        let mut seen = vec![false; node.children.len()];
        while let Some(key) = map.next_key_seed(KeySeed {
            names: &node.children,
            name_of: |c| c.0.as_str(),
        })? {
            let index = match key {
                Ok(i) => i,
                Err(name) => {
                    let names: Vec<&str> = node.children.iter().map(|c| c.0.as_str()).collect();
                    let hint = match did_you_mean(&name, names.iter().copied()) {
                        Some(s) => format!("; did you mean \"{s}\"?"),
                        None => format!(
                            "; expected one of {}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    self.b.path.push(Seg::Key(""));
                    let at = self.b.path();
                    self.b.path.pop();
                    let at = at.trim_end_matches('.');
                    let prefix = if at == "request" {
                        String::new()
                    } else {
                        format!("{at}.")
                    };
                    return Err(de::Error::custom(format!(
                        "{prefix}{name}: unknown field{hint}"
                    )));
                }
            };
            let (name, child) = &node.children[index];
            self.b.path.push(Seg::Key(name));
            if seen[index] {
                let e = self.b.fail("duplicate key");
                return Err(e);
            }
            seen[index] = true;
            match child {
                Child::Fact(slot) => {
                    let spec = &self.b.program.facts[*slot as usize].spec;
                    let v = map.next_value_seed(ValueSeed { b: self.b, spec })?;
                    self.b.facts.slots[*slot as usize] = v;
                }
                Child::Object(o) => map.next_value_seed(ObjectSeed { b: self.b, node: o })?,
            }
            self.b.path.pop();
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.b.fail("expected an object, found null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.b.fail("expected an object, found a list"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        Err(self.b.fail(format!("expected an object, found \"{v}\"")))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        Err(self.b.fail(format!("expected an object, found {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        Err(self.b.fail(format!("expected an object, found {v}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        Err(self.b.fail(format!("expected an object, found {v}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        Err(self.b.fail(format!("expected an object, found {v}")))
    }
}

// ───────────────────────────────── values ─────────────────────────────────

struct ValueSeed<'a, 'p, 'f> {
    b: &'a mut Builder<'p, 'f>,
    spec: &'p ValueSpec,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl ValueSeed<'_, '_, '_> {
    fn mismatch<E: de::Error>(&self, unexp: de::Unexpected) -> E {
        self.b.fail(format!(
            "expected {}, found {}",
            self.b.expected(self.spec),
            found(unexp)
        ))
    }

    fn number<E: de::Error>(&self, v: f64) -> Result<Value, E> {
        if self.spec.ty != Type::Number {
            return Err(self.mismatch(de::Unexpected::Float(v)));
        }
        if self.spec.integer && v.fract() != 0.0 {
            return Err(self.b.fail(format!("expected a whole number, found {v}")));
        }
        if let Some(min) = self.spec.min
            && v < min
        {
            return Err(self.b.fail(format!(
                "{} is below the minimum {}",
                crate::eval::format_number(v),
                crate::eval::format_number(min)
            )));
        }
        if let Some(max) = self.spec.max
            && v > max
        {
            return Err(self.b.fail(format!(
                "{} is above the maximum {}",
                crate::eval::format_number(v),
                crate::eval::format_number(max)
            )));
        }
        Ok(Value::Num(v))
    }
}

impl<'de, 'p> Visitor<'de> for ValueSeed<'_, 'p, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.b.expected(self.spec))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        match self.spec.ty {
            Type::Bool => Ok(Value::Bool(v)),
            _ => Err(self.mismatch(de::Unexpected::Bool(v))),
        }
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
        let program = self.b.program;
        match &self.spec.ty {
            Type::Enum(e) => match program.enum_values[*e as usize].get(v) {
                Some(&sym) => Ok(Value::Sym(sym)),
                None => {
                    let info = &program.enums[*e as usize];
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
                    Err(self
                        .b
                        .fail(format!("\"{v}\" is not {article} {}{hint}", info.name)))
                }
            },
            Type::Text(format) => {
                if let Some(f) = format.and_then(|f| program.formats.get(f as usize))
                    && !f.regex.is_match(v)
                {
                    return Err(self.b.fail(format!(
                        "\"{v}\" is not a valid {} (expected text matching {})",
                        f.name,
                        f.regex.as_str()
                    )));
                }
                let sym = match program.syms.get(v) {
                    Some(s) => s,
                    None => {
                        let texts = &mut self.b.facts.texts;
                        match texts.iter().position(|t| t == v) {
                            Some(i) => (program.syms.len() + i) as u32,
                            None => {
                                texts.push(v.to_string());
                                (program.syms.len() + texts.len() - 1) as u32
                            }
                        }
                    }
                };
                Ok(Value::Sym(sym))
            }
            _ => Err(self.mismatch(de::Unexpected::Str(v))),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Some(item_spec) = self.spec.item.as_deref() else {
            return Err(self.mismatch(de::Unexpected::Seq));
        };
        let mut items = Vec::new();
        loop {
            self.b.path.push(Seg::Index(items.len()));
            let next = seq.next_element_seed(ValueSeed {
                b: self.b,
                spec: item_spec,
            })?;
            self.b.path.pop();
            match next {
                Some(v) => items.push(v),
                None => break,
            }
        }
        if self.spec.non_empty && items.is_empty() {
            return Err(self
                .b
                .fail("expected at least one item, found an empty list"));
        }
        let facts = &mut *self.b.facts;
        let start = facts.items.len() as u32;
        facts.items.extend_from_slice(&items);
        let id = crate::eval::FACT_LIST | facts.lists.len() as u32;
        facts.lists.push((start, items.len() as u32));
        Ok(Value::List(id))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Type::Record(r) = self.spec.ty else {
            return Err(self.mismatch(de::Unexpected::Map));
        };
        let program: &'p Program = self.b.program;
        let record = &program.records[r as usize];
        let mut values: Vec<Option<Value>> = vec![None; record.fields.len()];
        while let Some(key) = map.next_key_seed(KeySeed {
            names: &record.fields,
            name_of: |f| f.name.as_str(),
        })? {
            let index = match key {
                Ok(i) => i,
                Err(name) => {
                    let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                    let hint = match did_you_mean(&name, names.iter().copied()) {
                        Some(s) => format!("; did you mean \"{s}\"?"),
                        None => format!(
                            "; expected one of {}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    return Err(self.b.fail(format!("unknown field \"{name}\"{hint}")));
                }
            };
            let field = &record.fields[index];
            self.b.path.push(Seg::Key(&field.name));
            if values[index].is_some() {
                return Err(self.b.fail("duplicate key"));
            }
            let v = map.next_value_seed(ValueSeed {
                b: self.b,
                spec: &field.spec,
            })?;
            values[index] = Some(v);
            self.b.path.pop();
        }
        let mut fields = Vec::with_capacity(values.len());
        for (field, v) in record.fields.iter().zip(values) {
            fields.push(match (v, &field.kind) {
                (Some(v), _) => v,
                (None, FactKind::Default(d)) => *d,
                (None, FactKind::Absent) => Value::Absent,
                (None, FactKind::Unknown) => Value::Unknown,
                (None, FactKind::Required) => {
                    return Err(self.b.fail(format!("missing field \"{}\"", field.name)));
                }
            });
        }
        let off = self.b.facts.records.len() as u32;
        self.b.facts.records.extend(fields);
        Ok(Value::Rec(off))
    }
}

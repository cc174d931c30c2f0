//! The reference reader: serde_json, driven by seeds that walk the
//! [`Schema`] and hand each value to the [`Builder`]. It reads any request
//! the fast reader gives up on, and for a bad one names the path and says
//! what is wrong (with a "did you mean" for a misspelt field or vocabulary
//! value). Paths are kept as a chain on the call stack and written out only
//! for an error.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::RequestError;
use super::build::{self, Builder, Scratch, Seen};
use super::names::Names;
use super::schema::{Child, Object, Schema};
use crate::diag::did_you_mean;
use crate::eval::Facts;
use crate::eval::program::{Program, Type, Value, ValueSpec};

/// Reads a request with serde_json, which says what is wrong with a bad one.
pub(super) fn read(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Result<Facts, RequestError> {
    build::fill(program, schema, scratch, |b| {
        let mut de = serde_json::Deserializer::from_str(json);
        ObjectSeed {
            b,
            node: &schema.root,
            at: None,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
    })
    .map_err(|e| json_error(&e))
}

/// A serde_json error as a request error: serde_json's message without its
/// position (kept as line and column), marked when the JSON is malformed.
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

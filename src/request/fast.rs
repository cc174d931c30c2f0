//! The fast reader, for requests as they usually come: well formed, no
//! escapes, nothing wrong. It scans the bytes itself, walks the [`Schema`]
//! and hands each value to the [`Builder`], which checks it.
//!
//! serde_json spends about as much reading a request as all the binding
//! does (some 120 instructions a string, most of it finding where the string
//! ends). This reader reads only what it can read exactly as serde_json
//! does: it gives up (`None`) on an escape, a control character, `null`,
//! any syntax error, anything the policy does not accept, and nesting
//! deeper than `FAST_DEPTH`; numbers other than small whole ones it hands
//! to serde_json. The reference reader then reads the request again and
//! says what, if anything, is wrong.

use super::build::{self, Builder, Scratch, Seen};
use super::schema::{Child, Object, Schema};
use crate::eval::Facts;
use crate::eval::program::{Program, Type, Value, ValueSpec};

/// Reads a request with the fast reader: `None` if it gives up.
// Inline, as it was when the readers shared a file: its facts are then
// built where the caller returns them, not moved there.
#[inline]
pub(super) fn read(
    program: &Program,
    schema: &Schema,
    json: &str,
    scratch: &mut Scratch,
) -> Option<Facts> {
    build::fill(program, schema, scratch, |b| {
        fast_request(b, json).ok_or(())
    })
    .ok()
}

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

/// A whole request: an object of facts, and nothing after it.
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

/// A value of `spec`: a fact's, an item's or a field's.
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

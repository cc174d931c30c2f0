//! The decision the engine prints, and its JSON (decision.md): fields in the
//! contract's order, lists sorted, so the same request gives the same bytes.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// The decision on one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The request's `id`, or null.
    pub id: Option<String>,
    /// The most decisive line outcome.
    pub outcome: String,
    /// The policy's annotations (`guideline`, `authority`), in declaration order.
    pub annotations: Vec<(String, serde_json::Value)>,
    /// One entry per request line, in request order.
    pub lines: Vec<LineDecision>,
    /// Codes recommended or acceptable instead (union over lines), sorted.
    pub alternatives: Vec<String>,
    /// Codes to request the service under (union over lines), sorted.
    pub redirect_to: Vec<String>,
    /// Dotted paths of the unknown facts that made a line pend, sorted.
    pub missing: Vec<String>,
    /// Cautions, in the order their rules fired.
    pub cautions: Vec<String>,
    /// Sections behind every rule that fired, in the policy's order.
    pub citations: Vec<String>,
    /// Every rule that fired, in evaluation order.
    pub trace: Vec<TraceEntry>,
    /// Rules that could not decide for want of a fact, and so pended a line
    /// (not part of the JSON: `--explain` and the REPL show them).
    pub pending: Vec<PendingNote>,
}

/// The decision on one line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineDecision {
    /// The line's code.
    pub code: String,
    /// Its outcome.
    pub outcome: String,
    /// Codes recommended instead, sorted.
    pub alternatives: Vec<String>,
    /// Codes to request it under, sorted.
    pub redirect_to: Vec<String>,
    /// Sections behind the rules that fired for it.
    pub citations: Vec<String>,
}

/// One rule that fired.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEntry {
    /// `M1 mri-unsafe-implant`
    pub rule: String,
    /// The line's code, or `None` for a request-level rule.
    pub line: Option<String>,
    /// The outcome it gave, or the kind of annotation.
    pub effect: String,
    /// The section it cites.
    pub citation: Option<String>,
    /// What a reviewer reads.
    pub message: String,
    /// The line's index in the request (not part of the JSON).
    pub line_index: Option<usize>,
}

/// A rule whose condition was unknown, and which pended a line.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingNote {
    /// `T2 pet-radiotracer`
    pub rule: String,
    /// The line's code, or `None` for a request-level rule.
    pub line: Option<String>,
    /// The outcome it would have given.
    pub would_be: String,
    /// The unknown facts.
    pub facts: Vec<String>,
    /// The line's index in the request.
    pub line_index: Option<usize>,
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(10 + self.annotations.len()))?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("outcome", &self.outcome)?;
        for (name, value) in &self.annotations {
            m.serialize_entry(name, value)?;
        }
        m.serialize_entry("lines", &self.lines)?;
        m.serialize_entry("alternatives", &self.alternatives)?;
        m.serialize_entry("redirect_to", &self.redirect_to)?;
        m.serialize_entry("missing", &self.missing)?;
        m.serialize_entry("cautions", &self.cautions)?;
        m.serialize_entry("citations", &self.citations)?;
        m.serialize_entry("trace", &self.trace)?;
        m.end()
    }
}

impl Serialize for LineDecision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("code", &self.code)?;
        m.serialize_entry("outcome", &self.outcome)?;
        m.serialize_entry("alternatives", &self.alternatives)?;
        m.serialize_entry("redirect_to", &self.redirect_to)?;
        m.serialize_entry("citations", &self.citations)?;
        m.end()
    }
}

impl Serialize for TraceEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("rule", &self.rule)?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("effect", &self.effect)?;
        m.serialize_entry("citation", &self.citation)?;
        m.serialize_entry("message", &self.message)?;
        m.end()
    }
}

impl Decision {
    /// The decision as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"error\":{{\"message\":\"{e}\"}}}}"))
    }

    /// The decision as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\":{{\"message\":\"{e}\"}}}}"))
    }
}

/// Writes `s` as a JSON string, quoted and escaped as `serde_json` escapes
/// it, in pieces to `put`.
pub(crate) fn write_json_str(s: &str, mut put: impl FnMut(&str)) {
    put("\"");
    write_json_str_contents(s, &mut put);
    put("\"");
}

/// Writes the escaped contents of a JSON string, in pieces to `put`: runs
/// that need no escape go out whole.
pub(crate) fn write_json_str_contents(s: &str, mut put: impl FnMut(&str)) {
    if !needs_escape(s) {
        put(s);
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0..=0x1f => CONTROL_ESCAPES[b as usize],
            _ => continue,
        };
        // The escaped byte is ASCII: both cuts fall between characters.
        put(&s[start..i]);
        put(escape);
        start = i + 1;
    }
    put(&s[start..]);
}

/// Whether a string holds a quote, a backslash or a control character:
/// eight bytes at a time, with the word tests for a zero byte and a byte
/// below `n` (which never miss one), the last eight overlapping.
fn needs_escape(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * n as u64) & !x & HIGHS;
    let special = |x: u64| {
        below(x, 0x20) | below(x ^ (ONES * b'"' as u64), 1) | below(x ^ (ONES * b'\\' as u64), 1)
    };
    let bytes = s.as_bytes();
    let Some(last) = bytes.last_chunk::<8>() else {
        // Under eight bytes: two halves that may overlap, or a few bytes.
        return match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(first), Some(last)) => {
                let halves = u64::from(u32::from_le_bytes(*first))
                    | u64::from(u32::from_le_bytes(*last)) << 32;
                special(halves) != 0
            }
            _ => bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\'),
        };
    };
    let (words, _) = bytes.as_chunks::<8>();
    let found = words
        .iter()
        .fold(special(u64::from_le_bytes(*last)), |found, w| {
            found | special(u64::from_le_bytes(*w))
        });
    found != 0
}

/// How JSON writes the control characters.
const CONTROL_ESCAPES: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007", "\\b",
    "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012",
    "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a",
    "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::write_json_str;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        write_json_str(s, |piece| out.push_str(piece));
        out
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "a \"quoted\" word",
            "back\\slash",
            "tab\tnew\nline\r",
            "\u{0}\u{1f}\u{7f}",
            "Ünïcødé “quotes” — 76376",
            "12345678\"12345678\\",
        ] {
            assert_eq!(escaped(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_does(s in any::<String>()) {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn ascii_with_specials_escapes_as_serde_json_does(s in "[ -~\\t\\n\\x00-\\x1f\"\\\\]{0,40}") {
            prop_assert_eq!(escaped(&s), serde_json::to_string(&s).unwrap());
        }
    }
}

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

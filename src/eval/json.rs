//! The decision's JSON written straight from a [`Verdict`], without
//! building a [`crate::Decision`]: the same bytes as
//! [`crate::Decision::to_json`], for the NDJSON hot path.

use super::verdict::{AnnotationValue, Verdict};
use crate::decision::write_json_str_contents;

impl Verdict<'_> {
    /// Appends the decision's JSON (the same bytes as
    /// [`Decision::to_json`]) to `out`, without building a [`Decision`].
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let s = self.parts();
        let mut json = JsonWriter(out);
        json.raw("{\"id\":");
        json.opt_str(s.id);
        json.raw(",\"outcome\":");
        json.str(s.outcome);
        for (name, value) in &s.annotations {
            json.raw(",");
            json.str(name);
            json.raw(":");
            match value {
                AnnotationValue::Default(v) => json.raw(&v.to_string()),
                AnnotationValue::Text(t) => json.str(t),
                AnnotationValue::Set(text) => json.raw(text),
            }
        }
        json.raw(",\"lines\":[");
        for (i, l) in s.lines.iter().enumerate() {
            json.raw(if i == 0 { "{\"code\":" } else { ",{\"code\":" });
            json.str(l.code);
            json.raw(",\"outcome\":");
            json.str(l.outcome);
            json.raw(",\"alternatives\":");
            json.strs(s.list(l.alternatives));
            json.raw(",\"redirect_to\":");
            json.strs(s.list(l.redirect_to));
            json.raw(",\"citations\":");
            json.strs(s.list(l.citations));
            json.raw("}");
        }
        json.raw("],\"alternatives\":");
        json.strs(s.list(s.alternatives));
        json.raw(",\"redirect_to\":");
        json.strs(s.list(s.redirect_to));
        json.raw(",\"missing\":");
        json.strs(s.list(s.missing));
        json.raw(",\"cautions\":");
        json.strs(s.list(s.cautions));
        json.raw(",\"citations\":");
        json.strs(s.list(s.citations));
        json.raw(",\"trace\":[");
        for (i, t) in s.trace.iter().enumerate() {
            json.raw(if i == 0 { "{\"rule\":" } else { ",{\"rule\":" });
            json.str(t.rule);
            json.raw(",\"line\":");
            json.opt_str(t.line.map(|i| self.line_code(i)));
            json.raw(",\"effect\":");
            json.pieces(&t.effect.pieces());
            json.raw(",\"citation\":");
            json.opt_str(t.citation);
            json.raw(",\"message\":");
            json.str(t.message);
            json.raw("}");
        }
        json.raw("]}");
    }
}

/// Writes JSON by hand, as `serde_json` would write the same values.
struct JsonWriter<'o>(&'o mut Vec<u8>);

impl JsonWriter<'_> {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn str(&mut self, s: &str) {
        self.pieces(&[s]);
    }

    /// One string made of pieces.
    fn pieces(&mut self, pieces: &[&str]) {
        let out = &mut *self.0;
        out.reserve(pieces.iter().map(|p| p.len()).sum::<usize>() + 2);
        out.push(b'"');
        for piece in pieces {
            write_json_str_contents(piece, |p| out.extend_from_slice(p.as_bytes()));
        }
        out.push(b'"');
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    fn strs(&mut self, list: &[&str]) {
        self.0.push(b'[');
        for (i, s) in list.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            self.str(s);
        }
        self.0.push(b']');
    }
}

#[cfg(test)]
mod json_tests {
    use std::path::Path;

    use crate::{Policy, Scratch};

    /// The direct JSON writer and the owned decision give the same bytes.
    #[test]
    fn write_json_matches_the_decision() {
        let policy = Policy::embedded().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
        let mut scratch = Scratch::default();
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
            let facts = policy.bind(&scenario["request"].to_string()).unwrap();
            let verdict = policy.evaluate(&facts, &mut scratch);
            let mut direct = Vec::new();
            verdict.write_json(&mut direct);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                verdict.decision().to_json()
            );
            seen += 1;
        }
        assert_eq!(seen, 61);
    }
}

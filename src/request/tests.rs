//! The two readers compared: on the scenarios' requests, on every mutation
//! of them the tables below give, and on random text, the fast reader
//! either gives up or binds exactly as the reference reader does, and it
//! reads nearly all good requests itself.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value as Json;

use super::build::Scratch;
use super::{Schema, fast, reference};
use crate::{EmbeddedLoader, Policy};

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
    let fast = fast::read(program, schema, json, &mut scratch);
    let reference = reference::read(program, schema, json, &mut scratch);
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
                    out.push(text.replace("\"\\u0001KEY\":null", &format!("\"{key}\":{value}")));
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
        if reference::read(policy.program(), schema, &text, &mut scratch).is_ok() {
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

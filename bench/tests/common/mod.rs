//! Helpers shared by the integration tests: loading the public scenarios and
//! checking a decision (as JSON) against a scenario's `expect`, exactly as
//! `tests/scenarios/README.md` says.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

/// One public scenario.
pub struct Scenario {
    pub name: String,
    /// The request as JSON text.
    pub request: String,
    pub expect: Value,
}

/// Every `*.json` of the project's `tests/scenarios`, sorted by file name.
pub fn scenarios() -> Vec<Scenario> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/scenarios"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let file: Value = serde_json::from_str(&text).unwrap();
            Scenario {
                name: file["name"].as_str().unwrap().to_owned(),
                request: file["request"].to_string(),
                expect: file["expect"].clone(),
            }
        })
        .collect()
}

fn set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, found {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

/// What of `expect` the decision fails, one message per field.
pub fn check(expect: &Value, decision: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for (field, want) in expect.as_object().unwrap() {
        let got = &decision[field];
        let ok = match field.as_str() {
            "outcome" | "guideline" | "authority" => got == want,
            "alternatives" | "redirect_to" | "missing" => set(got) == set(want),
            "citations" => set(want).is_subset(&set(got)),
            "cautions_nonempty" => {
                let nonempty = !decision["cautions"].as_array().unwrap().is_empty();
                Value::Bool(nonempty) == *want
            }
            "lines" => want.as_object().unwrap().iter().all(|(code, outcome)| {
                let lines = decision["lines"].as_array().unwrap();
                let matching: Vec<_> = lines.iter().filter(|l| l["code"] == **code).collect();
                !matching.is_empty() && matching.iter().all(|l| l["outcome"] == *outcome)
            }),
            other => panic!("unknown expect field `{other}`"),
        };
        if !ok {
            failures.push(format!(
                "{field}: expected {want}, got {}",
                if field == "cautions_nonempty" {
                    &decision["cautions"]
                } else if field == "lines" {
                    &decision["lines"]
                } else {
                    got
                }
            ));
        }
    }
    failures
}

/// The decision fields the peers must agree on.
pub fn comparable(d: &Value) -> Value {
    let lines: Vec<Value> = d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            json!({
                "code": l["code"], "outcome": l["outcome"], "alternatives": l["alternatives"],
                "redirect_to": l["redirect_to"], "citations": l["citations"],
            })
        })
        .collect();
    json!({
        "id": d["id"], "outcome": d["outcome"], "guideline": d["guideline"],
        "authority": d["authority"], "lines": lines, "alternatives": d["alternatives"],
        "redirect_to": d["redirect_to"], "missing": d["missing"], "citations": d["citations"],
        "cautions_empty": d["cautions"].as_array().unwrap().is_empty(),
    })
}

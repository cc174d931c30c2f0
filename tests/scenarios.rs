//! Every public scenario of `tests/scenarios/` (copied from the contract),
//! decided with the embedded `policies.dsl` and checked as
//! `tests/scenarios/README.md` says: only the fields a scenario names.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn as_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The ways a decision fails a scenario's expectations (empty: it passes).
pub fn mismatches(expect: &Value, decision: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(expect) = expect.as_object() else {
        return vec!["`expect` is not an object".into()];
    };
    for (field, want) in expect {
        let got = &decision[field.as_str()];
        let ok = match field.as_str() {
            "outcome" | "guideline" | "authority" => got == want,
            "alternatives" | "redirect_to" | "missing" => as_set(got) == as_set(want),
            "citations" => as_set(want).is_subset(&as_set(got)),
            "cautions_nonempty" => {
                let nonempty = decision["cautions"]
                    .as_array()
                    .is_some_and(|c| !c.is_empty());
                Some(nonempty) == want.as_bool()
            }
            "lines" => want.as_object().is_some_and(|lines| {
                lines.iter().all(|(code, outcome)| {
                    decision["lines"]
                        .as_array()
                        .and_then(|ls| ls.iter().find(|l| l["code"] == code.as_str()))
                        .is_some_and(|l| &l["outcome"] == outcome)
                })
            }),
            other => {
                out.push(format!("unknown expect field `{other}`"));
                continue;
            }
        };
        if !ok {
            let got = if field == "lines" || field == "cautions_nonempty" {
                decision["lines"].to_string() + " cautions " + &decision["cautions"].to_string()
            } else {
                got.to_string()
            };
            out.push(format!("{field}: expected {want}, got {got}"));
        }
    }
    out
}

#[test]
fn every_public_scenario_passes() {
    let policy = match policy_dsl::Policy::embedded() {
        Ok(p) => p,
        Err(e) => panic!(
            "{}",
            policy_dsl::diag::render(&e, policy_dsl::diag::Style::Plain)
        ),
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 61, "the contract has 61 public scenarios");
    let mut failures = Vec::new();
    for file in &files {
        let scenario: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let request = scenario["request"].to_string();
        let decision = match policy.decide_json(&request) {
            Ok(d) => serde_json::from_str::<Value>(&d).unwrap(),
            Err(e) => {
                failures.push(format!("{}: request rejected: {e}", scenario["name"]));
                continue;
            }
        };
        for m in mismatches(&scenario["expect"], &decision) {
            failures.push(format!("{}: {m}", scenario["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

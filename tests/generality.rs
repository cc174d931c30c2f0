//! A second, unrelated policy (pharmacy benefit) run through the same engine:
//! other facts, outcomes, table and annotations.

use std::path::Path;

use serde_json::{Value, json};

fn policy() -> policy_dsl::Policy {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/policies/pharmacy.dsl");
    match policy_dsl::Policy::load(&path) {
        Ok(p) => p,
        Err(e) => panic!(
            "{}",
            policy_dsl::diag::render(&e, policy_dsl::diag::Style::Plain)
        ),
    }
}

/// Request in, decision out, as JSON values.
fn give(request: Value) -> Value {
    let out = policy()
        .decide_json(&request.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&out).unwrap()
}

fn fills(ndc: &str, days: u32) -> Value {
    json!([{"ndc": ndc, "days_supply": days}])
}

#[test]
fn a_generic_is_paid() {
    let d = give(json!({"patient": {"age": 40}, "rx": {"fills": fills("00002-3227", 30)}}));
    assert_eq!(d["outcome"], "pay");
    assert_eq!(d["route"], "retail");
    assert_eq!(d["lines"][0]["code"], "00002-3227");
}

#[test]
fn a_drug_off_the_formulary_is_refused() {
    let d = give(json!({"patient": {"age": 40}, "rx": {"fills": fills("12345-6789", 10)}}));
    assert_eq!(d["outcome"], "refuse");
    assert_eq!(
        d["trace"][0]["message"],
        "12345-6789 is not on the formulary"
    );
}

/// The rules in a decision's trace.
fn traced(d: &Value) -> Vec<String> {
    d["trace"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|e| e["rule"].as_str())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_rule_can_name_a_code_outside_the_table() {
    let d = give(json!({"patient": {"age": 40}, "rx": {"fills": fills("99999-0001", 10)}}));
    let rules = traced(&d);
    assert!(rules.iter().any(|r| r.starts_with("F5")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("F1")), "{rules:?}");
    // Another code outside the table is not that one.
    let d = give(json!({"patient": {"age": 40}, "rx": {"fills": fills("12345-6789", 10)}}));
    let rules = traced(&d);
    assert!(!rules.iter().any(|r| r.starts_with("F5")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("F1")), "{rules:?}");
}

#[test]
fn an_unknown_prior_auth_asks_and_names_the_fact() {
    let d = give(json!({"patient": {"age": 40}, "rx": {"fills": fills("50090-1234", 30)}}));
    assert_eq!(d["outcome"], "ask");
    assert_eq!(d["missing"], json!(["patient.prior_auth"]));
    let d = give(
        json!({"patient": {"age": 40, "prior_auth": true}, "rx": {"fills": fills("50090-1234", 30)}}),
    );
    assert_eq!(d["outcome"], "pay");
}

#[test]
fn the_most_decisive_line_wins_and_annotations_are_the_policys_own() {
    let d = give(json!({
        "patient": {"age": 40},
        "rx": {"channel": "mail", "fills": [
            {"ndc": "00093-0058", "days_supply": 60},
            {"ndc": "00378-1800", "days_supply": 10}
        ]}
    }));
    assert_eq!(d["outcome"], "refuse");
    assert_eq!(d["route"], "mail");
    assert_eq!(d["lines"][1]["outcome"], "pay");
    assert_eq!(
        d["cautions"],
        json!(["brand by mail: check generic availability"])
    );
    assert_eq!(d["citations"], json!(["§2"]));
    assert!(
        d.get("guideline").is_none(),
        "no imaging annotation leaks in"
    );
}

#[test]
fn its_own_request_errors() {
    let e = policy()
        .bind(r#"{"patient": {"age": 40}, "rx": {"fills": [{"ndc": "00002-3227", "days_supply": 120}]}}"#)
        .unwrap_err();
    assert_eq!(
        e.message,
        "rx.fills[0].days_supply: 120 is above the maximum 90"
    );
}

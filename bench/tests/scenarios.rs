//! The native baseline passes every public scenario.

mod common;

use bench::{native, request};

#[test]
fn native_passes_every_scenario() {
    let scenarios = common::scenarios();
    assert_eq!(scenarios.len(), 61, "the public scenarios");
    let mut failed = Vec::new();
    for s in &scenarios {
        let req = request::parse(&s.request).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let decision = serde_json::to_value(native::decide(&req)).unwrap();
        for failure in common::check(&s.expect, &decision) {
            failed.push(format!("{}: {failure}\n  decision: {decision}", s.name));
        }
    }
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn decision_has_the_contract_shape() {
    let req = request::parse(
        r#"{"id":"req-0001","member":{"age":62,"plan":"commercial","implants":["pacemaker"]},
            "order":{"lines":[{"code":"70553"}],"purpose":"diagnostic"},
            "clinical":{"evaluation":"in_person"}}"#,
    )
    .unwrap();
    let decision = serde_json::to_value(native::decide(&req)).unwrap();
    assert_eq!(
        decision,
        serde_json::json!({
            "id": "req-0001", "outcome": "alternative", "guideline": "general",
            "authority": "guidelines",
            "lines": [{"code": "70553", "outcome": "alternative",
                       "alternatives": ["70460", "70470"], "redirect_to": [],
                       "citations": ["Preface-3"]}],
            "alternatives": ["70460", "70470"], "redirect_to": [], "missing": [],
            "cautions": [], "citations": ["Preface-2", "Preface-3"]
        })
    );
}

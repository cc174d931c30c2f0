//! The readings of `rules.md` fixed in the brief (and the few this crate had
//! to decide), each as one request and what its decision must show, checked
//! on the native baseline and on both regorus backends.

mod common;

use bench::rego::{Backend, RegoPeer};
use bench::{native, request};
use serde_json::{Value, json};

/// Checks `expect` (scenario syntax) on every peer's decision of `request`.
fn give(request: Value, expect: Value) {
    let json = request.to_string();
    let req = request::parse(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let mut decisions = vec![(
        "native",
        serde_json::to_value(native::decide(&req)).unwrap(),
    )];
    for (name, backend) in [
        ("regorus", Backend::Interpreter),
        ("regorus_rvm", Backend::Rvm),
    ] {
        decisions.push((name, RegoPeer::new(backend).unwrap().decide(&json).unwrap()));
    }
    for (peer, decision) in decisions {
        let failures = common::check(&expect, &decision);
        assert!(
            failures.is_empty(),
            "{peer}: {failures:?}\n  request: {json}\n  decision: {decision}"
        );
    }
}

/// A complete adult commercial request with the given lines, then `extra`
/// merged in (one level deep).
fn req(codes: &[&str], extra: Value) -> Value {
    let lines: Vec<Value> = codes.iter().map(|c| json!({"code": c})).collect();
    let mut r = json!({
        "member": {"age": 45, "plan": "commercial"},
        "order": {"lines": lines, "purpose": "diagnostic"},
        "clinical": {"evaluation": "in_person", "xray_current_episode": true},
    });
    for (section, fields) in extra.as_object().unwrap() {
        for (field, value) in fields.as_object().unwrap() {
            if value.is_null() {
                r[section].as_object_mut().unwrap().remove(field);
            } else {
                r[section][field] = value.clone();
            }
        }
    }
    r
}

#[test]
fn d4_with_unknown_age_pends_on_both_branches() {
    give(
        req(
            &["76377"],
            json!({"member": {"age": null}, "order": {"indications": ["congenital_skull_abnormality"]}}),
        ),
        json!({"outcome": "pend", "missing": ["member.age"], "guideline": null}),
    );
}

#[test]
fn no_lines_pends_with_every_absent_required_fact() {
    give(
        req(
            &[],
            json!({"member": {"age": null}, "order": {"lines": null}}),
        ),
        json!({"outcome": "pend", "missing": ["member.age", "order.lines"]}),
    );
}

#[test]
fn g2_does_not_reach_a_line_d1_marks_or_p1_decides() {
    give(
        req(&["76376"], json!({"member": {"age": null}})),
        json!({"outcome": "not_required", "missing": []}),
    );
    give(
        req(
            &["70551"],
            json!({"member": {"age": null, "plan_exclusions": ["70551"]}}),
        ),
        json!({"outcome": "not_supported", "missing": []}),
    );
}

#[test]
fn unknown_c2_pends_a_d1_line() {
    give(
        req(
            &["76376"],
            json!({"member": {"plan": null}, "trial": {"cms_approved": true}}),
        ),
        json!({"outcome": "pend", "missing": ["member.plan"], "authority": "guidelines"}),
    );
}

#[test]
fn t3_ct_line_redirects_to_every_pet_region() {
    give(
        req(
            &["78811", "78813", "71250"],
            json!({"order": {"radiotracer": "fdg"}}),
        ),
        json!({"outcome": "redirect", "redirect_to": ["78814", "78816"],
               "lines": {"78811": "redirect", "78813": "redirect", "71250": "redirect"}}),
    );
}

#[test]
fn unknown_tracer_below_redirect_adds_missing_only() {
    give(
        req(&["78812", "74176"], json!({})),
        json!({"outcome": "redirect", "missing": ["order.radiotracer"]}),
    );
}

#[test]
fn b1_single_unilateral_line_ordered_bilateral() {
    let mut r = req(&["77046"], json!({}));
    r["order"]["lines"][0]["laterality"] = json!("bilateral");
    give(r, json!({"outcome": "redirect", "redirect_to": ["77047"]}));
}

#[test]
fn t4_by_indication_with_an_mri_line_alone() {
    give(
        req(&["70551"], json!({"order": {"indications": ["pet_mri"]}})),
        json!({"outcome": "not_supported", "citations": ["Preface-5.3"]}),
    );
}

#[test]
fn k7_suggestion_survives_a_decisive_outcome() {
    give(
        req(
            &["74177"],
            json!({"member": {"conditions": ["diabetes"]}, "order": {"investigational": true}}),
        ),
        json!({"outcome": "not_supported", "alternatives": ["74176"]}),
    );
}

#[test]
fn unknown_evaluation_pends_without_citing() {
    give(
        req(&["70551"], json!({"clinical": {"evaluation": null}})),
        json!({"outcome": "pend", "missing": ["clinical.evaluation"]}),
    );
}

#[test]
fn whole_body_mri_with_unknown_purpose() {
    give(
        req(
            &["76498"],
            json!({"member": {"conditions": ["li_fraumeni"]},
                               "order": {"whole_body": true, "purpose": null}}),
        ),
        json!({"outcome": "pend", "missing": ["order.purpose"]}),
    );
}

//! The optimizer held to the plain program: the same requests, decided by a
//! policy as written ([`Policy::from_source_plain`]) and as `policy eval`
//! runs it (optimized: line filters, request guards, candidate bit sets,
//! row folding, constant holes), give byte-identical decisions, written
//! straight as JSON and built as an owned `Decision`.
//!
//! The requests: every public scenario and generated requests on
//! `policies.dsl`, requests of more than 64 lines, and generated policies
//! whose stages hold more than 64 rules (the candidates' multi-word path).

mod common;

use bench::Generator;
use policy_dsl::{EMBEDDED_POLICY, EmbeddedLoader, Policy, Scratch};
use serde_json::Value;

/// Decides each request with both policies; the differences, at most five.
fn differences(
    plain: &Policy,
    optimized: &Policy,
    requests: impl IntoIterator<Item = (String, String)>,
) -> (usize, Vec<String>) {
    let (mut scratch_plain, mut scratch_optimized) = (Scratch::default(), Scratch::default());
    let mut total = 0;
    let mut reports = Vec::new();
    let write = |policy: &Policy, scratch: &mut Scratch, json: &str| {
        let facts = policy.bind(json).map_err(|e| e.to_string())?;
        let verdict = policy.evaluate(&facts, scratch);
        let mut written = Vec::new();
        verdict.write_json(&mut written);
        Ok::<_, String>((written, verdict.decision().to_json()))
    };
    for (label, json) in requests {
        total += 1;
        let a = write(plain, &mut scratch_plain, &json);
        let b = write(optimized, &mut scratch_optimized, &json);
        if a != b && reports.len() < 5 {
            let show = |r: &Result<(Vec<u8>, String), String>| match r {
                Ok((written, _)) => String::from_utf8_lossy(written).into_owned(),
                Err(e) => format!("rejected: {e}"),
            };
            reports.push(format!(
                "{label}\n  request:   {json}\n  plain:     {}\n  optimized: {}",
                show(&a),
                show(&b)
            ));
        }
    }
    (total, reports)
}

fn assert_same(
    plain: &Policy,
    optimized: &Policy,
    requests: impl IntoIterator<Item = (String, String)>,
) {
    let (total, reports) = differences(plain, optimized, requests);
    assert!(total > 0, "no requests");
    assert!(
        reports.is_empty(),
        "the optimized policy decides differently (first {} of {total} requests shown):\n{}",
        reports.len(),
        reports.join("\n")
    );
}

fn preface() -> (Policy, Policy) {
    let plain = Policy::from_source_plain("policies.dsl", EMBEDDED_POLICY, &EmbeddedLoader)
        .expect("policies.dsl checks");
    let optimized = Policy::embedded().expect("policies.dsl checks");
    (plain, optimized)
}

#[test]
fn the_optimized_preface_decides_every_scenario_as_written() {
    let (plain, optimized) = preface();
    let scenarios = common::scenarios();
    assert_eq!(scenarios.len(), 61);
    assert_same(
        &plain,
        &optimized,
        scenarios.into_iter().map(|s| (s.name, s.request)),
    );
}

#[test]
fn the_optimized_preface_decides_generated_requests_as_written() {
    let (plain, optimized) = preface();
    let mut generator = Generator::new(0x0971_2026);
    assert_same(
        &plain,
        &optimized,
        (0..3_000).map(|i| (format!("generated #{i}"), generator.next_json())),
    );
}

/// A generated request with the lines of the next `extra` requests added:
/// more lines than one word of candidates holds, and lines that compare
/// with one another (PET with CT, 3D rendering with another study).
fn with_many_lines(generator: &mut Generator, extra: usize) -> String {
    let mut request: Value = serde_json::from_str(&generator.next_json()).unwrap();
    let mut lines = request["order"]["lines"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    while lines.len() <= 64 + extra {
        let more: Value = serde_json::from_str(&generator.next_json()).unwrap();
        lines.extend(
            more["order"]["lines"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    request["order"]["lines"] = Value::Array(lines);
    request.to_string()
}

#[test]
fn the_optimized_preface_decides_requests_of_more_than_64_lines_as_written() {
    let (plain, optimized) = preface();
    let mut generator = Generator::new(0x64_11AE5);
    let requests: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("many lines #{i}"),
                with_many_lines(&mut generator, i * 3),
            )
        })
        .collect();
    assert!(requests.iter().all(|(_, json)| {
        let v: Value = serde_json::from_str(json).unwrap();
        v["order"]["lines"].as_array().unwrap().len() > 64
    }));
    assert_same(&plain, &optimized, requests);
}

//! The engine on `policies.dsl` agrees with the hand-written baseline (an
//! independent encoding of rules.md), on every public scenario and on
//! generated requests: a second check of the engine's correctness. Each
//! decision is also written both ways, straight to JSON and as an owned
//! `Decision`, by one scratch space reused across the requests: the bytes
//! must be the same.

mod common;

use bench::{Generator, native, request};
use common::comparable;

const GENERATED: usize = 5_000;
const SEED: u64 = 0x5EED_2024;

fn check(cases: impl IntoIterator<Item = (String, String)>) {
    let policy = policy_dsl::Policy::embedded().unwrap();
    let mut scratch = policy_dsl::Scratch::default();
    let mut reports = Vec::new();
    let mut total = 0;
    for (label, json) in cases {
        total += 1;
        let req = request::parse(&json)
            .unwrap_or_else(|e| panic!("{label}: native rejects: {e}\n{json}"));
        let native = comparable(&serde_json::to_value(native::decide(&req)).unwrap());
        let facts = policy
            .bind(&json)
            .unwrap_or_else(|e| panic!("{label}: engine rejects: {e}\n{json}"));
        let verdict = policy.evaluate(&facts, &mut scratch);
        let mut written = Vec::new();
        verdict.write_json(&mut written);
        let written = String::from_utf8(written).unwrap();
        let owned = verdict.decision().to_json();
        if written != owned {
            reports.push(format!(
                "{label}: the JSON written and the owned decision differ\n  written: {written}\n  owned:   {owned}"
            ));
        }
        let engine = comparable(&serde_json::from_str(&written).unwrap());
        if native != engine {
            reports.push(format!(
                "{label}\n  request: {json}\n  native:  {native}\n  engine:  {engine}"
            ));
        }
    }
    assert!(
        reports.is_empty(),
        "{} of {total} disagree (first 5):\n{}",
        reports.len(),
        reports
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn engine_agrees_with_native_on_every_scenario() {
    check(
        common::scenarios()
            .into_iter()
            .map(|s| (s.name.clone(), s.request.clone())),
    );
}

#[test]
fn engine_agrees_with_native_on_generated_requests() {
    let mut generator = Generator::new(SEED);
    check((0..GENERATED).map(|i| (format!("generated #{i}"), generator.next_json())));
}

/// A larger sweep: `cargo test -p bench --release --test engine_agreement -- --ignored`.
#[test]
#[ignore]
fn engine_agrees_with_native_on_many_seeds() {
    for seed in 1..=10u64 {
        let mut generator = Generator::new(seed);
        check((0..10_000).map(|i| (format!("seed {seed} #{i}"), generator.next_json())));
    }
}

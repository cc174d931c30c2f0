//! regorus running the Rego port agrees with the native baseline, on every
//! public scenario and on generated requests.

mod common;

use bench::rego::{Backend, RegoPeer};
use bench::{Generator, native, request};
use common::comparable;

/// Generated requests compared (seeded, so failures reproduce).
const GENERATED: usize = 2_000;
const SEED: u64 = 0x5EED_2024;

/// Decides `json` with both peers; the disagreement, if any, as a report.
fn disagreement(peer: &mut RegoPeer, label: &str, json: &str) -> Option<String> {
    let req = request::parse(json).unwrap_or_else(|e| panic!("{label}: {e}\n{json}"));
    let native = serde_json::to_value(native::decide(&req)).unwrap();
    let rego = peer
        .decide(json)
        .unwrap_or_else(|e| panic!("{label}: regorus: {e}\n{json}"));
    let (n, r) = (comparable(&native), comparable(&rego));
    (n != r).then(|| format!("{label}\n  request: {json}\n  native:  {n}\n  rego:    {r}"))
}

fn assert_agree(backend: Backend, cases: impl IntoIterator<Item = (String, String)>) {
    let mut peer = RegoPeer::new(backend).unwrap();
    let mut total = 0;
    let reports: Vec<String> = cases
        .into_iter()
        .filter_map(|(label, json)| {
            total += 1;
            disagreement(&mut peer, &label, &json)
        })
        .collect();
    assert!(
        reports.is_empty(),
        "{backend:?}: {} of {total} disagree (first 10):\n{}",
        reports.len(),
        reports
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn scenario_cases() -> impl Iterator<Item = (String, String)> {
    common::scenarios().into_iter().map(|s| (s.name, s.request))
}

fn generated_cases(seed: u64, n: usize) -> impl Iterator<Item = (String, String)> {
    let mut generator = Generator::new(seed);
    (0..n).map(move |i| {
        (
            format!("generated #{i} (seed {seed:#x})"),
            generator.next_json(),
        )
    })
}

#[test]
fn interpreter_agrees_on_every_scenario() {
    assert_agree(Backend::Interpreter, scenario_cases());
}

#[test]
fn interpreter_agrees_on_generated_requests() {
    assert_agree(Backend::Interpreter, generated_cases(SEED, GENERATED));
}

#[test]
fn rvm_agrees_on_every_scenario() {
    assert_agree(Backend::Rvm, scenario_cases());
}

#[test]
fn rvm_agrees_on_generated_requests() {
    assert_agree(Backend::Rvm, generated_cases(SEED, GENERATED));
}

#[test]
fn rego_passes_every_scenario() {
    for backend in [Backend::Interpreter, Backend::Rvm] {
        let mut peer = RegoPeer::new(backend).unwrap();
        for s in common::scenarios() {
            let decision = peer.decide(&s.request).unwrap();
            let failures = common::check(&s.expect, &decision);
            assert!(
                failures.is_empty(),
                "{backend:?} {}: {failures:?}\n{decision}",
                s.name
            );
        }
    }
}

/// A longer sweep over other seeds, for release runs:
/// `cargo test -p bench --release --test agreement -- --ignored`.
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn rego_agrees_on_many_generated_requests() {
    for backend in [Backend::Interpreter, Backend::Rvm] {
        assert_agree(
            backend,
            (1..=10u64).flat_map(|seed| generated_cases(seed, 5_000)),
        );
    }
}

//! The peers, evaluation only: the hand-written baseline (`native`) and
//! regorus running the Rego port, with its interpreter (`regorus`) and with
//! its bytecode VM (`regorus_rvm`), over the same 1,000 generated
//! requests, parsed before timing. Each iteration decides one request (the
//! next of the 1,000, cycling), so the reported time is per request,
//! averaged over the mix. A `parse` group times the untimed preparation, for
//! context.
//!
//! Run: `cargo bench -p bench --bench peers`.

use std::hint::black_box;
use std::time::Duration;

use bench::rego::{Backend, RegoPeer};
use bench::{Generator, native, request};
use criterion::{Criterion, criterion_group, criterion_main};

const REQUESTS: usize = 1_000;
const SEED: u64 = 0xBE_2024;

fn requests() -> Vec<String> {
    Generator::new(SEED).take_json(REQUESTS)
}

fn peers(c: &mut Criterion) {
    let jsons = requests();
    let parsed: Vec<request::Request> = jsons
        .iter()
        .map(|j| request::parse(j).unwrap_or_else(|e| panic!("{e}: {j}")))
        .collect();
    let inputs: Vec<regorus::Value> = jsons
        .iter()
        .map(|j| RegoPeer::input(j).unwrap_or_else(|e| panic!("{e}: {j}")))
        .collect();

    let policy = policy_dsl::Policy::embedded().unwrap_or_else(|e| panic!("{e}"));
    let facts: Vec<policy_dsl::Facts> = jsons
        .iter()
        .map(|j| policy.bind(j).unwrap_or_else(|e| panic!("{e}: {j}")))
        .collect();

    let mut group = c.benchmark_group("decide");
    let mut scratch = policy_dsl::Scratch::default();
    group.bench_function("engine", |b| {
        let mut i = 0;
        b.iter(|| {
            let f = &facts[i % REQUESTS];
            i += 1;
            black_box(policy.evaluate(black_box(f), &mut scratch).lines_len())
        })
    });
    group.bench_function("engine_decision", |b| {
        let mut i = 0;
        b.iter(|| {
            let f = &facts[i % REQUESTS];
            i += 1;
            black_box(policy.decide_with(black_box(f), &mut scratch))
        })
    });
    group.bench_function("native", |b| {
        let mut i = 0;
        b.iter(|| {
            let req = &parsed[i % REQUESTS];
            i += 1;
            black_box(native::decide(black_box(req)))
        })
    });
    for (name, backend) in [
        ("regorus", Backend::Interpreter),
        ("regorus_rvm", Backend::Rvm),
    ] {
        let mut peer = RegoPeer::new(backend).unwrap_or_else(|e| panic!("{e}"));
        group.bench_function(name, |b| {
            let mut i = 0;
            b.iter(|| {
                let input = inputs[i % REQUESTS].clone();
                i += 1;
                black_box(
                    peer.eval(black_box(input))
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("end_to_end");
    group.bench_function("engine", |b| {
        let mut i = 0;
        let mut out = Vec::new();
        b.iter(|| {
            let json = &jsons[i % REQUESTS];
            i += 1;
            out.clear();
            let f = policy
                .bind(black_box(json))
                .unwrap_or_else(|e| panic!("{e}"));
            policy.evaluate(&f, &mut scratch).write_json(&mut out);
            black_box(out.len())
        })
    });
    group.bench_function("native", |b| {
        let mut i = 0;
        b.iter(|| {
            let json = &jsons[i % REQUESTS];
            i += 1;
            let req = request::parse(black_box(json)).unwrap_or_else(|e| panic!("{e}"));
            black_box(
                serde_json::to_string(&native::decide(&req))
                    .map(|s| s.len())
                    .unwrap_or(0),
            )
        })
    });
    group.finish();

    let mut group = c.benchmark_group("parse");
    group.bench_function("serde_request", |b| {
        let mut i = 0;
        b.iter(|| {
            let json = &jsons[i % REQUESTS];
            i += 1;
            black_box(request::parse(black_box(json)).is_ok())
        })
    });
    group.bench_function("regorus_value", |b| {
        let mut i = 0;
        b.iter(|| {
            let json = &jsons[i % REQUESTS];
            i += 1;
            black_box(RegoPeer::input(black_box(json)).is_ok())
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = peers
}
criterion_main!(benches);

//! The engine on `policies.dsl`: load + check + compile, binding, evaluation
//! only (request already bound), and end to end (JSON in, decision JSON out),
//! over the 61 public scenario requests.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use policy_dsl::{Policy, Scratch};

fn scenario_requests() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            v["request"].to_string()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::embedded().unwrap();
    let requests = scenario_requests();
    let facts: Vec<_> = requests.iter().map(|r| policy.bind(r).unwrap()).collect();

    c.bench_function("load+check+compile policies.dsl", |b| {
        b.iter(|| Policy::embedded().unwrap())
    });

    let mut g = c.benchmark_group("per request (61 scenarios)");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("bind", |b| {
        b.iter(|| {
            for r in &requests {
                black_box(policy.bind(r).unwrap());
            }
        })
    });
    let mut scratch = Scratch::default();
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(policy.decide_with(f, &mut scratch));
            }
        })
    });
    g.bench_function("end to end", |b| {
        b.iter(|| {
            for r in &requests {
                let f = policy.bind(r).unwrap();
                black_box(policy.decide_with(&f, &mut scratch).to_json());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

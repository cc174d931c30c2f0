//! `dslcheck` on generated policies of 10,000 and 100,000 rules
//! (`policy_dsl::lint::generate`): parse, check, every lint, the examples.
//! The second should take at most 12 times the first.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_dsl::lint::{Options, check_source, generate};

fn lint(c: &mut Criterion) {
    let mut group = c.benchmark_group("dslcheck");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let g = generate::policy(n);
        // Ten runs of each, however long they take.
        group.measurement_time(Duration::from_secs(if n > 10_000 { 70 } else { 8 }));
        group.bench_function(format!("{n} rules"), |b| {
            b.iter(|| check_source("generated.dsl", &g.policy, &g, &Options::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, lint);
criterion_main!(benches);

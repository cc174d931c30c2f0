//! The engine on generated requests, for `perf`:
//! `cargo run --release -p bench --example profile_engine -- [ROUNDS] [e2e]`.

use bench::Generator;
use policy_dsl::{Policy, Scratch};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let e2e = std::env::args().nth(2).is_some_and(|m| m == "e2e");
    let policy = Policy::embedded().unwrap_or_else(|e| panic!("{e}"));
    let jsons = Generator::new(0xBE_2024).take_json(1000);
    let facts: Vec<_> = jsons.iter().filter_map(|j| policy.bind(j).ok()).collect();
    let mut scratch = Scratch::default();
    let start = std::time::Instant::now();
    let mut n = 0;
    let mut out = Vec::new();
    for _ in 0..rounds {
        if e2e {
            for j in &jsons {
                out.clear();
                if let Ok(f) = policy.bind(j) {
                    policy.evaluate(&f, &mut scratch).write_json(&mut out);
                }
                n += out.len();
            }
        } else {
            for f in &facts {
                n += policy.evaluate(f, &mut scratch).lines_len();
            }
        }
    }
    let per = start.elapsed().as_secs_f64() / (rounds * facts.len()) as f64;
    println!("{:.2} µs per request ({n})", per * 1e6);
}

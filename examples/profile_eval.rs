//! Decides the 61 public scenario requests many times: a target for `perf`.
//! `cargo run --release --example profile_eval -- [ROUNDS] [eval|e2e]`.

use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mode = args.next().unwrap_or_else(|| "eval".into());
    let policy = match policy_dsl::Policy::embedded() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut requests = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            requests.push(v["request"].to_string());
        }
    }
    let facts: Vec<_> = requests
        .iter()
        .filter_map(|r| policy.bind(r).ok())
        .collect();
    let mut scratch = policy_dsl::Scratch::default();
    let mut total = 0usize;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        if mode == "e2e" {
            let mut out = Vec::new();
            for r in &requests {
                if let Ok(f) = policy.bind(r) {
                    out.clear();
                    policy.evaluate(&f, &mut scratch).write_json(&mut out);
                    total += out.len();
                }
            }
        } else if mode == "verdict" {
            for f in &facts {
                total += policy.evaluate(f, &mut scratch).lines_len();
            }
        } else {
            for f in &facts {
                total += policy.decide_with(f, &mut scratch).lines.len();
            }
        }
    }
    let per = start.elapsed().as_secs_f64() / (rounds * requests.len()) as f64;
    println!("{mode}: {:.2} µs per request ({total})", per * 1e6);
}

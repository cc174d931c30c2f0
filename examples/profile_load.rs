//! Loads (parse + check + compile) the embedded policy many times: a target
//! for `perf`. `cargo run --release --example profile_load -- [ROUNDS]`.

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let start = std::time::Instant::now();
    let mut rules = 0;
    for _ in 0..rounds {
        match policy_dsl::Policy::embedded() {
            Ok(p) => rules += p.program().rules.len(),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    let per = start.elapsed().as_secs_f64() / rounds as f64;
    println!("load: {:.3} ms per policy ({rules})", per * 1e3);
}

//! Prints generated requests, one JSON object a line, for `policy eval
//! --ndjson`: `cargo run --release -p bench --example requests -- [N] [SEED]`.

use std::io::Write;

use bench::Generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0xBE_2024);
    let mut generator = Generator::new(seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for _ in 0..n {
        if writeln!(out, "{}", generator.next_json()).is_err() {
            std::process::exit(1);
        }
    }
}

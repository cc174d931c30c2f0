//! Prints the performance table of `docs/performance.md`: the engine and its
//! peers on the same generated requests, in one run, with each peer's ratio
//! to the engine, plus NDJSON throughput, cold start, load time and memory.
//!
//! Run: `bench/report.sh` (builds the release binaries, then runs this).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use bench::rego::{Backend, RegoPeer};
use bench::{Generator, native, request};
use policy_dsl::{Policy, Scratch};

const REQUESTS: usize = 1_000;
const SEED: u64 = 0xBE_2024;

/// Per-request times in nanoseconds: `rounds` passes over the requests,
/// each request timed alone.
fn sample(rounds: usize, n: usize, mut f: impl FnMut(usize)) -> Vec<f64> {
    for i in 0..n.min(200) {
        f(i); // warm up
    }
    let mut times = Vec::with_capacity(rounds * n);
    for _ in 0..rounds {
        for i in 0..n {
            let start = Instant::now();
            f(i);
            times.push(start.elapsed().as_nanos() as f64);
        }
    }
    times.sort_by(f64::total_cmp);
    times
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn us(ns: f64) -> String {
    format!("{:.2} µs", ns / 1000.0)
}

fn row(name: &str, times: &[f64], engine_median: f64) {
    let median = quantile(times, 0.5);
    println!(
        "| {name} | {} | {} | {:.1}x |",
        us(median),
        us(quantile(times, 0.99)),
        median / engine_median
    );
}

fn target_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from)
}

/// Wall time (s, by `Instant` around the spawn: `/usr/bin/time` counts in
/// 10 ms steps) and peak RSS (KiB, by `/usr/bin/time`) of a `policy` run.
fn timed(args: &[&str], stdin: Option<&Path>) -> Option<(f64, u64)> {
    let policy = target_dir().join("release/policy");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%M"]).arg(&policy).args(args);
    if let Some(file) = stdin {
        cmd.stdin(std::fs::File::open(file).ok()?);
    }
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let wall = start.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stderr);
    Some((wall, text.lines().last()?.trim().parse().ok()?))
}

fn main() {
    let jsons = Generator::new(SEED).take_json(REQUESTS);
    let policy = match Policy::embedded() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let facts: Vec<_> = jsons.iter().filter_map(|j| policy.bind(j).ok()).collect();
    let parsed: Vec<_> = jsons
        .iter()
        .filter_map(|j| request::parse(j).ok())
        .collect();
    let inputs: Vec<_> = jsons
        .iter()
        .filter_map(|j| RegoPeer::input(j).ok())
        .collect();
    assert_eq!(
        (facts.len(), parsed.len(), inputs.len()),
        (REQUESTS, REQUESTS, REQUESTS)
    );
    let mut scratch = Scratch::default();

    println!(
        "{REQUESTS} generated requests (seed {SEED:#x}); machine: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("1. Evaluation only (request already bound), per request");
    println!();
    println!("| peer | median | p99 | median / engine |");
    println!("|---|---|---|---|");
    let engine = sample(20, REQUESTS, |i| {
        black_box(policy.evaluate(&facts[i], &mut scratch).lines_len());
    });
    let engine_median = quantile(&engine, 0.5);
    row("engine (policies.dsl)", &engine, engine_median);
    let decision = sample(20, REQUESTS, |i| {
        black_box(policy.decide_with(&facts[i], &mut scratch));
    });
    row("engine, to an owned Decision", &decision, engine_median);
    let nat = sample(20, REQUESTS, |i| {
        black_box(native::decide(&parsed[i]));
    });
    row("native (hand-written Rust)", &nat, engine_median);
    for (name, backend, rounds) in [
        ("regorus RVM", Backend::Rvm, 2),
        ("regorus interpreter", Backend::Interpreter, 1),
    ] {
        match RegoPeer::new(backend) {
            Ok(mut peer) => {
                let t = sample(rounds, REQUESTS, |i| {
                    black_box(peer.eval(inputs[i].clone()).is_ok());
                });
                row(name, &t, engine_median);
            }
            Err(e) => println!("| {name} | failed: {e} | | |"),
        }
    }

    println!();
    println!("2. End to end in process (JSON text in, decision JSON out), per request");
    println!();
    println!("| peer | median | p99 | median / engine |");
    println!("|---|---|---|---|");
    let mut out = Vec::new();
    let e2e = sample(10, REQUESTS, |i| {
        out.clear();
        if let Ok(f) = policy.bind(&jsons[i]) {
            policy.evaluate(&f, &mut scratch).write_json(&mut out);
        }
        black_box(out.len());
    });
    let e2e_median = quantile(&e2e, 0.5);
    row("engine", &e2e, e2e_median);
    let nat = sample(10, REQUESTS, |i| {
        let req = request::parse(&jsons[i]).ok();
        black_box(req.map(|r| serde_json::to_string(&native::decide(&r)).map(|s| s.len())));
    });
    row("native", &nat, e2e_median);
    if let Ok(mut peer) = RegoPeer::new(Backend::Rvm) {
        let t = sample(1, REQUESTS, |i| {
            black_box(peer.decide(&jsons[i]).map(|v| v.to_string().len()).ok());
        });
        row("regorus RVM", &t, e2e_median);
    }

    println!();
    println!("3. Load + check + compile of policies.dsl");
    println!();
    // The time to load, not to drop the policy afterwards.
    let mut load: Vec<f64> = (0..120)
        .map(|_| {
            let start = Instant::now();
            let policy = black_box(Policy::embedded());
            let took = start.elapsed().as_nanos() as f64;
            drop(policy);
            took
        })
        .skip(60)
        .collect();
    load.sort_by(f64::total_cmp);
    println!(
        "median {:.2} ms, p99 {:.2} ms",
        quantile(&load, 0.5) / 1e6,
        quantile(&load, 0.99) / 1e6
    );

    println!();
    println!("4. `policy eval --ndjson` on 100,000 generated requests (file to /dev/null)");
    println!();
    let file = std::env::temp_dir().join("policy-report-100k.ndjson");
    let mut generator = Generator::new(SEED);
    let body: String = (0..100_000).map(|_| generator.next_json() + "\n").collect();
    if std::fs::write(&file, body).is_err() {
        println!("cannot write {}", file.display());
        return;
    }
    println!("| threads | wall | requests/s | peak RSS |");
    println!("|---|---|---|---|");
    let mut one = None;
    for threads in ["1", "2"] {
        let best = (0..5)
            .filter_map(|_| timed(&["eval", "--ndjson", "--threads", threads], Some(&file)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((secs, rss)) => {
                let rate = 100_000.0 / secs;
                let speedup = one
                    .map(|o: f64| format!(" ({:.2}x one thread)", rate / o))
                    .unwrap_or_default();
                one.get_or_insert(rate);
                println!(
                    "| {threads} | {secs:.2} s | {rate:.0}{speedup} | {:.1} MiB |",
                    rss as f64 / 1024.0
                );
            }
            None => println!("| {threads} | failed: build the release `policy` binary first | | |"),
        }
    }
    let _ = std::fs::remove_file(&file);

    println!();
    println!("5. One cold `policy eval` of one request (process start to exit)");
    println!();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/pacemaker-mri.json");
    let example = example.display().to_string();
    let mut runs: Vec<(f64, u64)> = (0..20)
        .filter_map(|_| timed(&["eval", &example], None))
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(&(secs, rss)) = runs.get(runs.len() / 2) {
        println!(
            "median {:.2} ms (of {} runs, wall time around the spawn), peak RSS {:.1} MiB",
            secs * 1e3,
            runs.len(),
            rss as f64 / 1024.0
        );
    }
}

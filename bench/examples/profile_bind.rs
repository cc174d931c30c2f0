//! Binding alone (request JSON -> facts) on generated requests, for
//! callgrind or `perf`:
//! `cargo run --release -p bench --example profile_bind -- [ROUNDS] [bind|walk]`.
//!
//! `walk` reads the same JSON with serde_json into a visitor that keeps
//! nothing: what serde_json alone costs, the floor under any binder built on
//! it (binding reads well-formed requests with its own scanner).

use std::fmt;

use bench::Generator;
use policy_dsl::Policy;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let walk = args.next().is_some_and(|m| m == "walk");
    let policy = match Policy::embedded() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let jsons = Generator::new(0xBE_2024).take_json(1000);
    let start = std::time::Instant::now();
    let (mut bound, mut rejected, mut n) = (0usize, 0usize, 0usize);
    for _ in 0..rounds {
        for j in &jsons {
            if walk {
                let mut de = serde_json::Deserializer::from_str(j);
                match Walk.deserialize(&mut de) {
                    Ok(k) => {
                        bound += 1;
                        n += k;
                    }
                    Err(_) => rejected += 1,
                }
                continue;
            }
            match policy.bind(j) {
                Ok(f) => {
                    bound += 1;
                    n += f.slots.len() + f.items.len() + f.records.len();
                }
                Err(e) => {
                    rejected += 1;
                    n += e.message.len();
                }
            }
        }
    }
    let per = start.elapsed().as_secs_f64() / (rounds * jsons.len()) as f64;
    println!(
        "{:.3} µs per request ({bound} read, {rejected} rejected, {n})",
        per * 1e6
    );
}

/// Visits every value and keeps nothing but a count.
struct Walk;

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_str<E>(self, v: &str) -> Result<usize, E> {
        Ok(v.len())
    }
    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(1)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(k) = seq.next_element_seed(Walk)? {
            n += k;
        }
        Ok(n)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(k) = map.next_key_seed(Walk)? {
            n += k + map.next_value_seed(Walk)?;
        }
        Ok(n)
    }
}

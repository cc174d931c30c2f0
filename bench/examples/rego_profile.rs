//! Times the evaluation of parts of the Rego port over generated requests,
//! to see where regorus spends its time.
use std::time::Instant;

use bench::Generator;
use regorus::{Engine, Value};

fn main() {
    let rules: Vec<String> = std::env::args().skip(1).collect();
    let mut engine = Engine::new();
    let policy = std::env::var("POLICY")
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap_or_else(|_| bench::rego::POLICY.into());
    engine.add_policy("policy.rego".into(), policy).unwrap();
    engine
        .add_data(Value::from(bench::rego::codes_data()))
        .unwrap();
    let inputs: Vec<Value> = Generator::new(0xBE_2024)
        .take_json(300)
        .iter()
        .map(|j| Value::from_json_str(j).unwrap())
        .collect();
    for rule in rules {
        let start = Instant::now();
        for input in &inputs {
            engine.set_input(input.clone());
            engine.eval_rule(format!("data.priorauth.{rule}")).unwrap();
        }
        println!(
            "{rule:20} {:8.1} µs/request",
            start.elapsed().as_secs_f64() * 1e6 / inputs.len() as f64
        );
    }
}

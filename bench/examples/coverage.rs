//! Counts, over generated requests, the rules that fire (and that are
//! unknown) in the Rego peer, and the outcomes: a check that the generator
//! reaches every rule.
use std::collections::BTreeMap;

use bench::Generator;
use regorus::{Engine, Value};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let mut engine = Engine::new();
    engine
        .add_policy("policy.rego".into(), bench::rego::POLICY.into())
        .unwrap();
    let peer_data = bench::rego::codes_data();
    engine.add_data(Value::from(peer_data)).unwrap();
    let mut fired: BTreeMap<String, usize> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut generator = Generator::new(0x5EED_2024);
    for _ in 0..n {
        let json = generator.next_json();
        engine.set_input(Value::from_json_str(&json).unwrap());
        for (set, tag) in [("fired", ""), ("unknown", "?")] {
            let v = engine.eval_rule(format!("data.priorauth.{set}")).unwrap();
            let mut rules: Vec<String> = Vec::new();
            if let Ok(s) = v.as_set() {
                for h in s.iter() {
                    let rule = h["rule"].as_string().unwrap().to_string();
                    let outcome = h["outcome"].as_string().unwrap().to_string();
                    rules.push(format!("{rule}{tag} {outcome}"));
                }
            }
            rules.sort();
            rules.dedup();
            for r in rules {
                *fired.entry(r).or_default() += 1;
            }
        }
        let d = engine.eval_rule("data.priorauth.outcome".into()).unwrap();
        *outcomes
            .entry(d.as_string().unwrap().to_string())
            .or_default() += 1;
    }
    println!("requests: {n}\noutcomes: {outcomes:?}");
    for (rule, count) in fired {
        println!("{count:6}  {rule}");
    }
}

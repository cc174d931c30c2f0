//! Every public scenario of `tests/scenarios/` (copied from the contract),
//! decided with the embedded `policies.dsl` and checked as
//! `tests/scenarios/README.md` says: only the fields a scenario names.

use std::collections::BTreeSet;
use std::path::Path;

use policy_dsl::lint::examples::mismatches;
use serde_json::Value;

/// The scenario files, in name order.
fn scenario_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_public_scenario_passes() {
    let policy = match policy_dsl::Policy::embedded() {
        Ok(p) => p,
        Err(e) => panic!(
            "{}",
            policy_dsl::diag::render(&e, policy_dsl::diag::Style::Plain)
        ),
    };
    let files = scenario_files();
    assert_eq!(files.len(), 61, "the contract has 61 public scenarios");
    let mut failures = Vec::new();
    for file in &files {
        let scenario: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let request = scenario["request"].to_string();
        let decision = match policy.decide_json(&request) {
            Ok(d) => serde_json::from_str::<Value>(&d).unwrap(),
            Err(e) => {
                failures.push(format!("{}: request rejected: {e}", scenario["name"]));
                continue;
            }
        };
        for m in mismatches(&scenario["expect"], &decision) {
            failures.push(format!("{}: {m}", scenario["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The same scenarios through the real binary: `policy eval --ndjson`, one
/// request per line, one decision per line, in order.
#[test]
fn policy_eval_ndjson_decides_every_scenario() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let files = scenario_files();
    let scenarios: Vec<Value> = files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    let input: String = scenarios
        .iter()
        .map(|s| s["request"].to_string() + "\n")
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy"))
        .args(["eval", "--ndjson"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), scenarios.len());
    let mut failures = Vec::new();
    for (scenario, line) in scenarios.iter().zip(lines) {
        let decision: Value = serde_json::from_str(line).unwrap();
        for m in mismatches(&scenario["expect"], &decision) {
            failures.push(format!("{}: {m}", scenario["name"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule ID of the contract (a copy of rules.md is in tests/contract)
/// is a rule of policies.dsl, and the policy has no rule the contract lacks.
#[test]
fn every_contract_rule_is_in_the_policy() {
    let rules_md = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract/rules.md"),
    )
    .unwrap();
    let mut contract: BTreeSet<String> = BTreeSet::new();
    for line in rules_md.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("- **") {
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let mut chars = id.chars();
            let is_id = chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.clone().count() > 0
                && chars.all(|c| c.is_ascii_digit());
            if is_id {
                contract.insert(id);
            }
        }
    }
    assert_eq!(contract.len(), 46, "{contract:?}");
    let policy = policy_dsl::Policy::embedded().unwrap();
    let ours: BTreeSet<String> = policy
        .program()
        .rules
        .iter()
        .map(|r| r.id.clone())
        .collect();
    assert_eq!(ours, contract);
}

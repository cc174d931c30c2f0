//! The Rego peer: `rego/policy.rego` (a port of `rules.md`) run by regorus.
//!
//! Stage: evaluation. Owns the regorus set-up done once (policy parsed, code
//! table loaded as `data.codes`) and the per-request step: set the input,
//! evaluate `data.priorauth.decision`. regorus 0.14 has two ways to run a
//! policy, and both are here:
//!
//! - [`Backend::Interpreter`]: `Engine::eval_rule`, the tree-walking
//!   interpreter (regorus' usual entry point);
//! - [`Backend::Rvm`]: the policy compiled to RVM bytecode and run by
//!   `RegoVM` (the "Rego Virtual Machine" that regorus added recently).
//!
//! The policy does not validate its input: parse requests with
//! [`crate::request::parse`] first.

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use regorus::{Engine, Value};
use serde_json::{Map, json};

use crate::table::CODES_CSV;

/// The Rego port of `rules.md`.
pub const POLICY: &str = include_str!("../rego/policy.rego");

/// The rule that holds the decision.
pub const DECISION_RULE: &str = "data.priorauth.decision";

/// The RVM's instruction budget per evaluation. regorus' default (25,000)
/// is too small for this policy on requests with several MRI lines and
/// implants; this is a guard against runaway loops, not a tuning knob.
pub const RVM_MAX_INSTRUCTIONS: usize = 10_000_000;

/// How regorus runs the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `Engine::eval_rule`.
    Interpreter,
    /// RVM bytecode run by `RegoVM`.
    Rvm,
}

enum Runner {
    Interpreter(Box<Engine>),
    Rvm(Box<RegoVM>),
}

/// regorus with the policy and the code table loaded.
pub struct RegoPeer {
    runner: Runner,
}

impl RegoPeer {
    /// Parses the policy, loads the code table as `data.codes` and, for the
    /// RVM, compiles the decision rule to bytecode.
    pub fn new(backend: Backend) -> Result<Self, String> {
        let mut engine = Engine::new();
        engine
            .add_policy("policy.rego".to_owned(), POLICY.to_owned())
            .map_err(|e| format!("policy.rego: {e}"))?;
        engine
            .add_data(Value::from(codes_data()))
            .map_err(|e| format!("data.codes: {e}"))?;
        let runner = match backend {
            Backend::Interpreter => Runner::Interpreter(Box::new(engine)),
            Backend::Rvm => {
                let compiled = engine
                    .compile_with_entrypoint(&DECISION_RULE.into())
                    .map_err(|e| format!("compile: {e}"))?;
                let program = Compiler::compile_from_policy(&compiled, &[DECISION_RULE])
                    .map_err(|e| format!("compile to RVM: {e}"))?;
                let mut vm = RegoVM::new_with_policy(compiled);
                vm.load_program(program);
                vm.set_max_instructions(RVM_MAX_INSTRUCTIONS);
                vm.set_data(Value::from(codes_data()))
                    .map_err(|e| format!("data.codes: {e}"))?;
                Runner::Rvm(Box::new(vm))
            }
        };
        Ok(RegoPeer { runner })
    }

    /// Converts request JSON text to a regorus value (done once per request,
    /// outside the timed evaluation in the benches).
    pub fn input(json: &str) -> Result<Value, String> {
        Value::from_json_str(json).map_err(|e| e.to_string())
    }

    /// Evaluates the decision for an input prepared by [`RegoPeer::input`].
    pub fn eval(&mut self, input: Value) -> Result<Value, String> {
        let decision = match &mut self.runner {
            Runner::Interpreter(engine) => {
                engine.set_input(input);
                engine
                    .eval_rule(DECISION_RULE.to_owned())
                    .map_err(|e| e.to_string())
            }
            Runner::Rvm(vm) => {
                vm.set_input(input);
                vm.execute_entry_point_by_name(DECISION_RULE)
                    .map_err(|e| e.to_string())
            }
        }?;
        if decision == Value::Undefined {
            return Err(format!("{DECISION_RULE} is undefined"));
        }
        Ok(decision)
    }

    /// Decides request JSON text, returning the decision as JSON.
    pub fn decide(&mut self, json: &str) -> Result<serde_json::Value, String> {
        let decision = self.eval(Self::input(json)?)?;
        serde_json::to_value(&decision).map_err(|e| e.to_string())
    }
}

/// `{"codes": {code: {modality, contrast, region, site, laterality, family}}}`
/// straight from the CSV (the Rego side does its own lookups in it).
pub fn codes_data() -> serde_json::Value {
    let mut codes = Map::new();
    for line in CODES_CSV.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if let [
            code,
            modality,
            contrast,
            region,
            site,
            laterality,
            family,
            ..,
        ] = cells[..]
        {
            codes.insert(
                code.to_owned(),
                json!({
                    "modality": modality, "contrast": contrast, "region": region,
                    "site": site, "laterality": laterality, "family": family,
                }),
            );
        }
    }
    json!({ "codes": codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_of_the_contract() {
        for backend in [Backend::Interpreter, Backend::Rvm] {
            let mut peer = RegoPeer::new(backend).unwrap();
            let d = peer
                .decide(
                    r#"{"id":"req-0001","member":{"age":62,"plan":"commercial","implants":["pacemaker"]},
                        "order":{"lines":[{"code":"70553"}],"purpose":"diagnostic"},
                        "clinical":{"evaluation":"in_person"}}"#,
                )
                .unwrap();
            assert_eq!(d["outcome"], "alternative", "{backend:?}: {d}");
            assert_eq!(d["alternatives"], json!(["70460", "70470"]));
            assert_eq!(d["guideline"], "general");
            assert_eq!(d["authority"], "guidelines");
            assert_eq!(d["citations"], json!(["Preface-2", "Preface-3"]));
        }
    }
}

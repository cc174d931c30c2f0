//! Minimal cases of the regorus 0.14 quirks met while porting the rules
//! (see bench/README.md): two where the RVM and the interpreter disagree,
//! and one where the interpreter fails.
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::RegoVM;
use regorus::{Engine, Value};

fn run(policy: &str, rule: &str, input: &str) {
    let mut engine = Engine::new();
    engine.add_policy("p.rego".into(), policy.into()).unwrap();
    let input = Value::from_json_str(input).unwrap();
    engine.set_input(input.clone());
    let interp = match engine.eval_rule(rule.into()) {
        Ok(v) => serde_json::to_string(&v).unwrap(),
        Err(e) => format!("error: {e}"),
    };
    let Ok(compiled) = engine.compile_with_entrypoint(&rule.into()) else {
        println!("{rule}: interpreter {interp} / rvm: does not compile");
        return;
    };
    let program = Compiler::compile_from_policy(&compiled, &[rule]).unwrap();
    let mut vm = RegoVM::new_with_policy(compiled.clone());
    vm.load_program(program);
    vm.set_input(input);
    let rvm = vm.execute_entry_point_by_name(rule);
    println!(
        "{rule}: interpreter {interp} / rvm {:?}",
        rvm.map(|v| serde_json::to_string(&v).unwrap())
    );
}

fn main() {
    let every = r#"package t
s contains i if { some i, x in input.xs; x.u }
t := "all" if { every i in s { input.xs[i].c == "w" } } else := "not all"
"#;
    run(
        every,
        "data.t.t",
        r#"{"xs":[{"u":true,"c":"w"},{"u":true,"c":"x"}]}"#,
    );
    let some_else = r#"package t
s contains i if { some i, x in input.xs; x.u }
t := "some" if { some i in s; input.xs[i].c != "w" } else := "none"
"#;
    run(
        some_else,
        "data.t.t",
        r#"{"xs":[{"u":true,"c":"w"},{"u":true,"c":"w"}]}"#,
    );
    let partial_object = r#"package t
row[i] := input.codes[x] if some i, x in input.xs
"#;
    let mixed = r#"{"codes":{"b":1},"xs":["a","b"]}"#;
    run(partial_object, "data.t.row", mixed);
}

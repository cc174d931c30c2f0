//! `policy eval` as users meet it: the real binary on real files and pipes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn policy(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn eval_decides_the_bundled_example_from_any_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_policy"))
        .args([
            "eval",
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/pacemaker-mri.json")
                .display()
                .to_string(),
        ])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["id"], "req-0001");
    assert_eq!(d["outcome"], "alternative");
    assert_eq!(d["alternatives"], serde_json::json!(["70460", "70470"]));
    assert_eq!(d["trace"][2]["rule"], "M1 mri-unsafe-implant");
}

#[test]
fn eval_reads_standard_input() {
    let req = r#"{"member": {"age": 45, "plan": "commercial"}, "order": {"lines": [{"code": "72148"}], "purpose": "diagnostic"}, "clinical": {"evaluation": "in_person"}}"#;
    let out = policy(&["eval", "-"], req);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(r#""missing":["clinical.xray_current_episode"]"#));
}

#[test]
fn a_bad_request_is_an_error_on_stderr_with_exit_2() {
    let out = policy(&["eval"], r#"{"member": {"implants": ["pacemakr"]}}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains(
            r#"member.implants[0]: "pacemakr" is not an implant; did you mean "pacemaker"?"#
        ),
        "{err}"
    );
    assert!(err.contains("<stdin>:1:"), "points into the request: {err}");
}

#[test]
fn ndjson_answers_every_line_in_order_and_exits_1_on_a_bad_one() {
    let good = r#"{"id": "a", "member": {"age": 45, "plan": "commercial"}, "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"}, "clinical": {"evaluation": "in_person"}}"#;
    let input = format!("{good}\nnot json\n{}\n", good.replace("\"a\"", "\"b\""));
    let out = policy(&["eval", "--ndjson", "--threads", "2"], &input);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with(r#"{"id":"a","outcome":"proceed""#));
    assert!(
        lines[1].starts_with(r#"{"error":{"line":2,"message":"malformed JSON"#),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with(r#"{"id":"b""#));
}

#[test]
fn explain_prints_the_tree() {
    let out = policy(&["eval", "--explain", "examples/pacemaker-mri.json"], "");
    assert!(out.status.success());
    let tree = text(&out.stdout);
    assert!(
        tree.starts_with("request req-0001: alternative\n"),
        "{tree}"
    );
    assert!(
        tree.contains(
            "line 1 70553: alternative\n  ├─ M1 mri-unsafe-implant -> alternative [Preface-3]"
        ),
        "{tree}"
    );
}

#[test]
fn a_policy_that_does_not_check_prints_diagnostics_and_exits_2() {
    let out = policy(
        &[
            "eval",
            "--policy",
            "tests/diagnostics/unknown_fact.dsl",
            "examples/pacemaker-mri.json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unknown fact `member.agee`"), "{err}");
    assert!(err.contains("did you mean `member.age`?"), "{err}");
}

#[test]
fn another_policy_file_with_its_own_table() {
    let req =
        r#"{"patient": {"age": 30}, "rx": {"fills": [{"ndc": "00002-3227", "days_supply": 10}]}}"#;
    let out = policy(&["eval", "--policy", "tests/policies/pharmacy.dsl"], req);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(r#""outcome":"pay""#));
}

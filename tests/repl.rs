//! Golden tests of `policy repl` driven through a pipe, as a script would:
//! each `tests/repl/NAME.txt` is a script of commands, and
//! `tests/repl/NAME.out` what the real binary prints for it (standard output
//! and standard error, interleaved as printed) followed by its exit code.
//!
//! After a deliberate change of output, `UPDATE_GOLDEN=1 cargo test --test
//! repl` rewrites the `.out` files; review the diff before committing it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repl")
}

/// Runs a script through `policy repl`: its combined output and exit code.
fn run(script: &Path) -> (String, i32) {
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let stdin = std::fs::File::open(script).expect("the script");
    let mut child = {
        // The command holds the pipe's write ends until it is dropped, and
        // reading waits for every write end to close.
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_policy"));
        cmd.arg("repl")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .env_remove("POLICY_HISTORY")
            .stdin(Stdio::from(stdin))
            .stdout(writer.try_clone().expect("a second write end"))
            .stderr(writer);
        cmd.spawn().expect("policy repl starts")
    };
    let mut out = String::new();
    reader.read_to_string(&mut out).expect("utf-8 output");
    let status = child.wait().expect("policy repl ends");
    (out, status.code().unwrap_or(-1))
}

#[test]
fn golden_scripts() {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 4, "the golden scripts are missing");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for script in &scripts {
        let (out, code) = run(script);
        let got = format!("{out}# exit {code}\n");
        let expected_path = script.with_extension("out");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            let first = got
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| got.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: differs from {} at line {}:\n  got:      {:?}\n  expected: {:?}",
                script.display(),
                expected_path.display(),
                first + 1,
                got.lines().nth(first).unwrap_or("<end>"),
                expected.lines().nth(first).unwrap_or("<end>"),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(run with UPDATE_GOLDEN=1 to accept the new output)",
        failures.join("\n")
    );
}

#[test]
fn a_failed_command_makes_the_exit_code_nonzero_but_the_script_goes_on() {
    let script = std::env::temp_dir().join(format!("policy-repl-{}.txt", std::process::id()));
    std::fs::write(
        &script,
        ":set member.age = old\n:set member.age = 9\n:facts member.age\n",
    )
    .unwrap();
    let (out, code) = run(&script);
    let _ = std::fs::remove_file(&script);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("member.age: expected a number"), "{out}");
    assert!(out.contains("member.age  = 9"), "{out}");
}

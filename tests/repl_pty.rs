//! `policy repl` in a real pseudo-terminal, where rustyline is in charge:
//! Tab completes a fact path, an open expression asks for another line,
//! Ctrl-C clears the line, Ctrl-D leaves, and the history written by one
//! session is there in the next (kept where `POLICY_HISTORY` says).
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

const PROMPT: &str = "policy> ";

fn start(history: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_policy"));
    cmd.arg("repl")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("POLICY_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(20_000)).expect("policy repl starts in a pty");
    p.exp_string("type :help").expect("the greeting");
    p.exp_string(PROMPT).expect("the first prompt");
    p
}

/// Types keys (and sends them now: the session buffers what it is given).
fn keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("keys sent");
    p.flush().expect("keys flushed");
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("policy-repl-pty-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn completion_multiline_and_history_across_sessions() {
    let dir = temp_dir();
    // The folder of the history file does not exist yet: the REPL makes it.
    let history = dir.join("state").join("history");

    let mut p = start(&history);
    // An expression left open continues on the next line.
    keys(&mut p, "member.age <\r");
    keys(&mut p, "ADULT_AGE\r");
    p.exp_regex(r"\nunknown  \(`member\.age` not known\)\r\n")
        .expect("the two lines evaluated as one expression");
    p.exp_string(PROMPT).unwrap();

    // Tab completes `member.ag` to the only fact path it starts, so the
    // line that runs is `:set member.age = 17`.
    keys(&mut p, ":set member.ag");
    keys(&mut p, "\t");
    keys(&mut p, " = 17\r");
    p.exp_regex(r"\nmember\.age = 17\r\n")
        .expect("the completed path was set");
    p.exp_string(PROMPT).unwrap();
    keys(&mut p, "member.age < ADULT_AGE\r");
    p.exp_regex(r"\ntrue\r\n").unwrap();
    p.exp_string(PROMPT).unwrap();

    // Ctrl-D leaves.
    p.send_control('d').unwrap();
    p.exp_eof().expect("Ctrl-D ends the session");

    let saved = std::fs::read_to_string(&history).expect("the history file was written");
    assert!(saved.contains(":set member.age = 17"), "{saved}");

    // A new session: Ctrl-C throws away a half-typed line, and the previous
    // session's lines are there, most recent first.
    let mut p = start(&history);
    keys(&mut p, "this is not run");
    p.send_control('c').unwrap();
    p.exp_string(PROMPT).unwrap();
    keys(&mut p, ":facts member.age\r");
    p.exp_regex(r"\nmember\.age  unknown \(required\)\r\n")
        .expect("a fresh session starts from an empty request, and Ctrl-C ran nothing");
    p.exp_string(PROMPT).unwrap();
    keys(&mut p, "\x1b[A"); // Up: `:facts member.age`
    keys(&mut p, "\x1b[A"); // Up: `member.age < ADULT_AGE`, from the first session
    keys(&mut p, "\x1b[A"); // Up: `:set member.age = 17`
    keys(&mut p, "\r");
    p.exp_regex(r"\nmember\.age = 17\r\n")
        .expect("the first session's line came back from the history");
    p.exp_string(PROMPT).unwrap();
    keys(&mut p, ":quit\r");
    p.exp_eof().unwrap();

    let _ = std::fs::remove_dir_all(&dir);
}

//! `policy repl`: the terminal frontend of [`Session`]. On a terminal it
//! reads lines with rustyline (history across sessions, completion, hints,
//! multi-line input when an expression or value is incomplete); with piped
//! input it reads commands one by one, with no prompt and no colour, and
//! exits 1 if any of them failed.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use policy_dsl::repl::Session;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::history::FileHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

const PROMPT: &str = "policy> ";

/// Runs the REPL on a policy file, or on the embedded policy.
pub fn run(policy: Option<&Path>) -> ExitCode {
    let piped = !io::stdin().is_terminal();
    let color = !piped && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let session = match Session::open(policy, color) {
        Ok(s) => s,
        Err(failure) => {
            eprint!("{failure}");
            return ExitCode::from(2);
        }
    };
    if piped {
        piped_mode(session)
    } else {
        interactive(session, color)
    }
}

/// Runs one input and prints what it gives: results on standard output,
/// failures on standard error. Whether it asked to quit.
fn emit(session: &mut Session, input: &str, failed: &mut bool) -> bool {
    let result = session.run(input);
    let mut stdout = io::stdout().lock();
    match result {
        Ok(out) => {
            let _ = stdout.write_all(out.text.as_bytes());
            let _ = stdout.flush();
            out.quit
        }
        Err(failure) => {
            let _ = stdout.flush();
            drop(stdout);
            let mut stderr = io::stderr().lock();
            let _ = stderr.write_all(failure.0.as_bytes());
            let _ = stderr.flush();
            *failed = true;
            false
        }
    }
}

/// Commands from a pipe or file, one at a time: a line that leaves an
/// expression or value open is joined with the next (but a `:command` line
/// always starts afresh).
fn piped_mode(mut session: Session) -> ExitCode {
    let mut failed = false;
    let mut pending = String::new();
    let mut lines = io::stdin().lock().lines();
    loop {
        let line = match lines.next() {
            Some(Ok(line)) => Some(line),
            Some(Err(e)) => {
                eprintln!("error: cannot read standard input: {e}");
                failed = true;
                break;
            }
            None => None,
        };
        if let Some(line) = &line {
            if !pending.is_empty() && line.trim_start().starts_with(':') {
                let input = std::mem::take(&mut pending);
                if emit(&mut session, &input, &mut failed) {
                    break;
                }
            }
            if !pending.is_empty() {
                pending.push('\n');
            }
            pending.push_str(line);
            if session.needs_more(&pending) {
                continue;
            }
        }
        if !pending.is_empty() {
            let input = std::mem::take(&mut pending);
            if emit(&mut session, &input, &mut failed) {
                break;
            }
        }
        if line.is_none() {
            break;
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where history is kept: `POLICY_HISTORY`, else the user's state folder.
fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("POLICY_HISTORY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|p| !p.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(state.join("policy").join("history"))
}

fn interactive(session: Session, color: bool) -> ExitCode {
    let config = Config::builder()
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return ExitCode::from(2);
        }
    };
    let banner = session.banner();
    let session = Rc::new(RefCell::new(session));
    editor.set_helper(Some(ReplHelper {
        session: Rc::clone(&session),
        files: FilenameCompleter::new(),
        color,
    }));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // A missing file is a first session, not an error.
        let _ = editor.load_history(path);
    }
    println!("{banner}");
    println!("type :help for the commands, Ctrl-D to leave");
    let mut failed = false;
    loop {
        match editor.readline(PROMPT) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(path) = &history
                        && let Err(e) = editor.append_history(path)
                    {
                        eprintln!("warning: cannot save history to {}: {e}", path.display());
                    }
                }
                if emit(&mut session.borrow_mut(), &line, &mut failed) {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// Completion, hints, highlighting and multi-line input, all asked of the
/// session.
struct ReplHelper {
    session: Rc<RefCell<Session>>,
    files: FilenameCompleter,
    color: bool,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let completion = self.session.borrow().complete(line, pos);
        if completion.files {
            return self.files.complete(line, pos, ctx);
        }
        let pairs = completion
            .candidates
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((completion.start, pairs))
    }
}

/// A hint that only informs: accepting it inserts nothing.
struct Usage(String);

impl Hint for Usage {
    fn display(&self) -> &str {
        &self.0
    }
    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for ReplHelper {
    type Hint = Usage;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<Usage> {
        self.session.borrow().hint(line, pos).map(Usage)
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || !line.starts_with(':') {
            return Cow::Borrowed(line);
        }
        let end = line.find(char::is_whitespace).unwrap_or(line.len());
        Cow::Owned(format!("\x1b[1;36m{}\x1b[0m{}", &line[..end], &line[end..]))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(format!("\x1b[1;34m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color && line.starts_with(':')
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        if self.session.borrow().needs_more(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}

//! `policy`: decide requests with a policy (`eval`), or explore one (`repl`).

mod repl;

use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use policy_dsl::diag::{Style, render};
use policy_dsl::{Policy, batch, explain};

#[derive(Parser)]
#[command(
    name = "policy",
    version,
    about = "Decide imaging prior-authorization requests with a policy"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide one request (JSON), or a stream of them (--ndjson).
    Eval {
        /// The policy file (default: the policies.dsl built into this binary).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Read one request per line and write one decision (or error) per line.
        #[arg(long)]
        ndjson: bool,
        /// Print the decision as a reviewer reads it instead of JSON.
        #[arg(long, conflicts_with = "ndjson")]
        explain: bool,
        /// Indent the JSON.
        #[arg(long, conflicts_with_all = ["ndjson", "explain"])]
        pretty: bool,
        /// Worker threads for --ndjson (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// The request file, or `-` for standard input (the default).
        #[arg(value_name = "REQUEST")]
        input: Option<PathBuf>,
    },
    /// Explore a policy interactively: build a request, ask why (see docs/repl.md).
    Repl {
        /// The policy file (default: the policies.dsl built into this binary).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
}

/// How diagnostics are drawn on standard error.
fn stderr_style() -> Style {
    if std::env::var_os("NO_COLOR").is_some() || !io::stderr().is_terminal() {
        Style::Plain
    } else {
        Style::Color
    }
}

fn load_policy(path: Option<&Path>) -> Result<Policy, ExitCode> {
    let loaded = match path {
        Some(p) => Policy::load(p),
        None => Policy::embedded(),
    };
    loaded.map_err(|e| {
        eprint!("{}", render(&e, stderr_style()));
        ExitCode::from(2)
    })
}

fn read_input(input: Option<&Path>) -> Result<(String, String), String> {
    match input {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => std::fs::read_to_string(p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| format!("cannot read `{}`: {e}", p.display())),
    }
}

fn read_stdin() -> Result<(String, String), String> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(("<stdin>".into(), text))
}

fn eval(
    policy: Option<&Path>,
    ndjson: bool,
    explain_it: bool,
    pretty: bool,
    threads: Option<usize>,
    input: Option<&Path>,
) -> ExitCode {
    let policy = match load_policy(policy) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if ndjson {
        let threads =
            threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let stdout = io::stdout().lock();
        let result = match input {
            Some(p) if p != Path::new("-") => match std::fs::File::open(p) {
                Ok(f) => batch::run(&policy, BufReader::new(f), stdout, threads),
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {e}", p.display());
                    return ExitCode::from(2);
                }
            },
            _ => batch::run(&policy, io::stdin().lock(), stdout, threads),
        };
        return match result {
            Ok(summary) if summary.bad > 0 => {
                eprintln!(
                    "{} of {} requests were not valid",
                    summary.bad,
                    summary.bad + summary.decided
                );
                ExitCode::from(1)
            }
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let (name, text) = match read_input(input) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let facts = match policy.bind(&text) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{}", render(&e.with_source(&name, &text), stderr_style()));
            return ExitCode::from(2);
        }
    };
    let decision = policy.decide(&facts);
    let out = if explain_it {
        explain::explain(&decision)
    } else if pretty {
        decision.to_json_pretty() + "\n"
    } else {
        decision.to_json() + "\n"
    };
    let mut stdout = io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Eval {
            policy,
            ndjson,
            explain,
            pretty,
            threads,
            input,
        } => eval(
            policy.as_deref(),
            ndjson,
            explain,
            pretty,
            threads,
            input.as_deref(),
        ),
        Command::Repl { policy } => repl::run(policy.as_deref()),
    }
}

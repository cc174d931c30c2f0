//! `dslcheck`: the policy linter. Checks `.dsl` files (or the folders
//! holding them) and reports every parse and check error and every lint,
//! in one of five formats. Exit status: 0 no errors, 1 errors (or warnings
//! with `--deny warnings`), 2 the tool could not run.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use policy_dsl::lint::output::{self, Format};
use policy_dsl::lint::{self, LINTS, Options, Severity};

/// Lints policy files: every error of the language, and the mistakes that
/// check cleanly but decide wrongly. Lints are described in docs/lints.md
/// (`dslcheck --explain LINT`).
#[derive(Debug, Parser)]
#[command(name = "dslcheck", version)]
struct Args {
    /// Policy files or folders (searched for `.dsl` files); default
    /// `policies.dsl` in the current folder.
    paths: Vec<PathBuf>,

    /// Output format; default `human` on a terminal, `plain` otherwise.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,

    /// Make a lint an error; `--deny warnings` fails the run on any warning.
    #[arg(long, value_name = "LINT")]
    deny: Vec<String>,

    /// Make a lint a warning.
    #[arg(long, value_name = "LINT")]
    warn: Vec<String>,

    /// Turn a lint off.
    #[arg(long, value_name = "LINT")]
    allow: Vec<String>,

    /// Run the examples for coverage too: report the rules no example makes
    /// fire (`rule-not-covered`).
    #[arg(long)]
    coverage: bool,

    /// Print a lint's page and exit.
    #[arg(long, value_name = "LINT", conflicts_with_all = ["paths", "list"])]
    explain: Option<String>,

    /// List the lints and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Human,
    Plain,
    Json,
    Sarif,
    Github,
}

/// The tool could not run: say why, exit 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("dslcheck: {message}");
    ExitCode::from(2)
}

fn unknown_lint(name: &str) -> String {
    let help = policy_dsl::diag::suggestion(name, LINTS.iter().map(|l| l.name))
        .map(|s| format!("; {s}"))
        .unwrap_or_else(|| "; `dslcheck --list` names every lint".into());
    format!("unknown lint `{name}`{help}")
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if args.list {
        for l in LINTS {
            println!("{:<20} {:<8} {}", l.name, l.severity.name(), l.summary);
        }
        return ExitCode::SUCCESS;
    }
    if let Some(name) = &args.explain {
        return match lint::explain(name) {
            Some(page) => {
                println!("{page}");
                ExitCode::SUCCESS
            }
            None => fail(&unknown_lint(name)),
        };
    }

    let mut options = Options {
        coverage: args.coverage,
        ..Options::default()
    };
    let mut deny_warnings = false;
    let levels = [
        (&args.allow, None),
        (&args.warn, Some(Severity::Warning)),
        (&args.deny, Some(Severity::Error)),
    ];
    for (names, level) in levels {
        for name in names {
            if name == "warnings" && level == Some(Severity::Error) {
                deny_warnings = true;
                continue;
            }
            if lint::lint(name).is_none() {
                return fail(&unknown_lint(name));
            }
            options.levels.insert(name.clone(), level);
        }
    }

    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("policies.dsl")]
    } else {
        args.paths.clone()
    };
    let report = match lint::check_paths(&paths, &options) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };

    let terminal = std::io::stdout().is_terminal();
    let format = match args.format {
        None if !terminal => Format::Plain,
        None | Some(FormatArg::Human) => Format::Human {
            color: terminal && std::env::var_os("NO_COLOR").is_none(),
        },
        Some(FormatArg::Plain) => Format::Plain,
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Sarif) => Format::Sarif,
        Some(FormatArg::Github) => Format::Github,
    };
    print!("{}", output::render(&report, format));

    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

//! The REPL's commands: the table `:help` and completion read, and the
//! parser from a line of input to a [`Command`].

use crate::diag::did_you_mean;

/// The text after a command's name, with where it starts in the input line
/// (so a diagnostic can point into the line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The whole input.
    pub line: String,
    /// Where the arguments start in it.
    pub start: usize,
}

impl Args {
    /// The arguments, trimmed.
    pub fn text(&self) -> &str {
        self.line.get(self.start..).unwrap_or("").trim()
    }

    /// Where the trimmed arguments start in the line.
    pub fn offset(&self) -> usize {
        let raw = self.line.get(self.start..).unwrap_or("");
        self.start + (raw.len() - raw.trim_start().len())
    }
}

/// A parsed line of input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Nothing to do (a blank line or a `#` comment).
    Nothing,
    /// `:set PATH = VALUE [; PATH = VALUE ...]`
    Set(Args),
    /// `:unset PATH`
    Unset(Args),
    /// `:clear`
    Clear,
    /// `:request FILE.json` or `:request {...}`
    Request(Args),
    /// `:facts [PREFIX]`
    Facts(Args),
    /// `:decide [json]`
    Decide(Args),
    /// `:explain`
    Explain,
    /// `:why [RULE [LINE]]`
    Why(Args),
    /// `:missing`
    Missing,
    /// `:whatif PATH = VALUE [; ...]`
    WhatIf(Args),
    /// An expression, evaluated against the current facts.
    Eval(Args),
    /// `:type EXPR`
    Type(Args),
    /// `:rules [FILTER]`
    Rules(Args),
    /// `:show NAME`
    Show(Args),
    /// `:load FILE`
    Load(Args),
    /// `:reload`
    Reload,
    /// `:help [COMMAND]`
    Help(Args),
    /// `:quit`
    Quit,
}

/// A command's name, what it takes, and what it does.
pub struct CommandInfo {
    /// `:set`
    pub name: &'static str,
    /// `PATH = VALUE`
    pub usage: &'static str,
    /// One line for `:help`.
    pub summary: &'static str,
    /// More, for `:help NAME`.
    pub details: &'static str,
}

/// Every command, in the order `:help` lists them.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: ":set",
        usage: "PATH = VALUE",
        summary: "set a fact of the request",
        details: "VALUE is JSON or a friendlier form: bare words (`commercial`), `[pacemaker]`,\n\
                  `[{code: \"70553\"}]`. Several at once: `:set member.age = 17; member.plan = medicare`.\n\
                  An item of a list: `:set order.lines[0].laterality = left`.\n\
                  The value is checked as `policy eval` checks a request.",
    },
    CommandInfo {
        name: ":unset",
        usage: "PATH",
        summary: "remove a fact (it becomes unknown, absent or its default)",
        details: "",
    },
    CommandInfo {
        name: ":clear",
        usage: "",
        summary: "start again from an empty request",
        details: "",
    },
    CommandInfo {
        name: ":request",
        usage: "FILE.json",
        summary: "load a whole request (replaces the current one)",
        details: "The JSON may also be typed inline: `:request {\"member\": {\"age\": 40}}`.",
    },
    CommandInfo {
        name: ":facts",
        usage: "[PREFIX]",
        summary: "show the request: every fact, with defaults and unknowns marked",
        details: "`:facts member` shows only the member's facts. `:facts json` prints the request as JSON.",
    },
    CommandInfo {
        name: ":decide",
        usage: "[json]",
        summary: "the decision: outcome, lines, alternatives, missing facts",
        details: "`:decide json` prints the decision JSON that `policy eval` prints.",
    },
    CommandInfo {
        name: ":explain",
        usage: "",
        summary: "the decision as a tree: lines, rules, outcomes, citations, messages",
        details: "",
    },
    CommandInfo {
        name: ":why",
        usage: "[RULE [LINE]]",
        summary: "why a rule did or did not fire, with the value of each part",
        details: "RULE is an ID (`M1`) or a name (`mri-unsafe-implant`); LINE a line number or\n\
                  code narrows a `for each` rule to one line. Without RULE: which rules\n\
                  decided the outcome.",
    },
    CommandInfo {
        name: ":missing",
        usage: "",
        summary: "the unknown facts that would change the outcome, and how",
        details: "",
    },
    CommandInfo {
        name: ":whatif",
        usage: "PATH = VALUE",
        summary: "the decision with a change, as a difference (the request stays as it is)",
        details: "Several changes: `:whatif member.age = 17; member.implants = []`.",
    },
    CommandInfo {
        name: ":type",
        usage: "EXPR",
        summary: "the type of an expression",
        details: "",
    },
    CommandInfo {
        name: ":rules",
        usage: "[FILTER]",
        summary: "the rules: ID, name, citation, one line each",
        details: "",
    },
    CommandInfo {
        name: ":show",
        usage: "NAME",
        summary: "the source of a rule, definition, constant, set or vocabulary",
        details: "",
    },
    CommandInfo {
        name: ":load",
        usage: "FILE",
        summary: "load another policy file",
        details: "A policy that does not check shows its diagnostics, and the current one stays.",
    },
    CommandInfo {
        name: ":reload",
        usage: "",
        summary: "load the current policy file again",
        details: "A policy that does not check shows its diagnostics, and the previous one stays.",
    },
    CommandInfo {
        name: ":help",
        usage: "[COMMAND]",
        summary: "this list, or more on one command",
        details: "",
    },
    CommandInfo {
        name: ":quit",
        usage: "",
        summary: "leave (Ctrl-D too)",
        details: "",
    },
];

/// Other spellings.
const ALIASES: &[(&str, &str)] = &[
    (":q", ":quit"),
    (":exit", ":quit"),
    (":h", ":help"),
    (":?", ":help"),
];

/// The command a name stands for: exact, an alias, or a unique prefix.
pub fn lookup(name: &str) -> Result<&'static CommandInfo, String> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, full)| full);
    if let Some(c) = COMMANDS.iter().find(|c| c.name == name) {
        return Ok(c);
    }
    let matches: Vec<&CommandInfo> = COMMANDS
        .iter()
        .filter(|c| name.len() > 1 && c.name.starts_with(name))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let hint = did_you_mean(name, COMMANDS.iter().map(|c| c.name))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `:help` lists the commands".into());
            Err(format!("unknown command `{name}`{hint}"))
        }
        many => {
            let names: Vec<String> = many.iter().map(|c| format!("`{}`", c.name)).collect();
            Err(format!("`{name}` could be {}", names.join(" or ")))
        }
    }
}

/// Parses a line. Anything not starting with `:` is an expression.
pub fn parse(line: &str) -> Result<Command, String> {
    let trimmed = line.trim_start();
    if trimmed.trim().is_empty() || trimmed.starts_with('#') {
        return Ok(Command::Nothing);
    }
    let lead = line.len() - trimmed.len();
    if !trimmed.starts_with(':') {
        return Ok(Command::Eval(Args {
            line: line.to_string(),
            start: lead,
        }));
    }
    let name_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let name = &trimmed[..name_len];
    let info = lookup(name)?;
    let args = Args {
        line: line.to_string(),
        start: lead + name_len,
    };
    let no_args = |cmd: Command| {
        if args.text().is_empty() {
            Ok(cmd)
        } else {
            Err(format!("`{}` takes no arguments", info.name))
        }
    };
    let needs_args = |cmd: fn(Args) -> Command| {
        if args.text().is_empty() {
            Err(format!("usage: {} {}", info.name, info.usage))
        } else {
            Ok(cmd(args.clone()))
        }
    };
    match info.name {
        ":set" => needs_args(Command::Set),
        ":unset" => needs_args(Command::Unset),
        ":clear" => no_args(Command::Clear),
        ":request" => needs_args(Command::Request),
        ":facts" => Ok(Command::Facts(args.clone())),
        ":decide" => Ok(Command::Decide(args.clone())),
        ":explain" => no_args(Command::Explain),
        ":why" => Ok(Command::Why(args.clone())),
        ":missing" => no_args(Command::Missing),
        ":whatif" => needs_args(Command::WhatIf),
        ":type" => needs_args(Command::Type),
        ":rules" => Ok(Command::Rules(args.clone())),
        ":show" => needs_args(Command::Show),
        ":load" => needs_args(Command::Load),
        ":reload" => no_args(Command::Reload),
        ":help" => Ok(Command::Help(args.clone())),
        _ => no_args(Command::Quit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_and_expressions() {
        assert_eq!(parse("  ").unwrap(), Command::Nothing);
        assert_eq!(parse("# a comment").unwrap(), Command::Nothing);
        assert!(matches!(
            parse("member.age < 18").unwrap(),
            Command::Eval(_)
        ));
        let Command::Set(args) = parse(":set member.age = 17").unwrap() else {
            panic!("not a set");
        };
        assert_eq!(args.text(), "member.age = 17");
        assert_eq!(args.offset(), 5);
        assert_eq!(parse(":q").unwrap(), Command::Quit);
        assert_eq!(parse(":expl").unwrap(), Command::Explain);
    }

    #[test]
    fn bad_commands_say_what_is_wrong() {
        assert!(parse(":wh").unwrap_err().contains("`:why` or `:whatif`"));
        assert!(
            parse(":sett x = 1")
                .unwrap_err()
                .contains("did you mean `:set`?")
        );
        assert_eq!(parse(":set").unwrap_err(), "usage: :set PATH = VALUE");
        assert!(
            parse(":clear now")
                .unwrap_err()
                .contains("takes no arguments")
        );
    }
}

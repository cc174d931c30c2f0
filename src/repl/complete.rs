//! Tab completion and hints, from the policy: command names, fact paths,
//! vocabulary values after `=` (and inside lists and records), record field
//! names, rule IDs, and the names an expression can use.

use super::command::{COMMANDS, lookup};
use super::read;
use super::report::describe;
use super::values::{self, Shape};
use crate::eval::program::{Program, Type, ValueSpec};

/// What can replace the text from `start` to the cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Where the word being completed starts.
    pub start: usize,
    /// What it can become, sorted.
    pub candidates: Vec<String>,
    /// The word is a file name: the frontend completes it from the disk.
    pub files: bool,
}

fn word_start(before: &str, keep: impl Fn(char) -> bool) -> usize {
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| keep(*c))
        .last()
        .map_or(before.len(), |(i, _)| i)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

fn is_path_char(c: char) -> bool {
    is_name_char(c) || c == '-' || c == '[' || c == ']'
}

fn matching<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(word))
        .map(str::to_string)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn fact_paths(program: &Program) -> impl Iterator<Item = &str> {
    program.facts.iter().map(|f| f.path.as_str())
}

/// The values a place of this spec takes: its vocabulary, or `true`/`false`.
fn spec_values(program: &Program, spec: &ValueSpec) -> Vec<String> {
    match &spec.ty {
        Type::Bool => vec!["true".into(), "false".into()],
        Type::Enum(e) => program
            .enums
            .get(*e as usize)
            .map(|info| {
                info.values
                    .iter()
                    .filter_map(|s| program.syms.resolve(*s))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        Type::List(_) => spec
            .item
            .as_deref()
            .map(|i| spec_values(program, i))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Where the cursor is inside a value being typed.
enum Place<'p> {
    /// A value of this spec goes here.
    Value(Option<&'p ValueSpec>),
    /// A field name of this record goes here.
    Field(u32),
}

/// Follows the brackets of a value typed so far to the spec at its end.
fn place_in_value<'p>(program: &'p Program, top: Option<&'p ValueSpec>, text: &str) -> Place<'p> {
    enum Frame<'p> {
        List(Option<&'p ValueSpec>),
        Record(u32, Option<&'p ValueSpec>),
    }
    let field_spec = |r: u32, key: &str| -> Option<&'p ValueSpec> {
        program
            .records
            .get(r as usize)?
            .fields
            .iter()
            .find(|f| f.name == key)
            .map(|f| &f.spec)
    };
    let mut stack: Vec<Frame<'p>> = Vec::new();
    // The spec of the value at the cursor, and whether a field name is due.
    let mut current = top;
    let mut key_due = false;
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                word.clear();
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        other => word.push(other),
                    }
                }
            }
            '[' => {
                let item = current.and_then(|s| s.item.as_deref());
                stack.push(Frame::List(item));
                current = item;
                key_due = false;
            }
            '{' => match current.map(|s| &s.ty) {
                Some(Type::Record(r)) => {
                    stack.push(Frame::Record(*r, None));
                    key_due = true;
                }
                _ => {
                    let item = current.and_then(|s| s.item.as_deref());
                    stack.push(Frame::List(item));
                    current = item;
                    key_due = false;
                }
            },
            ':' => {
                if let Some(Frame::Record(r, slot)) = stack.last_mut() {
                    *slot = field_spec(*r, word.trim());
                    current = *slot;
                    key_due = false;
                }
            }
            ',' => match stack.last() {
                Some(Frame::Record(..)) => key_due = true,
                Some(Frame::List(item)) => current = *item,
                None => {}
            },
            ']' | '}' => {
                stack.pop();
                key_due = false;
            }
            _ => {}
        }
        if c.is_whitespace() || matches!(c, '[' | ']' | '{' | '}' | ',' | ':') {
            word.clear();
        } else if c != '"' {
            word.push(c);
        }
    }
    match stack.last() {
        Some(Frame::Record(r, _)) if key_due => Place::Field(*r),
        _ => Place::Value(current),
    }
}

/// Completes the last `PATH = VALUE` of `:set` or `:whatif`.
fn assignment(program: &Program, args: &str, offset: usize) -> Completion {
    let segment_at = args.rfind(';').map_or(0, |i| i + 1);
    let segment = &args[segment_at..];
    let Some(eq) = segment.find('=') else {
        let start = word_start(segment, is_path_char);
        return Completion {
            start: offset + segment_at + start,
            candidates: matching(&segment[start..], fact_paths(program)),
            files: false,
        };
    };
    let value = &segment[eq + 1..];
    let spec = read::read_path(segment[..eq].trim()).ok().and_then(|path| {
        match values::shape_at(program, &path) {
            Shape::Spec(spec) => Some(spec),
            _ => None,
        }
    });
    let start = word_start(value, |c| {
        !(c.is_whitespace() || matches!(c, '[' | ']' | '{' | '}' | ',' | ':' | '"' | '='))
    });
    let word = &value[start..];
    let names = match place_in_value(program, spec, &value[..start]) {
        Place::Value(Some(spec)) => spec_values(program, spec),
        Place::Value(None) => Vec::new(),
        Place::Field(r) => program
            .records
            .get(r as usize)
            .map(|rec| rec.fields.iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default(),
    };
    Completion {
        start: offset + segment_at + eq + 1 + start,
        candidates: matching(word, names.iter().map(String::as_str)),
        files: false,
    }
}

/// Completes a name in an expression: fact paths, constants, sets,
/// definitions, tables and vocabulary values.
fn expression(program: &Program, before: &str) -> Completion {
    let start = word_start(before, is_name_char);
    let word = &before[start..];
    if word.is_empty() {
        return Completion {
            start,
            ..Completion::default()
        };
    }
    let mut names: Vec<&str> = fact_paths(program).collect();
    if !word.contains('.') {
        names.extend(program.globals.keys().map(String::as_str));
        names.extend(
            program
                .enums
                .iter()
                .flat_map(|e| e.values.iter())
                .filter_map(|s| program.syms.resolve(*s)),
        );
    }
    Completion {
        start,
        candidates: matching(word, names),
        files: false,
    }
}

/// Completions for `line` with the cursor at byte `pos`.
pub fn complete(program: &Program, line: &str, pos: usize) -> Completion {
    let before = line.get(..pos).unwrap_or(line);
    let trimmed = before.trim_start();
    let lead = before.len() - trimmed.len();
    if !trimmed.starts_with(':') {
        return expression(program, before);
    }
    let Some(name_end) = trimmed.find(char::is_whitespace) else {
        let mut candidates = matching(trimmed, COMMANDS.iter().map(|c| c.name));
        for c in &mut candidates {
            if COMMANDS.iter().any(|i| i.name == c && !i.usage.is_empty()) {
                c.push(' ');
            }
        }
        return Completion {
            start: lead,
            candidates,
            files: false,
        };
    };
    let Ok(info) = lookup(&trimmed[..name_end]) else {
        return Completion::default();
    };
    let args_at = lead + name_end;
    let args = &before[args_at..];
    let word_at = |keep: fn(char) -> bool| args_at + word_start(args, keep);
    let word = |keep: fn(char) -> bool| &before[word_at(keep)..];
    match info.name {
        ":set" | ":whatif" => assignment(program, args, args_at),
        ":unset" | ":facts" => Completion {
            start: word_at(is_path_char),
            candidates: matching(word(is_path_char), fact_paths(program)),
            files: false,
        },
        ":why" | ":show" => {
            if args.split_whitespace().count() > usize::from(!args.ends_with(char::is_whitespace)) {
                return Completion::default();
            }
            let mut names: Vec<&str> = program.rules.iter().map(|r| r.id.as_str()).collect();
            if info.name == ":show" {
                names.extend(program.globals.keys().map(String::as_str));
                names.extend(program.enums.iter().map(|e| e.name.as_str()));
            }
            Completion {
                start: word_at(is_path_char),
                candidates: matching(word(is_path_char), names),
                files: false,
            }
        }
        ":load" | ":request" => Completion {
            start: word_at(|c| !c.is_whitespace()),
            candidates: Vec::new(),
            files: true,
        },
        ":help" => Completion {
            start: word_at(|c| !c.is_whitespace()),
            candidates: matching(
                word(|c| !c.is_whitespace()).trim_start_matches(':'),
                COMMANDS.iter().map(|c| c.name.trim_start_matches(':')),
            ),
            files: false,
        },
        ":type" => expression(program, before),
        _ => Completion::default(),
    }
}

/// A hint after the cursor: what a command takes, or what a fact's value
/// must be.
pub fn hint(program: &Program, line: &str, pos: usize) -> Option<String> {
    if pos != line.len() {
        return None;
    }
    let trimmed = line.trim_start();
    if !trimmed.starts_with(':') {
        return None;
    }
    let name_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let info = COMMANDS.iter().find(|c| c.name == &trimmed[..name_end])?;
    let args = &trimmed[name_end..];
    if args.trim().is_empty() {
        if info.usage.is_empty() {
            return None;
        }
        let space = if args.is_empty() { " " } else { "" };
        return Some(format!("{space}{}", info.usage));
    }
    if matches!(info.name, ":set" | ":whatif") {
        let segment = args.rsplit(';').next().unwrap_or(args);
        let (path, value) = segment.split_once('=').unwrap_or((segment, ""));
        let path = read::read_path(path.trim()).ok()?;
        let Shape::Spec(spec) = values::shape_at(program, &path) else {
            return None;
        };
        if !segment.contains('=') {
            return (!segment.ends_with(char::is_whitespace)).then(|| " = VALUE".into());
        }
        if value.trim().is_empty() {
            let space = if value.is_empty() { " " } else { "" };
            return Some(format!("{space}{}", describe(program, spec)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn program() -> Program {
        Policy::embedded().unwrap().program().clone()
    }

    fn candidates(line: &str) -> Vec<String> {
        complete(&program(), line, line.len()).candidates
    }

    #[test]
    fn completes_commands_and_paths() {
        assert_eq!(candidates(":cl"), vec![":clear"]);
        assert_eq!(candidates(":se"), vec![":set "]);
        assert_eq!(candidates(":set member.ag"), vec!["member.age"]);
        let c = complete(&program(), ":set member.ag", 14);
        assert_eq!(c.start, 5);
        assert_eq!(
            candidates(":unset clinical.ev"),
            vec!["clinical.evaluation"]
        );
        assert!(candidates(":set mem").len() > 10);
    }

    #[test]
    fn completes_values_after_equals() {
        assert_eq!(
            candidates(":set clinical.evaluation = "),
            vec!["in_person", "none", "telehealth"]
        );
        assert_eq!(
            candidates(":set member.implants = [pace"),
            vec!["pacemaker"]
        );
        assert_eq!(
            candidates(":set member.implants = [icd, pace"),
            vec!["pacemaker"]
        );
        assert_eq!(candidates(":set member.pregnant = t"), vec!["true"]);
        assert_eq!(
            candidates(":whatif order.lines = [{lat"),
            vec!["laterality"]
        );
        assert_eq!(
            candidates(":set order.lines = [{code: \"70553\", laterality: b"),
            vec!["bilateral"]
        );
        assert_eq!(
            candidates(":set member.age = 1; member.plan = med"),
            vec!["medicaid", "medicare", "medicare_advantage"]
        );
    }

    #[test]
    fn completes_rules_and_names() {
        assert_eq!(candidates(":why M"), vec!["M1", "M2", "M3", "M4"]);
        assert!(candidates(":show ADULT").contains(&"ADULT_AGE".to_string()));
        assert_eq!(candidates("member.age < ADU"), vec!["ADULT_AGE"]);
        assert_eq!(candidates("pacem"), vec!["pacemaker"]);
        assert!(complete(&program(), ":load po", 8).files);
    }

    #[test]
    fn hints_say_what_comes_next() {
        let p = program();
        assert_eq!(hint(&p, ":why", 4).as_deref(), Some(" [RULE [LINE]]"));
        assert_eq!(hint(&p, ":set member.age", 15).as_deref(), Some(" = VALUE"));
        assert_eq!(
            hint(&p, ":set member.age = ", 18).as_deref(),
            Some("number from 0 to 150")
        );
        assert_eq!(hint(&p, ":decide", 3), None);
    }
}

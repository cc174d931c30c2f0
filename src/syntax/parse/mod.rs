//! Source text -> syntax tree. The only module that sees pest: its `Rule` and
//! `Pair` types stop here (the module is private to `syntax`).
//!
//! - `mod.rs`: the pest parser and the entry points (`parse_policy`,
//!   `parse_expr`), which pick fast or strict scanning.
//! - `error.rs`: [`SyntaxError`], and pest's errors turned into it.
//! - `limits.rs`: how deeply expressions may nest, in the text and in the tree.
//! - `pairs.rs`: reading pest's pairs: the children a grammar rule
//!   guarantees, spans, names, strings, numbers and paths.
//! - `decl.rs`: declarations, with their types, fact kinds and literals.
//! - `rule.rs`: a stage's rules: clauses, branches, effects and messages.
//! - `expr.rs`: expressions: operator precedence and the operands.

mod decl;
mod error;
mod expr;
mod limits;
mod pairs;
mod rule;

use pest::Parser as _;
use pest::iterators::Pair;

pub use error::SyntaxError;

use super::ast::{Expr, Policy};
use decl::declaration;
use limits::check_nesting;
use pairs::{Children, string};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// Parses a whole policy file.
pub fn parse_policy(source: &str) -> Result<Policy, SyntaxError> {
    policy_from(source, needs_strict(source))
}

/// Parses one expression (the REPL's input).
pub fn parse_expr(source: &str) -> Result<Expr, SyntaxError> {
    check_nesting(source)?;
    let strict = needs_strict(source);
    let root = parse_from(Rule::expr_input, Rule::strict_expr_input, source, strict)?;
    expr::expr(Children::of(root).required(Rule::expr))
}

/// Parses a whole policy file, scanning strictly or not.
fn policy_from(source: &str, strict: bool) -> Result<Policy, SyntaxError> {
    check_nesting(source)?;
    let root = parse_from(Rule::policy, Rule::strict_policy, source, strict)?;
    let mut title = None;
    let mut decls = Vec::new();
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::policy_header => title = Some(string(Children::of(pair).required(Rule::string))),
            Rule::EOI => {}
            _ => decls.push(declaration(pair)?),
        }
    }
    Ok(Policy { title, decls })
}

/// Whether `source` has a control character other than a line feed. Such a
/// text is parsed from the grammar's strict entry rules, which scan comments,
/// strings and example JSON character by character (see "strict and fast
/// scanning" in the grammar). Written to let the compiler test many bytes at
/// once.
fn needs_strict(source: &str) -> bool {
    source.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, &b| found | ((b < 0x20) & (b != b'\n')))
    })
}

/// Parses `source` from `rule`, or from `strict_rule` (which wraps `rule`)
/// for strict scanning; returns the pair of `rule`.
fn parse_from(
    rule: Rule,
    strict_rule: Rule,
    source: &str,
    strict: bool,
) -> Result<Pair<'_, Rule>, SyntaxError> {
    let entry = if strict { strict_rule } else { rule };
    let mut pairs =
        PolicyParser::parse(entry, source).map_err(|error| error::from_pest(error, source))?;
    let Some(root) = pairs.next() else {
        unreachable!("pest returns the pair of the rule it parsed, `{entry:?}`")
    };
    Ok(if strict {
        Children::of(root).required(rule)
    } else {
        root
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(src: &str) -> Policy {
        match parse_policy(src) {
            Ok(p) => p,
            Err(e) => panic!("{src}\n{e:?}"),
        }
    }

    fn fails(src: &str) -> SyntaxError {
        match parse_policy(src) {
            Ok(p) => panic!("parsed: {p:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_missing_then_is_reported_with_human_names() {
        let e = fails("stage s { rule A1 a when x }");
        assert!(e.message.contains("`then` or `if`"), "{}", e.message);
        assert!(e.message.contains("unexpected `}`"), "{}", e.message);
    }

    #[test]
    fn unterminated_input_is_marked_at_end() {
        let e = parse_expr("a and").unwrap_err();
        assert!(e.at_end);
        assert!(e.message.contains("end of input"));
    }

    /// An empty policy is a policy; an empty expression is not an expression.
    #[test]
    fn empty_texts() {
        let empty = parses("  # nothing\n");
        assert!(empty.title.is_none() && empty.decls.is_empty());
        assert_eq!(
            parses("policy \"t\"").title.map(|t| t.node).as_deref(),
            Some("t")
        );
        for blank in ["", " \n", "# c", "\t"] {
            let e = parse_expr(blank).unwrap_err();
            assert!(e.at_end, "{blank:?}");
            assert!(e.message.contains("expected an expression"), "{e:?}");
        }
    }

    #[test]
    fn rule_ids_are_capitals_and_digits() {
        let e = fails("stage s { rule m1 x then deny }");
        assert!(e.message.contains("rule ID"), "{}", e.message);
    }

    /// Broken policies (the embedded one cut short, or with a word left out)
    /// are syntax errors or other policies, never a crash: the tree builder
    /// only sees what the grammar accepts.
    #[test]
    fn broken_policies_are_errors_not_panics() {
        let text = crate::EMBEDDED_POLICY;
        let cuts: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .step_by(text.len() / 60)
            .collect();
        for &cut in &cuts {
            let _ = parse_policy(&text[..cut]);
        }
        let words: Vec<(usize, &str)> = text
            .split_inclusive(char::is_whitespace)
            .scan(0, |at, word| {
                let start = *at;
                *at += word.len();
                Some((start, word))
            })
            .collect();
        let mut built = 0;
        for &(start, word) in words.iter().step_by(words.len() / 60) {
            let without = format!("{}{}", &text[..start], &text[start + word.len()..]);
            built += usize::from(parse_policy(&without).is_ok());
        }
        // Some of the broken texts still parse, so the builder ran on them.
        assert!(built > 0);
    }

    /// The fast scans of comments, strings, messages and example JSON (used
    /// where the only control character is the line feed) read text exactly
    /// as the character-by-character ones do: same tree, same errors.
    #[test]
    fn fast_and_strict_scanning_agree() {
        let mut texts = vec![crate::EMBEDDED_POLICY.to_string()];
        for broken in [
            r#"example "e" { request {"a": "b} expect {} }"#,
            "example \"e\" { request {\"a\": \"b\n\"} expect {} }",
            r#"example "e" { request {"a": {"b": "\"}"}} expect {"x": 1}"#,
            r#"example "e" { request {"a": [1, {"b": "}"}]} expect {} }"#,
            r#"sections "a\"b", "c"#,
            "sections \"a\nb\"",
            r#"stage s { rule A1 a then deny because "x } y" }"#,
            r#"stage s { rule A1 a then deny because "x {a b" }"#,
            r#"stage s { rule A1 a then deny because "x \{ {a} \" y" }"#,
            "stage s { rule A1 a # then\n then deny # ok",
        ] {
            texts.push(broken.to_string());
        }
        for text in &texts {
            assert!(!needs_strict(text), "{text}");
            assert_eq!(policy_from(text, false), policy_from(text, true), "{text}");
        }
    }

    /// A text with other control characters is scanned strictly, and they are
    /// rejected where they were before the fast scans.
    #[test]
    fn control_characters_pick_strict_scanning() {
        assert!(needs_strict("a\tb"));
        assert!(needs_strict("a\r\nb"));
        assert!(!needs_strict("a\nb"));
        let e = fails("example \"e\" { request {\"a\": \"b\u{1}\"} expect {} }");
        assert!(e.message.contains("a JSON object"), "{}", e.message);
        assert_eq!(parses("# a\tcomment\r\nconst C = 1").decls.len(), 1);
        let e = fails("sections \"a\u{1}\"");
        assert!(e.message.contains("a string"), "{}", e.message);
        assert!(parse_expr("a\tand\tb").is_ok());
    }
}

//! The syntax error, and pest's errors turned into it: what was found, what
//! was expected (by the names a person knows the grammar's rules by), and
//! advice when a keyword stands where a value goes.

use miette::Diagnostic;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use thiserror::Error;

use super::{PolicyParser, Rule};
use crate::syntax::span::Span;

/// A syntax error.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
#[error("{message}")]
#[diagnostic(code(policy::syntax::unexpected))]
pub struct SyntaxError {
    /// One sentence: what was expected where.
    pub message: String,
    /// Where the parser stopped.
    #[label("{label}")]
    pub span: Span,
    /// The label text.
    pub label: String,
    /// Advice.
    #[help]
    pub help: Option<String>,
    /// Whether the input ended before the parser was satisfied (the REPL asks
    /// for another line then).
    pub at_end: bool,
}

/// The syntax error for pest's `error` on `source`.
pub(super) fn from_pest(error: pest::error::Error<Rule>, source: &str) -> SyntaxError {
    let position = match error.location {
        InputLocation::Pos(position) => position,
        InputLocation::Span((start, _)) => start,
    };
    let rest = &source[position.min(source.len())..];
    let at_end = rest.trim().is_empty();
    let found = rest
        .split_whitespace()
        .next()
        .map(|word| word.chars().take(24).collect::<String>());
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| human_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let expected_text = match expected.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    let (message, label) = match (&found, at_end) {
        (_, true) => (
            format!("unexpected end of input; expected {expected_text}"),
            "input ends here".to_string(),
        ),
        (Some(word), false) => (
            format!("unexpected `{word}`; expected {expected_text}"),
            format!("expected {expected_text}"),
        ),
        (None, false) => (format!("expected {expected_text}"), "here".to_string()),
    };
    let wants_value = expected
        .iter()
        .any(|name| *name == "a name" || *name == "an expression" || *name == "a vocabulary value");
    let help = found.as_deref().filter(|_| wants_value).and_then(|word| {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
        is_reserved_word(bare).then(|| {
            format!(
                "`{bare}` is a keyword of the language; quote it (\"{bare}\") to use it as a value"
            )
        })
    });
    let end = (position + found.as_ref().map_or(0, |word| word.len())).min(source.len());
    SyntaxError {
        message,
        span: Span::new(position, end.max(position)),
        label,
        help,
        at_end,
    }
}

/// Whether `word` is one of the language's reserved words.
fn is_reserved_word(word: &str) -> bool {
    PolicyParser::parse(Rule::keyword, word).is_ok_and(|pairs| pairs.as_str() == word)
}

/// The name a person knows a grammar rule by, or `None` for rules that only
/// group others.
fn human_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of input",
        Rule::ident | Rule::any_ident => "a name",
        Rule::rule_id => "a rule ID such as `K6`",
        Rule::rule_name => "a rule name such as `renal-contrast`",
        Rule::number | Rule::number_lit | Rule::signed_number => "a number",
        Rule::string | Rule::string_lit => "a string",
        Rule::message => "a message in quotes",
        Rule::path => "a name or dotted path",
        Rule::enum_decl
        | Rule::text_decl
        | Rule::record_decl
        | Rule::table_decl
        | Rule::facts_decl
        | Rule::const_decl
        | Rule::set_decl
        | Rule::define_decl
        | Rule::outcomes_decl
        | Rule::annotation_decl
        | Rule::sections_decl
        | Rule::lines_decl
        | Rule::stage_decl
        | Rule::policy_header => "a declaration",
        Rule::enum_value => "a vocabulary value",
        Rule::example_decl => "an example",
        Rule::json_object => "a JSON object",
        Rule::field_decl => "a field",
        Rule::fact_decl => "a fact such as `member.age: number required`",
        Rule::type_expr | Rule::named_type | Rule::list_type | Rule::number_type => "a type",
        Rule::kind
        | Rule::kind_default
        | Rule::kind_required
        | Rule::kind_unknown
        | Rule::kind_absent => "`required`, `may be unknown`, `may be absent` or `default ...`",
        Rule::literal => "a value",
        Rule::rule_decl => "a rule",
        Rule::cites => "`cites`",
        Rule::for_each => "`for each`",
        Rule::let_clause => "`let`",
        Rule::when_clause => "`when`",
        Rule::branches | Rule::then_branch | Rule::if_branch => "`then` or `if`",
        Rule::else_if_branch | Rule::else_branch => "`else`",
        Rule::because => "`because`",
        Rule::effects
        | Rule::outcome_effect
        | Rule::offer
        | Rule::caution
        | Rule::missing
        | Rule::set_annotation => "an effect",
        Rule::expr
        | Rule::operand
        | Rule::quantifier
        | Rule::call
        | Rule::set_literal
        | Rule::comprehension
        | Rule::match_expr
        | Rule::bool_lit => "an expression",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_is
        | Rule::op_is_not
        | Rule::op_has_any
        | Rule::op_has_none
        | Rule::op_has_all
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::is_known
        | Rule::is_not_known
        | Rule::is_present
        | Rule::is_absent
        | Rule::is_empty
        | Rule::is_not_empty
        | Rule::if_known => "a test such as `is known`",
        Rule::query_test => "a column test such as `family is ct`",
        Rule::query_is | Rule::query_in => "`is` or `in`",
        Rule::test_word => "`known`, `present`, `absent` or `empty`",
        Rule::match_arm => "a match arm such as `with => {with}`",
        Rule::param => "a parameter such as `l: line`",
        Rule::outcome_default | Rule::outcome_pending | Rule::outcome_restrict => {
            "`default`, `pending` or `restrict`"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The syntax error for parsing `source` from `rule`, which must fail.
    fn error_for(rule: Rule, source: &str) -> SyntaxError {
        match PolicyParser::parse(rule, source) {
            Ok(pairs) => panic!("parsed: {pairs:?}"),
            Err(error) => from_pest(error, source),
        }
    }

    #[test]
    fn reserved_words_are_whole_keywords() {
        assert!(is_reserved_word("and"));
        assert!(is_reserved_word("when"));
        assert!(!is_reserved_word("andrew"));
        assert!(!is_reserved_word("line"));
        assert!(!is_reserved_word(""));
    }

    #[test]
    fn grammar_rules_have_human_names_and_groups_have_none() {
        assert_eq!(human_name(Rule::ident), Some("a name"));
        assert_eq!(human_name(Rule::op_has_any), Some("an operator"));
        assert_eq!(human_name(Rule::policy), None);
        assert_eq!(human_name(Rule::named), None);
    }

    /// A good policy makes no error; a bad one makes an error at the word
    /// found, naming what was expected there.
    #[test]
    fn a_pest_error_becomes_a_diagnostic_at_the_word_found() {
        assert!(PolicyParser::parse(Rule::policy, "const C = 1").is_ok());
        let error = error_for(Rule::policy, "const C = 1\nconst = 2");
        assert_eq!(error.message, "unexpected `=`; expected a name");
        assert_eq!(error.label, "expected a name");
        assert_eq!(error.span, Span::new(18, 19));
        assert_eq!(error.help, None);
        assert!(!error.at_end);
    }

    #[test]
    fn several_expected_names_are_sorted_and_joined() {
        let error = error_for(Rule::policy, "stage s { rule A1 a when x }");
        assert_eq!(
            error.message,
            "unexpected `}`; expected `let` or `then` or `if`"
        );
        let error = error_for(Rule::expr_input, "a and");
        assert_eq!(
            error.message,
            "unexpected end of input; expected a name, a number, a string or an expression"
        );
    }

    #[test]
    fn an_error_at_the_end_of_input_says_so() {
        let error = error_for(Rule::expr_input, "a and  \n");
        assert!(
            error
                .message
                .starts_with("unexpected end of input; expected ")
        );
        assert_eq!(error.label, "input ends here");
        assert_eq!(error.span, Span::new(8, 8), "the very end, past the blanks");
        assert!(error.at_end);
    }

    #[test]
    fn a_keyword_where_a_value_goes_gets_advice_to_quote_it() {
        let error = error_for(Rule::policy, "define d = when");
        assert_eq!(
            error.help.as_deref(),
            Some("`when` is a keyword of the language; quote it (\"when\") to use it as a value")
        );
        let error = error_for(Rule::expr_input, "x is (and)");
        assert!(
            error
                .help
                .is_some_and(|help| help.contains("`and` is a keyword"))
        );
    }
}

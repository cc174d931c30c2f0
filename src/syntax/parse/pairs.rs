//! Reading pest's pairs: the children a grammar rule guarantees, spans, and
//! the leaf tokens (names, strings, numbers, dotted paths).
//!
//! pest hands the tree builder only pairs that match `grammar/policy.pest`,
//! so a child the grammar requires is always there. Such a child is taken
//! with [`Children::required`] (or [`Children::required_any`] where the grammar allows
//! one of several rules), and a child rule the grammar rules out ends in
//! [`not_in_grammar`]. Both are `unreachable!`, naming the grammar rule: no
//! input, however malformed, reaches them (malformed text is a pest error,
//! turned into a diagnostic by `error.rs`). The builder makes up no
//! placeholder values for missing children.

use pest::iterators::{Pair, Pairs};

use super::Rule;
use crate::syntax::ast::Path;
use crate::syntax::span::{Ident, Span, Spanned};

/// The children of one pair, in order, with the grammar rule they belong to.
pub(super) struct Children<'i> {
    parent: Rule,
    pairs: Pairs<'i, Rule>,
}

impl<'i> Children<'i> {
    /// The children of `pair`.
    pub(super) fn of(pair: Pair<'i, Rule>) -> Self {
        Children {
            parent: pair.as_rule(),
            pairs: pair.into_inner(),
        }
    }

    /// The next child, which the parent's grammar rule guarantees is a
    /// `rule`.
    #[track_caller]
    pub(super) fn required(&mut self, rule: Rule) -> Pair<'i, Rule> {
        match self.pairs.next() {
            Some(child) if child.as_rule() == rule => child,
            other => unreachable!(
                "the grammar rule `{:?}` guarantees a `{rule:?}` here, not {:?}",
                self.parent,
                other.map(|child| child.as_rule())
            ),
        }
    }

    /// The next child, which the parent's grammar rule guarantees is there
    /// (one of several rules: the caller tells them apart).
    #[track_caller]
    pub(super) fn required_any(&mut self) -> Pair<'i, Rule> {
        match self.pairs.next() {
            Some(child) => child,
            None => unreachable!(
                "the grammar rule `{:?}` guarantees one more child here",
                self.parent
            ),
        }
    }

    /// The next child if it is a `rule` (a child the grammar makes optional).
    pub(super) fn optional(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        match self.pairs.peek() {
            Some(child) if child.as_rule() == rule => self.pairs.next(),
            _ => None,
        }
    }

    /// The grammar rule these are the children of.
    pub(super) fn parent(&self) -> Rule {
        self.parent
    }
}

impl<'i> Iterator for Children<'i> {
    type Item = Pair<'i, Rule>;

    fn next(&mut self) -> Option<Self::Item> {
        self.pairs.next()
    }
}

/// A `child` of a `parent` grammar rule that the grammar does not allow
/// there: the catch-all arm of a match on a child's rule.
#[track_caller]
pub(super) fn not_in_grammar(parent: Rule, child: Rule) -> ! {
    unreachable!("the grammar rule `{parent:?}` has no `{child:?}` child")
}

/// The bytes `pair` covers.
pub(super) fn span(pair: &Pair<Rule>) -> Span {
    let pest_span = pair.as_span();
    Span::new(pest_span.start(), pest_span.end())
}

/// A name (`ident`, `any_ident`, `rule_id`, `rule_name`): its text.
pub(super) fn ident(pair: Pair<Rule>) -> Ident {
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

/// Text with its backslash escapes resolved: `\n` and `\t` are a line feed
/// and a tab, any other escaped character stands for itself.
pub(super) fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(escaped) => out.push(escaped),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A `string` (its text, quotes included): what is between the quotes.
pub(super) fn string(pair: Pair<Rule>) -> Spanned<String> {
    let quoted = pair.as_str();
    let Some(inner) = quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        unreachable!("the grammar rule `string` guarantees quotes around the text")
    };
    Spanned::new(unescape(inner), span(&pair))
}

/// The value of a `number` or `signed_number` (an optional `-`, digits,
/// maybe a `.` and more digits).
pub(super) fn number_value(text: &str) -> f64 {
    match text.parse() {
        Ok(value) => value,
        Err(_) => unreachable!("the grammar rule `number` guarantees a decimal numeral"),
    }
}

/// A `path`: its segments.
pub(super) fn path(pair: Pair<Rule>) -> Path {
    let whole = span(&pair);
    Spanned::new(pair.into_inner().map(ident).collect(), whole)
}

#[cfg(test)]
mod tests {
    use pest::Parser as _;

    use super::super::PolicyParser;
    use super::*;

    fn one(rule: Rule, text: &str) -> Pair<'_, Rule> {
        match PolicyParser::parse(rule, text).map(|mut pairs| pairs.next()) {
            Ok(Some(pair)) => pair,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn strings_lose_their_quotes_and_escapes() {
        let parsed = string(one(Rule::string, r#""a\"b\n\tc\\""#));
        assert_eq!(parsed.node, "a\"b\n\tc\\");
        assert_eq!(parsed.span, Span::new(0, 13));
        assert_eq!(string(one(Rule::string, r#""""#)).node, "");
    }

    #[test]
    fn numbers_and_paths() {
        assert_eq!(
            number_value(one(Rule::signed_number, "-0.5").as_str()),
            -0.5
        );
        assert_eq!(number_value(one(Rule::number, "18").as_str()), 18.0);
        let segments = path(one(Rule::path, "line.code.family"));
        let names: Vec<&str> = segments.node.iter().map(|s| s.node.as_str()).collect();
        assert_eq!(names, ["line", "code", "family"]);
        assert_eq!(segments.node[1].span, Span::new(5, 9));
    }

    #[test]
    fn children_give_what_the_grammar_guarantees() {
        let mut children = Children::of(one(Rule::field_decl, "side: side may be absent"));
        assert_eq!(children.parent(), Rule::field_decl);
        assert_eq!(ident(children.required(Rule::any_ident)).node, "side");
        assert!(children.optional(Rule::kind).is_none());
        assert_eq!(children.required_any().as_rule(), Rule::type_expr);
        assert!(children.optional(Rule::kind).is_some());
        assert!(children.next().is_none());
    }

    /// A child the grammar does not put there is a bug in the tree builder,
    /// not a malformed policy: it stops with the grammar rule's name.
    #[test]
    #[should_panic(expected = "the grammar rule `field_decl` guarantees a `kind` here")]
    fn a_child_out_of_grammar_is_unreachable() {
        let mut children = Children::of(one(Rule::field_decl, "side: side"));
        let _ = children.required(Rule::kind);
    }
}

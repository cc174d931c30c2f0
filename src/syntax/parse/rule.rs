//! A stage's rules: their clauses (`cites`, `for each`, `let`, `when`), their
//! branches, the effects of a branch, and messages with `{expression}` holes.

use pest::iterators::Pair;

use super::Rule;
use super::error::SyntaxError;
use super::expr::expr;
use super::pairs::{Children, ident, not_in_grammar, path, span, string, unescape};
use crate::syntax::ast::*;
use crate::syntax::span::Spanned;

/// `rule_decl`: `rule ID name cites ... for each ... let ... when ... then ...`.
pub(super) fn rule_decl(pair: Pair<Rule>) -> Result<RuleDecl, SyntaxError> {
    let whole = span(&pair);
    let mut children = Children::of(pair);
    let id = ident(children.required(Rule::rule_id));
    let name = ident(children.required(Rule::rule_name));
    let cites = children
        .optional(Rule::cites)
        .map(|cites| string(Children::of(cites).required(Rule::string)));
    let for_each = children.optional(Rule::for_each).map(for_each);
    let mut lets = Vec::new();
    let mut when = None;
    // `let`s with maybe a `when` among them, then the branches, which end it.
    let branches = loop {
        let child = children.required_any();
        match child.as_rule() {
            Rule::let_clause => lets.push(let_clause(child)?),
            Rule::when_clause => when = Some(expr(Children::of(child).required(Rule::expr))?),
            Rule::branches => break child.into_inner().map(branch).collect::<Result<_, _>>()?,
            unexpected => not_in_grammar(Rule::rule_decl, unexpected),
        }
    };
    Ok(RuleDecl {
        id,
        name,
        cites,
        for_each,
        lets,
        when,
        branches,
        span: whole,
    })
}

/// `for_each`: `for each VAR in PATH`.
fn for_each(pair: Pair<Rule>) -> (Ident, Path) {
    let mut children = Children::of(pair);
    let var = ident(children.required(Rule::ident));
    (var, path(children.required(Rule::path)))
}

/// `let_clause`: `let NAME = EXPR`.
fn let_clause(pair: Pair<Rule>) -> Result<(Ident, Expr), SyntaxError> {
    let mut children = Children::of(pair);
    let name = ident(children.required(Rule::ident));
    Ok((name, expr(children.required(Rule::expr))?))
}

/// A branch: `then ...`, `if ... then ...`, `else if ... then ...` or
/// `else ...`, each maybe with `because "..."`.
fn branch(pair: Pair<Rule>) -> Result<Branch, SyntaxError> {
    let whole = span(&pair);
    let mut children = Children::of(pair);
    let cond = match children.parent() {
        Rule::if_branch | Rule::else_if_branch => Some(expr(children.required(Rule::expr))?),
        Rule::then_branch | Rule::else_branch => None,
        unexpected => not_in_grammar(Rule::branches, unexpected),
    };
    let effects = Children::of(children.required(Rule::effects))
        .map(effect)
        .collect::<Result<_, _>>()?;
    let because = match children.optional(Rule::because) {
        Some(because) => Some(message(Children::of(because).required(Rule::message))?),
        None => None,
    };
    Ok(Branch {
        cond,
        effects,
        because,
        span: whole,
    })
}

/// One effect: an outcome, `offer`, `caution`, `missing` or `set`.
fn effect(pair: Pair<Rule>) -> Result<Effect, SyntaxError> {
    let whole = span(&pair);
    let mut children = Children::of(pair);
    let kind = match children.parent() {
        Rule::offer => EffectKind::Offer(expr(children.required(Rule::expr))?),
        Rule::caution => EffectKind::Caution(message(children.required(Rule::message))?),
        Rule::missing => EffectKind::Missing {
            unknown_among: children.optional(Rule::missing_among).is_some(),
            paths: children.map(path).collect(),
        },
        Rule::set_annotation => EffectKind::Set {
            name: ident(children.required(Rule::ident)),
            value: expr(children.required(Rule::expr))?,
        },
        Rule::outcome_effect => EffectKind::Outcome {
            name: ident(children.required(Rule::any_ident)),
            to: children.optional(Rule::expr).map(expr).transpose()?,
        },
        unexpected => not_in_grammar(Rule::effects, unexpected),
    };
    Ok(Spanned::new(kind, whole))
}

/// `message`: text and `{expression}` holes.
fn message(pair: Pair<Rule>) -> Result<Message, SyntaxError> {
    let whole = span(&pair);
    let parts = Children::of(pair)
        .map(|part| match part.as_rule() {
            Rule::message_text => Ok(MessagePart::Text(unescape(part.as_str()))),
            Rule::message_hole => Ok(MessagePart::Hole(expr(
                Children::of(part).required(Rule::expr),
            )?)),
            unexpected => not_in_grammar(Rule::message, unexpected),
        })
        .collect::<Result<_, _>>()?;
    Ok(Message { parts, span: whole })
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::*;
    use crate::syntax::parse_policy;

    /// The one rule of the one stage `source` declares.
    fn the_rule(source: &str) -> RuleDecl {
        match parse_policy(source).map(|mut policy| policy.decls.pop()) {
            Ok(Some(Decl::Stage(mut stage))) if stage.rules.len() == 1 => stage.rules.remove(0),
            other => panic!("{source}\n{other:?}"),
        }
    }

    #[test]
    fn a_rule_with_branches() {
        let rule = the_rule(
            r#"stage s { rule K5 pregnancy-gadolinium cites "Preface-3"
                 for each line in order.lines
                 let plain = f(line)
                 when member.pregnant
                 if x then review because "a {line.code} b"
                 else if plain is not empty then alternative, offer plain
                 else review }"#,
        );
        assert_eq!(rule.id.node, "K5");
        assert_eq!(rule.name.node, "pregnancy-gadolinium");
        assert_eq!(
            rule.cites.as_ref().map(|c| c.node.as_str()),
            Some("Preface-3")
        );
        assert!(rule.for_each.is_some());
        assert_eq!(rule.lets.len(), 1);
        assert!(rule.when.is_some());
        assert_eq!(rule.branches.len(), 3);
        assert!(rule.branches[0].cond.is_some());
        assert!(rule.branches[2].cond.is_none());
        assert_eq!(rule.branches[1].effects.len(), 2);
        let msg = rule.branches[0].because.as_ref().unwrap();
        assert_eq!(msg.parts.len(), 3);
    }

    /// `let`s may come before and after `when`, and are kept in order.
    #[test]
    fn lets_around_when_keep_their_order() {
        let rule = the_rule("stage s { rule A1 a let x = 1 when x let y = 2 then deny }");
        let names: Vec<&str> = rule
            .lets
            .iter()
            .map(|(name, _)| name.node.as_str())
            .collect();
        assert_eq!(names, ["x", "y"]);
        assert!(rule.cites.is_none() && rule.for_each.is_none());
    }

    #[test]
    fn missing_paths_stop_at_the_next_effect() {
        let rule =
            the_rule("stage s { rule A1 a then pend, missing a.b, c, offer x because \"m\" }");
        let effects = &rule.branches[0].effects;
        assert_eq!(effects.len(), 3);
        assert!(matches!(&effects[1].node, EffectKind::Missing { paths, .. } if paths.len() == 2));
        assert!(matches!(effects[2].node, EffectKind::Offer(_)));
    }

    #[test]
    fn effects_of_every_kind() {
        let rule = the_rule(
            r#"stage s { rule A1 a then redirect to {x}, caution "c {y}",
                 missing unknown among p.q, set guideline = g, deny }"#,
        );
        let effects: Vec<&EffectKind> = rule.branches[0].effects.iter().map(|e| &e.node).collect();
        assert!(matches!(
            effects[0],
            EffectKind::Outcome { to: Some(_), .. }
        ));
        assert!(matches!(effects[1], EffectKind::Caution(m) if m.parts.len() == 2));
        assert!(matches!(
            effects[2],
            EffectKind::Missing {
                unknown_among: true,
                ..
            }
        ));
        assert!(matches!(effects[3], EffectKind::Set { name, .. } if name.node == "guideline"));
        assert!(matches!(effects[4], EffectKind::Outcome { to: None, .. }));
    }

    #[test]
    fn messages_unescape_their_text() {
        let rule = the_rule(r#"stage s { rule A1 a then deny because "a\"b\{c\}" }"#);
        let message = rule.branches[0].because.as_ref().unwrap();
        assert_eq!(message.parts, [MessagePart::Text("a\"b{c}".into())]);
    }
}

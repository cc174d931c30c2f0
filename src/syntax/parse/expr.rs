//! Expressions: operator precedence (one Pratt parser over the operands,
//! operators and tests the grammar lists), and the operands themselves:
//! names, calls, table queries, quantifiers, `match`, sets, comprehensions
//! and literals.

use std::sync::OnceLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::Rule;
use super::error::SyntaxError;
use super::limits::{ExprWithDepth, bounded, tree_depth};
use super::pairs::{Children, ident, not_in_grammar, number_value, span, string};
use crate::syntax::ast::*;
use crate::syntax::span::Spanned;

/// The operators by precedence, lowest first.
fn operator_table() -> &'static PrattParser<Rule> {
    static TABLE: OnceLock<PrattParser<Rule>> = OnceLock::new();
    TABLE.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::postfix(Rule::if_known))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_is, Assoc::Left)
                | Op::infix(Rule::op_is_not, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_not_in, Assoc::Left)
                | Op::infix(Rule::op_has_any, Assoc::Left)
                | Op::infix(Rule::op_has_none, Assoc::Left)
                | Op::infix(Rule::op_has_all, Assoc::Left))
            .op(Op::postfix(Rule::is_known)
                | Op::postfix(Rule::is_not_known)
                | Op::postfix(Rule::is_present)
                | Op::postfix(Rule::is_absent)
                | Op::postfix(Rule::is_empty)
                | Op::postfix(Rule::is_not_empty))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

/// An `expr`'s tree (a pair of another rule is read as an operand), or the
/// error if it nests too deeply.
pub(super) fn expr(pair: Pair<Rule>) -> Result<Expr, SyntaxError> {
    if pair.as_rule() != Rule::expr {
        return primary(pair);
    }
    let inner = pair.into_inner();
    // Most expressions are one operand: no operators to order.
    if inner.len() == 1
        && let Some(only) = inner.peek()
    {
        return Ok(bounded_primary(only)?.expr);
    }
    operator_table()
        .map_primary(bounded_primary)
        .map_prefix(|op, operand| {
            let ExprWithDepth {
                expr: operand,
                depth,
            } = operand?;
            let whole = span(&op).to(operand.span);
            let op = match op.as_rule() {
                Rule::op_not => UnaryOp::Not,
                Rule::op_neg => UnaryOp::Neg,
                unexpected => not_in_grammar(Rule::expr, unexpected),
            };
            let operand = Box::new(operand);
            bounded(
                Spanned::new(ExprKind::Unary { op, operand }, whole),
                depth + 1,
            )
        })
        .map_postfix(|operand, op| {
            let ExprWithDepth {
                expr: operand,
                depth,
            } = operand?;
            let whole = operand.span.to(span(&op));
            let test = match op.as_rule() {
                Rule::is_known => TestOp::IsKnown,
                Rule::is_not_known => TestOp::IsNotKnown,
                Rule::is_present => TestOp::IsPresent,
                Rule::is_absent => TestOp::IsAbsent,
                Rule::is_empty => TestOp::IsEmpty,
                Rule::is_not_empty => TestOp::IsNotEmpty,
                Rule::if_known => TestOp::IfKnown,
                unexpected => not_in_grammar(Rule::expr, unexpected),
            };
            let operand = Box::new(operand);
            bounded(
                Spanned::new(ExprKind::Test { test, operand }, whole),
                depth + 1,
            )
        })
        .map_infix(|lhs, op, rhs| {
            // The left operand is built first, so its error is the first.
            let lhs = lhs?;
            let rhs = rhs?;
            let depth = lhs.depth.max(rhs.depth);
            let whole = lhs.expr.span.to(rhs.expr.span);
            let op = match op.as_rule() {
                Rule::op_or => BinaryOp::Or,
                Rule::op_and => BinaryOp::And,
                Rule::op_eq | Rule::op_is => BinaryOp::Eq,
                Rule::op_ne | Rule::op_is_not => BinaryOp::Ne,
                Rule::op_lt => BinaryOp::Lt,
                Rule::op_le => BinaryOp::Le,
                Rule::op_gt => BinaryOp::Gt,
                Rule::op_ge => BinaryOp::Ge,
                Rule::op_in => BinaryOp::In,
                Rule::op_not_in => BinaryOp::NotIn,
                Rule::op_has_any => BinaryOp::HasAny,
                Rule::op_has_none => BinaryOp::HasNone,
                Rule::op_has_all => BinaryOp::HasAll,
                Rule::op_add => BinaryOp::Add,
                Rule::op_sub => BinaryOp::Sub,
                Rule::op_mul => BinaryOp::Mul,
                Rule::op_div => BinaryOp::Div,
                unexpected => not_in_grammar(Rule::expr, unexpected),
            };
            let (lhs, rhs) = (Box::new(lhs.expr), Box::new(rhs.expr));
            bounded(
                Spanned::new(ExprKind::Binary { op, lhs, rhs }, whole),
                depth + 1,
            )
        })
        .parse(inner)
        .map(|built| built.expr)
}

/// A primary and its depth, or the error if it nests too deeply. Most
/// primaries are leaves, which need no walk.
fn bounded_primary(pair: Pair<Rule>) -> Result<ExprWithDepth, SyntaxError> {
    let primary = primary(pair)?;
    let depth = match primary.node {
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Path(_) => 1,
        _ => tree_depth(&primary),
    };
    bounded(primary, depth)
}

/// An operand: any of the alternatives of the grammar's `primary` and
/// `operand` (and a match arm's literal pattern).
fn primary(pair: Pair<Rule>) -> Result<Expr, SyntaxError> {
    let whole = span(&pair);
    let kind = match pair.as_rule() {
        Rule::expr => return expr(pair),
        Rule::operand => return primary(Children::of(pair).required_any()),
        Rule::named => return named(pair),
        Rule::number_lit => ExprKind::Number(number_value(pair.as_str())),
        Rule::string_lit => ExprKind::Str(string(Children::of(pair).required(Rule::string)).node),
        Rule::bool_lit => ExprKind::Bool(pair.as_str() == "true"),
        Rule::path => ExprKind::Path(pair.into_inner().map(ident).collect()),
        Rule::set_literal => ExprKind::Set(pair.into_inner().map(expr).collect::<Result<_, _>>()?),
        Rule::call => {
            let mut children = Children::of(pair);
            ExprKind::Call {
                name: ident(children.required(Rule::ident)),
                args: children.map(expr).collect::<Result<_, _>>()?,
            }
        }
        Rule::comprehension => {
            let mut children = Children::of(pair);
            ExprKind::Comprehension {
                item: Box::new(expr(children.required(Rule::expr))?),
                var: ident(children.required(Rule::ident)),
                list: Box::new(primary(children.required(Rule::operand))?),
                filter: children
                    .optional(Rule::expr)
                    .map(expr)
                    .transpose()?
                    .map(Box::new),
            }
        }
        Rule::quantifier => {
            let mut children = Children::of(pair);
            ExprKind::Quantifier {
                kind: match children.required(Rule::quantifier_kind).as_str() {
                    "any" => Quantifier::Any,
                    "all" => Quantifier::All,
                    "no" => Quantifier::No,
                    "count" => Quantifier::Count,
                    _ => unreachable!(
                        "the grammar rule `quantifier_kind` guarantees `any`, `all`, `no` or `count`"
                    ),
                },
                other: children.optional(Rule::other).is_some(),
                var: ident(children.required(Rule::ident)),
                list: Box::new(primary(children.required(Rule::operand))?),
                cond: children
                    .optional(Rule::expr)
                    .map(expr)
                    .transpose()?
                    .map(Box::new),
            }
        }
        Rule::match_expr => {
            let mut children = Children::of(pair);
            ExprKind::Match {
                value: Box::new(primary(children.required(Rule::operand))?),
                arms: children.map(match_arm).collect::<Result<_, _>>()?,
            }
        }
        unexpected => not_in_grammar(Rule::operand, unexpected),
    };
    Ok(Spanned::new(kind, whole))
}

/// `named`: a path, maybe applied to arguments (a call) or queried (a table
/// query).
fn named(pair: Pair<Rule>) -> Result<Expr, SyntaxError> {
    let mut children = Children::of(pair);
    // The pair's own span may run over trailing whitespace: take the path's,
    // and the tail's end.
    let head = children.required(Rule::path);
    let head_span = span(&head);
    let segments: Vec<Ident> = head.into_inner().map(ident).collect();
    let Some(tail) = children.next() else {
        return Ok(Spanned::new(ExprKind::Path(segments), head_span));
    };
    // Calls and queries name one thing: a dotted head is kept whole so the
    // checker reports it by its full name.
    let name = match segments.as_slice() {
        [one] => one.clone(),
        [first, .., last] => {
            let text: Vec<&str> = segments.iter().map(|s| s.node.as_str()).collect();
            Spanned::new(text.join("."), first.span.to(last.span))
        }
        [] => unreachable!("the grammar rule `path` guarantees a first name"),
    };
    let whole = head_span.to(span(&tail));
    let kind = match tail.as_rule() {
        Rule::call_args => ExprKind::Call {
            name,
            args: tail.into_inner().map(expr).collect::<Result<_, _>>()?,
        },
        Rule::query_tail => ExprKind::Query {
            table: name,
            tests: tail
                .into_inner()
                .map(query_test)
                .collect::<Result<_, _>>()?,
        },
        unexpected => not_in_grammar(Rule::named, unexpected),
    };
    Ok(Spanned::new(kind, whole))
}

/// `query_test`: `column is value` or `column in values`.
fn query_test(pair: Pair<Rule>) -> Result<QueryTest, SyntaxError> {
    let mut children = Children::of(pair);
    let column = ident(children.required(Rule::any_ident));
    let is_in = match children.required_any().as_rule() {
        Rule::query_in => true,
        Rule::query_is => false,
        unexpected => not_in_grammar(Rule::query_test, unexpected),
    };
    let value = primary(children.required(Rule::operand))?;
    Ok(QueryTest {
        column,
        is_in,
        value,
    })
}

/// `match_arm`: a pattern (`None` for `else`) and its result.
fn match_arm(pair: Pair<Rule>) -> Result<(Option<Expr>, Expr), SyntaxError> {
    let mut children = Children::of(pair);
    let written = children.required_any();
    let pattern = match written.as_rule() {
        Rule::match_else => None,
        Rule::any_ident => {
            let name = ident(written);
            let name_span = name.span;
            Some(Spanned::new(ExprKind::Path(vec![name]), name_span))
        }
        Rule::number_lit | Rule::string_lit | Rule::bool_lit => Some(primary(written)?),
        unexpected => not_in_grammar(Rule::match_arm, unexpected),
    };
    Ok((pattern, expr(children.required(Rule::expr))?))
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::*;
    use crate::syntax::parse_expr;

    #[test]
    fn precedence_of_and_over_or() {
        let e = parse_expr("a or b and c").unwrap();
        let ExprKind::Binary { op, rhs, .. } = e.node else {
            panic!()
        };
        assert_eq!(op, BinaryOp::Or);
        assert!(matches!(
            rhs.node,
            ExprKind::Binary {
                op: BinaryOp::And,
                ..
            }
        ));
    }

    #[test]
    fn comparison_binds_tighter_than_not() {
        let e = parse_expr("not a is b").unwrap();
        let ExprKind::Unary { operand, .. } = e.node else {
            panic!()
        };
        assert!(matches!(
            operand.node,
            ExprKind::Binary {
                op: BinaryOp::Eq,
                ..
            }
        ));
    }

    #[test]
    fn is_tests_are_postfix() {
        let e = parse_expr("member.age is not known or x is empty").unwrap();
        let ExprKind::Binary { lhs, rhs, .. } = e.node else {
            panic!()
        };
        assert!(matches!(
            lhs.node,
            ExprKind::Test {
                test: TestOp::IsNotKnown,
                ..
            }
        ));
        assert!(matches!(
            rhs.node,
            ExprKind::Test {
                test: TestOp::IsEmpty,
                ..
            }
        ));
    }

    #[test]
    fn if_known_wraps_a_comparison() {
        let e = parse_expr("member.gfr < LOW_GFR if known").unwrap();
        let ExprKind::Test { test, operand } = e.node else {
            panic!()
        };
        assert_eq!(test, TestOp::IfKnown);
        assert!(matches!(
            operand.node,
            ExprKind::Binary {
                op: BinaryOp::Lt,
                ..
            }
        ));
    }

    #[test]
    fn quantifier_with_other_and_where() {
        let e = parse_expr("any other l in order.lines where l.code.family is ct").unwrap();
        let ExprKind::Quantifier {
            kind, other, cond, ..
        } = e.node
        else {
            panic!()
        };
        assert_eq!(kind, Quantifier::Any);
        assert!(other);
        assert!(cond.is_some());
    }

    #[test]
    fn query_tests_are_joined_by_and() {
        let e = parse_expr("codes where family is ct and region in {head, chest}").unwrap();
        let ExprKind::Query { tests, .. } = e.node else {
            panic!()
        };
        assert_eq!(tests.len(), 2);
        assert!(tests[1].is_in);
    }

    #[test]
    fn keywords_do_not_swallow_names() {
        let e = parse_expr("ordered or andrew").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Binary {
                op: BinaryOp::Or,
                ..
            }
        ));
        let e = parse_expr("x is none").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Binary {
                op: BinaryOp::Eq,
                ..
            }
        ));
    }

    /// A call or query on a dotted name keeps the name whole, spanning its
    /// segments; the whole expression spans the name and its tail.
    #[test]
    fn dotted_calls_keep_their_full_name() {
        let e = parse_expr("a.b(c) ").unwrap();
        let ExprKind::Call { name, args } = &e.node else {
            panic!("{e:?}")
        };
        assert_eq!(name.node, "a.b");
        assert_eq!((name.span.start, name.span.end), (0, 3));
        assert_eq!((e.span.start, e.span.end), (0, 6));
        assert_eq!(args.len(), 1);
    }

    #[test]
    fn quantifiers_comprehensions_and_matches() {
        let e = parse_expr("count x in {1, 2} where x > 1").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Quantifier {
                kind: Quantifier::Count,
                other: false,
                ..
            }
        ));
        let e = parse_expr("{x.y for x in (z) where x}").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Comprehension {
                filter: Some(_),
                ..
            }
        ));
        let e =
            parse_expr("match c { with => {with}, 1 => 2, \"s\" => true, else => {} }").unwrap();
        let ExprKind::Match { arms, .. } = e.node else {
            panic!()
        };
        assert!(matches!(&arms[0].0, Some(p) if matches!(&p.node, ExprKind::Path(_))));
        assert!(matches!(&arms[1].0, Some(p) if p.node == ExprKind::Number(1.0)));
        assert!(matches!(&arms[2].0, Some(p) if p.node == ExprKind::Str("s".into())));
        assert!(arms[3].0.is_none());
    }

    #[test]
    fn arithmetic_is_left_associative_with_negation_innermost() {
        let e = parse_expr("- 3 * 4 - 1").unwrap();
        let ExprKind::Binary { op, lhs, .. } = e.node else {
            panic!()
        };
        assert_eq!(op, BinaryOp::Sub);
        let ExprKind::Binary { op, lhs, .. } = lhs.node else {
            panic!()
        };
        assert_eq!(op, BinaryOp::Mul);
        assert!(matches!(
            lhs.node,
            ExprKind::Unary {
                op: UnaryOp::Neg,
                ..
            }
        ));
    }
}

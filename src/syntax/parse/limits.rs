//! How deeply expressions may nest, checked twice: in the text, before pest
//! recurses into brackets and runs of prefix operators, and in the tree, as
//! the Pratt parser builds operator chains and tests (which pest reads
//! without recursion, so only the tree shows their depth).
//!
//! A too-deep expression is an error the tree builder returns: every builder
//! function gives a `Result`, and the first error found stops the build.

use super::error::SyntaxError;
use crate::syntax::ast::{Expr, ExprKind};
use crate::syntax::span::Span;

/// How deeply expressions may nest (brackets, prefix operators, operator
/// chains): far beyond any policy a person writes, well within the stack of
/// the recursive stages that follow.
pub(super) const MAX_NESTING: usize = 200;

/// The error for `what` nesting too deeply at `start..end`.
fn too_deep(start: usize, end: usize, what: &str) -> SyntaxError {
    SyntaxError {
        message: format!("{what} nests more than {MAX_NESTING} levels deep"),
        span: Span::new(start, end),
        label: "too deep".into(),
        help: Some("split it with `define`s or `let`s".into()),
        at_end: false,
    }
}

/// Rejects text whose brackets or runs of prefix operators nest too deeply,
/// before the parser recurses into them. Strings and comments are skipped.
pub(super) fn check_nesting(source: &str) -> Result<(), SyntaxError> {
    let bytes = source.as_bytes();
    let (mut bracket_depth, mut prefix_run) = (0usize, 0usize);
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' | b'[' => {
                bracket_depth += 1;
                if bracket_depth > MAX_NESTING {
                    return Err(too_deep(at, at + 1, "this bracket"));
                }
            }
            b')' | b'}' | b']' => bracket_depth = bracket_depth.saturating_sub(1),
            b'-' => {
                prefix_run += 1;
                if prefix_run > MAX_NESTING {
                    return Err(too_deep(at, at + 1, "this run of operators"));
                }
            }
            b'n' if source[at..].starts_with("not")
                && bytes
                    .get(at + 3)
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
                && (at == 0
                    || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_')) =>
            {
                prefix_run += 1;
                if prefix_run > MAX_NESTING {
                    return Err(too_deep(at, at + 3, "this run of operators"));
                }
                at += 2;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => prefix_run = 0,
        }
        at += 1;
    }
    Ok(())
}

/// An expression and how deep its tree is (a leaf is 1 deep).
pub(super) struct ExprWithDepth {
    /// The expression.
    pub(super) expr: Expr,
    /// Its depth.
    pub(super) depth: usize,
}

/// `expr`, whose tree is `depth` deep, or the error if that is too deep.
pub(super) fn bounded(expr: Expr, depth: usize) -> Result<ExprWithDepth, SyntaxError> {
    if depth <= MAX_NESTING {
        return Ok(ExprWithDepth { expr, depth });
    }
    let span = expr.span;
    Err(too_deep(
        span.start as usize,
        span.end as usize,
        "this expression",
    ))
}

/// The depth of an expression tree, counted without recursion.
pub(super) fn tree_depth(root: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        let below = depth + 1;
        match &node.node {
            ExprKind::Unary { operand, .. } | ExprKind::Test { operand, .. } => {
                stack.push((&**operand, below))
            }
            ExprKind::Binary { lhs, rhs, .. } => stack.extend([(&**lhs, below), (&**rhs, below)]),
            ExprKind::Set(items) | ExprKind::Call { args: items, .. } => {
                stack.extend(items.iter().map(|item| (item, below)))
            }
            ExprKind::Comprehension {
                item, list, filter, ..
            } => {
                stack.extend([(&**item, below), (&**list, below)]);
                stack.extend(filter.as_deref().map(|filter| (filter, below)));
            }
            ExprKind::Quantifier { list, cond, .. } => {
                stack.push((&**list, below));
                stack.extend(cond.as_deref().map(|cond| (cond, below)));
            }
            ExprKind::Query { tests, .. } => {
                stack.extend(tests.iter().map(|test| (&test.value, below)))
            }
            ExprKind::Match { value, arms } => {
                stack.push((&**value, below));
                for (pattern, result) in arms {
                    stack.extend(pattern.as_ref().map(|pattern| (pattern, below)));
                    stack.push((result, below));
                }
            }
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Path(_) => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::UnaryOp;
    use crate::syntax::parse_expr;
    use crate::syntax::span::Spanned;

    #[test]
    fn text_nesting_up_to_the_limit_passes() {
        let brackets = format!("{}a{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert_eq!(check_nesting(&brackets), Ok(()));
        let nots = format!("{}a", "not ".repeat(MAX_NESTING));
        assert_eq!(check_nesting(&nots), Ok(()));
        // Strings and comments do not count, nor do words that contain `not`.
        let quoted = format!("\"{}\" # {}\n", "(".repeat(500), "{".repeat(500));
        assert_eq!(check_nesting(&quoted), Ok(()));
        assert_eq!(check_nesting(&"knot nota ".repeat(500)), Ok(()));
        // Closing brackets end the depth they count.
        assert_eq!(check_nesting(&"(a) ".repeat(500)), Ok(()));
    }

    #[test]
    fn text_nesting_past_the_limit_is_an_error_at_the_bracket() {
        let brackets = format!("{}a", "{".repeat(MAX_NESTING + 1));
        let error = check_nesting(&brackets).unwrap_err();
        assert_eq!(
            error.message,
            "this bracket nests more than 200 levels deep"
        );
        assert_eq!(error.span, Span::new(MAX_NESTING, MAX_NESTING + 1));
        assert_eq!(error.label, "too deep");
        assert!(!error.at_end);
        let nots = format!("{}a", "not ".repeat(MAX_NESTING + 1));
        let error = check_nesting(&nots).unwrap_err();
        assert_eq!(
            error.message,
            "this run of operators nests more than 200 levels deep"
        );
        assert_eq!(error.span, Span::new(4 * MAX_NESTING, 4 * MAX_NESTING + 3));
    }

    #[test]
    fn tree_depth_counts_levels() {
        let leaf = || Spanned::new(ExprKind::Bool(true), Span::new(0, 4));
        assert_eq!(tree_depth(&leaf()), 1);
        let mut expr = leaf();
        for _ in 0..9 {
            expr = Spanned::new(
                ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(expr),
                },
                Span::new(0, 4),
            );
        }
        assert_eq!(tree_depth(&expr), 10);
        let set = Spanned::new(ExprKind::Set(vec![leaf(), expr]), Span::new(0, 4));
        assert_eq!(tree_depth(&set), 11);
    }

    #[test]
    fn bounded_keeps_a_shallow_tree_and_rejects_a_deep_one() {
        let leaf = Spanned::new(ExprKind::Bool(true), Span::new(3, 7));
        let kept = bounded(leaf.clone(), MAX_NESTING).ok().unwrap();
        assert_eq!((kept.expr, kept.depth), (leaf.clone(), MAX_NESTING));
        let error = bounded(leaf, MAX_NESTING + 1).err().unwrap();
        assert_eq!(
            error.message,
            "this expression nests more than 200 levels deep"
        );
        assert_eq!(error.span, Span::new(3, 7));
    }

    /// Nesting that would exhaust the stack of the recursive stages is an
    /// error, not a crash.
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let parens = format!("{}a{}", "(".repeat(5_000), ")".repeat(5_000));
        assert!(
            parse_expr(&parens)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let chain = format!("a{}", " and a".repeat(100_000));
        assert!(
            parse_expr(&chain)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let nots = format!("{}a", "not ".repeat(5_000));
        assert!(
            parse_expr(&nots)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let tests = format!("a{}", " is known".repeat(5_000));
        assert!(
            parse_expr(&tests)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        // Nesting a person writes is fine, and strings and comments do not count.
        let fine = format!("{}a{} and \"(((((\"", "(".repeat(50), ")".repeat(50));
        assert!(parse_expr(&fine).is_ok());
        assert!(parse_expr("not not a is known and -(-(1)) < 2").is_ok());
    }

    /// The first expression found too deep is the one reported: here, the
    /// first of two long chains.
    #[test]
    fn the_first_too_deep_expression_is_reported() {
        let chain = format!("a{}", " and a".repeat(MAX_NESTING));
        let error = parse_expr(&format!("f({chain}, {chain})")).unwrap_err();
        assert_eq!(
            error.message,
            "this expression nests more than 200 levels deep"
        );
        assert_eq!(error.span, Span::new(2, 2 + chain.len()));
    }
}

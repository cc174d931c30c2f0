//! The typing rules of the binary operators:
//!
//! | operators | operands | result |
//! |---|---|---|
//! | `and` `or` | two bools | bool |
//! | `+` `-` `*` `/` | two numbers | number |
//! | `<` `<=` `>` `>=` | two numbers | bool |
//! | `is` `is not` (`==` `!=`) | two values of one type | bool |
//! | `in` `not in` | a value and a list of its type | bool |
//! | `has any of` `has none of` `has all of` | two lists of one type | bool |
//!
//! For the last three rows, one operand gives the other its type: the left,
//! unless only the right knows its own (`medicare in member.plans`).

use super::Checker;
use super::expr::node;
use crate::eval::program::{ArithOp, CmpOp, Node, NodeKind, SetOp, Type};
use crate::syntax::ast::{self, BinaryOp};
use crate::syntax::span::Span;

impl Checker<'_> {
    /// `lhs op rhs`, compiled, and its type.
    pub(crate) fn binary_operation(
        &mut self,
        op: BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> (Node, Type) {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let lhs = Box::new(self.condition(lhs));
                let rhs = Box::new(self.condition(rhs));
                let kind = if op == BinaryOp::And {
                    NodeKind::And(lhs, rhs)
                } else {
                    NodeKind::Or(lhs, rhs)
                };
                (node(kind, span), Type::Bool)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let lhs = Box::new(self.expect_type(lhs, &Type::Number));
                let rhs = Box::new(self.expect_type(rhs, &Type::Number));
                let arith = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Sub => ArithOp::Sub,
                    BinaryOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                (node(NodeKind::Arith(arith, lhs, rhs), span), Type::Number)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let lhs = Box::new(self.expect_type(lhs, &Type::Number));
                let rhs = Box::new(self.expect_type(rhs, &Type::Number));
                let comparison = match op {
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                (node(NodeKind::Cmp(comparison, lhs, rhs), span), Type::Bool)
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                let (lhs, rhs) = self.paired_operands(lhs, rhs, Type::clone, Type::clone);
                let comparison = if op == BinaryOp::Eq {
                    CmpOp::Eq
                } else {
                    CmpOp::Ne
                };
                let kind = NodeKind::Cmp(comparison, Box::new(lhs), Box::new(rhs));
                (node(kind, span), Type::Bool)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let (lhs, rhs) = self.paired_operands(
                    lhs,
                    rhs,
                    |item| Type::List(Box::new(item.clone())),
                    |list| match list {
                        Type::List(item) => (**item).clone(),
                        _ => Type::Any,
                    },
                );
                let kind = NodeKind::In(op == BinaryOp::NotIn, Box::new(lhs), Box::new(rhs));
                (node(kind, span), Type::Bool)
            }
            BinaryOp::HasAny | BinaryOp::HasNone | BinaryOp::HasAll => {
                let (lhs, rhs) = self.paired_operands(lhs, rhs, Type::clone, Type::clone);
                let set_test = match op {
                    BinaryOp::HasAny => SetOp::Any,
                    BinaryOp::HasNone => SetOp::None,
                    _ => SetOp::All,
                };
                let kind = NodeKind::Set(set_test, Box::new(lhs), Box::new(rhs));
                (node(kind, span), Type::Bool)
            }
        }
    }

    /// Checks two operands where one gives the other its type. `rhs_of`
    /// turns the left type into what the right must be; `lhs_of` the reverse.
    fn paired_operands(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        rhs_of: impl Fn(&Type) -> Type,
        lhs_of: impl Fn(&Type) -> Type,
    ) -> (Node, Node) {
        if self.takes_type_from_context(lhs) && !self.takes_type_from_context(rhs) {
            let (rhs_node, rhs_ty) = self.expr(rhs, None);
            let wanted = lhs_of(&rhs_ty);
            let (lhs_node, lhs_ty) = self.expr(lhs, Some(&wanted));
            self.require_type(&lhs_ty, &wanted, lhs.span);
            (lhs_node, rhs_node)
        } else {
            let (lhs_node, lhs_ty) = self.expr(lhs, None);
            let wanted = rhs_of(&lhs_ty);
            let (rhs_node, rhs_ty) = self.expr(rhs, Some(&wanted));
            self.require_type(&rhs_ty, &wanted, rhs.span);
            (lhs_node, rhs_node)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{error_of, type_of};

    #[test]
    fn and_or_take_two_bools_and_give_a_bool() {
        assert_eq!(type_of("member.adult and grown").unwrap(), "bool");
        assert_eq!(type_of("member.adult or grown").unwrap(), "bool");
    }

    #[test]
    fn and_rejects_a_number() {
        assert_eq!(
            error_of("member.adult and member.age"),
            "expected bool, found number"
        );
    }

    #[test]
    fn and_rejects_a_list_with_advice() {
        assert_eq!(
            error_of("order.codes and grown"),
            "expected bool, found list of code"
        );
    }

    #[test]
    fn arithmetic_takes_two_numbers_and_gives_a_number() {
        for op in ["+", "-", "*", "/"] {
            assert_eq!(
                type_of(&format!("member.age {op} 1")).unwrap(),
                "number",
                "{op}"
            );
        }
    }

    #[test]
    fn arithmetic_rejects_a_text() {
        assert_eq!(
            error_of("member.age + member.name"),
            "expected number, found text"
        );
    }

    #[test]
    fn ordering_takes_two_numbers_and_gives_a_bool() {
        for op in ["<", "<=", ">", ">="] {
            assert_eq!(
                type_of(&format!("member.age {op} 1")).unwrap(),
                "bool",
                "{op}"
            );
        }
    }

    #[test]
    fn ordering_rejects_a_vocabulary_value() {
        assert_eq!(error_of("member.plan < 1"), "expected number, found plan");
    }

    #[test]
    fn equality_takes_two_values_of_one_type() {
        for op in ["is", "is not", "==", "!="] {
            assert_eq!(
                type_of(&format!("member.age {op} 18")).unwrap(),
                "bool",
                "{op}"
            );
        }
    }

    #[test]
    fn equality_rejects_values_of_two_types() {
        assert_eq!(
            error_of("member.age is true"),
            "expected number, found bool"
        );
    }

    #[test]
    fn equality_gives_a_bare_name_the_vocabulary_of_either_side() {
        assert_eq!(type_of("medicare is member.plan").unwrap(), "bool");
        assert_eq!(
            error_of("member.plan is dental"),
            "`dental` is not a value of `plan`"
        );
    }

    #[test]
    fn equality_checks_a_string_against_the_format() {
        assert_eq!(
            error_of("any c in order.codes where c is \"123\""),
            "`123` is not a valid `code`"
        );
    }

    #[test]
    fn membership_takes_a_value_and_a_list_of_its_type() {
        assert_eq!(
            type_of("member.plan in {medicare, commercial}").unwrap(),
            "bool"
        );
        assert_eq!(type_of("medicare not in member.implants").unwrap(), "bool");
    }

    #[test]
    fn membership_rejects_a_list_of_another_type() {
        assert_eq!(
            error_of("member.age in {1, true}"),
            "expected number, found bool"
        );
        assert_eq!(
            error_of("member.age in PLANS"),
            "expected list of number, found list of plan"
        );
    }

    #[test]
    fn set_tests_take_two_lists_of_one_type() {
        for op in ["has any of", "has none of", "has all of"] {
            let expr = format!("member.implants {op} {{medicare}}");
            assert_eq!(type_of(&expr).unwrap(), "bool", "{op}");
        }
    }

    #[test]
    fn set_tests_reject_lists_of_two_types() {
        assert_eq!(
            error_of("member.implants has any of order.codes"),
            "expected list of plan, found list of code"
        );
    }
}

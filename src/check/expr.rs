//! Expressions: each form's typing rule and its compilation to a [`Node`].
//! Bare names and strings take their meaning from the other side of a
//! comparison (`member.plan in {medicare, medicare_advantage}`), so checking
//! passes down the type expected, if any.

use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::{Global, Node, NodeKind, Type, Value};
use crate::syntax::ast::{self, ExprKind, Quantifier, TestOp, UnaryOp};
use crate::syntax::span::{Ident, Span};

/// A compiled node.
pub(super) fn node(kind: NodeKind, span: Span) -> Node {
    Node::new(kind, span)
}

/// What an expression with an error compiles to: unknown, of any type, so
/// that checking goes on without a second error.
pub(super) fn error_node(span: Span) -> (Node, Type) {
    (node(NodeKind::Const(Value::Unknown), span), Type::Any)
}

/// Whether a value of type `found` may stand where `expected` is wanted:
/// the same type, a text where any text is wanted (or any text where a
/// format is), lists whose items fit, and anything against `Any`.
pub(crate) fn type_fits(found: &Type, expected: &Type) -> bool {
    match (found, expected) {
        (Type::Any, _) | (_, Type::Any) => true,
        (Type::Text(found), Type::Text(expected)) => {
            found.is_none() || expected.is_none() || found == expected
        }
        (Type::List(found), Type::List(expected)) => type_fits(found, expected),
        (found, expected) => found == expected,
    }
}

impl Checker<'_> {
    /// An expression that must be a condition.
    pub(crate) fn condition(&mut self, expr: &ast::Expr) -> Node {
        self.expect_type(expr, &Type::Bool)
    }

    /// An expression that must be of type `ty`.
    pub(crate) fn expect_type(&mut self, expr: &ast::Expr, ty: &Type) -> Node {
        let (compiled, found) = self.expr(expr, Some(ty));
        self.require_type(&found, ty, expr.span);
        compiled
    }

    /// Reports a type mismatch at `span` unless `found` fits `expected`.
    pub(crate) fn require_type(&mut self, found: &Type, expected: &Type, span: Span) {
        if !type_fits(found, expected) {
            let help = match (found, expected) {
                (Type::List(_), Type::Bool) => Some("to test a list, use `is empty`, `has any of` or a quantifier (`any x in list where ...`)".into()),
                (Type::Bool, Type::List(_)) => Some("a set is written `{a, b}`".into()),
                _ => None,
            };
            self.report(CheckError::TypeMismatch {
                expected: self.program.type_name(expected),
                found: self.program.type_name(found),
                span,
                help,
            });
        }
    }

    /// Codes for `to` and `offer`: a text or a list of texts, always a list.
    pub(crate) fn code_list(&mut self, expr: &ast::Expr) -> Node {
        let (compiled, ty) = self.expr(expr, None);
        match ty {
            Type::List(item) if matches!(*item, Type::Text(_) | Type::Any) => compiled,
            Type::Text(_) => {
                let span = compiled.span;
                node(NodeKind::List(vec![compiled]), span)
            }
            Type::Any => compiled,
            other => {
                self.report(CheckError::TypeMismatch {
                    expected: "a code or a set of codes".into(),
                    found: self.program.type_name(&other),
                    span: expr.span,
                    help: None,
                });
                compiled
            }
        }
    }

    /// Checks and compiles an expression. `expected` gives bare names and
    /// strings their vocabulary.
    pub(crate) fn expr(&mut self, expr: &ast::Expr, expected: Option<&Type>) -> (Node, Type) {
        let span = expr.span;
        match &expr.node {
            ExprKind::Number(number) => (
                node(NodeKind::Const(Value::Num(*number)), span),
                Type::Number,
            ),
            ExprKind::Bool(truth) => (node(NodeKind::Const(Value::Bool(*truth)), span), Type::Bool),
            ExprKind::Str(text) => self.string_literal(text, span, expected),
            ExprKind::Path(segments) => self.resolve_path(segments, span, expected),
            ExprKind::Set(items) => self.set_literal(items, span, expected),
            ExprKind::Call { name, args } => self.define_call(name, args, span),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => {
                    let operand = self.condition(operand);
                    (node(NodeKind::Not(Box::new(operand)), span), Type::Bool)
                }
                UnaryOp::Neg => {
                    let operand = self.expect_type(operand, &Type::Number);
                    (node(NodeKind::Neg(Box::new(operand)), span), Type::Number)
                }
            },
            ExprKind::Binary { op, lhs, rhs } => self.binary_operation(*op, lhs, rhs, span),
            ExprKind::Test { test, operand } => self.test_operation(*test, operand, span),
            ExprKind::Quantifier {
                kind,
                other,
                var,
                list,
                cond,
            } => self.quantifier(*kind, *other, var, list, cond.as_deref(), span),
            ExprKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => self.comprehension(item, var, list, filter.as_deref(), span, expected),
            ExprKind::Query { table, tests } => self.table_query(table, tests, span),
            ExprKind::Match { value, arms } => self.match_expr(value, arms, span, expected),
        }
    }

    /// `"text"`: a value of the vocabulary or format expected, else a text.
    fn string_literal(&mut self, text: &str, span: Span, expected: Option<&Type>) -> (Node, Type) {
        match expected {
            Some(Type::Enum(vocabulary)) => {
                let value = self.enum_value(*vocabulary, text, span);
                (node(NodeKind::Const(value), span), Type::Enum(*vocabulary))
            }
            Some(Type::Text(format)) => {
                let value = self.text_value(*format, text, span);
                (node(NodeKind::Const(value), span), Type::Text(*format))
            }
            _ => {
                let value = Value::Sym(self.program.syms.intern(text));
                (node(NodeKind::Const(value), span), Type::Text(None))
            }
        }
    }

    /// `X is known`, `X is empty`, `X if known`, ...: a bool. `is empty`
    /// tests a list; `if known` a condition; the others any value.
    fn test_operation(&mut self, test: TestOp, operand: &ast::Expr, span: Span) -> (Node, Type) {
        let (compiled, ty) = match test {
            TestOp::IfKnown => (self.condition(operand), Type::Bool),
            _ => self.expr(operand, None),
        };
        if matches!(test, TestOp::IsEmpty | TestOp::IsNotEmpty)
            && !matches!(ty, Type::List(_) | Type::Any)
        {
            self.report(CheckError::TypeMismatch {
                expected: "a list".into(),
                found: self.program.type_name(&ty),
                span: operand.span,
                help: Some("`is empty` tests a list or set".into()),
            });
        }
        (
            node(NodeKind::Test(test, Box::new(compiled)), span),
            Type::Bool,
        )
    }

    /// `any [other] x in L where C`, `all ...`, `no ...`: a bool; `count ...`:
    /// a number. `all` and `no` need the condition; `other` needs a `for
    /// each` rule over the same list.
    fn quantifier(
        &mut self,
        kind: Quantifier,
        other: bool,
        variable: &Ident,
        list: &ast::Expr,
        cond: Option<&ast::Expr>,
        span: Span,
    ) -> (Node, Type) {
        let (list_node, item_ty) = self.list_operand(list);
        let skip = if other {
            let over_the_lines = matches!(
                (&list_node.kind, &self.program.lines),
                (NodeKind::Fact(fact), Some(lines)) if *fact == lines.fact
            );
            match self.for_each_slot {
                Some(slot) if over_the_lines => Some(slot),
                _ => {
                    self.report(CheckError::OtherWithoutForEach { span });
                    None
                }
            }
        } else {
            None
        };
        let slot = self.new_local_slot();
        self.scopes.push(vec![(
            variable.node.clone(),
            Local::Variable { slot, ty: item_ty },
        )]);
        let cond = cond.map(|cond| Box::new(self.condition(cond)));
        self.scopes.pop();
        if cond.is_none() && matches!(kind, Quantifier::All | Quantifier::No) {
            self.report(CheckError::QuantifierWithoutCondition { span });
        }
        let ty = if kind == Quantifier::Count {
            Type::Number
        } else {
            Type::Bool
        };
        let compiled = NodeKind::Quantifier {
            kind,
            var: slot,
            list: Box::new(list_node),
            cond,
            skip,
        };
        (node(compiled, span), ty)
    }

    /// `{ITEM for x in L where C}`: a list of the item's type.
    fn comprehension(
        &mut self,
        item: &ast::Expr,
        variable: &Ident,
        list: &ast::Expr,
        filter: Option<&ast::Expr>,
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let (list_node, item_ty) = self.list_operand(list);
        let slot = self.new_local_slot();
        self.scopes.push(vec![(
            variable.node.clone(),
            Local::Variable { slot, ty: item_ty },
        )]);
        let filter = filter.map(|filter| Box::new(self.condition(filter)));
        let expected_item = match expected {
            Some(Type::List(item)) => Some((**item).clone()),
            _ => None,
        };
        let (item_node, out_ty) = self.expr(item, expected_item.as_ref());
        self.scopes.pop();
        let compiled = NodeKind::Comprehension {
            item: Box::new(item_node),
            var: slot,
            list: Box::new(list_node),
            filter,
        };
        (node(compiled, span), Type::List(Box::new(out_ty)))
    }

    /// `match V { P => R, else => R }`: each pattern a value of V's type,
    /// every result of one type (the expected one, else the first result's).
    fn match_expr(
        &mut self,
        value: &ast::Expr,
        arms: &[(Option<ast::Expr>, ast::Expr)],
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let (value_node, value_ty) = self.expr(value, None);
        let mut compiled = Vec::new();
        let mut result_ty: Option<Type> = expected.cloned();
        for (pattern, result) in arms {
            let pattern_value = pattern.as_ref().map(|pattern| {
                let (pattern_node, _) = self.expr(pattern, Some(&value_ty));
                match pattern_node.kind {
                    NodeKind::Const(value) => value,
                    _ => {
                        self.report(CheckError::NonValuePattern { span: pattern.span });
                        Value::Unknown
                    }
                }
            });
            let (result_node, ty) = self.expr(result, result_ty.as_ref());
            match &result_ty {
                Some(result_ty) => self.require_type(&ty, result_ty, result.span),
                None => result_ty = Some(ty),
            }
            compiled.push((pattern_value, result_node));
        }
        (
            node(NodeKind::Match(Box::new(value_node), compiled), span),
            result_ty.unwrap_or(Type::Any),
        )
    }

    /// A list a quantifier or comprehension ranges over, and its item type.
    fn list_operand(&mut self, list: &ast::Expr) -> (Node, Type) {
        let (compiled, ty) = self.expr(list, None);
        match ty {
            Type::List(item) => (compiled, *item),
            Type::Any => (compiled, Type::Any),
            other => {
                self.report(CheckError::TypeMismatch {
                    expected: "a list".into(),
                    found: self.program.type_name(&other),
                    span: list.span,
                    help: None,
                });
                (compiled, Type::Any)
            }
        }
    }

    /// `{a, b}`: a list of one item type (the expected one, else the first
    /// item's that knows its own). A set of values is a constant list.
    fn set_literal(
        &mut self,
        items: &[ast::Expr],
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let mut item_ty: Option<Type> = match expected {
            Some(Type::List(item)) if **item != Type::Any => Some((**item).clone()),
            _ => None,
        };
        // Infer from the first item that knows its own type.
        if item_ty.is_none()
            && let Some(first) = items
                .iter()
                .find(|item| !self.takes_type_from_context(item))
        {
            let (_, ty) = self.expr(first, None);
            item_ty = Some(ty);
        }
        let mut nodes = Vec::new();
        for item in items {
            let (compiled, ty) = self.expr(item, item_ty.as_ref());
            match &item_ty {
                Some(expected) => self.require_type(&ty, expected, item.span),
                None => item_ty = Some(ty),
            }
            nodes.push(compiled);
        }
        let ty = Type::List(Box::new(item_ty.unwrap_or(Type::Any)));
        let all_const: Option<Vec<Value>> = nodes
            .iter()
            .map(|compiled| match compiled.kind {
                NodeKind::Const(value) if !matches!(value, Value::List(_)) => Some(value),
                _ => None,
            })
            .collect();
        match all_const {
            Some(values) => {
                let id = self.program.const_lists.len() as u32;
                self.program.const_lists.push(values);
                (node(NodeKind::Const(Value::List(id)), span), ty)
            }
            None => (node(NodeKind::List(nodes), span), ty),
        }
    }

    /// `TABLE where COLUMN is V and COLUMN in {...}`: the keys of the rows
    /// that match, a list of the key format.
    fn table_query(&mut self, table: &Ident, tests: &[ast::QueryTest], span: Span) -> (Node, Type) {
        self.program.used.insert(table.node.clone());
        let Some(Global::Table(id)) = self.program.globals.get(&table.node).cloned() else {
            let tables: Vec<&str> = self
                .program
                .tables
                .iter()
                .map(|table| table.name.as_str())
                .collect();
            let help = suggestion(&table.node, tables)
                .or_else(|| Some("declare it with `table NAME from \"file.csv\" { ... }`".into()));
            self.report(CheckError::UnknownName {
                name: table.node.clone(),
                span: table.span,
                help,
            });
            return error_node(span);
        };
        let mut compiled = Vec::new();
        for test in tests {
            let columns = &self.program.tables[id as usize].columns;
            let Some(column) = columns
                .iter()
                .position(|column| column.name == test.column.node)
            else {
                let help = suggestion(
                    &test.column.node,
                    columns.iter().map(|column| column.name.as_str()),
                );
                self.report(CheckError::UnknownField {
                    owner: format!("table {}", table.node),
                    field: test.column.node.clone(),
                    span: test.column.span,
                    help,
                });
                continue;
            };
            let column_ty = columns[column].ty.clone();
            let wanted = if test.is_in {
                Type::List(Box::new(column_ty))
            } else {
                column_ty
            };
            let value = self.expect_type(&test.value, &wanted);
            compiled.push((column as u32, test.is_in, value));
        }
        let key_format = self.program.tables[id as usize].key_format;
        (
            node(
                NodeKind::Query {
                    table: id,
                    tests: compiled,
                },
                span,
            ),
            Type::List(Box::new(Type::Text(Some(key_format)))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::type_fits;
    use crate::check::testing::{error_of, type_of};
    use crate::eval::program::Type;

    fn list(item: Type) -> Type {
        Type::List(Box::new(item))
    }

    #[test]
    fn a_type_fits_itself() {
        assert!(type_fits(&Type::Number, &Type::Number));
    }

    #[test]
    fn a_number_does_not_fit_a_bool() {
        assert!(!type_fits(&Type::Number, &Type::Bool));
    }

    #[test]
    fn anything_fits_any_and_any_fits_anything() {
        assert!(type_fits(&Type::Any, &Type::Enum(0)) && type_fits(&Type::Record(0), &Type::Any));
    }

    #[test]
    fn plain_text_and_a_format_fit_each_other() {
        assert!(type_fits(&Type::Text(None), &Type::Text(Some(0))));
        assert!(type_fits(&Type::Text(Some(0)), &Type::Text(None)));
    }

    #[test]
    fn two_formats_do_not_fit_each_other() {
        assert!(!type_fits(&Type::Text(Some(0)), &Type::Text(Some(1))));
    }

    #[test]
    fn lists_fit_when_their_items_fit() {
        assert!(type_fits(&list(Type::Any), &list(Type::Enum(0))));
        assert!(!type_fits(&list(Type::Enum(0)), &list(Type::Enum(1))));
    }

    #[test]
    fn literals_have_their_own_types() {
        assert_eq!(type_of("18").unwrap(), "number");
        assert_eq!(type_of("true").unwrap(), "bool");
        assert_eq!(type_of("\"x\"").unwrap(), "text");
    }

    #[test]
    fn not_takes_a_condition() {
        assert_eq!(type_of("not member.adult").unwrap(), "bool");
        assert_eq!(error_of("not member.age"), "expected bool, found number");
    }

    #[test]
    fn minus_takes_a_number() {
        assert_eq!(type_of("-member.age").unwrap(), "number");
        assert_eq!(error_of("-member.adult"), "expected number, found bool");
    }

    #[test]
    fn a_test_is_a_bool() {
        assert_eq!(type_of("member.age is known").unwrap(), "bool");
        assert_eq!(type_of("member.adult if known").unwrap(), "bool");
    }

    #[test]
    fn is_empty_tests_a_list() {
        assert_eq!(type_of("order.codes is empty").unwrap(), "bool");
        assert_eq!(
            error_of("member.age is empty"),
            "expected a list, found number"
        );
    }

    #[test]
    fn any_all_and_no_are_bools_and_count_a_number() {
        assert_eq!(
            type_of("any c in order.codes where c is \"70551\"").unwrap(),
            "bool"
        );
        assert_eq!(
            type_of("count c in order.codes where c is \"70551\"").unwrap(),
            "number"
        );
    }

    #[test]
    fn a_quantifier_ranges_over_a_list() {
        assert_eq!(
            error_of("any x in member.age where x > 1"),
            "expected a list, found number"
        );
    }

    #[test]
    fn all_needs_a_condition() {
        assert_eq!(
            error_of("all c in order.codes"),
            "`all` and `no` need a condition"
        );
    }

    #[test]
    fn other_needs_a_for_each_rule() {
        assert_eq!(
            error_of("any other l in order.lines where l.code is \"70551\""),
            "`other` needs a `for each` rule over the same list"
        );
    }

    #[test]
    fn a_comprehension_is_a_list_of_its_item_type() {
        assert_eq!(
            type_of("{l.code for l in order.lines}").unwrap(),
            "list of code"
        );
    }

    #[test]
    fn a_set_takes_the_type_of_its_first_typed_item() {
        assert_eq!(type_of("{1, 2}").unwrap(), "list of number");
        assert_eq!(error_of("{1, true}"), "expected number, found bool");
    }

    #[test]
    fn a_match_has_the_type_of_its_results() {
        assert_eq!(
            type_of("match member.plan { medicare => 1, else => 2 }").unwrap(),
            "number"
        );
        assert_eq!(
            error_of("match member.plan { medicare => 1, else => true }"),
            "expected number, found bool"
        );
    }

    #[test]
    fn a_match_pattern_must_be_a_value() {
        assert_eq!(
            error_of("match member.adult { grown => 1, else => 2 }"),
            "a match pattern must be a value"
        );
    }

    #[test]
    fn a_query_is_a_list_of_the_key_format() {
        assert_eq!(
            type_of("codes where modality is MRI").unwrap(),
            "list of code"
        );
    }

    #[test]
    fn a_query_tests_the_table_columns() {
        assert_eq!(
            error_of("codes where region is MRI"),
            "`table codes` has no field `region`"
        );
    }
}

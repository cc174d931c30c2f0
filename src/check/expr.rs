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

//! Expressions: name resolution, types, vocabulary values, and compilation to
//! [`Node`]s. Bare names and strings take their meaning from the other side
//! of a comparison (`member.plan in {medicare, medicare_advantage}`).

use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::*;
use crate::syntax::ast::{self, BinaryOp, ExprKind, Quantifier, TestOp, UnaryOp};
use crate::syntax::span::Span;

fn node(kind: NodeKind, span: Span) -> Node {
    Node::new(kind, span)
}

fn error_node(span: Span) -> (Node, Type) {
    (node(NodeKind::Const(Value::Unknown), span), Type::Any)
}

/// Whether `found` may stand where `expected` is wanted.
pub(crate) fn fits(found: &Type, expected: &Type) -> bool {
    match (found, expected) {
        (Type::Any, _) | (_, Type::Any) => true,
        (Type::Text(a), Type::Text(b)) => a.is_none() || b.is_none() || a == b,
        (Type::List(a), Type::List(b)) => fits(a, b),
        (a, b) => a == b,
    }
}

impl Checker<'_> {
    /// An expression that must be a condition.
    pub(crate) fn condition(&mut self, e: &ast::Expr) -> Node {
        self.expect_type(e, &Type::Bool)
    }

    /// An expression that must be of type `ty`.
    pub(crate) fn expect_type(&mut self, e: &ast::Expr, ty: &Type) -> Node {
        let (n, found) = self.expr(e, Some(ty));
        self.require(&found, ty, e.span);
        n
    }

    fn require(&mut self, found: &Type, expected: &Type, span: Span) {
        if !fits(found, expected) {
            let help = match (found, expected) {
                (Type::List(_), Type::Bool) => Some("to test a list, use `is empty`, `has any of` or a quantifier (`any x in list where ...`)".into()),
                (Type::Bool, Type::List(_)) => Some("a set is written `{a, b}`".into()),
                _ => None,
            };
            self.error(CheckError::TypeMismatch {
                expected: self.program.type_name(expected),
                found: self.program.type_name(found),
                span,
                help,
            });
        }
    }

    /// Codes for `to` and `offer`: a text or a list of texts, always a list.
    pub(crate) fn codes(&mut self, e: &ast::Expr) -> Node {
        let (n, ty) = self.expr(e, None);
        match ty {
            Type::List(item) if matches!(*item, Type::Text(_) | Type::Any) => n,
            Type::Text(_) => {
                let span = n.span;
                node(NodeKind::List(vec![n]), span)
            }
            Type::Any => n,
            other => {
                self.error(CheckError::TypeMismatch {
                    expected: "a code or a set of codes".into(),
                    found: self.program.type_name(&other),
                    span: e.span,
                    help: None,
                });
                n
            }
        }
    }

    /// Whether an expression takes its type from context (a bare name that
    /// is not declared, a string, or a set of those).
    fn contextual(&self, e: &ast::Expr) -> bool {
        match &e.node {
            ExprKind::Str(_) => true,
            ExprKind::Path(p) if p.len() == 1 => {
                let name = &p[0].node;
                self.lookup_local(name).is_none()
                    && !self.program.globals.contains_key(name)
                    && !self.define_pending.contains_key(name)
                    && !self.define_active.iter().any(|n| n == name)
                    && !self.program.fact_slots.contains_key(name)
            }
            ExprKind::Set(items) => items.iter().all(|i| self.contextual(i)),
            _ => false,
        }
    }

    /// Checks and compiles an expression. `expected` gives bare names and
    /// strings their vocabulary.
    pub(crate) fn expr(&mut self, e: &ast::Expr, expected: Option<&Type>) -> (Node, Type) {
        let span = e.span;
        match &e.node {
            ExprKind::Number(n) => (node(NodeKind::Const(Value::Num(*n)), span), Type::Number),
            ExprKind::Bool(b) => (node(NodeKind::Const(Value::Bool(*b)), span), Type::Bool),
            ExprKind::Str(s) => match expected {
                Some(Type::Enum(en)) => {
                    let v = self.enum_value(*en, s, span);
                    (node(NodeKind::Const(v), span), Type::Enum(*en))
                }
                Some(Type::Text(f)) => {
                    let v = self.text_value(*f, s, span);
                    (node(NodeKind::Const(v), span), Type::Text(*f))
                }
                _ => {
                    let v = Value::Sym(self.program.syms.intern(s));
                    (node(NodeKind::Const(v), span), Type::Text(None))
                }
            },
            ExprKind::Path(segments) => self.path(segments, span, expected),
            ExprKind::Set(items) => self.set_literal(items, span, expected),
            ExprKind::Call { name, args } => self.call(name, args, span),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => {
                    let n = self.condition(operand);
                    (node(NodeKind::Not(Box::new(n)), span), Type::Bool)
                }
                UnaryOp::Neg => {
                    let n = self.expect_type(operand, &Type::Number);
                    (node(NodeKind::Neg(Box::new(n)), span), Type::Number)
                }
            },
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            ExprKind::Test { test, operand } => {
                let (n, ty) = match test {
                    TestOp::IfKnown => {
                        let n = self.condition(operand);
                        (n, Type::Bool)
                    }
                    _ => self.expr(operand, None),
                };
                if matches!(test, TestOp::IsEmpty | TestOp::IsNotEmpty)
                    && !matches!(ty, Type::List(_) | Type::Any)
                {
                    self.error(CheckError::TypeMismatch {
                        expected: "a list".into(),
                        found: self.program.type_name(&ty),
                        span: operand.span,
                        help: Some("`is empty` tests a list or set".into()),
                    });
                }
                (node(NodeKind::Test(*test, Box::new(n)), span), Type::Bool)
            }
            ExprKind::Quantifier {
                kind,
                other,
                var,
                list,
                cond,
            } => {
                let (list_node, item) = self.list_operand(list);
                let skip = if *other {
                    let same_list = matches!(
                        (&list_node.kind, &self.program.lines),
                        (NodeKind::Fact(f), Some(lines)) if *f == lines.fact
                    );
                    match self.for_each {
                        Some(slot) if same_list => Some(slot),
                        _ => {
                            self.error(CheckError::BadEffect {
                                message: "`other` needs a `for each` rule over the same list"
                                    .into(),
                                span,
                                help: Some(
                                    "`any other l in order.lines` skips the line the rule is at"
                                        .into(),
                                ),
                            });
                            None
                        }
                    }
                } else {
                    None
                };
                let slot = self.new_local();
                self.scopes
                    .push(vec![(var.node.clone(), Local::Var(slot, item))]);
                let cond = cond.as_ref().map(|c| Box::new(self.condition(c)));
                self.scopes.pop();
                if cond.is_none() && matches!(kind, Quantifier::All | Quantifier::No) {
                    self.error(CheckError::Declaration {
                        message: "`all` and `no` need a condition".into(),
                        span,
                        help: Some("write `all x in list where CONDITION`".into()),
                    });
                }
                let ty = if *kind == Quantifier::Count {
                    Type::Number
                } else {
                    Type::Bool
                };
                let n = NodeKind::Quantifier {
                    kind: *kind,
                    var: slot,
                    list: Box::new(list_node),
                    cond,
                    skip,
                };
                (node(n, span), ty)
            }
            ExprKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                let (list_node, item_ty) = self.list_operand(list);
                let slot = self.new_local();
                self.scopes
                    .push(vec![(var.node.clone(), Local::Var(slot, item_ty))]);
                let filter = filter.as_ref().map(|f| Box::new(self.condition(f)));
                let expected_item = match expected {
                    Some(Type::List(t)) => Some((**t).clone()),
                    _ => None,
                };
                let (item_node, out_ty) = self.expr(item, expected_item.as_ref());
                self.scopes.pop();
                let n = NodeKind::Comprehension {
                    item: Box::new(item_node),
                    var: slot,
                    list: Box::new(list_node),
                    filter,
                };
                (node(n, span), Type::List(Box::new(out_ty)))
            }
            ExprKind::Query { table, tests } => self.query(table, tests, span),
            ExprKind::Match { value, arms } => {
                let (value_node, value_ty) = self.expr(value, None);
                let mut compiled = Vec::new();
                let mut result_ty: Option<Type> = expected.cloned();
                for (pattern, result) in arms {
                    let pattern_value = pattern.as_ref().map(|p| {
                        let (pn, _) = self.expr(p, Some(&value_ty));
                        match pn.kind {
                            NodeKind::Const(v) => v,
                            _ => {
                                self.error(CheckError::Declaration {
                                    message: "a match pattern must be a value".into(),
                                    span: p.span,
                                    help: None,
                                });
                                Value::Unknown
                            }
                        }
                    });
                    let (rn, rt) = self.expr(result, result_ty.as_ref());
                    match &result_ty {
                        Some(t) => self.require(&rt, t, result.span),
                        None => result_ty = Some(rt),
                    }
                    compiled.push((pattern_value, rn));
                }
                (
                    node(NodeKind::Match(Box::new(value_node), compiled), span),
                    result_ty.unwrap_or(Type::Any),
                )
            }
        }
    }

    /// A list a quantifier or comprehension ranges over, and its item type.
    fn list_operand(&mut self, list: &ast::Expr) -> (Node, Type) {
        let (n, ty) = self.expr(list, None);
        match ty {
            Type::List(item) => (n, *item),
            Type::Any => (n, Type::Any),
            other => {
                self.error(CheckError::TypeMismatch {
                    expected: "a list".into(),
                    found: self.program.type_name(&other),
                    span: list.span,
                    help: None,
                });
                (n, Type::Any)
            }
        }
    }

    fn path(
        &mut self,
        segments: &[crate::syntax::span::Ident],
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let Some(first) = segments.first() else {
            return error_node(span);
        };
        let name = first.node.as_str();
        // Locals, lets, globals, then facts (longest declared prefix).
        let (mut n, mut ty, mut rest) = if let Some(local) = self.lookup_local(name) {
            match local {
                Local::Var(slot, ty) => {
                    (node(NodeKind::Local(slot), first.span), ty, &segments[1..])
                }
                Local::Let(id, ty) => (node(NodeKind::Let(id), first.span), ty, &segments[1..]),
            }
        } else if let Some(global) = self.global(name, first.span) {
            (global.0, global.1, &segments[1..])
        } else if let Some((slot, used)) = self.fact_prefix(segments) {
            let end = segments[used - 1].span;
            let ty = self.program.facts[slot as usize].spec.ty.clone();
            (
                node(NodeKind::Fact(slot), first.span.to(end)),
                ty,
                &segments[used..],
            )
        } else if segments.len() == 1 {
            return match expected {
                Some(Type::Enum(e)) => {
                    let v = self.enum_value(*e, name, span);
                    (node(NodeKind::Const(v), span), Type::Enum(*e))
                }
                Some(Type::List(item)) if matches!(**item, Type::Enum(_)) => {
                    let Type::Enum(e) = **item else {
                        return error_node(span);
                    };
                    let v = self.enum_value(e, name, span);
                    (node(NodeKind::Const(v), span), Type::Enum(e))
                }
                _ => {
                    let help = self.name_suggestion(name);
                    self.error(CheckError::UnknownName {
                        name: name.to_string(),
                        span,
                        help,
                    });
                    error_node(span)
                }
            };
        } else {
            let joined: Vec<&str> = segments.iter().map(|s| s.node.as_str()).collect();
            let joined = joined.join(".");
            let is_group = self
                .program
                .fact_slots
                .keys()
                .any(|k| k.starts_with(&format!("{joined}.")));
            let help = if is_group {
                Some(format!(
                    "`{joined}` is a group of facts; name one of its facts"
                ))
            } else {
                suggestion(&joined, self.program.fact_slots.keys().map(String::as_str))
            };
            self.error(CheckError::UnknownFact {
                path: joined,
                span,
                help,
            });
            return error_node(span);
        };
        while let Some(seg) = rest.first() {
            rest = &rest[1..];
            let field_span = n.span.to(seg.span);
            match &ty {
                Type::Record(r) => {
                    let rec = &self.program.records[*r as usize];
                    match rec.fields.iter().position(|f| f.name == seg.node) {
                        Some(i) => {
                            ty = rec.fields[i].spec.ty.clone();
                            n = node(NodeKind::Field(Box::new(n), i as u32), field_span);
                        }
                        None => {
                            let mut names: Vec<&str> =
                                rec.fields.iter().map(|f| f.name.as_str()).collect();
                            let mut help = None;
                            for f in &rec.fields {
                                if let Type::Text(Some(fmt)) = f.spec.ty
                                    && let Some(t) = self.program.formats[fmt as usize].table
                                    && self.program.tables[t as usize]
                                        .columns
                                        .iter()
                                        .any(|c| c.name == seg.node)
                                {
                                    help = Some(format!(
                                        "the table column is `{}.{}.{}`",
                                        segments[0].node, f.name, seg.node
                                    ));
                                }
                            }
                            names.sort_unstable();
                            let owner = rec.name.clone();
                            let help =
                                help.or_else(|| suggestion(&seg.node, names.iter().copied()));
                            self.error(CheckError::UnknownField {
                                owner,
                                field: seg.node.clone(),
                                span: seg.span,
                                help,
                            });
                            return error_node(span);
                        }
                    }
                }
                Type::Text(Some(fmt)) if self.program.formats[*fmt as usize].table.is_some() => {
                    let t = self.program.formats[*fmt as usize].table.unwrap_or(0);
                    let table = &self.program.tables[t as usize];
                    match table.columns.iter().position(|c| c.name == seg.node) {
                        Some(c) => {
                            ty = table.columns[c].ty.clone();
                            n = node(
                                NodeKind::Column {
                                    key: Box::new(n),
                                    table: t,
                                    column: c as u32,
                                },
                                field_span,
                            );
                        }
                        None => {
                            let owner = format!("table {}", table.name);
                            let help = suggestion(
                                &seg.node,
                                table.columns.iter().map(|c| c.name.as_str()),
                            );
                            self.error(CheckError::UnknownField {
                                owner,
                                field: seg.node.clone(),
                                span: seg.span,
                                help,
                            });
                            return error_node(span);
                        }
                    }
                }
                Type::Any => return error_node(span),
                other => {
                    let owner = self.program.type_name(other);
                    self.error(CheckError::UnknownField {
                        owner,
                        field: seg.node.clone(),
                        span: seg.span,
                        help: Some("only records and table keys have fields".into()),
                    });
                    return error_node(span);
                }
            }
        }
        (n, ty)
    }

    /// The longest prefix of `segments` that is a declared fact: its slot and
    /// how many segments it takes. (The dotted prefixes are built in a buffer
    /// kept for the purpose: most paths are facts, and this runs for each.)
    fn fact_prefix(&mut self, segments: &[crate::syntax::span::Ident]) -> Option<(u32, usize)> {
        let mut joined = std::mem::take(&mut self.path_buffer);
        joined.clear();
        let mut best = None;
        for (i, s) in segments.iter().enumerate() {
            if i > 0 {
                joined.push('.');
            }
            joined.push_str(&s.node);
            if let Some(&slot) = self.program.fact_slots.get(&joined) {
                best = Some((slot, i + 1));
            }
        }
        self.path_buffer = joined;
        best
    }

    fn global(&mut self, name: &str, span: Span) -> Option<(Node, Type)> {
        if self.define_active.iter().any(|n| n == name) {
            self.error(CheckError::Cycle {
                name: name.to_string(),
                span,
            });
            return Some(error_node(span));
        }
        // Each name is looked up once in each map: this runs for every path.
        // A checked definition is a global too, so only a global may be one.
        let global = self.program.globals.contains_key(name);
        let pending = self.define_pending.contains_key(name);
        if (global || pending) && !self.program.used.contains(name) {
            self.program.used.insert(name.to_string());
        }
        if pending || (global && self.define_done.contains_key(name)) {
            let id = self.define(name, span)?;
            let def = &self.program.defines[id as usize];
            if !def.params.is_empty() {
                let expected = def.params.len();
                self.error(CheckError::Arity {
                    name: name.to_string(),
                    expected,
                    found: 0,
                    span,
                });
                return Some(error_node(span));
            }
            let ty = def.ty.clone();
            return Some((node(NodeKind::Call(id, Vec::new()), span), ty));
        }
        if !global {
            return None;
        }
        match self.program.globals.get(name)? {
            Global::Const(v, t) | Global::Set(v, t) => {
                Some((node(NodeKind::Const(*v), span), t.clone()))
            }
            Global::Table(_) => {
                self.error(CheckError::TypeMismatch {
                    expected: "a value".into(),
                    found: format!("table `{name}`"),
                    span,
                    help: Some(format!("query it: `{name} where COLUMN is VALUE`")),
                });
                Some(error_node(span))
            }
            Global::Define(_) => None,
        }
    }

    fn name_suggestion(&self, name: &str) -> Option<String> {
        let mut names: Vec<&str> = self.program.globals.keys().map(String::as_str).collect();
        names.extend(self.define_pending.keys().map(String::as_str));
        names.extend(self.scopes.iter().flatten().map(|(n, _)| n.as_str()));
        let vocab: Vec<&str> = self
            .program
            .enums
            .iter()
            .flat_map(|e| e.values.iter())
            .filter_map(|s| self.program.syms.resolve(*s))
            .collect();
        suggestion(name, names.iter().copied()).or_else(|| {
            if vocab.contains(&name) {
                Some(format!("`{name}` is a vocabulary value; compare it with a fact (`x is {name}`) so its vocabulary is known"))
            } else {
                suggestion(name, vocab)
            }
        })
    }

    /// Checks a definition (on first use), returning its index.
    pub(crate) fn define(&mut self, name: &str, span: Span) -> Option<u32> {
        if let Some(&id) = self.define_done.get(name) {
            return Some(id);
        }
        if self.define_active.iter().any(|n| n == name) {
            self.error(CheckError::Cycle {
                name: name.to_string(),
                span,
            });
            return None;
        }
        let def = self.define_pending.remove(name)?;
        self.define_active.push(name.to_string());
        // A definition sees only its parameters and the globals.
        let saved_scopes = std::mem::take(&mut self.scopes);
        let saved_for_each = self.for_each.take();
        let mut params = Vec::new();
        let mut types = Vec::new();
        let mut scope = Vec::new();
        for p in &def.params {
            let slot = self.new_local();
            let ty = self.value_spec(&p.ty).ty;
            params.push(slot);
            types.push(ty.clone());
            scope.push((p.name.node.clone(), Local::Var(slot, ty)));
        }
        self.scopes.push(scope);
        let declared = def.ty.as_ref().map(|t| self.value_spec(t).ty);
        let (body, found) = self.expr(&def.body, declared.as_ref());
        let ty = match declared {
            Some(declared) => {
                self.require(&found, &declared, def.body.span);
                declared
            }
            None => found,
        };
        self.scopes = saved_scopes;
        self.for_each = saved_for_each;
        self.define_active.pop();
        let id = self.program.defines.len() as u32;
        self.program.defines.push(Define {
            name: name.to_string(),
            params,
            param_types: types,
            body,
            ty,
            span: def.name.span,
        });
        self.program
            .globals
            .insert(name.to_string(), Global::Define(id));
        self.define_done.insert(name.to_string(), id);
        Some(id)
    }

    fn call(
        &mut self,
        name: &crate::syntax::span::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> (Node, Type) {
        let known = self.define_pending.contains_key(&name.node)
            || self.define_done.contains_key(&name.node);
        if !known {
            let mut names: Vec<&str> = self.define_pending.keys().map(String::as_str).collect();
            names.extend(self.define_done.keys().map(String::as_str));
            let help = suggestion(&name.node, names);
            self.error(CheckError::UnknownName {
                name: name.node.clone(),
                span: name.span,
                help,
            });
            return error_node(span);
        }
        if !self.program.used.contains(&name.node) {
            self.program.used.insert(name.node.clone());
        }
        let Some(id) = self.define(&name.node, name.span) else {
            return error_node(span);
        };
        let param_slots = self.program.defines[id as usize].params.clone();
        let ty = self.program.defines[id as usize].ty.clone();
        if param_slots.len() != args.len() {
            self.error(CheckError::Arity {
                name: name.node.clone(),
                expected: param_slots.len(),
                found: args.len(),
                span,
            });
            return error_node(span);
        }
        // Parameter types: find each slot's declared type from the AST-free
        // record kept on the define's first use.
        let param_types = self.program.defines[id as usize].param_types.clone();
        let mut compiled = Vec::new();
        for (arg, pty) in args.iter().zip(param_types) {
            compiled.push(self.expect_type(arg, &pty));
        }
        (node(NodeKind::Call(id, compiled), span), ty)
    }

    fn set_literal(
        &mut self,
        items: &[ast::Expr],
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let mut item_ty: Option<Type> = match expected {
            Some(Type::List(t)) if **t != Type::Any => Some((**t).clone()),
            _ => None,
        };
        // Infer from the first item that knows its own type.
        if item_ty.is_none()
            && let Some(first) = items.iter().find(|i| !self.contextual(i))
        {
            let (_, t) = self.expr(first, None);
            item_ty = Some(t);
        }
        let mut nodes = Vec::new();
        for i in items {
            let (n, t) = self.expr(i, item_ty.as_ref());
            match &item_ty {
                Some(expected) => self.require(&t, expected, i.span),
                None => item_ty = Some(t),
            }
            nodes.push(n);
        }
        let ty = Type::List(Box::new(item_ty.unwrap_or(Type::Any)));
        let all_const: Option<Vec<Value>> = nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Const(v) if !matches!(v, Value::List(_)) => Some(v),
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

    fn query(
        &mut self,
        table: &crate::syntax::span::Ident,
        tests: &[ast::QueryTest],
        span: Span,
    ) -> (Node, Type) {
        self.program.used.insert(table.node.clone());
        let Some(Global::Table(t)) = self.program.globals.get(&table.node).cloned() else {
            let tables: Vec<&str> = self
                .program
                .tables
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            let help = suggestion(&table.node, tables)
                .or_else(|| Some("declare it with `table NAME from \"file.csv\" { ... }`".into()));
            self.error(CheckError::UnknownName {
                name: table.node.clone(),
                span: table.span,
                help,
            });
            return error_node(span);
        };
        let mut compiled = Vec::new();
        for test in tests {
            let columns = &self.program.tables[t as usize].columns;
            let Some(c) = columns.iter().position(|c| c.name == test.column.node) else {
                let help = suggestion(&test.column.node, columns.iter().map(|c| c.name.as_str()));
                self.error(CheckError::UnknownField {
                    owner: format!("table {}", table.node),
                    field: test.column.node.clone(),
                    span: test.column.span,
                    help,
                });
                continue;
            };
            let col_ty = columns[c].ty.clone();
            let want = if test.is_in {
                Type::List(Box::new(col_ty))
            } else {
                col_ty
            };
            let n = self.expect_type(&test.value, &want);
            compiled.push((c as u32, test.is_in, n));
        }
        let key = self.program.tables[t as usize].key_format;
        (
            node(
                NodeKind::Query {
                    table: t,
                    tests: compiled,
                },
                span,
            ),
            Type::List(Box::new(Type::Text(Some(key)))),
        )
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
    ) -> (Node, Type) {
        let b = |x: Node| Box::new(x);
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.condition(lhs);
                let r = self.condition(rhs);
                let kind = if op == BinaryOp::And {
                    NodeKind::And(b(l), b(r))
                } else {
                    NodeKind::Or(b(l), b(r))
                };
                (node(kind, span), Type::Bool)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let l = self.expect_type(lhs, &Type::Number);
                let r = self.expect_type(rhs, &Type::Number);
                let aop = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Sub => ArithOp::Sub,
                    BinaryOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                (node(NodeKind::Arith(aop, b(l), b(r)), span), Type::Number)
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let l = self.expect_type(lhs, &Type::Number);
                let r = self.expect_type(rhs, &Type::Number);
                let cop = match op {
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                (node(NodeKind::Cmp(cop, b(l), b(r)), span), Type::Bool)
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                let (l, r) = self.pair(lhs, rhs, |t| t.clone(), |t| t.clone());
                let cop = if op == BinaryOp::Eq {
                    CmpOp::Eq
                } else {
                    CmpOp::Ne
                };
                (node(NodeKind::Cmp(cop, b(l), b(r)), span), Type::Bool)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let (l, r) = self.pair(
                    lhs,
                    rhs,
                    |item| Type::List(Box::new(item.clone())),
                    |list| match list {
                        Type::List(item) => (**item).clone(),
                        _ => Type::Any,
                    },
                );
                (
                    node(NodeKind::In(op == BinaryOp::NotIn, b(l), b(r)), span),
                    Type::Bool,
                )
            }
            BinaryOp::HasAny | BinaryOp::HasNone | BinaryOp::HasAll => {
                let (l, r) = self.pair(lhs, rhs, |t| t.clone(), |t| t.clone());
                let sop = match op {
                    BinaryOp::HasAny => SetOp::Any,
                    BinaryOp::HasNone => SetOp::None,
                    _ => SetOp::All,
                };
                (node(NodeKind::Set(sop, b(l), b(r)), span), Type::Bool)
            }
        }
    }

    /// Checks two operands where one gives the other its type. `rhs_of`
    /// turns the left type into what the right must be; `lhs_of` the reverse.
    fn pair(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        rhs_of: impl Fn(&Type) -> Type,
        lhs_of: impl Fn(&Type) -> Type,
    ) -> (Node, Node) {
        if self.contextual(lhs) && !self.contextual(rhs) {
            let (r, rt) = self.expr(rhs, None);
            let want = lhs_of(&rt);
            let (l, lt) = self.expr(lhs, Some(&want));
            self.require(&lt, &want, lhs.span);
            (l, r)
        } else {
            let (l, lt) = self.expr(lhs, None);
            let want = rhs_of(&lt);
            let (r, rt) = self.expr(rhs, Some(&want));
            self.require(&rt, &want, rhs.span);
            (l, r)
        }
    }
}

//! `impossible-value`: a comparison with a value the compared thing can
//! never have. A number outside a fact's declared range (`member.age > 200`
//! when ages run from 0 to 150), a whole-number fact compared with a
//! fraction, a code the code table does not have (`line.code is "76367"`),
//! a column value no row holds (`line.code.family is pet_mri`), a table
//! lookup no row can match.

use std::sync::Arc;

use super::hash::{Map, Set};
use super::{Finding, SourceFile, snippet};
use crate::diag::suggestion;
use crate::eval::format_number;
use crate::eval::program::{CmpOp, Global, Node, NodeKind, Program, Table, Type, Value, ValueSpec};
use crate::syntax::ast::Quantifier;
use crate::syntax::span::Span;

const LINT: &str = "impossible-value";

/// What values a compared expression can have.
enum Domain {
    /// A number in a range.
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
        what: String,
    },
    /// A key of a table.
    Key(u32, String),
    /// A column of a table.
    Column(u32, u32),
    /// Anything.
    Any,
}

struct Walker<'a> {
    source: &'a Arc<SourceFile>,
    program: &'a Program,
    out: &'a mut Vec<Finding>,
    flagged: Set<Span>,
    lets_seen: Set<u32>,
    named_sets: Set<u32>,
    /// Per (table, column), the values its rows hold.
    column_values: Map<(u32, u32), Vec<Value>>,
    /// The rule being walked (`rule ID name`).
    anchor: Option<Span>,
}

/// Reports impossible comparisons; returns the spans reported.
pub(crate) fn check(
    source: &Arc<SourceFile>,
    program: &Program,
    out: &mut Vec<Finding>,
) -> Set<Span> {
    let named_sets = program
        .globals
        .values()
        .filter_map(|g| match g {
            Global::Set(Value::List(id), _) => Some(*id),
            _ => None,
        })
        .collect();
    let mut w = Walker {
        source,
        program,
        out,
        flagged: Set::default(),
        lets_seen: Set::default(),
        named_sets,
        column_values: Map::default(),
        anchor: None,
    };
    let line_item =
        program
            .lines
            .as_ref()
            .and_then(|l| match &program.facts.get(l.fact as usize)?.spec.ty {
                Type::List(item) => Some((**item).clone()),
                _ => None,
            });
    for rule in &program.rules {
        w.anchor = Some(super::rule_header(&source.text, rule.span));
        let mut locals: Map<u32, Type> = Map::default();
        if let (Some(slot), Some(item)) = (rule.for_each, &line_item) {
            locals.insert(slot, item.clone());
        }
        if let Some(n) = &rule.when {
            w.walk(n, &mut locals);
        }
        for b in &rule.branches {
            for n in b.cond.iter().chain(b.to.iter()) {
                w.walk(n, &mut locals);
            }
            for e in &b.effects {
                match e {
                    crate::eval::program::Effect::Offer(n)
                    | crate::eval::program::Effect::Set(_, n) => w.walk(n, &mut locals),
                    _ => {}
                }
            }
        }
    }
    w.anchor = None;
    for def in &program.defines {
        let mut locals: Map<u32, Type> = def
            .params
            .iter()
            .copied()
            .zip(def.param_types.iter().cloned())
            .collect();
        w.walk(&def.body, &mut locals);
    }
    w.flagged
}

impl Walker<'_> {
    fn walk(&mut self, n: &Node, locals: &mut Map<u32, Type>) {
        match &n.kind {
            NodeKind::Cmp(op, a, b) => {
                match (&a.kind, &b.kind) {
                    (NodeKind::Const(_), NodeKind::Const(_)) => {}
                    (_, NodeKind::Const(v)) => self.compare(n, a, *op, &[*v], false, locals),
                    (NodeKind::Const(v), _) => self.compare(n, b, flip(*op), &[*v], false, locals),
                    _ => {}
                }
                self.walk(a, locals);
                self.walk(b, locals);
            }
            NodeKind::In(_, item, list) => {
                if let NodeKind::Const(Value::List(id)) = list.kind
                    && !matches!(item.kind, NodeKind::Const(_))
                {
                    let values = self
                        .program
                        .const_lists
                        .get(id as usize)
                        .cloned()
                        .unwrap_or_default();
                    let named = self.named_sets.contains(&id);
                    self.compare(n, item, CmpOp::Eq, &values, named, locals);
                }
                self.walk(item, locals);
                self.walk(list, locals);
            }
            NodeKind::Query { table, tests } => {
                self.query(n, *table, tests);
                for (_, _, v) in tests {
                    self.walk(v, locals);
                }
            }
            NodeKind::Let(id) => {
                if self.lets_seen.insert(*id)
                    && let Some(body) = self.program.lets.get(*id as usize)
                {
                    self.walk(body, locals);
                }
            }
            NodeKind::Quantifier {
                var, list, cond, ..
            } => {
                self.walk(list, locals);
                if let Some(Type::List(item)) = self.ty(list, locals) {
                    locals.insert(*var, *item);
                }
                if let Some(c) = cond {
                    self.walk(c, locals);
                }
            }
            NodeKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                self.walk(list, locals);
                if let Some(Type::List(it)) = self.ty(list, locals) {
                    locals.insert(*var, *it);
                }
                if let Some(f) = filter {
                    self.walk(f, locals);
                }
                self.walk(item, locals);
            }
            NodeKind::Field(x, _)
            | NodeKind::Column { key: x, .. }
            | NodeKind::Not(x)
            | NodeKind::Neg(x)
            | NodeKind::Test(_, x) => self.walk(x, locals),
            NodeKind::And(a, b)
            | NodeKind::Or(a, b)
            | NodeKind::Set(_, a, b)
            | NodeKind::Arith(_, a, b) => {
                self.walk(a, locals);
                self.walk(b, locals);
            }
            NodeKind::List(items) | NodeKind::Call(_, items) => {
                items.iter().for_each(|i| self.walk(i, locals));
            }
            NodeKind::Match(v, arms) => {
                self.walk(v, locals);
                arms.iter().for_each(|(_, r)| self.walk(r, locals));
            }
            NodeKind::Const(_) | NodeKind::Fact(_) | NodeKind::Local(_) => {}
        }
    }

    /// The type of an expression, as far as the lint needs it.
    fn ty(&self, n: &Node, locals: &Map<u32, Type>) -> Option<Type> {
        match &n.kind {
            NodeKind::Fact(s) => Some(self.program.facts.get(*s as usize)?.spec.ty.clone()),
            NodeKind::Local(s) => locals.get(s).cloned(),
            NodeKind::Field(..) => Some(self.spec(n, locals)?.ty),
            NodeKind::Let(id) => self.ty(self.program.lets.get(*id as usize)?, locals),
            NodeKind::Column { table, column, .. } => Some(
                self.program
                    .tables
                    .get(*table as usize)?
                    .columns
                    .get(*column as usize)?
                    .ty
                    .clone(),
            ),
            NodeKind::Query { table, .. } => {
                let t = self.program.tables.get(*table as usize)?;
                Some(Type::List(Box::new(Type::Text(Some(t.key_format)))))
            }
            NodeKind::Call(id, _) => Some(self.program.defines.get(*id as usize)?.ty.clone()),
            _ => None,
        }
    }

    /// The declared spec of a fact or record field.
    fn spec(&self, n: &Node, locals: &Map<u32, Type>) -> Option<ValueSpec> {
        match &n.kind {
            NodeKind::Fact(s) => Some(self.program.facts.get(*s as usize)?.spec.clone()),
            NodeKind::Field(base, i) => {
                let Some(Type::Record(r)) = self.ty(base, locals) else {
                    return None;
                };
                Some(
                    self.program
                        .records
                        .get(r as usize)?
                        .fields
                        .get(*i as usize)?
                        .spec
                        .clone(),
                )
            }
            _ => None,
        }
    }

    fn domain(&self, n: &Node, locals: &Map<u32, Type>) -> Domain {
        let what = snippet(&self.source.text, n.span);
        match &n.kind {
            NodeKind::Column { table, column, .. } => Domain::Column(*table, *column),
            NodeKind::Quantifier {
                kind: Quantifier::Count,
                ..
            } => Domain::Number {
                min: Some(0.0),
                max: None,
                integer: true,
                what,
            },
            NodeKind::Let(id) => match self.program.lets.get(*id as usize) {
                Some(body) => self.domain(body, locals),
                None => Domain::Any,
            },
            _ => match self.spec(n, locals) {
                Some(spec) => match spec.ty {
                    Type::Number => Domain::Number {
                        min: spec.min,
                        max: spec.max,
                        integer: spec.integer,
                        what,
                    },
                    Type::Text(Some(f)) => {
                        match self.program.formats.get(f as usize).and_then(|f| f.table) {
                            Some(t) => Domain::Key(t, what),
                            None => Domain::Any,
                        }
                    }
                    _ => Domain::Any,
                },
                None => Domain::Any,
            },
        }
    }

    fn column_values(&mut self, table: u32, column: u32) -> &[Value] {
        let program = self.program;
        self.column_values
            .entry((table, column))
            .or_insert_with(|| {
                let mut values: Vec<Value> = Vec::new();
                if let Some(t) = program.tables.get(table as usize) {
                    for row in &t.rows {
                        if let Some(v) = row.get(column as usize)
                            && *v != Value::Absent
                            && !values.contains(v)
                        {
                            values.push(*v);
                        }
                    }
                }
                values
            })
    }

    /// `term op value` for each of `values` (an `in` compares with each).
    fn compare(
        &mut self,
        whole: &Node,
        term: &Node,
        op: CmpOp,
        values: &[Value],
        named_set: bool,
        locals: &Map<u32, Type>,
    ) {
        let program = self.program;
        let show = |v: &Value| match v {
            Value::Num(n) => format_number(*n),
            Value::Sym(s) => program.syms.resolve(*s).unwrap_or("?").to_string(),
            Value::Bool(b) => b.to_string(),
            _ => "?".into(),
        };
        match self.domain(term, locals) {
            Domain::Number {
                min,
                max,
                integer,
                what,
            } => {
                for v in values {
                    let Value::Num(x) = *v else { continue };
                    let below = min.is_some_and(|m| x < m);
                    let above = max.is_some_and(|m| x > m);
                    let fraction =
                        integer && x.fract() != 0.0 && matches!(op, CmpOp::Eq | CmpOp::Ne);
                    if !(below || above || fraction) {
                        continue;
                    }
                    let range = match (min, max) {
                        (Some(a), Some(b)) => {
                            format!("from {} to {}", format_number(a), format_number(b))
                        }
                        (Some(a), None) => format!("at least {}", format_number(a)),
                        (None, Some(b)) => format!("at most {}", format_number(b)),
                        (None, None) => "a whole number".into(),
                    };
                    let message = if fraction && !(below || above) {
                        format!("`{what}` is a whole number, never `{}`", show(v))
                    } else {
                        format!("`{}` is outside the range of `{what}` ({range})", show(v))
                    };
                    let holds = match op {
                        CmpOp::Eq => false,
                        CmpOp::Ne => true,
                        CmpOp::Lt | CmpOp::Le => above,
                        CmpOp::Gt | CmpOp::Ge => below,
                    };
                    let label = if values.len() > 1 {
                        "never equal".to_string()
                    } else if holds {
                        "always true when known".to_string()
                    } else {
                        "never true".to_string()
                    };
                    self.push(
                        Finding::new(self.source, LINT, whole.span, message)
                            .label(label)
                            .help("requests outside the declared range are rejected; compare with a value inside it, or widen the fact's range"),
                    );
                }
            }
            Domain::Key(t, what) => {
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    return;
                }
                let Some(table) = program.tables.get(t as usize) else {
                    return;
                };
                for v in values {
                    let Value::Sym(s) = *v else { continue };
                    if table.row(s).is_some() {
                        continue;
                    }
                    let name = show(v);
                    let help = match key_suggestion(program, table, &name) {
                        Some(s) => s,
                        None => format!(
                            "a request may carry a code outside the table, but it has no columns; if `{name}` is meant, add it to the table's file or allow the lint"
                        ),
                    };
                    self.push(
                        Finding::new(
                            self.source,
                            LINT,
                            whole.span,
                            format!(
                                "`{name}` is not a key of table `{}` (`{what}` looks it up there)",
                                table.name
                            ),
                        )
                        .label("not in the table")
                        .help(help),
                    );
                }
            }
            Domain::Column(t, c) => {
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    return;
                }
                let present = self.column_values(t, c).to_vec();
                let missing: Vec<&Value> = values.iter().filter(|v| !present.contains(v)).collect();
                if missing.is_empty() || (named_set && missing.len() < values.len()) {
                    return;
                }
                let (table, column) = column_names(program, t, c);
                let names: Vec<String> = missing.iter().map(|v| format!("`{}`", show(v))).collect();
                let message = format!(
                    "no row of table `{table}` has `{column}` {}",
                    join_or(&names)
                );
                self.push(
                    Finding::new(self.source, LINT, whole.span, message)
                        .label("no row has this")
                        .help(format!(
                            "the values of `{column}` in the table are: {}",
                            present.iter().map(show).collect::<Vec<_>>().join(", ")
                        )),
                );
            }
            Domain::Any => {}
        }
    }

    /// A query: a constant test on a value no row holds, or constant tests
    /// no row meets together.
    fn query(&mut self, n: &Node, table: u32, tests: &[(u32, bool, Node)]) {
        let program = self.program;
        let Some(t) = program.tables.get(table as usize) else {
            return;
        };
        let constants: Vec<(u32, bool, Value)> = tests
            .iter()
            .filter_map(|(c, is_in, v)| match v.kind {
                NodeKind::Const(v) => Some((*c, *is_in, v)),
                _ => None,
            })
            .collect();
        if constants.is_empty() {
            return;
        }
        let hit = |row: &Vec<Value>, (c, is_in, v): &(u32, bool, Value)| {
            let cell = row.get(*c as usize).copied().unwrap_or(Value::Absent);
            match (is_in, v) {
                (true, Value::List(id)) => {
                    cell != Value::Absent
                        && program
                            .const_lists
                            .get(*id as usize)
                            .is_some_and(|l| l.contains(&cell))
                }
                (true, _) => false,
                (false, v) => cell == *v,
            }
        };
        if t.rows
            .iter()
            .any(|row| constants.iter().all(|test| hit(row, test)))
        {
            return;
        }
        let what = snippet(&self.source.text, n.span);
        self.push(
            Finding::new(
                self.source,
                LINT,
                n.span,
                format!("no row of table `{}` matches `{what}`", t.name),
            )
            .label("always empty")
            .help("check the values tested against the table's file; a lookup that matches nothing offers, redirects to or finds nothing"),
        );
    }

    fn push(&mut self, mut f: Finding) {
        f.anchor = self.anchor;
        self.flagged.insert(f.span);
        if !self
            .out
            .iter()
            .any(|x| x.span == f.span && x.message == f.message)
        {
            self.out.push(f);
        }
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn column_names(program: &Program, t: u32, c: u32) -> (String, String) {
    let table = program.tables.get(t as usize);
    (
        table.map_or("?".into(), |t| t.name.clone()),
        table
            .and_then(|t| t.columns.get(c as usize))
            .map_or("?".into(), |c| c.name.clone()),
    )
}

fn join_or(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ => format!(
            "{} or {}",
            names[..names.len() - 1].join(", "),
            names[names.len() - 1]
        ),
    }
}

fn key_suggestion(program: &Program, table: &Table, name: &str) -> Option<String> {
    let keys: Vec<&str> = table
        .keys
        .iter()
        .filter_map(|k| program.syms.resolve(*k))
        .collect();
    suggestion(name, keys)
}

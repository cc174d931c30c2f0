//! Rule conditions as formulas over the values of terms, for the lints that
//! reason about when rules fire.
//!
//! A *term* is something a request gives a value: a fact, a field of the
//! line, a column looked up by the line's code, or any other expression taken
//! whole (a quantifier, a query). A *literal* says which values of one term
//! make an atomic test (`member.age < 18`, `line.code.family is ct`) true, or
//! false. Unknown and absent are values too, so Kleene's three-valued logic
//! becomes ordinary set reasoning: a condition holds when its negation-normal
//! form holds with every literal read as "the term's value is in this set".
//! Terms are treated as independent except the columns of one key, which go
//! together by table row; that only ever makes more things look possible, so
//! "this can never hold" claims stay exact.

use super::canon::{CExpr, CVal, Canon, Env, cmp_tag, test_tag};
use super::hash::Map;
use crate::eval::program::{CmpOp, FactKind, Node, NodeKind, Program, SetOp, Type, ValueSpec};
use crate::syntax::ast::TestOp;
use crate::syntax::span::Span;

/// A term, by index into [`Logic::terms`].
pub(crate) type TermId = u32;
/// A predicate, by index into [`Logic::preds`].
pub(crate) type PredId = u32;

/// What values a term can take, besides absent and unknown.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    /// `true` or `false`.
    Bool,
    /// The values of a vocabulary.
    Enum(u32),
    /// Any text.
    Text,
    /// A number in a range.
    Number {
        /// Lowest.
        min: Option<f64>,
        /// Highest.
        max: Option<f64>,
        /// Whole numbers only.
        integer: bool,
    },
    /// The values a table column holds in its rows.
    Column(u32, u32),
    /// A list that can be empty, non-empty, or both.
    List {
        /// Can be empty.
        empty: bool,
        /// Can have items.
        nonempty: bool,
    },
    /// A test taken whole: true, false or unknown.
    Truth,
    /// Anything.
    Opaque,
}

/// A term and what it can be.
#[derive(Clone, Debug)]
pub(crate) struct TermInfo {
    /// The expression.
    pub expr: CExpr,
    /// Its values.
    pub shape: Shape,
    /// It can be absent.
    pub absent: bool,
    /// It can be unknown.
    pub unknown: bool,
    /// A column term: its key term, table and column.
    pub column: Option<(TermId, u32, u32)>,
}

/// An atomic test on one term.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Pred {
    /// The term itself as a condition.
    Truth,
    /// `term OP constant` (tag of [`CmpOp`]).
    Cmp(u8, CVal),
    /// `term in {constants}` (`true`: `not in`).
    In(bool, Vec<CVal>),
    /// A postfix test (tag of [`TestOp`]).
    Test(u8),
}

/// A literal: the term's value makes the predicate true (`pol`) or false
/// (`!pol`); `comp` takes the complement ("not true", "not false").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Lit {
    pub term: TermId,
    pub pred: PredId,
    pub pol: bool,
    pub comp: bool,
    /// Where the test is written (for a definition, where it is called).
    pub span: Span,
}

/// A formula in negation normal form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum F {
    True,
    False,
    Lit(Lit),
    And(Vec<F>),
    Or(Vec<F>),
}

impl F {
    /// Conjunction, flattened.
    pub fn and(parts: Vec<F>) -> F {
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                F::True => {}
                F::False => return F::False,
                F::And(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => F::True,
            1 => out.pop().unwrap_or(F::True),
            _ => F::And(out),
        }
    }

    /// Disjunction, flattened.
    pub fn or(parts: Vec<F>) -> F {
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                F::False => {}
                F::True => return F::True,
                F::Or(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => F::False,
            1 => out.pop().unwrap_or(F::False),
            _ => F::Or(out),
        }
    }

    /// "This formula is not true": the dual, every literal complemented.
    pub fn not_true(&self) -> F {
        match self {
            F::True => F::False,
            F::False => F::True,
            F::Lit(l) => F::Lit(Lit {
                comp: !l.comp,
                ..*l
            }),
            F::And(parts) => F::or(parts.iter().map(F::not_true).collect()),
            F::Or(parts) => F::and(parts.iter().map(F::not_true).collect()),
        }
    }

    /// The literals every way of making the formula true goes through.
    pub fn top_lits(&self) -> Vec<Lit> {
        match self {
            F::Lit(l) => vec![*l],
            F::And(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    F::Lit(l) => Some(*l),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Every literal, in order.
    pub fn lits(&self, out: &mut Vec<Lit>) {
        match self {
            F::Lit(l) => out.push(*l),
            F::And(parts) | F::Or(parts) => parts.iter().for_each(|p| p.lits(out)),
            F::True | F::False => {}
        }
    }

    /// A hash equal for two formulas equal up to spans and the order of
    /// parts (see [`F::normalized`]).
    pub fn shape_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match self {
            F::True => 0u8.hash(&mut h),
            F::False => 1u8.hash(&mut h),
            F::Lit(l) => (2u8, l.term, l.pred, l.pol, l.comp).hash(&mut h),
            F::And(parts) | F::Or(parts) => {
                let mut hs: Vec<u64> = parts.iter().map(F::shape_hash).collect();
                hs.sort_unstable();
                hs.dedup();
                (matches!(self, F::And(_)), hs).hash(&mut h);
            }
        }
        h.finish()
    }

    /// The formula with spans erased and parts sorted: equal for two
    /// conditions written alike.
    pub fn normalized(&self) -> F {
        match self {
            F::Lit(l) => F::Lit(Lit {
                span: Span::default(),
                ..*l
            }),
            F::And(parts) | F::Or(parts) => {
                let mut parts: Vec<F> = parts.iter().map(F::normalized).collect();
                parts.sort_by_cached_key(F::shape_hash);
                parts.dedup();
                if matches!(self, F::And(_)) {
                    F::and(parts)
                } else {
                    F::or(parts)
                }
            }
            other => other.clone(),
        }
    }
}

/// Terms, predicates and the policy they come from.
pub(crate) struct Logic<'p> {
    pub program: &'p Program,
    pub canon: Canon<'p>,
    pub terms: Vec<TermInfo>,
    term_ids: Map<CExpr, TermId>,
    pub preds: Vec<Pred>,
    pred_ids: Map<Pred, PredId>,
    /// Column terms by (key term, table, column).
    pub columns: Map<(TermId, u32, u32), TermId>,
    /// Stand-in truth terms for literals on terms too big to reason about.
    pub stand_ins: Map<(TermId, PredId), TermId>,
    /// Table columns indexed by value (see [`super::solve`]).
    pub col_index: Map<(u32, u32), super::solve::ColumnIndex>,
}

impl<'p> Logic<'p> {
    pub fn new(program: &'p Program) -> Self {
        Logic {
            program,
            canon: Canon::new(program),
            terms: Vec::new(),
            term_ids: Map::default(),
            preds: Vec::new(),
            pred_ids: Map::default(),
            columns: Map::default(),
            stand_ins: Map::default(),
            col_index: Map::default(),
        }
    }

    /// The id of a predicate.
    pub fn pred(&mut self, p: Pred) -> PredId {
        if let Some(&id) = self.pred_ids.get(&p) {
            return id;
        }
        let id = self.preds.len() as PredId;
        self.preds.push(p.clone());
        self.pred_ids.insert(p, id);
        id
    }

    /// The id of a term, made on first use.
    pub fn term(&mut self, e: CExpr) -> TermId {
        if let Some(&id) = self.term_ids.get(&e) {
            return id;
        }
        let (shape, absent, unknown) = self.shape_of(&e);
        let column = match &e {
            CExpr::Column(key, t, c) => {
                let key = self.term((**key).clone());
                Some((key, *t, *c))
            }
            _ => None,
        };
        let id = self.terms.len() as TermId;
        if let Some(col) = column {
            self.columns.insert(col, id);
        }
        self.terms.push(TermInfo {
            expr: e.clone(),
            shape,
            absent,
            unknown,
            column,
        });
        self.term_ids.insert(e, id);
        id
    }

    /// A stand-in truth term for `pred` on `term`.
    pub fn stand_in(&mut self, term: TermId, pred: PredId) -> TermId {
        if let Some(&id) = self.stand_ins.get(&(term, pred)) {
            return id;
        }
        let id = self.terms.len() as TermId;
        let fresh = self.canon.fresh();
        self.terms.push(TermInfo {
            expr: fresh,
            shape: Shape::Truth,
            absent: false,
            unknown: true,
            column: None,
        });
        self.stand_ins.insert((term, pred), id);
        id
    }

    fn spec_shape(&self, spec: &ValueSpec) -> Shape {
        match &spec.ty {
            Type::Bool => Shape::Bool,
            Type::Enum(e) => Shape::Enum(*e),
            Type::Text(_) => Shape::Text,
            Type::Number => Shape::Number {
                min: spec.min,
                max: spec.max,
                integer: spec.integer,
            },
            Type::List(_) => Shape::List {
                empty: !spec.non_empty,
                nonempty: true,
            },
            _ => Shape::Opaque,
        }
    }

    /// The record type of a value expression, if it has one.
    fn record_of(&self, e: &CExpr) -> Option<u32> {
        match e {
            CExpr::Line => {
                let lines = self.program.lines.as_ref()?;
                match &self.program.facts.get(lines.fact as usize)?.spec.ty {
                    Type::List(item) => match **item {
                        Type::Record(r) => Some(r),
                        _ => None,
                    },
                    _ => None,
                }
            }
            CExpr::Fact(slot) => match self.program.facts.get(*slot as usize)?.spec.ty {
                Type::Record(r) => Some(r),
                _ => None,
            },
            CExpr::Field(base, i) => {
                let r = self.record_of(base)?;
                let field = self
                    .program
                    .records
                    .get(r as usize)?
                    .fields
                    .get(*i as usize)?;
                match field.spec.ty {
                    Type::Record(r) => Some(r),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The values a term can take: shape, can be absent, can be unknown.
    fn shape_of(&mut self, e: &CExpr) -> (Shape, bool, bool) {
        let kind_flags = |k: &FactKind| match k {
            FactKind::Required | FactKind::Unknown => (false, true),
            FactKind::Absent => (true, false),
            FactKind::Default(_) => (false, false),
        };
        match e {
            CExpr::Fact(slot) => match self.program.facts.get(*slot as usize) {
                Some(f) => {
                    let (a, u) = kind_flags(&f.kind);
                    (self.spec_shape(&f.spec), a, u)
                }
                None => (Shape::Opaque, true, true),
            },
            CExpr::Line => (Shape::Opaque, false, false),
            CExpr::Field(base, i) => {
                let (_, base_absent, base_unknown) = self.shape_of(base);
                let field = self
                    .record_of(base)
                    .and_then(|r| self.program.records.get(r as usize))
                    .and_then(|r| r.fields.get(*i as usize))
                    .cloned();
                match field {
                    Some(f) => {
                        let (a, u) = kind_flags(&f.kind);
                        (
                            self.spec_shape(&f.spec),
                            a || base_absent,
                            u || base_unknown,
                        )
                    }
                    None => (Shape::Opaque, true, true),
                }
            }
            CExpr::Column(key, t, c) => {
                let (_, _, key_unknown) = self.shape_of(key);
                (Shape::Column(*t, *c), true, key_unknown)
            }
            CExpr::Quantifier(kind, _, _, _) if *kind == super::canon::COUNT => (
                Shape::Number {
                    min: Some(0.0),
                    max: None,
                    integer: true,
                },
                false,
                true,
            ),
            CExpr::Query(table, tests) => {
                let (empty, nonempty, unknown) = self.query_shape(*table, tests);
                (Shape::List { empty, nonempty }, false, unknown)
            }
            _ => (Shape::Opaque, true, true),
        }
    }

    /// Whether a query can be empty, can have rows, can be unknown: its
    /// constant tests are run against the table now.
    fn query_shape(&self, table: u32, tests: &[(u32, bool, CExpr)]) -> (bool, bool, bool) {
        let Some(t) = self.program.tables.get(table as usize) else {
            return (true, true, true);
        };
        let all_const = tests.iter().all(|(_, _, v)| matches!(v, CExpr::Const(_)));
        let matches = t
            .rows
            .iter()
            .filter(|row| {
                tests.iter().all(|(c, is_in, v)| {
                    let CExpr::Const(v) = v else { return true };
                    let cell = row
                        .get(*c as usize)
                        .map_or(CVal::Absent, |x| self.canon.value(*x));
                    match (is_in, v) {
                        (true, CVal::List(items)) => cell != CVal::Absent && items.contains(&cell),
                        (true, _) => false,
                        (false, v) => cell == *v,
                    }
                })
            })
            .count();
        if matches == 0 {
            (true, false, !all_const)
        } else if all_const {
            (false, true, false)
        } else {
            (true, true, true)
        }
    }

    /// The formula for "`n` evaluates to `pol`", with `env` for locals.
    /// `site` is where the rule writes it (a call or a `let`), if `n` was
    /// reached through one.
    pub fn cond(&mut self, n: &Node, env: &Env, pol: bool, site: Option<Span>) -> F {
        let span = site.unwrap_or(n.span);
        match &n.kind {
            NodeKind::Const(v) => match self.canon.value(*v) {
                CVal::Bool(b) => {
                    if b == pol {
                        F::True
                    } else {
                        F::False
                    }
                }
                CVal::Unknown => F::False,
                // Anything else reads as false.
                _ => {
                    if pol {
                        F::False
                    } else {
                        F::True
                    }
                }
            },
            NodeKind::Not(x) => self.cond(x, env, !pol, site),
            NodeKind::And(a, b) | NodeKind::Or(a, b) => {
                let l = self.cond(a, env, pol, site);
                let r = self.cond(b, env, pol, site);
                if matches!(n.kind, NodeKind::And(..)) == pol {
                    F::and(vec![l, r])
                } else {
                    F::or(vec![l, r])
                }
            }
            NodeKind::Let(id) => match self.program.lets.get(*id as usize) {
                Some(body) => self.cond(body, env, pol, Some(span)),
                None => self.opaque(n, env, pol, span),
            },
            NodeKind::Call(id, args) => {
                let Some(def) = self.program.defines.get(*id as usize) else {
                    return self.opaque(n, env, pol, span);
                };
                let inner: Env = def
                    .params
                    .iter()
                    .zip(args)
                    .map(|(slot, a)| (*slot, self.canon.expr(a, env, 0)))
                    .collect();
                self.cond(&def.body, &inner, pol, Some(span))
            }
            NodeKind::Test(TestOp::IfKnown, x) => {
                let holds = self.cond(x, env, true, site);
                if pol { holds } else { holds.not_true() }
            }
            NodeKind::Test(op, x) => {
                let term = self.value_term(x, env);
                self.lit(term, Pred::Test(test_tag(*op)), pol, span)
            }
            NodeKind::Cmp(op, a, b) => {
                let flipped = match op {
                    CmpOp::Lt => CmpOp::Gt,
                    CmpOp::Le => CmpOp::Ge,
                    CmpOp::Gt => CmpOp::Lt,
                    CmpOp::Ge => CmpOp::Le,
                    other => *other,
                };
                let (term_node, v, op) = match (&a.kind, &b.kind) {
                    (NodeKind::Const(_), NodeKind::Const(_)) => {
                        return self.opaque(n, env, pol, span);
                    }
                    (_, NodeKind::Const(v)) => (&**a, *v, *op),
                    (NodeKind::Const(v), _) => (&**b, *v, flipped),
                    _ => return self.opaque(n, env, pol, span),
                };
                let c = self.canon.value(v);
                if matches!(c, CVal::List(_) | CVal::Unknown) {
                    return self.opaque(n, env, pol, span);
                }
                let term = self.value_term(term_node, env);
                self.lit(term, Pred::Cmp(cmp_tag(op), c), pol, span)
            }
            NodeKind::In(negate, item, list) => match (&item.kind, &list.kind) {
                (NodeKind::Const(_), _) => self.opaque(n, env, pol, span),
                (_, NodeKind::Const(v)) => match self.canon.value(*v) {
                    CVal::List(items) => {
                        let term = self.value_term(item, env);
                        self.lit(term, Pred::In(*negate, items), pol, span)
                    }
                    _ => self.opaque(n, env, pol, span),
                },
                _ => self.opaque(n, env, pol, span),
            },
            NodeKind::Set(SetOp::None, a, b) => {
                // `has none of` is `not has any of`, unknowns included.
                let any = CExpr::Set(
                    0,
                    Box::new(self.canon.expr(a, env, 0)),
                    Box::new(self.canon.expr(b, env, 0)),
                );
                let term = self.term(any);
                self.lit(term, Pred::Truth, !pol, span)
            }
            _ => self.opaque(n, env, pol, span),
        }
    }

    /// A test taken whole.
    fn opaque(&mut self, n: &Node, env: &Env, pol: bool, span: Span) -> F {
        let term = self.value_term(n, env);
        self.lit(term, Pred::Truth, pol, span)
    }

    fn value_term(&mut self, n: &Node, env: &Env) -> TermId {
        let e = self.canon.expr(n, env, 0);
        self.term(e)
    }

    fn lit(&mut self, term: TermId, pred: Pred, pol: bool, span: Span) -> F {
        let pred = self.pred(pred);
        F::Lit(Lit {
            term,
            pred,
            pol,
            comp: false,
            span,
        })
    }
}

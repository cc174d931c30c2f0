//! Compiled expressions in canonical form, for comparing rules: `let`s and
//! definitions inlined, the rule's `for each` variable renamed to one
//! [`CExpr::Line`], quantifier variables renamed by nesting depth. Two rules
//! that test the same thing then hold equal [`CExpr`]s, whatever their
//! variables are called.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::eval::program::{ArithOp, CmpOp, Node, NodeKind, Program, SetOp, Value};
use crate::syntax::ast::{Quantifier, TestOp};

/// A number that can be hashed and ordered (by bits; `-0.0` is `0.0`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Num(pub f64);

impl Num {
    fn bits(self) -> u64 {
        if self.0 == 0.0 { 0 } else { self.0.to_bits() }
    }
}

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.bits() == other.bits()
    }
}
impl Eq for Num {}
impl Hash for Num {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bits().hash(state);
    }
}
impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Num {
    fn cmp(&self, other: &Num) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A constant value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum CVal {
    /// Kleene's unknown (only in programs with errors).
    Unknown,
    /// Known to be absent.
    Absent,
    /// A bool.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A vocabulary value or text.
    Sym(u32),
    /// A constant list, sorted, without duplicates.
    List(Vec<CVal>),
}

/// An operator, as a hashable tag.
pub(crate) fn cmp_tag(op: CmpOp) -> u8 {
    match op {
        CmpOp::Eq => 0,
        CmpOp::Ne => 1,
        CmpOp::Lt => 2,
        CmpOp::Le => 3,
        CmpOp::Gt => 4,
        CmpOp::Ge => 5,
    }
}

/// The comparison a tag stands for.
pub(crate) fn tag_cmp(tag: u8) -> CmpOp {
    match tag {
        0 => CmpOp::Eq,
        1 => CmpOp::Ne,
        2 => CmpOp::Lt,
        3 => CmpOp::Le,
        4 => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

fn set_tag(op: SetOp) -> u8 {
    match op {
        SetOp::Any => 0,
        SetOp::None => 1,
        SetOp::All => 2,
    }
}

fn arith_tag(op: ArithOp) -> u8 {
    match op {
        ArithOp::Add => 0,
        ArithOp::Sub => 1,
        ArithOp::Mul => 2,
        ArithOp::Div => 3,
    }
}

/// A postfix test, as a hashable tag.
pub(crate) fn test_tag(op: TestOp) -> u8 {
    match op {
        TestOp::IsKnown => 0,
        TestOp::IsNotKnown => 1,
        TestOp::IsPresent => 2,
        TestOp::IsAbsent => 3,
        TestOp::IsEmpty => 4,
        TestOp::IsNotEmpty => 5,
        TestOp::IfKnown => 6,
    }
}

fn quantifier_tag(q: Quantifier) -> u8 {
    match q {
        Quantifier::Any => 0,
        Quantifier::All => 1,
        Quantifier::No => 2,
        Quantifier::Count => 3,
    }
}

/// Tag of a `count` quantifier.
pub(crate) const COUNT: u8 = 3;

/// An expression in canonical form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CExpr {
    /// A constant.
    Const(CVal),
    /// A fact, by slot.
    Fact(u32),
    /// The rule's `for each` variable.
    Line,
    /// A quantifier or comprehension variable, by nesting depth.
    Var(u32),
    /// A record field.
    Field(Box<CExpr>, u32),
    /// A table column looked up by key: key, table, column.
    Column(Box<CExpr>, u32, u32),
    /// `not`
    Not(Box<CExpr>),
    /// `-`
    Neg(Box<CExpr>),
    /// `and`
    And(Box<CExpr>, Box<CExpr>),
    /// `or`
    Or(Box<CExpr>, Box<CExpr>),
    /// A comparison (tag of [`CmpOp`]).
    Cmp(u8, Box<CExpr>, Box<CExpr>),
    /// `in` (`true`: `not in`).
    In(bool, Box<CExpr>, Box<CExpr>),
    /// `has any/none/all of`
    Set(u8, Box<CExpr>, Box<CExpr>),
    /// Arithmetic.
    Arith(u8, Box<CExpr>, Box<CExpr>),
    /// A postfix test.
    Test(u8, Box<CExpr>),
    /// `{a, b}` with parts computed.
    List(Vec<CExpr>),
    /// `{item for v in list where filter}` (the variable is the depth).
    Comprehension(Box<CExpr>, Box<CExpr>, Option<Box<CExpr>>),
    /// `any/all/no/count v in list where cond`, and whether it skips the line.
    Quantifier(u8, Box<CExpr>, Option<Box<CExpr>>, bool),
    /// A table query: table, (column, `in`, value).
    Query(u32, Vec<(u32, bool, CExpr)>),
    /// `match`
    Match(Box<CExpr>, Vec<(Option<CVal>, CExpr)>),
    /// Something not compared with anything else (too big, or broken).
    Fresh(u32),
}

/// What a local variable stands for while canonicalizing.
pub(crate) type Env = Vec<(u32, CExpr)>;

/// The canonicalizer: one per lint run, so that fresh names stay fresh.
pub(crate) struct Canon<'p> {
    pub program: &'p Program,
    fresh: u32,
    budget: usize,
}

/// How many nodes one expression may grow to when definitions are inlined.
const BUDGET: usize = 4_000;

impl<'p> Canon<'p> {
    pub fn new(program: &'p Program) -> Self {
        Canon {
            program,
            fresh: 0,
            budget: BUDGET,
        }
    }

    /// A name equal to nothing else.
    pub fn fresh(&mut self) -> CExpr {
        self.fresh += 1;
        CExpr::Fresh(self.fresh)
    }

    /// The canonical form of a constant.
    pub fn value(&self, v: Value) -> CVal {
        match v {
            Value::Unknown => CVal::Unknown,
            Value::Absent => CVal::Absent,
            Value::Bool(b) => CVal::Bool(b),
            Value::Num(n) => CVal::Num(Num(n)),
            Value::Sym(s) => CVal::Sym(s),
            Value::List(id) => {
                let mut items: Vec<CVal> = self
                    .program
                    .const_lists
                    .get(id as usize)
                    .map(|l| l.iter().map(|v| self.value(*v)).collect())
                    .unwrap_or_default();
                items.sort();
                items.dedup();
                CVal::List(items)
            }
            Value::Rec(_) => CVal::Unknown,
        }
    }

    /// The canonical form of `n` with the locals of `env`, at binder `depth`.
    pub fn expr(&mut self, n: &Node, env: &Env, depth: u32) -> CExpr {
        self.budget = BUDGET;
        self.walk(n, env, depth)
    }

    fn walk(&mut self, n: &Node, env: &Env, depth: u32) -> CExpr {
        if self.budget == 0 {
            return self.fresh();
        }
        self.budget -= 1;
        let b = Box::new;
        match &n.kind {
            NodeKind::Const(v) => CExpr::Const(self.value(*v)),
            NodeKind::Fact(slot) => CExpr::Fact(*slot),
            NodeKind::Local(slot) => match env.iter().rev().find(|(s, _)| s == slot) {
                Some((_, e)) => e.clone(),
                None => self.fresh(),
            },
            NodeKind::Let(id) => match self.program.lets.get(*id as usize) {
                Some(body) => self.walk(body, env, depth),
                None => self.fresh(),
            },
            NodeKind::Field(rec, i) => CExpr::Field(b(self.walk(rec, env, depth)), *i),
            NodeKind::Column { key, table, column } => {
                CExpr::Column(b(self.walk(key, env, depth)), *table, *column)
            }
            NodeKind::Not(x) => CExpr::Not(b(self.walk(x, env, depth))),
            NodeKind::Neg(x) => CExpr::Neg(b(self.walk(x, env, depth))),
            NodeKind::And(x, y) => {
                CExpr::And(b(self.walk(x, env, depth)), b(self.walk(y, env, depth)))
            }
            NodeKind::Or(x, y) => {
                CExpr::Or(b(self.walk(x, env, depth)), b(self.walk(y, env, depth)))
            }
            NodeKind::Cmp(op, x, y) => CExpr::Cmp(
                cmp_tag(*op),
                b(self.walk(x, env, depth)),
                b(self.walk(y, env, depth)),
            ),
            NodeKind::In(neg, x, y) => CExpr::In(
                *neg,
                b(self.walk(x, env, depth)),
                b(self.walk(y, env, depth)),
            ),
            NodeKind::Set(op, x, y) => CExpr::Set(
                set_tag(*op),
                b(self.walk(x, env, depth)),
                b(self.walk(y, env, depth)),
            ),
            NodeKind::Arith(op, x, y) => CExpr::Arith(
                arith_tag(*op),
                b(self.walk(x, env, depth)),
                b(self.walk(y, env, depth)),
            ),
            NodeKind::Test(op, x) => CExpr::Test(test_tag(*op), b(self.walk(x, env, depth))),
            NodeKind::List(items) => {
                CExpr::List(items.iter().map(|i| self.walk(i, env, depth)).collect())
            }
            NodeKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                let list = self.walk(list, env, depth);
                let mut inner = env.clone();
                inner.push((*var, CExpr::Var(depth)));
                let filter = filter.as_ref().map(|f| b(self.walk(f, &inner, depth + 1)));
                let item = self.walk(item, &inner, depth + 1);
                CExpr::Comprehension(b(item), b(list), filter)
            }
            NodeKind::Quantifier {
                kind,
                var,
                list,
                cond,
                skip,
            } => {
                let skips_line = match skip {
                    None => false,
                    Some(s) => match env.iter().rev().find(|(slot, _)| slot == s) {
                        Some((_, CExpr::Line)) => true,
                        _ => return self.fresh(),
                    },
                };
                let list = self.walk(list, env, depth);
                let mut inner = env.clone();
                inner.push((*var, CExpr::Var(depth)));
                let cond = cond.as_ref().map(|c| b(self.walk(c, &inner, depth + 1)));
                CExpr::Quantifier(quantifier_tag(*kind), b(list), cond, skips_line)
            }
            NodeKind::Query { table, tests } => CExpr::Query(
                *table,
                tests
                    .iter()
                    .map(|(c, is_in, v)| (*c, *is_in, self.walk(v, env, depth)))
                    .collect(),
            ),
            NodeKind::Match(value, arms) => {
                let value = self.walk(value, env, depth);
                let arms = arms
                    .iter()
                    .map(|(p, r)| (p.map(|p| self.value(p)), self.walk(r, env, depth)))
                    .collect();
                CExpr::Match(b(value), arms)
            }
            NodeKind::Call(id, args) => {
                let Some(def) = self.program.defines.get(*id as usize) else {
                    return self.fresh();
                };
                let inner: Env = def
                    .params
                    .iter()
                    .zip(args)
                    .map(|(slot, a)| (*slot, self.walk(a, env, depth)))
                    .collect();
                self.walk(&def.body, &inner, depth)
            }
        }
    }
}

/// The environment of a rule: its `for each` variable is the line.
pub(crate) fn rule_env(rule: &crate::eval::program::Rule) -> Env {
    rule.for_each
        .map(|slot| vec![(slot, CExpr::Line)])
        .unwrap_or_default()
}

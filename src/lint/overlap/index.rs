//! The index that keeps `redundant-rule` near linear: keys a branch is
//! filed under, keys a branch looks up, and a quick test that two branches
//! cannot overlap.

use super::super::canon::{CVal, cmp_tag, test_tag};
use super::super::logic::{Lit, Logic, Pred, Shape, TermId};
use crate::eval::program::CmpOp;
use crate::syntax::ast::TestOp;

/// At most this many values make a test indexable by value.
const MAX_VALUES: usize = 16;

/// An index key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Key {
    /// A term with any test.
    Term(TermId),
    /// A term that may take this value.
    Val(TermId, CVal),
}

/// Values and number ranges the top-level tests of a branch allow.
#[derive(Default)]
pub(super) struct Quick {
    values: Vec<(TermId, Vec<CVal>)>,
    /// Term, low, low included, high, high included.
    ranges: Vec<(TermId, f64, bool, f64, bool)>,
}

impl Quick {
    pub(super) fn of(logic: &Logic, top: &[Lit]) -> Quick {
        let mut q = Quick::default();
        for l in top {
            if let Some(v) = values_of(logic, l) {
                q.values.push((l.term, v));
            }
            if let Some((lo, lo_in, hi, hi_in)) = range_of(logic, l) {
                match q.ranges.iter_mut().find(|r| r.0 == l.term) {
                    Some(r) => {
                        if lo > r.1 || (lo == r.1 && !lo_in) {
                            (r.1, r.2) = (lo, lo_in);
                        }
                        if hi < r.3 || (hi == r.3 && !hi_in) {
                            (r.3, r.4) = (hi, hi_in);
                        }
                    }
                    None => q.ranges.push((l.term, lo, lo_in, hi, hi_in)),
                }
            }
        }
        q
    }

    /// Whether no value fits both (so neither implies the other).
    pub(super) fn disjoint(&self, other: &Quick) -> bool {
        let values = self.values.iter().any(|(t, vs)| {
            other
                .values
                .iter()
                .any(|(u, ws)| t == u && !vs.iter().any(|v| ws.contains(v)))
        });
        values
            || self.ranges.iter().any(|&(t, lo, lo_in, hi, hi_in)| {
                other.ranges.iter().any(|&(u, lo2, lo2_in, hi2, hi2_in)| {
                    let (l, l_in) = if lo2 > lo || (lo2 == lo && !lo2_in) {
                        (lo2, lo2_in)
                    } else {
                        (lo, lo_in)
                    };
                    let (h, h_in) = if hi2 < hi || (hi2 == hi && !hi2_in) {
                        (hi2, hi2_in)
                    } else {
                        (hi, hi_in)
                    };
                    t == u && (l > h || (l == h && !(l_in && h_in)))
                })
            })
    }
}

/// The numbers a literal lets its term be, if it is a plain comparison.
fn range_of(logic: &Logic, l: &Lit) -> Option<(f64, bool, f64, bool)> {
    if l.comp || !l.pol {
        return None;
    }
    let Pred::Cmp(op, CVal::Num(c)) = logic.preds.get(l.pred as usize)? else {
        return None;
    };
    let (inf, c) = (f64::INFINITY, c.0);
    Some(match super::super::canon::tag_cmp(*op) {
        CmpOp::Lt => (-inf, false, c, false),
        CmpOp::Le => (-inf, false, c, true),
        CmpOp::Gt => (c, false, inf, false),
        CmpOp::Ge => (c, true, inf, false),
        CmpOp::Eq => (c, true, c, true),
        CmpOp::Ne => return None,
    })
}

/// A column term's key term; any other term itself.
pub(super) fn root(logic: &Logic, term: TermId) -> TermId {
    match logic.terms.get(term as usize).and_then(|t| t.column) {
        Some((key, _, _)) => key,
        None => term,
    }
}

/// The values a literal lets its term take, when they are few and known.
fn values_of(logic: &Logic, l: &Lit) -> Option<Vec<CVal>> {
    if l.comp {
        return None;
    }
    let shape = &logic.terms.get(l.term as usize)?.shape;
    let pred = logic.preds.get(l.pred as usize)?;
    let eq = cmp_tag(CmpOp::Eq);
    let ne = cmp_tag(CmpOp::Ne);
    let values = match (pred, l.pol) {
        (Pred::Cmp(op, c), true) if *op == eq => vec![c.clone()],
        (Pred::Cmp(op, c), false) if *op == ne => vec![c.clone(), CVal::Absent],
        (Pred::In(false, items), true) => items.clone(),
        (Pred::In(true, items), false) => {
            let mut v = items.clone();
            v.push(CVal::Absent);
            v
        }
        (Pred::Truth, true) => vec![CVal::Bool(true)],
        (Pred::Truth, false) if matches!(shape, Shape::Bool | Shape::Truth) => {
            vec![CVal::Bool(false), CVal::Absent]
        }
        (Pred::Test(t), true) if *t == test_tag(TestOp::IsAbsent) => vec![CVal::Absent],
        (Pred::Test(t), false) if *t == test_tag(TestOp::IsPresent) => vec![CVal::Absent],
        _ => return None,
    };
    (values.len() <= MAX_VALUES).then_some(values)
}

/// The keys an entry is filed under for one of its tests.
pub(super) fn keys_of(logic: &Logic, l: &Lit) -> Vec<Key> {
    match values_of(logic, l) {
        Some(values) => values.into_iter().map(|v| Key::Val(l.term, v)).collect(),
        None => vec![Key::Term(l.term)],
    }
}

/// The keys to look up for a test a branch makes: one value it allows
/// (an entry implied must allow it too), and, for a code, the value of
/// each column in the code's row.
pub(super) fn lookup_keys(logic: &Logic, l: &Lit) -> Vec<Key> {
    let Some(values) = values_of(logic, l) else {
        return Vec::new();
    };
    let Some(first) = values.first() else {
        return Vec::new();
    };
    let mut keys = vec![Key::Val(l.term, first.clone())];
    let program = logic.program;
    if let CVal::Sym(code) = first {
        for (&(key, table, column), &term) in &logic.columns {
            if key != l.term {
                continue;
            }
            let Some(t) = program.tables.get(table as usize) else {
                continue;
            };
            let value = t
                .row(*code)
                .and_then(|r| t.rows.get(r))
                .and_then(|row| row.get(column as usize))
                .map_or(CVal::Absent, |v| logic.canon.value(*v));
            keys.push(Key::Val(term, value));
        }
    }
    keys
}

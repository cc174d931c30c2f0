//! The cells of a term's universe, and what a predicate says on each: the
//! evaluator's semantics, one value (or class of values) at a time.

use super::super::canon::{CVal, Num, tag_cmp};
use super::super::logic::Pred;
use crate::eval::program::CmpOp;

/// One value, or one class of values, of a term.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    Val(CVal),
    /// The numbers strictly between two constants.
    Gap(f64, f64),
    /// A value the formula does not mention.
    Other,
    Empty,
    NonEmpty,
    Abs,
    Unk,
}

pub(super) fn bit(i: usize) -> u128 {
    1u128 << i
}

/// The numbers of a range, cut at the constants: each constant, and the
/// open gaps between them, that the range and integrality leave possible.
pub(super) fn number_cells(
    nums: &[f64],
    min: Option<f64>,
    max: Option<f64>,
    integer: bool,
    out: &mut Vec<Cell>,
) {
    let lo = min.unwrap_or(f64::NEG_INFINITY);
    let hi = max.unwrap_or(f64::INFINITY);
    let point_ok = |x: f64| x >= lo && x <= hi && (!integer || x.fract() == 0.0);
    let gap_ok = |a: f64, b: f64| {
        // The open interval (a, b) within [lo, hi].
        if integer {
            let first = if a.is_finite() {
                a.floor() + 1.0
            } else {
                f64::NEG_INFINITY
            };
            let first = first.max(lo.ceil());
            if first.is_infinite() {
                return hi > f64::NEG_INFINITY && a < b;
            }
            first < b && first <= hi
        } else {
            let (l, l_closed) = if lo > a { (lo, true) } else { (a, false) };
            let (h, h_closed) = if hi < b { (hi, true) } else { (b, false) };
            l < h || (l == h && l_closed && h_closed)
        }
    };
    let mut prev = f64::NEG_INFINITY;
    for &x in nums {
        if gap_ok(prev, x) {
            out.push(Cell::Gap(prev, x));
        }
        if point_ok(x) {
            out.push(Cell::Val(CVal::Num(Num(x))));
        }
        prev = x;
    }
    if gap_ok(prev, f64::INFINITY) {
        out.push(Cell::Gap(prev, f64::INFINITY));
    }
}

/// A number inside a gap.
fn inside(a: f64, b: f64) -> f64 {
    match (a.is_finite(), b.is_finite()) {
        (true, true) => (a + b) / 2.0,
        (true, false) => a + 1.0,
        (false, true) => b - 1.0,
        (false, false) => 0.0,
    }
}

/// The cells where a predicate is true, and where it is false.
pub(super) fn cells_of(pred: &Pred, cells: &[Cell]) -> (u128, u128) {
    let (mut t, mut f) = (0u128, 0u128);
    for (i, c) in cells.iter().enumerate() {
        match eval(pred, c) {
            Some(true) => t |= bit(i),
            Some(false) => f |= bit(i),
            None => {}
        }
    }
    (t, f)
}

/// A predicate on one cell, as the evaluator computes it.
fn eval(pred: &Pred, cell: &Cell) -> Option<bool> {
    use crate::syntax::ast::TestOp;
    if *cell == Cell::Unk {
        return match pred {
            Pred::Test(t) if *t == super::super::canon::test_tag(TestOp::IsKnown) => Some(false),
            Pred::Test(t) if *t == super::super::canon::test_tag(TestOp::IsNotKnown) => Some(true),
            _ => None,
        };
    }
    let number = match cell {
        Cell::Val(CVal::Num(n)) => Some(n.0),
        Cell::Gap(a, b) => Some(inside(*a, *b)),
        _ => None,
    };
    Some(match pred {
        Pred::Truth => matches!(cell, Cell::Val(CVal::Bool(true))),
        Pred::Cmp(op, c) => {
            if *cell == Cell::Abs {
                return Some(false);
            }
            let op = tag_cmp(*op);
            match (number, c) {
                (Some(x), CVal::Num(y)) => match op {
                    CmpOp::Eq => x == y.0,
                    CmpOp::Ne => x != y.0,
                    CmpOp::Lt => x < y.0,
                    CmpOp::Le => x <= y.0,
                    CmpOp::Gt => x > y.0,
                    CmpOp::Ge => x >= y.0,
                },
                _ => {
                    let equal = matches!(cell, Cell::Val(v) if v == c);
                    match op {
                        CmpOp::Eq => equal,
                        CmpOp::Ne => !equal,
                        _ => false,
                    }
                }
            }
        }
        Pred::In(negate, items) => {
            if *cell == Cell::Abs {
                return Some(false);
            }
            let member = matches!(cell, Cell::Val(v) if items.contains(v));
            member != *negate
        }
        Pred::Test(t) => {
            let t = *t;
            let tag = super::super::canon::test_tag;
            if t == tag(TestOp::IsKnown) {
                true
            } else if t == tag(TestOp::IsNotKnown) {
                false
            } else if t == tag(TestOp::IsPresent) {
                *cell != Cell::Abs
            } else if t == tag(TestOp::IsAbsent) {
                *cell == Cell::Abs
            } else if t == tag(TestOp::IsEmpty) {
                *cell != Cell::NonEmpty
            } else if t == tag(TestOp::IsNotEmpty) {
                *cell == Cell::NonEmpty
            } else {
                return None;
            }
        }
    })
}

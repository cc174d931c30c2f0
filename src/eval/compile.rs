//! Compiling an expression: each node becomes a closure that does its one
//! operation on its operands' closures and its constants, captured when the
//! policy compiles. Evaluating is then a chain of direct calls, not a walk
//! that matches on every node. Common shapes get one closure of their own:
//! a field of a local (`line.code`), a column of one (`line.code.family`), a
//! comparison or membership test against a constant.
//!
//! The semantics live in [`Eval`]'s operations; this module only wires them.

use std::sync::{Arc, OnceLock};

use super::Eval;
use super::program::{LineKey, Node, NodeKind, Value};

/// A node's compiled code.
#[derive(Clone)]
pub struct Code(Arc<dyn Fn(&mut Eval) -> Value + Send + Sync>);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code")
    }
}

impl Code {
    /// Runs the code: the node's value.
    #[inline]
    pub fn run(&self, ev: &mut Eval) -> Value {
        (self.0)(ev)
    }

    fn new(f: impl Fn(&mut Eval) -> Value + Send + Sync + 'static) -> Code {
        Code(Arc::new(f))
    }
}

/// An operand of an operation: a constant or a fact, read in place, or any
/// other node's code, run. Reading the commonest leaves in place saves a
/// call for each.
pub(super) enum Operand {
    Const(Value),
    Fact(u32),
    Code(Code),
}

impl Operand {
    fn of(n: &Node) -> Operand {
        // A constant's or a fact's code is never replaced (see `fold`).
        match n.kind {
            NodeKind::Const(v) => Operand::Const(v),
            NodeKind::Fact(slot) => Operand::Fact(slot),
            _ => Operand::Code(n.code.clone()),
        }
    }

    /// Its value.
    #[inline(always)]
    pub(super) fn get(&self, ev: &mut Eval) -> Value {
        match self {
            Operand::Const(v) => *v,
            Operand::Fact(slot) => ev.fact(*slot),
            Operand::Code(c) => c.run(ev),
        }
    }
}

/// The code of a node, its operands already compiled.
pub fn compile(kind: &NodeKind) -> Code {
    let code = |n: &Node| n.code.clone();
    let operand = Operand::of;
    match kind {
        NodeKind::Const(v) => {
            let v = *v;
            Code::new(move |_| v)
        }
        NodeKind::Fact(slot) => {
            let slot = *slot;
            Code::new(move |ev| ev.fact(slot))
        }
        NodeKind::Local(slot) => {
            let slot = *slot;
            Code::new(move |ev| ev.local(slot))
        }
        NodeKind::Let(id) => {
            let id = *id as usize;
            Code::new(move |ev| {
                let program = ev.program;
                program
                    .lets
                    .get(id)
                    .map_or(Value::Unknown, |body| body.code.run(ev))
            })
        }
        NodeKind::Field(rec, i) => {
            let i = *i;
            match rec.kind {
                NodeKind::Local(slot) => Code::new(move |ev| ev.field(ev.local(slot), i)),
                _ => {
                    let rec = operand(rec);
                    Code::new(move |ev| {
                        let r = rec.get(ev);
                        ev.field(r, i)
                    })
                }
            }
        }
        NodeKind::Column { key, table, column } => {
            let (table, column) = (*table, *column);
            let local_field = match &key.kind {
                NodeKind::Field(rec, f) => match rec.kind {
                    NodeKind::Local(slot) => Some((slot, *f)),
                    _ => None,
                },
                _ => None,
            };
            match local_field {
                Some((slot, f)) => Code::new(move |ev| {
                    let k = ev.field(ev.local(slot), f);
                    ev.column(k, table, column)
                }),
                None => {
                    let key = code(key);
                    Code::new(move |ev| {
                        let k = key.run(ev);
                        ev.column(k, table, column)
                    })
                }
            }
        }
        NodeKind::Not(x) => {
            let x = operand(x);
            Code::new(move |ev| super::ops::kleene(super::truth(x.get(ev)).map(|b| !b)))
        }
        NodeKind::Neg(x) => {
            let x = code(x);
            Code::new(move |ev| match x.run(ev) {
                Value::Num(v) => Value::Num(-v),
                other => other,
            })
        }
        NodeKind::And(a, b) => {
            let (a, b) = (operand(a), operand(b));
            Code::new(move |ev| ev.and(&a, &b))
        }
        NodeKind::Or(a, b) => {
            let (a, b) = (operand(a), operand(b));
            Code::new(move |ev| ev.or(&a, &b))
        }
        NodeKind::Cmp(op, a, b) => {
            let (op, a) = (*op, operand(a));
            match b.kind {
                NodeKind::Const(r) => Code::new(move |ev| {
                    let l = a.get(ev);
                    ev.compare(op, l, r)
                }),
                _ => {
                    let b = operand(b);
                    Code::new(move |ev| {
                        let l = a.get(ev);
                        let r = b.get(ev);
                        ev.compare(op, l, r)
                    })
                }
            }
        }
        NodeKind::In(negate, item, list) => {
            let (negate, item, list) = (*negate, operand(item), operand(list));
            Code::new(move |ev| {
                let i = item.get(ev);
                let l = list.get(ev);
                ev.in_list(negate, i, l)
            })
        }
        NodeKind::Set(op, a, b) => {
            let (op, a, b) = (*op, operand(a), operand(b));
            Code::new(move |ev| {
                let l = a.get(ev);
                let r = b.get(ev);
                ev.set_op(op, l, r)
            })
        }
        NodeKind::Arith(op, a, b) => {
            let (op, a, b) = (*op, code(a), code(b));
            Code::new(move |ev| {
                let l = a.run(ev);
                let r = b.run(ev);
                super::ops::arith(op, l, r)
            })
        }
        NodeKind::Test(test, x) => {
            let (test, x) = (*test, operand(x));
            Code::new(move |ev| ev.test(test, &x))
        }
        NodeKind::List(items) => {
            let items: Vec<Code> = items.iter().map(code).collect();
            Code::new(move |ev| ev.list(&items))
        }
        NodeKind::Comprehension {
            item,
            var,
            list,
            filter,
        } => {
            let (item, var, list) = (code(item), *var, code(list));
            let filter = filter.as_deref().map(code);
            Code::new(move |ev| ev.comprehension(&item, var, &list, filter.as_ref()))
        }
        NodeKind::Quantifier {
            kind,
            var,
            list,
            cond,
            skip,
        } => {
            let (kind, var, list, skip) = (*kind, *var, code(list), *skip);
            let cond = cond.as_deref().map(code);
            Code::new(move |ev| ev.quantify(kind, var, &list, cond.as_ref(), skip))
        }
        NodeKind::Query { table, tests } => {
            let table = *table;
            let tests: Vec<(u32, bool, Code)> = tests
                .iter()
                .map(|(c, is_in, v)| (*c, *is_in, code(v)))
                .collect();
            Code::new(move |ev| ev.query(table, &tests))
        }
        NodeKind::Match(value, arms) => {
            let value = code(value);
            let arms: Vec<(Option<Value>, Code)> =
                arms.iter().map(|(p, r)| (*p, code(r))).collect();
            Code::new(move |ev| ev.match_value(&value, &arms))
        }
        NodeKind::Call(id, args) => {
            let id = *id;
            let args: Vec<Code> = args.iter().map(code).collect();
            Code::new(move |ev| ev.call(id, &args))
        }
    }
}

/// A row's remembered value: a value, or the items of a list.
enum Remembered {
    Value(Value),
    List(Box<[Value]>),
}

/// A lookup by row, for a node that depends only on the code of the line in
/// local `var` (see [`super::fold`]): the value at the line's row, computed
/// by `fallback` the first time a line of that row needs it and remembered.
/// `rows` counts the table's rows and one more for codes outside it, whose
/// value is remembered only if `outside` (the node does not read the code
/// itself).
pub fn by_row(var: u32, keyed: LineKey, rows: usize, outside: bool, fallback: Code) -> Code {
    let cells: Box<[OnceLock<Remembered>]> = (0..rows).map(|_| OnceLock::new()).collect();
    let last = rows.saturating_sub(1);
    Code::new(move |ev| {
        let Value::Sym(s) = ev.field(ev.local(var), keyed.field) else {
            return fallback.run(ev);
        };
        let table = &ev.program.tables[keyed.table as usize];
        let row = table.row(s).unwrap_or(last);
        let Some(cell) = cells.get(row).filter(|_| outside || row != last) else {
            return fallback.run(ev);
        };
        match cell.get() {
            Some(Remembered::Value(v)) => *v,
            Some(Remembered::List(items)) => ev.new_list(items),
            None => {
                let v = fallback.run(ev);
                if let Some(r) = remembered(ev, v) {
                    // Another worker may have set it first, to the same value.
                    let _ = cell.set(r);
                }
                v
            }
        }
    })
}

/// What of a value can be remembered beyond this request: not an unknown,
/// a record or a text of the request, nor a list holding one.
fn remembered(ev: &Eval, v: Value) -> Option<Remembered> {
    let lasting = |v: &Value| match v {
        Value::Sym(s) => (*s as usize) < ev.program.syms.len(),
        Value::Bool(_) | Value::Num(_) | Value::Absent => true,
        Value::Unknown | Value::Rec(_) | Value::List(_) => false,
    };
    match v {
        Value::List(id) => {
            let items = ev.list_items(id);
            items
                .iter()
                .all(lasting)
                .then(|| Remembered::List(items.into()))
        }
        v => lasting(&v).then_some(Remembered::Value(v)),
    }
}

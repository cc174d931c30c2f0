//! Stage 3: the compiled form and the evaluator. Expressions evaluate by
//! Kleene's three-valued logic; [`decide`] applies the rules, stage by stage,
//! and builds the decision.

mod decide;
pub mod program;

use program::{ArithOp, CmpOp, NodeKind, Program, SetOp, Sym, Value};

pub use decide::decide;

use crate::syntax::ast::{Quantifier, TestOp};

/// A request bound to the policy's facts: what the evaluator reads.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Each fact's value, by slot.
    pub slots: Vec<Value>,
    /// Lists: (first item, length) in `items`.
    pub lists: Vec<(u32, u32)>,
    /// List items.
    pub items: Vec<Value>,
    /// Record fields, each record's fields in a row.
    pub records: Vec<Value>,
    /// Texts of the request the policy does not know (codes outside the
    /// table, ids): symbol `program.syms.len() + i`.
    pub texts: Vec<String>,
}

/// A worker's scratch space: locals and the lists made while evaluating.
/// Reuse one across requests to avoid allocating.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    locals: Vec<Value>,
    lists: Vec<(u32, u32)>,
    items: Vec<Value>,
    /// Facts found unknown while evaluating the current condition.
    unknowns: Vec<u32>,
    building: Vec<Value>,
}

impl Scratch {
    fn reset(&mut self, program: &Program) {
        self.locals.clear();
        self.locals.resize(program.locals as usize, Value::Unknown);
        self.lists.clear();
        self.items.clear();
        self.unknowns.clear();
        self.building.clear();
    }
}

/// Evaluates expressions of one program against one request.
pub struct Eval<'a> {
    /// The program.
    pub program: &'a Program,
    /// The request.
    pub facts: &'a Facts,
    /// Scratch space.
    pub scratch: &'a mut Scratch,
}

/// Kleene truth of a value: `None` is unknown. An absent bool is false.
pub fn truth(v: Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        Value::Unknown => None,
        _ => Some(false),
    }
}

fn kleene(t: Option<bool>) -> Value {
    t.map_or(Value::Unknown, Value::Bool)
}

impl<'a> Eval<'a> {
    /// An evaluator with fresh scratch state.
    pub fn new(program: &'a Program, facts: &'a Facts, scratch: &'a mut Scratch) -> Self {
        scratch.reset(program);
        Eval {
            program,
            facts,
            scratch,
        }
    }

    /// Binds a local slot (a `for each` variable).
    pub fn set_local(&mut self, slot: u32, v: Value) {
        if let Some(l) = self.scratch.locals.get_mut(slot as usize) {
            *l = v;
        }
    }

    /// The facts found unknown by the last evaluation that was unknown.
    pub fn unknowns(&self) -> &[u32] {
        &self.scratch.unknowns
    }

    /// Forgets the unknown facts recorded so far.
    pub fn clear_unknowns(&mut self) {
        self.scratch.unknowns.clear();
    }

    /// Drops the scratch lists made since `mark` (see [`Eval::list_mark`]).
    pub fn release_lists(&mut self, mark: (usize, usize)) {
        self.scratch.lists.truncate(mark.0);
        self.scratch.items.truncate(mark.1);
    }

    /// Where the scratch lists end now.
    pub fn list_mark(&self) -> (usize, usize) {
        (self.scratch.lists.len(), self.scratch.items.len())
    }

    fn list_base(&self) -> (u32, u32) {
        let consts = self.program.const_lists.len() as u32;
        (consts, consts + self.facts.lists.len() as u32)
    }

    /// The number of items of a list value.
    pub fn list_len(&self, id: u32) -> usize {
        let (consts, facts) = self.list_base();
        if id < consts {
            self.program.const_lists[id as usize].len()
        } else if id < facts {
            self.facts.lists[(id - consts) as usize].1 as usize
        } else {
            self.scratch
                .lists
                .get((id - facts) as usize)
                .map_or(0, |l| l.1 as usize)
        }
    }

    /// Item `i` of a list value.
    pub fn list_item(&self, id: u32, i: usize) -> Value {
        let (consts, facts) = self.list_base();
        if id < consts {
            self.program.const_lists[id as usize][i]
        } else if id < facts {
            let (start, _) = self.facts.lists[(id - consts) as usize];
            self.facts.items[start as usize + i]
        } else {
            let (start, _) = self.scratch.lists[(id - facts) as usize];
            self.scratch.items[start as usize + i]
        }
    }

    /// The items of a list value, copied out.
    pub fn list_items(&self, id: u32) -> Vec<Value> {
        (0..self.list_len(id))
            .map(|i| self.list_item(id, i))
            .collect()
    }

    fn new_list(&mut self, items: &[Value]) -> Value {
        let (_, facts) = self.list_base();
        let start = self.scratch.items.len() as u32;
        self.scratch.items.extend_from_slice(items);
        let id = facts + self.scratch.lists.len() as u32;
        self.scratch.lists.push((start, items.len() as u32));
        Value::List(id)
    }

    /// The text of a symbol.
    pub fn text(&self, sym: Sym) -> &str {
        self.program.sym_text(sym, &self.facts.texts)
    }

    /// Whether a list value holds `v`.
    fn contains(&self, list: u32, v: Value) -> bool {
        (0..self.list_len(list)).any(|i| self.equal(self.list_item(list, i), v))
    }

    /// Equality of two known values; lists compare as sets.
    pub fn equal(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::List(x), Value::List(y)) => {
                (0..self.list_len(x)).all(|i| self.contains(y, self.list_item(x, i)))
                    && (0..self.list_len(y)).all(|i| self.contains(x, self.list_item(y, i)))
            }
            _ => a == b,
        }
    }

    /// Evaluates a node. Facts read as unknown are recorded while the
    /// result stays unknown, and forgotten when it does not.
    pub fn eval(&mut self, n: &program::Node) -> Value {
        let mark = self.scratch.unknowns.len();
        let v = self.eval_inner(n);
        if v != Value::Unknown {
            self.scratch.unknowns.truncate(mark);
        }
        v
    }

    fn eval_inner(&mut self, n: &program::Node) -> Value {
        match &n.kind {
            NodeKind::Const(v) => *v,
            NodeKind::Fact(slot) => {
                let v = self
                    .facts
                    .slots
                    .get(*slot as usize)
                    .copied()
                    .unwrap_or(Value::Unknown);
                if v == Value::Unknown {
                    self.scratch.unknowns.push(*slot);
                }
                v
            }
            NodeKind::Local(slot) => self
                .scratch
                .locals
                .get(*slot as usize)
                .copied()
                .unwrap_or(Value::Unknown),
            NodeKind::Let(id) => match self.program.lets.get(*id as usize) {
                Some(body) => self.eval(body),
                None => Value::Unknown,
            },
            NodeKind::Field(rec, i) => match self.eval(rec) {
                Value::Rec(off) => self
                    .facts
                    .records
                    .get((off + i) as usize)
                    .copied()
                    .unwrap_or(Value::Absent),
                Value::Unknown => Value::Unknown,
                _ => Value::Absent,
            },
            NodeKind::Column { key, table, column } => match self.eval(key) {
                Value::Sym(s) => {
                    let t = &self.program.tables[*table as usize];
                    match t.row(s) {
                        Some(r) => t.rows[r][*column as usize],
                        None => Value::Absent,
                    }
                }
                Value::Unknown => Value::Unknown,
                _ => Value::Absent,
            },
            NodeKind::Not(x) => kleene(truth(self.eval(x)).map(|b| !b)),
            NodeKind::Neg(x) => match self.eval(x) {
                Value::Num(v) => Value::Num(-v),
                other => other,
            },
            NodeKind::And(a, b) => {
                let l = truth(self.eval(a));
                if l == Some(false) {
                    return Value::Bool(false);
                }
                let r = truth(self.eval(b));
                match (l, r) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Unknown,
                }
            }
            NodeKind::Or(a, b) => {
                let l = truth(self.eval(a));
                if l == Some(true) {
                    return Value::Bool(true);
                }
                let r = truth(self.eval(b));
                match (l, r) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Unknown,
                }
            }
            NodeKind::Cmp(op, a, b) => {
                let (l, r) = (self.eval(a), self.eval(b));
                self.compare(*op, l, r)
            }
            NodeKind::In(negate, item, list) => {
                let (i, l) = (self.eval(item), self.eval(list));
                match (i, l) {
                    (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
                    (Value::Absent, _) | (_, Value::Absent) => Value::Bool(false),
                    (v, Value::List(id)) => Value::Bool(self.contains(id, v) != *negate),
                    _ => Value::Bool(false),
                }
            }
            NodeKind::Set(op, a, b) => {
                let (l, r) = (self.eval(a), self.eval(b));
                match (self.as_list(l), self.as_list(r)) {
                    (Some(x), Some(y)) => {
                        let any = |ev: &Self| x.iter().any(|v| y.iter().any(|w| ev.equal(*v, *w)));
                        Value::Bool(match op {
                            SetOp::Any => any(self),
                            SetOp::None => !any(self),
                            SetOp::All => y.iter().all(|w| x.iter().any(|v| self.equal(*v, *w))),
                        })
                    }
                    _ => Value::Unknown,
                }
            }
            NodeKind::Arith(op, a, b) => match (self.eval(a), self.eval(b)) {
                (Value::Num(x), Value::Num(y)) => Value::Num(match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => x / y,
                }),
                (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
                _ => Value::Absent,
            },
            NodeKind::Test(test, x) => {
                let v = self.eval(x);
                match test {
                    TestOp::IsKnown => Value::Bool(v != Value::Unknown),
                    TestOp::IsNotKnown => Value::Bool(v == Value::Unknown),
                    TestOp::IsPresent => match v {
                        Value::Unknown => Value::Unknown,
                        Value::Absent => Value::Bool(false),
                        _ => Value::Bool(true),
                    },
                    TestOp::IsAbsent => match v {
                        Value::Unknown => Value::Unknown,
                        Value::Absent => Value::Bool(true),
                        _ => Value::Bool(false),
                    },
                    TestOp::IsEmpty | TestOp::IsNotEmpty => match v {
                        Value::Unknown => Value::Unknown,
                        Value::List(id) => {
                            Value::Bool((self.list_len(id) == 0) == (*test == TestOp::IsEmpty))
                        }
                        _ => Value::Bool(*test == TestOp::IsEmpty),
                    },
                    TestOp::IfKnown => Value::Bool(truth(v) == Some(true)),
                }
            }
            NodeKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match self.eval(item) {
                        Value::Unknown => return Value::Unknown,
                        Value::Absent => {}
                        v => {
                            if !values.iter().any(|w| self.equal(*w, v)) {
                                values.push(v)
                            }
                        }
                    }
                }
                self.new_list(&values)
            }
            NodeKind::Comprehension {
                item,
                var,
                list,
                filter,
            } => {
                let listed = self.eval(list);
                let Some(items) = self.as_list(listed) else {
                    return Value::Unknown;
                };
                let mut out: Vec<Value> = Vec::new();
                let mut unknown = false;
                for it in items {
                    self.set_local(*var, it);
                    if let Some(f) = filter {
                        match truth(self.eval(f)) {
                            Some(true) => {}
                            Some(false) => continue,
                            None => {
                                unknown = true;
                                continue;
                            }
                        }
                    }
                    match self.eval(item) {
                        Value::Unknown => unknown = true,
                        Value::Absent => {}
                        v => {
                            if !out.iter().any(|w| self.equal(*w, v)) {
                                out.push(v);
                            }
                        }
                    }
                }
                if unknown {
                    Value::Unknown
                } else {
                    self.new_list(&out)
                }
            }
            NodeKind::Quantifier {
                kind,
                var,
                list,
                cond,
                skip,
            } => {
                let listed = self.eval(list);
                let Some(items) = self.as_list(listed) else {
                    return Value::Unknown;
                };
                let skip = skip.and_then(|s| self.scratch.locals.get(s as usize).copied());
                let (mut yes, mut unknown, mut total) = (0usize, false, 0usize);
                for it in items {
                    if Some(it) == skip {
                        continue;
                    }
                    total += 1;
                    let t = match cond {
                        Some(c) => {
                            self.set_local(*var, it);
                            truth(self.eval(c))
                        }
                        None => Some(true),
                    };
                    match t {
                        Some(true) => {
                            yes += 1;
                            if *kind == Quantifier::Any || *kind == Quantifier::No {
                                break;
                            }
                        }
                        Some(false) => {
                            if *kind == Quantifier::All {
                                return Value::Bool(false);
                            }
                        }
                        None => unknown = true,
                    }
                }
                match kind {
                    Quantifier::Any if yes > 0 => Value::Bool(true),
                    Quantifier::No if yes > 0 => Value::Bool(false),
                    Quantifier::All if yes == total => Value::Bool(true),
                    _ if unknown => Value::Unknown,
                    Quantifier::Any => Value::Bool(false),
                    Quantifier::No => Value::Bool(true),
                    Quantifier::All => Value::Bool(yes == total),
                    Quantifier::Count => Value::Num(yes as f64),
                }
            }
            NodeKind::Query { table, tests } => {
                let mut wanted = Vec::with_capacity(tests.len());
                for (column, is_in, value) in tests {
                    let v = self.eval(value);
                    if v == Value::Unknown {
                        return Value::Unknown;
                    }
                    wanted.push((*column as usize, *is_in, v));
                }
                let t = &self.program.tables[*table as usize];
                let mut keys = std::mem::take(&mut self.scratch.building);
                keys.clear();
                for (r, row) in t.rows.iter().enumerate() {
                    let hit = wanted.iter().all(|(c, is_in, v)| match (is_in, v) {
                        (true, Value::List(id)) => {
                            row[*c] != Value::Absent && self.contains(*id, row[*c])
                        }
                        (true, _) => false,
                        (false, v) => row[*c] == *v,
                    });
                    if hit {
                        keys.push(Value::Sym(t.keys[r]));
                    }
                }
                let list = self.new_list(&keys);
                self.scratch.building = keys;
                list
            }
            NodeKind::Match(value, arms) => {
                let v = self.eval(value);
                if v == Value::Unknown {
                    return Value::Unknown;
                }
                for (pattern, result) in arms {
                    match pattern {
                        Some(p) if v != Value::Absent && self.equal(*p, v) => {
                            return self.eval(result);
                        }
                        None => return self.eval(result),
                        _ => {}
                    }
                }
                Value::Absent
            }
            NodeKind::Call(id, args) => {
                let Some(def) = self.program.defines.get(*id as usize) else {
                    return Value::Unknown;
                };
                let mut values = [Value::Unknown; 8];
                let many: Vec<Value>;
                let bound: &[Value] = if args.len() <= values.len() {
                    for (slot, a) in values.iter_mut().zip(args) {
                        *slot = self.eval(a);
                    }
                    &values[..args.len()]
                } else {
                    many = args.iter().map(|a| self.eval(a)).collect();
                    &many
                };
                for (slot, v) in def.params.iter().zip(bound) {
                    self.set_local(*slot, *v);
                }
                self.eval(&def.body)
            }
        }
    }

    /// The items of a list value (`Absent` is empty, `Unknown` is `None`).
    fn as_list(&self, v: Value) -> Option<Vec<Value>> {
        match v {
            Value::List(id) => Some(self.list_items(id)),
            Value::Unknown => None,
            _ => Some(Vec::new()),
        }
    }

    fn compare(&self, op: CmpOp, l: Value, r: Value) -> Value {
        match (l, r) {
            (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
            (Value::Absent, _) | (_, Value::Absent) => Value::Bool(false),
            (Value::Num(x), Value::Num(y)) => Value::Bool(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
            }),
            (a, b) => match op {
                CmpOp::Eq => Value::Bool(self.equal(a, b)),
                CmpOp::Ne => Value::Bool(!self.equal(a, b)),
                _ => Value::Bool(false),
            },
        }
    }

    /// A value as a message shows it: lists without braces (`70460, 70470`).
    pub fn display(&self, v: Value) -> String {
        match v {
            Value::List(id) => {
                let items: Vec<String> = self
                    .list_items(id)
                    .into_iter()
                    .map(|v| self.show(v))
                    .collect();
                if items.is_empty() {
                    "none".into()
                } else {
                    items.join(", ")
                }
            }
            other => self.show(other),
        }
    }

    /// A value as the language writes it (`70553`, `{70460, 70470}`, `unknown`).
    pub fn show(&self, v: Value) -> String {
        match v {
            Value::Unknown => "unknown".into(),
            Value::Absent => "none".into(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => format_number(n),
            Value::Sym(s) => self.text(s).to_string(),
            Value::List(id) => {
                let items: Vec<String> = self
                    .list_items(id)
                    .into_iter()
                    .map(|v| self.show(v))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            Value::Rec(off) => {
                // A record shows as its first field (a line shows as its code).
                self.facts
                    .records
                    .get(off as usize)
                    .map_or("record".into(), |v| self.show(*v))
            }
        }
    }
}

/// A number without a needless `.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

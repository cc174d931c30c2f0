//! The evaluator: [`Eval`] holds one request, one program and a scratch
//! space, and does the language's operations by Kleene's three-valued logic.
//! [`super::compile`] wires these operations into each node's code.

use super::compile::{Code, Operand};
use super::facts::{FACT_LIST, LIST_SPACE, SCRATCH_LIST, Space};
use super::program::{ArithOp, CmpOp, Program, SetOp, Sym, Value};
use super::{Facts, Scratch};
use crate::syntax::ast::{Quantifier, TestOp};

/// Evaluates expressions of one program against one request.
pub struct Eval<'a> {
    /// The program.
    pub program: &'a Program,
    /// The request.
    pub facts: &'a Facts,
    /// Scratch space.
    pub(super) scratch: &'a mut Space,
}

/// Kleene truth of a value: `None` is unknown. An absent bool is false.
pub fn truth(v: Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        Value::Unknown => None,
        _ => Some(false),
    }
}

/// Kleene conjunction of three truth values (`None`: unknown): how a
/// rule's `when`, earlier branches and a branch's own condition combine.
pub fn and3(a: Option<bool>, b: Option<bool>, c: Option<bool>) -> Option<bool> {
    if a == Some(false) || b == Some(false) || c == Some(false) {
        Some(false)
    } else if a.is_none() || b.is_none() || c.is_none() {
        None
    } else {
        Some(true)
    }
}

pub(super) fn kleene(t: Option<bool>) -> Value {
    t.map_or(Value::Unknown, Value::Bool)
}

pub(super) fn arith(op: ArithOp, l: Value, r: Value) -> Value {
    match (l, r) {
        (Value::Num(x), Value::Num(y)) => Value::Num(match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div => x / y,
        }),
        (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
        _ => Value::Absent,
    }
}

impl<'a> Eval<'a> {
    /// An evaluator with fresh scratch state.
    pub fn new(program: &'a Program, facts: &'a Facts, scratch: &'a mut Scratch) -> Self {
        Eval::in_space(program, facts, &mut scratch.space)
    }

    /// An evaluator in the space of a scratch space, its work left free.
    pub(super) fn in_space(program: &'a Program, facts: &'a Facts, space: &'a mut Space) -> Self {
        space.reset(program);
        Eval {
            program,
            facts,
            scratch: space,
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

    /// The number of items of a list value.
    #[inline]
    pub fn list_len(&self, id: u32) -> usize {
        self.list_slice(id).len()
    }

    /// Item `i` of a list value.
    #[inline]
    pub fn list_item(&self, id: u32, i: usize) -> Value {
        self.list_slice(id)
            .get(i)
            .copied()
            .unwrap_or(Value::Unknown)
    }

    /// The items of a list value: a constant list of the program, a list of
    /// the request, or one made while evaluating.
    #[inline]
    pub(super) fn list_slice(&self, id: u32) -> &[Value] {
        let index = (id & !LIST_SPACE) as usize;
        let run = |items: &'a [Value], run: Option<&(u32, u32)>| {
            run.and_then(|&(start, len)| items.get(start as usize..(start + len) as usize))
        };
        let found = match id & LIST_SPACE {
            FACT_LIST => run(&self.facts.items, self.facts.lists.get(index)),
            SCRATCH_LIST => {
                let space = &*self.scratch;
                space.lists.get(index).and_then(|&(start, len)| {
                    space.items.get(start as usize..(start + len) as usize)
                })
            }
            _ => self.program.const_lists.get(index).map(Vec::as_slice),
        };
        found.unwrap_or(&[])
    }

    /// The items of a list value, copied out.
    pub fn list_items(&self, id: u32) -> Vec<Value> {
        (0..self.list_len(id))
            .map(|i| self.list_item(id, i))
            .collect()
    }

    pub(super) fn new_list(&mut self, items: &[Value]) -> Value {
        let start = self.scratch.items.len() as u32;
        self.scratch.items.extend_from_slice(items);
        let id = SCRATCH_LIST | self.scratch.lists.len() as u32;
        self.scratch.lists.push((start, items.len() as u32));
        Value::List(id)
    }

    /// The text of a symbol.
    pub fn text(&self, sym: Sym) -> &str {
        self.program.sym_text(sym, &self.facts.texts)
    }

    /// Whether a list value holds `v`.
    #[inline]
    pub(super) fn contains(&self, list: u32, v: Value) -> bool {
        let items = self.list_slice(list);
        match v {
            Value::List(_) => items.iter().any(|&item| self.equal(item, v)),
            // A value that is not a list equals only itself.
            _ => items.contains(&v),
        }
    }

    /// Equality of two known values; lists compare as sets.
    #[inline]
    pub fn equal(&self, a: Value, b: Value) -> bool {
        match (a, b) {
            (Value::List(x), Value::List(y)) => {
                (0..self.list_len(x)).all(|i| self.contains(y, self.list_item(x, i)))
                    && (0..self.list_len(y)).all(|i| self.contains(x, self.list_item(y, i)))
            }
            _ => a == b,
        }
    }

    /// Evaluates a node: runs its compiled code (see [`compile`]). Facts
    /// read as unknown are recorded while the result stays unknown, and
    /// forgotten when it does not.
    ///
    /// Most operations are unknown whenever an operand is, so a known result
    /// means that no operand recorded anything. Only the operations that can
    /// turn an unknown operand into a known result (`and`, `or`, the tests
    /// for knowledge, quantifiers, calls) forget what their operands
    /// recorded; the rest leave the record alone.
    pub fn eval(&mut self, n: &super::program::Node) -> Value {
        n.code.run(self)
    }

    /// Forgets the unknown facts recorded since `mark`: the result `v` is
    /// known.
    pub(super) fn forget(&mut self, mark: usize, v: Value) -> Value {
        self.scratch.unknowns.truncate(mark);
        v
    }

    pub(super) fn local(&self, slot: u32) -> Value {
        self.scratch
            .locals
            .get(slot as usize)
            .copied()
            .unwrap_or(Value::Unknown)
    }

    pub(super) fn fact(&mut self, slot: u32) -> Value {
        let v = self
            .facts
            .slots
            .get(slot as usize)
            .copied()
            .unwrap_or(Value::Unknown);
        if v == Value::Unknown {
            self.scratch.unknowns.push(slot);
        }
        v
    }

    /// Field `i` of a record value.
    pub(super) fn field(&self, rec: Value, i: u32) -> Value {
        match rec {
            Value::Rec(off) => self
                .facts
                .records
                .get((off + i) as usize)
                .copied()
                .unwrap_or(Value::Absent),
            Value::Unknown => Value::Unknown,
            _ => Value::Absent,
        }
    }

    /// A table's column at the row of a key.
    pub(super) fn column(&self, key: Value, table: u32, column: u32) -> Value {
        match key {
            Value::Sym(s) => {
                let t = &self.program.tables[table as usize];
                match t.row(s) {
                    Some(r) => t.rows[r][column as usize],
                    None => Value::Absent,
                }
            }
            Value::Unknown => Value::Unknown,
            _ => Value::Absent,
        }
    }

    pub(super) fn and(&mut self, a: &Operand, b: &Operand) -> Value {
        let mark = self.scratch.unknowns.len();
        let l = truth(a.get(self));
        if l == Some(false) {
            return Value::Bool(false);
        }
        match (l, truth(b.get(self))) {
            (_, Some(false)) => self.forget(mark, Value::Bool(false)),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Unknown,
        }
    }

    pub(super) fn or(&mut self, a: &Operand, b: &Operand) -> Value {
        let mark = self.scratch.unknowns.len();
        let l = truth(a.get(self));
        if l == Some(true) {
            return Value::Bool(true);
        }
        match (l, truth(b.get(self))) {
            (_, Some(true)) => self.forget(mark, Value::Bool(true)),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Unknown,
        }
    }

    /// `item in list` (`negate`: `not in`).
    pub(super) fn in_list(&self, negate: bool, item: Value, list: Value) -> Value {
        match (item, list) {
            (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
            (Value::Absent, _) | (_, Value::Absent) => Value::Bool(false),
            (v, Value::List(id)) => Value::Bool(self.contains(id, v) != negate),
            _ => Value::Bool(false),
        }
    }

    pub(super) fn test(&mut self, test: TestOp, x: &Operand) -> Value {
        let mark = self.scratch.unknowns.len();
        let v = x.get(self);
        match test {
            TestOp::IsKnown => self.forget(mark, Value::Bool(v != Value::Unknown)),
            TestOp::IsNotKnown => self.forget(mark, Value::Bool(v == Value::Unknown)),
            TestOp::IfKnown => self.forget(mark, Value::Bool(truth(v) == Some(true))),
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
                    Value::Bool((self.list_len(id) == 0) == (test == TestOp::IsEmpty))
                }
                _ => Value::Bool(test == TestOp::IsEmpty),
            },
        }
    }

    /// `has any of`, `has none of`, `has all of`.
    pub(super) fn set_op(&self, op: SetOp, l: Value, r: Value) -> Value {
        match (self.list_of(l), self.list_of(r)) {
            (Some((x, _)), Some((y, _))) => {
                let (xs, ys) = (self.list_slice(x), self.list_slice(y));
                let any = || xs.iter().any(|&v| self.contains(y, v));
                Value::Bool(match op {
                    SetOp::Any => any(),
                    SetOp::None => !any(),
                    SetOp::All => ys.iter().all(|&v| self.contains(x, v)),
                })
            }
            _ => Value::Unknown,
        }
    }

    /// `{a, b}`: its known items, each once; unknown if one is.
    pub(super) fn list(&mut self, items: &[Code]) -> Value {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            match item.run(self) {
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

    /// `{item for var in list where filter}`.
    pub(super) fn comprehension(
        &mut self,
        item: &Code,
        var: u32,
        list: &Code,
        filter: Option<&Code>,
    ) -> Value {
        let listed = list.run(self);
        let Some((id, len)) = self.list_of(listed) else {
            return Value::Unknown;
        };
        let mut out: Vec<Value> = Vec::new();
        let mut unknown = false;
        for i in 0..len {
            let it = self.list_item(id, i);
            self.set_local(var, it);
            if let Some(f) = filter {
                match truth(f.run(self)) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        unknown = true;
                        continue;
                    }
                }
            }
            match item.run(self) {
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

    /// `any/all/no/count var in list where cond` (`skip`: the local holding
    /// the item `other` leaves out).
    pub(super) fn quantify(
        &mut self,
        kind: Quantifier,
        var: u32,
        list: &Code,
        cond: Option<&Code>,
        skip: Option<u32>,
    ) -> Value {
        let mark = self.scratch.unknowns.len();
        let listed = list.run(self);
        let Some((id, len)) = self.list_of(listed) else {
            return Value::Unknown;
        };
        let skip = skip.and_then(|s| self.scratch.locals.get(s as usize).copied());
        let (mut yes, mut unknown, mut total) = (0usize, false, 0usize);
        for i in 0..len {
            let it = self.list_item(id, i);
            if Some(it) == skip {
                continue;
            }
            total += 1;
            let t = match cond {
                Some(c) => {
                    self.set_local(var, it);
                    truth(c.run(self))
                }
                None => Some(true),
            };
            match t {
                Some(true) => {
                    yes += 1;
                    if kind == Quantifier::Any || kind == Quantifier::No {
                        break;
                    }
                }
                Some(false) => {
                    if kind == Quantifier::All {
                        return self.forget(mark, Value::Bool(false));
                    }
                }
                None => unknown = true,
            }
        }
        let v = match kind {
            Quantifier::Any if yes > 0 => Value::Bool(true),
            Quantifier::No if yes > 0 => Value::Bool(false),
            Quantifier::All if yes == total => Value::Bool(true),
            _ if unknown => Value::Unknown,
            Quantifier::Any => Value::Bool(false),
            Quantifier::No => Value::Bool(true),
            Quantifier::All => Value::Bool(yes == total),
            Quantifier::Count => Value::Num(yes as f64),
        };
        if v == Value::Unknown {
            v
        } else {
            self.forget(mark, v)
        }
    }

    /// `table where col is v and col in vs`: the keys of the rows that match.
    pub(super) fn query(&mut self, table: u32, tests: &[(u32, bool, Code)]) -> Value {
        // The tests' values; unknown at the first unknown one, whose facts
        // are the ones the result records.
        const MOST: usize = 8;
        let mut few = [(0usize, false, Value::Unknown); MOST];
        let mut many = Vec::new();
        for (i, (column, is_in, value)) in tests.iter().enumerate() {
            let v = value.run(self);
            if v == Value::Unknown {
                return Value::Unknown;
            }
            let test = (*column as usize, *is_in, v);
            match few.get_mut(i) {
                Some(slot) => *slot = test,
                None => many.push(test),
            }
        }
        if !many.is_empty() {
            many.splice(0..0, few);
        }
        let wanted = if many.is_empty() {
            &few[..tests.len()]
        } else {
            &many[..]
        };
        let t = &self.program.tables[table as usize];
        let mut keys = std::mem::take(&mut self.scratch.building);
        keys.clear();
        let row_matches = |ev: &Self, r: usize| {
            let row = &t.rows[r];
            wanted.iter().all(|(c, is_in, v)| match (is_in, v) {
                (true, Value::List(id)) => row[*c] != Value::Absent && ev.contains(*id, row[*c]),
                (true, _) => false,
                (false, v) => row[*c] == *v,
            })
        };
        // The smallest posting list among the `is` tests, if any column is
        // indexed; else every row.
        let narrowest = wanted
            .iter()
            .filter(|(_, is_in, _)| !is_in)
            .filter_map(|(c, _, v)| t.posting(*c, *v))
            .min_by_key(|rows| rows.len());
        match narrowest {
            Some(rows) => {
                for &r in rows {
                    if row_matches(self, r as usize) {
                        keys.push(Value::Sym(t.keys[r as usize]));
                    }
                }
            }
            None => {
                for r in 0..t.rows.len() {
                    if row_matches(self, r) {
                        keys.push(Value::Sym(t.keys[r]));
                    }
                }
            }
        }
        let list = self.new_list(&keys);
        self.scratch.building = keys;
        list
    }

    /// `match v { pattern => result }` (a `None` pattern: `else`).
    pub(super) fn match_value(&mut self, value: &Code, arms: &[(Option<Value>, Code)]) -> Value {
        let v = value.run(self);
        if v == Value::Unknown {
            return Value::Unknown;
        }
        for (pattern, result) in arms {
            match pattern {
                Some(p) if v != Value::Absent && self.equal(*p, v) => return result.run(self),
                None => return result.run(self),
                _ => {}
            }
        }
        Value::Absent
    }

    /// A definition applied to arguments.
    pub(super) fn call(&mut self, id: u32, args: &[Code]) -> Value {
        let program = self.program;
        let Some(def) = program.defines.get(id as usize) else {
            return Value::Unknown;
        };
        if args.is_empty() {
            // A definition without parameters depends only on the
            // request: compute it once. Unknowns are recomputed so
            // that their facts are recorded where they matter, and
            // lists, which live in released scratch space, are not kept.
            if let Some(Some(v)) = self.scratch.defined.get(id as usize) {
                return *v;
            }
            let v = def.body.code.run(self);
            if !matches!(v, Value::Unknown | Value::List(_))
                && let Some(slot) = self.scratch.defined.get_mut(id as usize)
            {
                *slot = Some(v);
            }
            return v;
        }
        let mark = self.scratch.unknowns.len();
        let mut values = [Value::Unknown; 8];
        let many: Vec<Value>;
        let bound: &[Value] = if args.len() <= values.len() {
            for (slot, a) in values.iter_mut().zip(args) {
                *slot = a.run(self);
            }
            &values[..args.len()]
        } else {
            many = args.iter().map(|a| a.run(self)).collect();
            &many
        };
        for (slot, v) in def.params.iter().zip(bound) {
            self.set_local(*slot, *v);
        }
        // An argument the body does not need may have been unknown.
        let v = def.body.code.run(self);
        if v == Value::Unknown {
            v
        } else {
            self.forget(mark, v)
        }
    }

    /// A list value's id and length (`Absent` is empty, `Unknown` is `None`).
    pub(super) fn list_of(&self, v: Value) -> Option<(u32, usize)> {
        match v {
            Value::List(id) => Some((id, self.list_len(id))),
            Value::Unknown => None,
            _ => Some((0, 0)),
        }
    }

    #[inline]
    pub(super) fn compare(&self, op: CmpOp, l: Value, r: Value) -> Value {
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
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{EmbeddedLoader, Policy};

    const POLICY: &str = r#"
        enum color { red, green, blue }
        text word matching "^[a-z]+$"
        record item { name: word, weight: number, tag: color may be absent }
        facts {
          a: bool may be unknown
          b: bool may be unknown
          n: number may be unknown
          c: color may be unknown
          w: word may be absent
          items: list of item may be unknown
          colors: list of color default {}
        }
    "#;

    /// Evaluates `expr` against `request`: `Some(true)`, `Some(false)` or
    /// `None` for unknown; other values as the language shows them.
    pub(super) fn value(request: &str, expr: &str) -> String {
        let policy = Policy::from_source("t.dsl", POLICY, &EmbeddedLoader).unwrap();
        let facts = policy.bind(request).unwrap();
        let ast = crate::syntax::parse_expr(expr).unwrap();
        let mut program = policy.program().clone();
        let (node, _) = crate::check::check_expr(&mut program, &ast).unwrap();
        let mut scratch = Scratch::default();
        let mut ev = Eval::new(&program, &facts, &mut scratch);
        let v = ev.eval(&node);
        ev.show(v)
    }

    pub(super) fn facts(a: Option<bool>, b: Option<bool>) -> String {
        let mut parts = Vec::new();
        if let Some(a) = a {
            parts.push(format!("\"a\": {a}"));
        }
        if let Some(b) = b {
            parts.push(format!("\"b\": {b}"));
        }
        format!("{{{}}}", parts.join(", "))
    }

    pub(super) fn kleene_and(x: Option<bool>, y: Option<bool>) -> Option<bool> {
        match (x, y) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }
    }

    pub(super) fn kleene_or(x: Option<bool>, y: Option<bool>) -> Option<bool> {
        match (x, y) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }
    }

    pub(super) fn shown(t: Option<bool>) -> String {
        t.map_or("unknown".into(), |b| b.to_string())
    }

    const TRUTH: [Option<bool>; 3] = [Some(true), Some(false), None];

    #[test]
    pub(super) fn and_or_not_follow_kleene() {
        for x in TRUTH {
            for y in TRUTH {
                let f = facts(x, y);
                assert_eq!(
                    value(&f, "a and b"),
                    shown(kleene_and(x, y)),
                    "{x:?} and {y:?}"
                );
                assert_eq!(
                    value(&f, "a or b"),
                    shown(kleene_or(x, y)),
                    "{x:?} or {y:?}"
                );
            }
            assert_eq!(value(&facts(x, None), "not a"), shown(x.map(|v| !v)));
        }
    }

    #[test]
    pub(super) fn unknown_compares_unknown_and_absent_compares_false() {
        assert_eq!(value("{}", "n < 3"), "unknown");
        assert_eq!(value(r#"{"n": 2}"#, "n < 3"), "true");
        assert_eq!(value("{}", "c is red"), "unknown");
        assert_eq!(value("{}", "w is \"x\""), "false");
        assert_eq!(value("{}", "w is not \"x\""), "false");
        assert_eq!(value("{}", "not (w is \"x\")"), "true");
    }

    #[test]
    pub(super) fn tests_of_knowledge_and_presence_are_two_valued() {
        assert_eq!(value("{}", "n is known"), "false");
        assert_eq!(value("{}", "n is not known"), "true");
        assert_eq!(value("{}", "w is present"), "false");
        assert_eq!(value("{}", "w is absent"), "true");
        assert_eq!(value(r#"{"w": "hi"}"#, "w is present"), "true");
        assert_eq!(value("{}", "n < 3 if known"), "false");
        assert_eq!(value(r#"{"n": 2}"#, "n < 3 if known"), "true");
    }

    #[test]
    pub(super) fn quantifiers_over_known_and_unknown_lists() {
        let items = r#"{"items": [{"name": "x", "weight": 1, "tag": "red"}, {"name": "y", "weight": 5}], "n": 3}"#;
        assert_eq!(value(items, "any i in items where i.weight > n"), "true");
        assert_eq!(value(items, "all i in items where i.weight > n"), "false");
        assert_eq!(value(items, "no i in items where i.weight > 9"), "true");
        assert_eq!(value(items, "count i in items where i.weight >= 1"), "2");
        assert_eq!(value(items, "{i.tag for i in items}"), "{red}");
        assert_eq!(
            value(
                r#"{"items": [{"name": "x", "weight": 1}]}"#,
                "any i in items where i.weight > n"
            ),
            "unknown"
        );
        assert_eq!(
            value(
                r#"{"items": [{"name": "x", "weight": 9}]}"#,
                "any i in items where i.weight > n"
            ),
            "unknown"
        );
        assert_eq!(value("{}", "any i in items where i.weight > 1"), "unknown");
        assert_eq!(
            value(r#"{"items": []}"#, "all i in items where i.weight > n"),
            "true"
        );
    }

    #[test]
    pub(super) fn sets_and_membership() {
        let f = r#"{"colors": ["red", "blue"]}"#;
        assert_eq!(value(f, "red in colors"), "true");
        assert_eq!(value(f, "green not in colors"), "true");
        assert_eq!(value(f, "colors has any of {green, blue}"), "true");
        assert_eq!(value(f, "colors has none of {green}"), "true");
        assert_eq!(value(f, "colors has all of {red, green}"), "false");
        assert_eq!(value(f, "colors == {blue, red}"), "true");
        assert_eq!(value("{}", "c in {red, green}"), "unknown");
    }

    #[test]
    pub(super) fn match_and_arithmetic() {
        assert_eq!(
            value(
                r#"{"c": "green"}"#,
                "match c { red => 1, green => 2, else => 3 }"
            ),
            "2"
        );
        assert_eq!(
            value(r#"{"c": "blue"}"#, "match c { red => 1, green => 2 }"),
            "none"
        );
        assert_eq!(value(r#"{"n": 4}"#, "n * 2 + 1"), "9");
        assert_eq!(value("{}", "n * 2 + 1"), "unknown");
    }

    pub(super) fn truth_of(t: Option<bool>) -> &'static str {
        match t {
            Some(true) => "true",
            Some(false) => "false",
            None => "unknown",
        }
    }

    pub(super) fn arb_truth() -> impl Strategy<Value = Option<bool>> {
        prop_oneof![Just(Some(true)), Just(Some(false)), Just(None)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// De Morgan and double negation hold in the three-valued logic.
        #[test]
        fn de_morgan_holds(x in arb_truth(), y in arb_truth()) {
            let f = facts(x, y);
            prop_assert_eq!(value(&f, "not (a and b)"), value(&f, "not a or not b"));
            prop_assert_eq!(value(&f, "not (a or b)"), value(&f, "not a and not b"));
            prop_assert_eq!(value(&f, "not not a"), truth_of(x));
            prop_assert_eq!(value(&f, "a and b"), value(&f, "b and a"));
        }
    }
}

//! Deciding whether a formula of [`super::logic`] can hold. Each term gets a
//! small universe of cells (its vocabulary, the constants the formula
//! mentions, the gaps between numbers, "something else", absent, unknown);
//! each literal becomes a set of cells; a depth-first search over the `or`s
//! narrows the sets and checks, at the end, that the columns of each key fit
//! one table row (or no row).

mod cells;

use super::canon::CVal;
use super::hash::Map;
use super::logic::{F, Lit, Logic, Pred, PredId, Shape, TermId};
use cells::{Cell, bit, cells_of, number_cells};

/// Whether a formula can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sat {
    /// Some request makes it hold (or the search could not tell otherwise).
    Yes,
    /// No request makes it hold.
    No,
    /// The search gave up.
    Unsure,
}

/// At most this many cells per term (one bit each, and room to spare).
const MAX_CELLS: usize = 126;
/// At most this many search steps per formula.
const MAX_STEPS: usize = 20_000;

/// The rows of a table, as a bitset.
type Rows = Vec<u64>;

/// A table column: its distinct values, and the rows holding each.
#[derive(Debug)]
pub(crate) struct ColumnIndex {
    values: Vec<CVal>,
    rows_of: Vec<Rows>,
    absent_rows: Rows,
}

/// A formula over the problem's terms, literals turned into cell sets.
enum P {
    True,
    False,
    Leaf(usize, u128),
    And(Vec<P>),
    Or(Vec<P>),
}

/// A literal, the local index of its term, and its cell set.
type Leaf = (Lit, usize, u128);

struct Problem {
    universes: Vec<Vec<Cell>>,
    full: Vec<u128>,
    /// Column terms: (local column, local key, table, column).
    joins: Vec<(usize, usize, u32, u32)>,
}

fn mask(n: usize) -> u128 {
    if n >= 128 {
        u128::MAX
    } else {
        (1u128 << n) - 1
    }
}

impl Logic<'_> {
    fn column_index(&mut self, table: u32, column: u32) -> Option<&ColumnIndex> {
        if !self.col_index.contains_key(&(table, column)) {
            let t = self.program.tables.get(table as usize)?;
            let words = t.rows.len().div_ceil(64);
            let mut values: Vec<CVal> = Vec::new();
            let mut rows_of: Vec<Rows> = Vec::new();
            let mut at: Map<CVal, usize> = Map::default();
            let mut absent_rows = vec![0u64; words];
            for (r, row) in t.rows.iter().enumerate() {
                let v = row
                    .get(column as usize)
                    .map_or(CVal::Absent, |v| self.canon.value(*v));
                if v == CVal::Absent {
                    absent_rows[r / 64] |= 1 << (r % 64);
                    continue;
                }
                let i = *at.entry(v.clone()).or_insert_with(|| {
                    values.push(v);
                    rows_of.push(vec![0u64; words]);
                    values.len() - 1
                });
                rows_of[i][r / 64] |= 1 << (r % 64);
            }
            self.col_index.insert(
                (table, column),
                ColumnIndex {
                    values,
                    rows_of,
                    absent_rows,
                },
            );
        }
        self.col_index.get(&(table, column))
    }

    /// Whether `f` can hold for some request.
    pub fn satisfiable(&mut self, f: &F) -> Sat {
        match f {
            F::True => return Sat::Yes,
            F::False => return Sat::No,
            _ => {}
        }
        let mut lits = Vec::new();
        f.lits(&mut lits);
        let Some((problem, leaves)) = self.problem(&lits) else {
            return Sat::Unsure;
        };
        let p = to_p(f, &leaves);
        let mut steps = MAX_STEPS;
        let state = problem.full.clone();
        match self.search(&problem, vec![&p], state, &mut steps) {
            Some(true) => Sat::Yes,
            Some(false) => Sat::No,
            None => Sat::Unsure,
        }
    }

    /// The terms, universes and literal cell sets of a formula's literals.
    fn problem(&mut self, lits: &[Lit]) -> Option<(Problem, Vec<Leaf>)> {
        // Which predicates each term is tested with (few: linear search).
        let mut preds_of: Vec<(TermId, Vec<PredId>)> = Vec::new();
        fn add(preds_of: &mut Vec<(TermId, Vec<PredId>)>, term: TermId, pred: Option<PredId>) {
            let i = match preds_of.iter().position(|(t, _)| *t == term) {
                Some(i) => i,
                None => {
                    preds_of.push((term, Vec::new()));
                    preds_of.len() - 1
                }
            };
            if let Some(p) = pred
                && !preds_of[i].1.contains(&p)
            {
                preds_of[i].1.push(p);
            }
        }
        for l in lits {
            add(&mut preds_of, l.term, Some(l.pred));
            if let Some((key, _, _)) = self.terms.get(l.term as usize).and_then(|t| t.column) {
                add(&mut preds_of, key, None);
            }
        }
        // Terms too big to reason about get a stand-in per predicate.
        let mut renamed: Vec<((TermId, PredId), TermId)> = Vec::new();
        let mut universes: Vec<(TermId, Vec<Cell>)> = Vec::with_capacity(preds_of.len());
        for (term, preds) in &preds_of {
            match self.universe(*term, preds) {
                Some(cells) => universes.push((*term, cells)),
                None => {
                    for p in preds {
                        let s = self.stand_in(*term, *p);
                        renamed.push(((*term, *p), s));
                        universes.push((
                            s,
                            vec![
                                Cell::Val(CVal::Bool(true)),
                                Cell::Val(CVal::Bool(false)),
                                Cell::Unk,
                            ],
                        ));
                    }
                }
            }
        }
        let local = |t: TermId| universes.iter().position(|(u, _)| *u == t);
        let mut joins = Vec::new();
        for (i, (t, _)) in universes.iter().enumerate() {
            if let Some((key, table, column)) = self.terms.get(*t as usize).and_then(|x| x.column)
                && let Some(k) = local(key)
            {
                joins.push((i, k, table, column));
            }
        }
        let truth = self.pred(Pred::Truth);
        let mut cache: Vec<((TermId, PredId), usize, u128, u128)> = Vec::new();
        let mut leaves: Vec<Leaf> = Vec::with_capacity(lits.len());
        for l in lits {
            let key = (l.term, l.pred);
            let (i, t, f) = match cache.iter().find(|c| c.0 == key) {
                Some(c) => (c.1, c.2, c.3),
                None => {
                    let (term, pred) = match renamed.iter().find(|r| r.0 == key) {
                        Some(r) => (r.1, truth),
                        None => key,
                    };
                    let i = local(term)?;
                    let (t, f) = cells_of(self.preds.get(pred as usize)?, &universes[i].1);
                    cache.push((key, i, t, f));
                    (i, t, f)
                }
            };
            let full = mask(universes[i].1.len());
            let set = if l.pol { t } else { f };
            let set = if l.comp { full & !set } else { set };
            leaves.push((*l, i, set));
        }
        let full = universes.iter().map(|(_, c)| mask(c.len())).collect();
        let universes = universes.into_iter().map(|(_, c)| c).collect();
        Some((
            Problem {
                universes,
                full,
                joins,
            },
            leaves,
        ))
    }

    /// The cells of a term for a formula testing it with `preds`; `None` if
    /// there are too many.
    fn universe(&mut self, term: TermId, preds: &[PredId]) -> Option<Vec<Cell>> {
        let info = self.terms.get(term as usize)?;
        let (shape, absent, unknown) = (info.shape.clone(), info.absent, info.unknown);
        let mut syms: Vec<CVal> = Vec::new();
        let mut nums: Vec<f64> = Vec::new();
        for p in preds {
            let constants: Vec<&CVal> = match self.preds.get(*p as usize)? {
                Pred::Cmp(_, c) => vec![c],
                Pred::In(_, items) => items.iter().collect(),
                _ => Vec::new(),
            };
            for c in constants {
                match c {
                    CVal::Num(n) => nums.push(n.0),
                    CVal::Sym(_) => syms.push(c.clone()),
                    _ => {}
                }
            }
        }
        syms.sort();
        syms.dedup();
        nums.sort_by(f64::total_cmp);
        nums.dedup();
        let mut cells = Vec::new();
        let bools = [Cell::Val(CVal::Bool(true)), Cell::Val(CVal::Bool(false))];
        match &shape {
            Shape::Bool => cells.extend(bools),
            Shape::Truth => cells.extend(bools),
            Shape::Enum(e) => {
                let values = &self.program.enums.get(*e as usize)?.values;
                if values.len() > MAX_CELLS {
                    return None;
                }
                cells.extend(values.iter().map(|s| Cell::Val(CVal::Sym(*s))));
            }
            Shape::Text => {
                cells.extend(syms.into_iter().map(Cell::Val));
                cells.push(Cell::Other);
            }
            Shape::Number { min, max, integer } => {
                number_cells(&nums, *min, *max, *integer, &mut cells);
            }
            Shape::Column(t, c) => {
                let index = self.column_index(*t, *c)?;
                if index.values.len() > MAX_CELLS {
                    return None;
                }
                cells.extend(index.values.iter().cloned().map(Cell::Val));
            }
            Shape::List { empty, nonempty } => {
                if *empty {
                    cells.push(Cell::Empty);
                }
                if *nonempty {
                    cells.push(Cell::NonEmpty);
                }
            }
            Shape::Opaque => {
                cells.extend(bools);
                cells.extend(syms.into_iter().map(Cell::Val));
                number_cells(&nums, None, None, false, &mut cells);
                cells.extend([Cell::Other, Cell::Empty, Cell::NonEmpty]);
            }
        }
        if absent {
            cells.push(Cell::Abs);
        }
        if unknown {
            cells.push(Cell::Unk);
        }
        (cells.len() <= MAX_CELLS).then_some(cells)
    }

    fn search<'a>(
        &mut self,
        problem: &Problem,
        mut todo: Vec<&'a P>,
        mut state: Vec<u128>,
        steps: &mut usize,
    ) -> Option<bool> {
        let mut ors: Vec<&'a P> = Vec::new();
        while let Some(p) = todo.pop() {
            match p {
                P::True => {}
                P::False => return Some(false),
                P::Leaf(i, set) => {
                    let s = state.get_mut(*i)?;
                    *s &= set;
                    if *s == 0 {
                        return Some(false);
                    }
                }
                P::And(parts) => todo.extend(parts.iter()),
                P::Or(_) => ors.push(p),
            }
        }
        let Some((first, rest)) = ors.split_first() else {
            return Some(self.rows_fit(problem, &state));
        };
        let P::Or(choices) = first else {
            return None;
        };
        for choice in choices {
            if *steps == 0 {
                return None;
            }
            *steps -= 1;
            let mut next: Vec<&P> = rest.to_vec();
            next.push(choice);
            if self.search(problem, next, state.clone(), steps)? {
                return Some(true);
            }
        }
        Some(false)
    }

    /// Whether the columns of each key can come from one row, or from no row
    /// (a key outside the table, absent or unknown).
    fn rows_fit(&mut self, problem: &Problem, state: &[u128]) -> bool {
        let mut keys: Vec<(usize, u32)> = problem.joins.iter().map(|j| (j.1, j.2)).collect();
        keys.sort_unstable();
        keys.dedup();
        for (k, table) in keys {
            let columns: Vec<(usize, u32)> = problem
                .joins
                .iter()
                .filter(|j| j.1 == k && j.2 == table)
                .map(|j| (j.0, j.3))
                .collect();
            if !self.key_fits(problem, state, k, table, &columns) {
                return false;
            }
        }
        true
    }

    fn key_fits(
        &mut self,
        problem: &Problem,
        state: &[u128],
        k: usize,
        table: u32,
        columns: &[(usize, u32)],
    ) -> bool {
        let key_cells = &problem.universes[k];
        let key_allowed = state[k];
        let allows = |cells: &[Cell], allowed: u128, want: &Cell| {
            cells
                .iter()
                .enumerate()
                .any(|(i, c)| c == want && allowed & bit(i) != 0)
        };
        // No row: a key outside the table, absent, or unknown.
        let all_allow = |want: &Cell| {
            columns
                .iter()
                .all(|(c, _)| allows(&problem.universes[*c], state[*c], want))
        };
        let Some(t) = self.program.tables.get(table as usize) else {
            return true;
        };
        let outside = key_cells.iter().enumerate().any(|(i, c)| {
            key_allowed & bit(i) != 0
                && match c {
                    Cell::Val(CVal::Sym(s)) => t.row(*s).is_none(),
                    Cell::Unk | Cell::Abs => false,
                    _ => true,
                }
        });
        if outside && all_allow(&Cell::Abs) {
            return true;
        }
        if allows(key_cells, key_allowed, &Cell::Abs) && all_allow(&Cell::Abs) {
            return true;
        }
        if allows(key_cells, key_allowed, &Cell::Unk) && all_allow(&Cell::Unk) {
            return true;
        }
        // Some row.
        let words = t.rows.len().div_ceil(64);
        let mut rows: Rows = if allows(key_cells, key_allowed, &Cell::Other) {
            let mut all = vec![u64::MAX; words];
            trim(&mut all, t.rows.len());
            for (i, c) in key_cells.iter().enumerate() {
                if let Cell::Val(CVal::Sym(s)) = c
                    && key_allowed & bit(i) == 0
                    && let Some(r) = t.row(*s)
                {
                    all[r / 64] &= !(1 << (r % 64));
                }
            }
            all
        } else {
            let mut some = vec![0u64; words];
            for (i, c) in key_cells.iter().enumerate() {
                if let Cell::Val(CVal::Sym(s)) = c
                    && key_allowed & bit(i) != 0
                    && let Some(r) = t.row(*s)
                {
                    some[r / 64] |= 1 << (r % 64);
                }
            }
            some
        };
        for (c, column) in columns {
            let cells = &problem.universes[*c];
            let allowed = state[*c];
            let Some(index) = self.column_index(table, *column) else {
                return true;
            };
            let mut fit = vec![0u64; words];
            for (i, cell) in cells.iter().enumerate() {
                if allowed & bit(i) == 0 {
                    continue;
                }
                let from = match cell {
                    Cell::Val(v) => index
                        .values
                        .iter()
                        .position(|x| x == v)
                        .map(|p| &index.rows_of[p]),
                    Cell::Abs => Some(&index.absent_rows),
                    _ => None,
                };
                if let Some(from) = from {
                    fit.iter_mut().zip(from).for_each(|(a, b)| *a |= b);
                }
            }
            rows.iter_mut().zip(&fit).for_each(|(a, b)| *a &= b);
        }
        rows.iter().any(|w| *w != 0)
    }
}

fn trim(rows: &mut Rows, n: usize) {
    if !n.is_multiple_of(64)
        && let Some(last) = rows.last_mut()
    {
        *last &= (1u64 << (n % 64)) - 1;
    }
}

fn to_p(f: &F, leaves: &[Leaf]) -> P {
    match f {
        F::True => P::True,
        F::False => P::False,
        F::Lit(l) => match leaves.iter().find(|(x, _, _)| x == l) {
            Some((_, i, set)) => P::Leaf(*i, *set),
            None => P::True,
        },
        F::And(parts) => P::And(parts.iter().map(|p| to_p(p, leaves)).collect()),
        F::Or(parts) => P::Or(parts.iter().map(|p| to_p(p, leaves)).collect()),
    }
}

//! Code tables: rows by key, and each column's postings for queries.

use super::value::{Sym, Type, Value};
use crate::syntax::span::Span;

/// A code table.
#[derive(Clone, Debug)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// The format of its key.
    pub key_format: u32,
    /// Its columns (the key is not one of them).
    pub columns: Vec<Column>,
    /// Each row's key.
    pub keys: Vec<Sym>,
    /// Each row's values, one per column (`Absent` for an empty cell).
    pub rows: Vec<Vec<Value>>,
    /// Row of a key symbol (`u32::MAX`: none), indexed by symbol.
    pub row_of: Vec<u32>,
    /// Per column: the rows holding each symbol (`ABSENT_KEY`: empty
    /// cells), in row order. Empty for columns of other types.
    pub postings: Vec<Postings>,
}

/// A column's postings: for each symbol it holds, the rows that hold it.
/// Keys sorted, for a binary search; each key's rows a run of `rows`.
#[derive(Clone, Debug, Default)]
pub struct Postings {
    keys: Vec<u32>,
    /// Where each key's rows start in `rows`; one more at the end.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl Postings {
    /// The postings of `(key, row)` pairs given in row order.
    fn new(mut pairs: Vec<(u32, u32)>) -> Postings {
        pairs.sort_unstable();
        let mut p = Postings::default();
        for (key, row) in pairs {
            if p.keys.last() != Some(&key) {
                p.keys.push(key);
                p.starts.push(p.rows.len() as u32);
            }
            p.rows.push(row);
        }
        p.starts.push(p.rows.len() as u32);
        p
    }

    /// The rows holding `key`, in row order.
    fn get(&self, key: u32) -> &[u32] {
        match self.keys.binary_search(&key) {
            Ok(i) => &self.rows[self.starts[i] as usize..self.starts[i + 1] as usize],
            Err(_) => &[],
        }
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The posting key of an empty cell.
pub const ABSENT_KEY: u32 = u32::MAX;

impl Table {
    /// Builds the column postings from the rows.
    pub fn index(&mut self) {
        self.postings = (0..self.columns.len())
            .map(|c| {
                let mut pairs = Vec::with_capacity(self.rows.len());
                for (r, row) in self.rows.iter().enumerate() {
                    let key = match row[c] {
                        Value::Sym(s) => s,
                        Value::Absent => ABSENT_KEY,
                        _ => return Postings::default(),
                    };
                    pairs.push((key, r as u32));
                }
                Postings::new(pairs)
            })
            .collect();
    }

    /// The rows a column test `column is value` can match, if the column is
    /// indexed.
    pub fn posting(&self, column: usize, value: Value) -> Option<&[u32]> {
        let postings = self.postings.get(column)?;
        if postings.is_empty() {
            return None;
        }
        let key = match value {
            Value::Sym(s) => s,
            Value::Absent => ABSENT_KEY,
            _ => return None,
        };
        Some(postings.get(key))
    }
}

impl Table {
    /// The row of a key, if the table has it.
    pub fn row(&self, key: Sym) -> Option<usize> {
        match self.row_of.get(key as usize) {
            Some(&r) if r != u32::MAX => Some(r as usize),
            _ => None,
        }
    }
}

/// A table column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Cells may be empty.
    pub may_be_absent: bool,
    /// Where it was declared.
    pub span: Span,
}

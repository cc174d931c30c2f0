//! What evaluating one request produces, in the worker's [`super::Scratch`]:
//! the rules that fired and pended, and what they gave (codes, messages,
//! annotation values), each a run of one of a few buffers. A worker that
//! decides many requests allocates these buffers once, not per request.
//! [`super::apply`] fills them; [`super::verdict`] reads them.

use super::program::{Sym, Value};

/// A run of one of [`Work`]'s buffers.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Run {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Run {
    /// The run from `start` to the buffer's end, `end`.
    pub(super) fn new(start: usize, end: usize) -> Run {
        Run {
            start: start as u32,
            end: end as u32,
        }
    }

    pub(super) fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub(super) fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A rule that fired, for one line or for the request.
#[derive(Clone, Copy, Debug)]
pub(super) struct Firing {
    pub(super) rule: u32,
    pub(super) line: Option<usize>,
    pub(super) outcome: Option<u32>,
    /// The codes of `to`, in [`Work::codes`].
    pub(super) to: Run,
    /// The codes offered, in [`Work::codes`].
    pub(super) offers: Run,
    /// In [`Work::cautions`].
    pub(super) cautions: Run,
    /// In [`Work::slots`].
    pub(super) missing: Run,
    /// In [`Work::sets`].
    pub(super) sets: Run,
    /// In [`Work::text`].
    pub(super) message: Run,
    pub(super) applied: bool,
}

/// A rule whose condition was unknown, with the outcome it would give.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pending {
    pub(super) rule: u32,
    pub(super) line: Option<usize>,
    pub(super) outcome: u32,
    /// The unknown facts, in [`Work::slots`], sorted.
    pub(super) facts: Run,
}

/// An annotation a rule set: which, and its value: a text, kept as its
/// symbol, or any other value as its JSON and its text as the trace shows it
/// (both in [`Work::text`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct AnnotationSet {
    pub(super) annotation: u32,
    pub(super) value: SetValue,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum SetValue {
    Text(Sym),
    Other { json: Run, shown: Run },
}

/// What evaluating one request produced. A target is a line, or (index
/// `lines.len()`) the request itself, which rules decide when it has no lines.
#[derive(Clone, Debug, Default)]
pub(super) struct Work {
    /// The request's lines.
    pub(super) lines: Vec<Value>,
    /// Each line's row in the code table (its length: outside the table).
    pub(super) rows: Vec<usize>,
    /// Per target: a stage that decides alone has decided it.
    pub(super) decided: Vec<bool>,
    pub(super) firings: Vec<Firing>,
    pub(super) pendings: Vec<Pending>,
    /// (target, firing): the firings each target took, stage by stage.
    pub(super) applied: Vec<(u32, u32)>,
    /// (target, pending): the pendings each target took.
    pub(super) pended: Vec<(u32, u32)>,
    /// Codes of `to` and `offer`.
    pub(super) codes: Vec<Sym>,
    /// Fact slots: firings' `missing` and pendings' facts.
    pub(super) slots: Vec<u32>,
    pub(super) sets: Vec<AnnotationSet>,
    /// Cautions, runs of `text`.
    pub(super) cautions: Vec<Run>,
    /// Messages, cautions and annotation values, end to end.
    pub(super) text: String,
    /// While a rule runs: the facts found unknown by its `when` and the
    /// branches that did not hold.
    pub(super) unknown: Vec<u32>,
    /// While a stage runs: per line, its candidate rules of one word.
    pub(super) masks: Vec<u64>,
}

impl Work {
    pub(super) fn clear(&mut self) {
        self.lines.clear();
        self.rows.clear();
        self.decided.clear();
        self.firings.clear();
        self.pendings.clear();
        self.applied.clear();
        self.pended.clear();
        self.codes.clear();
        self.slots.clear();
        self.sets.clear();
        self.cautions.clear();
        self.text.clear();
        self.unknown.clear();
        self.masks.clear();
    }
}

/// Ends a run of `v` that starts at `start`: sorted, without repeats.
pub(super) fn sorted_run<T: Ord>(v: &mut Vec<T>, start: usize) -> Run {
    v[start..].sort_unstable();
    let mut kept = start;
    for i in start..v.len() {
        if kept == start || v[i] != v[kept - 1] {
            v.swap(kept, i);
            kept += 1;
        }
    }
    v.truncate(kept);
    Run::new(start, kept)
}

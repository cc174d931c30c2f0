//! What the evaluator reads and writes besides the program: a request's
//! [`Facts`], and a worker's [`Scratch`] space, reused from request to
//! request. A list value's id says which of three places holds its items.

use super::program::{Program, Value};
use super::work::Work;

/// The two high bits of a list id say where the list lives: in the
/// program (constants), in the request's facts, or in a worker's scratch.
pub(super) const LIST_SPACE: u32 = 3 << 30;
/// Lists of the request.
pub const FACT_LIST: u32 = 1 << 30;
pub(super) const SCRATCH_LIST: u32 = 2 << 30;

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

/// A worker's scratch space: locals, the lists made while evaluating, and
/// the buffers of the last request's [`Verdict`]. Reuse one across requests
/// to avoid allocating.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    pub(super) space: Space,
    /// What the rules did to the last request: its [`Verdict`]'s buffers.
    pub(super) work: Work,
}

/// What evaluating expressions needs: locals, the lists made while
/// evaluating, the unknown facts met, definitions already computed.
#[derive(Clone, Debug, Default)]
pub(super) struct Space {
    pub(super) locals: Vec<Value>,
    pub(super) lists: Vec<(u32, u32)>,
    pub(super) items: Vec<Value>,
    /// Facts found unknown while evaluating the current condition.
    pub(super) unknowns: Vec<u32>,
    pub(super) building: Vec<Value>,
    /// Values of definitions without parameters, for this request.
    pub(super) defined: Vec<Option<Value>>,
}

impl Space {
    pub(super) fn reset(&mut self, program: &Program) {
        self.locals.clear();
        self.locals.resize(program.locals as usize, Value::Unknown);
        self.lists.clear();
        self.items.clear();
        self.unknowns.clear();
        self.building.clear();
        self.defined.clear();
        self.defined.resize(program.defines.len(), None);
    }
}

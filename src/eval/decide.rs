//! Applying the rules: stages in order, each rule for each line (or once for
//! the request), branches first-match, unknown conditions pending a line when
//! their outcome would rank above what it has. The result, a [`Verdict`],
//! becomes a [`Decision`] or is written straight as its JSON.
//!
//! What a request's evaluation produces lives in [`Work`], kept in the
//! worker's [`Scratch`]: a worker that decides many requests allocates its
//! buffers once, not per request.

use std::fmt::Write as _;

use super::compile::Code;
use super::plan::{Plan, RuleCode};
use super::program::{Branch, Effect, MessagePart, Node, Program, Sym, Value};
use super::{Eval, Facts, Scratch, and3, truth};
use crate::decision::{
    Decision, LineDecision, PendingNote, TraceEntry, write_json_str, write_json_str_contents,
};

/// A run of one of [`Work`]'s buffers.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    start: u32,
    end: u32,
}

impl Run {
    /// The run from `start` to the buffer's end, `end`.
    fn new(start: usize, end: usize) -> Run {
        Run {
            start: start as u32,
            end: end as u32,
        }
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A rule that fired, for one line or for the request.
#[derive(Clone, Copy, Debug)]
struct Firing {
    rule: u32,
    line: Option<usize>,
    outcome: Option<u32>,
    /// The codes of `to`, in [`Work::codes`].
    to: Run,
    /// The codes offered, in [`Work::codes`].
    offers: Run,
    /// In [`Work::cautions`].
    cautions: Run,
    /// In [`Work::slots`].
    missing: Run,
    /// In [`Work::sets`].
    sets: Run,
    /// In [`Work::text`].
    message: Run,
    applied: bool,
}

/// A rule whose condition was unknown, with the outcome it would give.
#[derive(Clone, Copy, Debug)]
struct Pending {
    rule: u32,
    line: Option<usize>,
    outcome: u32,
    /// The unknown facts, in [`Work::slots`], sorted.
    facts: Run,
}

/// An annotation a rule set: which, and its value: a text, kept as its
/// symbol, or any other value as its JSON and its text as the trace shows it
/// (both in [`Work::text`]).
#[derive(Clone, Copy, Debug)]
struct Set {
    annotation: u32,
    value: SetValue,
}

#[derive(Clone, Copy, Debug)]
enum SetValue {
    Text(Sym),
    Other { json: Run, shown: Run },
}

/// What evaluating one request produced. A target is a line, or (index
/// `lines.len()`) the request itself, which rules decide when it has no lines.
#[derive(Clone, Debug, Default)]
pub(super) struct Work {
    /// The request's lines.
    lines: Vec<Value>,
    /// Each line's row in the code table (its length: outside the table).
    rows: Vec<usize>,
    /// Per target: a stage that decides alone has decided it.
    decided: Vec<bool>,
    firings: Vec<Firing>,
    pendings: Vec<Pending>,
    /// (target, firing): the firings each target took, stage by stage.
    applied: Vec<(u32, u32)>,
    /// (target, pending): the pendings each target took.
    pended: Vec<(u32, u32)>,
    /// Codes of `to` and `offer`.
    codes: Vec<Sym>,
    /// Fact slots: firings' `missing` and pendings' facts.
    slots: Vec<u32>,
    sets: Vec<Set>,
    /// Cautions, runs of `text`.
    cautions: Vec<Run>,
    /// Messages, cautions and annotation values, end to end.
    text: String,
    /// While a rule runs: the facts found unknown by its `when` and the
    /// branches that did not hold.
    unknown: Vec<u32>,
    /// While a stage runs: per line, its candidate rules of one word.
    masks: Vec<u64>,
}

impl Work {
    fn clear(&mut self) {
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

/// Decides one request.
pub fn decide(plan: &Plan, facts: &Facts, scratch: &mut Scratch) -> Decision {
    evaluate(plan, facts, scratch).decision()
}

/// Evaluates every rule on one request. The verdict borrows the scratch
/// space, whose buffers hold what the rules did.
pub fn evaluate<'a>(plan: &'a Plan, facts: &'a Facts, scratch: &'a mut Scratch) -> Verdict<'a> {
    let Scratch { space, work } = scratch;
    work.clear();
    let program = plan.program();
    run_stages(plan, &mut Eval::in_space(program, facts, space), work);
    Verdict {
        program,
        facts,
        w: work,
    }
}

fn run_stages(plan: &Plan, ev: &mut Eval, w: &mut Work) {
    let (program, facts) = (ev.program, ev.facts);
    let lines = program.lines.as_ref();
    if let Some(Value::List(id)) = lines.and_then(|l| facts.slots.get(l.fact as usize)) {
        w.lines
            .extend((0..ev.list_len(*id)).map(|i| ev.list_item(*id, i)));
    }
    // Each line's row in the code table, for the rules' line filters.
    let table = plan
        .line_key()
        .map(|key| (key.field, &program.tables[key.table as usize]));
    w.rows.extend(w.lines.iter().map(|l| match (table, l) {
        (Some((field, t)), Value::Rec(off)) => match facts.records.get((off + field) as usize) {
            Some(Value::Sym(s)) => t.row(*s).unwrap_or(t.keys.len()),
            _ => usize::MAX,
        },
        _ => usize::MAX,
    }));
    let n = w.lines.len();
    w.decided.resize(n + 1, false);

    for (s, stage) in program.stages.iter().enumerate() {
        let (first_firing, first_pending) = (w.firings.len(), w.pendings.len());
        // Each rule that can fire on the request or on an undecided line, in
        // the stage's order; a line rule on each line it can fire on.
        let candidates = plan.candidates(s);
        for word in 0..candidates.request.len() {
            w.masks.clear();
            for i in 0..n {
                let mask = if w.decided[i] {
                    0
                } else {
                    candidates.line_word(w.rows[i], word)
                };
                w.masks.push(mask);
            }
            let mut todo = w.masks.iter().fold(candidates.request[word], |a, m| a | m);
            while todo != 0 {
                let bit = todo.trailing_zeros() as usize;
                todo &= todo - 1;
                let r = stage.rules[word * 64 + bit];
                let code = plan.rule(r);
                match code.for_each {
                    None => run_rule(ev, w, r, code.whole.as_ref(), None),
                    Some(slot) => run_line_rule(ev, w, r, code, slot, bit),
                }
            }
        }
        let stage_firings = first_firing..w.firings.len();
        let stage_pendings = first_pending..w.pendings.len();
        if stage_firings.is_empty() && stage_pendings.is_empty() {
            // Nothing to give any target.
            continue;
        }
        if n == 0 {
            settle_stage(
                program,
                stage.decides_alone,
                n,
                None,
                w,
                stage_firings,
                stage_pendings,
            );
        } else {
            // Only the lines something fired or pended on, unless a
            // request-level outcome reaches every line.
            let mut every = n > 64;
            let mut touched = 0u64;
            for line in w.firings[stage_firings.clone()]
                .iter()
                .map(|f| f.line.ok_or(f.outcome.is_some()))
                .chain(
                    w.pendings[stage_pendings.clone()]
                        .iter()
                        .map(|p| p.line.ok_or(true)),
                )
            {
                match line {
                    Ok(l) => touched |= 1u64.checked_shl(l as u32).unwrap_or(0),
                    Err(reaches) => every |= reaches,
                }
            }
            for i in (0..n).filter(|&i| every || touched & (1 << i) != 0) {
                let (f, p) = (stage_firings.clone(), stage_pendings.clone());
                settle_stage(program, stage.decides_alone, i, Some(i), w, f, p);
            }
        }
        // Request-level annotations hold whatever the lines' fate.
        for f in &mut w.firings[first_firing..] {
            if f.line.is_none() && f.outcome.is_none() {
                f.applied = true;
            }
        }
    }
}

/// Runs a line rule on each line whose candidates (`w.masks`) hold `bit`.
/// Conditions on the request alone are checked once, at the first such line:
/// false skips the rule for every line; true leaves each line only the rest;
/// unknown runs the whole condition on each line.
fn run_line_rule(ev: &mut Eval, w: &mut Work, r: u32, code: &RuleCode, slot: u32, bit: usize) {
    let mut request_holds: Option<Option<bool>> = None;
    for i in 0..w.lines.len() {
        if w.masks[i] & (1 << bit) == 0 {
            continue;
        }
        ev.set_local(slot, w.lines[i]);
        let request = match (&code.request, request_holds) {
            (None, _) => None,
            (Some(_), Some(known)) => known,
            (Some(g), None) => {
                let mark = ev.list_mark();
                let t = truth(g.run(ev));
                ev.release_lists(mark);
                request_holds = Some(t);
                t
            }
        };
        if request == Some(false) {
            return;
        }
        // What is left of `when` to check on this line: the filter passed
        // every candidate line in the table (row `usize::MAX`: no row).
        let guard = if request == Some(true) {
            &code.line
        } else if code.filtered && w.rows[i] != usize::MAX {
            &code.residual
        } else {
            &code.whole
        };
        run_rule(ev, w, r, guard.as_ref(), Some(i));
    }
}

/// Gives a target what the stage's rules did to it, after the restriction
/// of a restricting outcome.
fn settle_stage(
    program: &Program,
    decides_alone: bool,
    target: usize,
    line: Option<usize>,
    w: &mut Work,
    stage_firings: std::ops::Range<usize>,
    stage_pendings: std::ops::Range<usize>,
) {
    if w.decided[target] {
        return;
    }
    // A request-level rule acts on a line through its outcome; its
    // annotations belong to the request.
    let applies = |f: &Firing| match (f.line, line) {
        (None, Some(_)) => f.outcome.is_some(),
        (None, None) => true,
        (Some(l), target) => Some(l) == target,
    };
    // A restricting outcome (`restrict not_required to not_supported`)
    // leaves only the rules whose outcome it allows.
    let restrict = &program.outcomes.restrict;
    let allowed: Option<&[u32]> = w.firings[stage_firings.clone()]
        .iter()
        .filter(|f| applies(f))
        .find_map(|f| f.outcome.and_then(|o| restrict[o as usize].as_deref()));
    let mut decided = false;
    for f in stage_firings {
        let firing = &mut w.firings[f];
        if !applies(firing) {
            continue;
        }
        if let Some(allowed) = allowed {
            let kept = firing
                .outcome
                .is_some_and(|o| allowed.contains(&o) || restrict[o as usize].is_some());
            if !kept {
                continue;
            }
        }
        firing.applied = true;
        decided |= firing.outcome.is_some();
        w.applied.push((target as u32, f as u32));
    }
    for p in stage_pendings {
        let pending = &w.pendings[p];
        let mine = pending.line.is_none() || pending.line == line;
        if mine && allowed.is_none_or(|a| a.contains(&pending.outcome)) {
            w.pended.push((target as u32, p as u32));
        }
    }
    if decides_alone && decided {
        w.decided[target] = true;
    }
}

/// Runs rule `index` on a line or the request, given what to check of its
/// `when`.
fn run_rule(ev: &mut Eval, w: &mut Work, index: u32, guard: Option<&Code>, line: Option<usize>) {
    let mark = ev.list_mark();
    ev.clear_unknowns();
    w.unknown.clear();
    let when = match guard {
        Some(g) => {
            let t = truth(g.run(ev));
            if t == Some(false) {
                ev.release_lists(mark);
                return;
            }
            w.unknown.extend_from_slice(ev.unknowns());
            t
        }
        None => Some(true),
    };
    let mut previous = Some(true);
    for branch in &ev.program.rules[index as usize].branches {
        ev.clear_unknowns();
        let guard = branch
            .cond
            .as_ref()
            .map_or(Some(true), |c| truth(ev.eval(c)));
        match and3(when, previous, guard) {
            Some(true) => {
                fire(ev, w, index, branch, line);
                break;
            }
            None => {
                if let Some(outcome) = branch.outcome {
                    let start = w.slots.len();
                    w.slots.extend_from_slice(&w.unknown);
                    w.slots.extend_from_slice(ev.unknowns());
                    let facts = sorted_run(&mut w.slots, start);
                    w.pendings.push(Pending {
                        rule: index,
                        line,
                        outcome,
                        facts,
                    });
                }
            }
            Some(false) => {}
        }
        previous = and3(previous, guard.map(|g| !g), Some(true));
        w.unknown.extend_from_slice(ev.unknowns());
        if previous == Some(false) {
            break;
        }
    }
    ev.release_lists(mark);
}

/// Appends the codes a node gives (one, or a list) to `out`.
fn codes(ev: &mut Eval, node: &Node, out: &mut Vec<Sym>) {
    match ev.eval(node) {
        Value::List(id) => {
            for i in 0..ev.list_len(id) {
                if let Value::Sym(s) = ev.list_item(id, i) {
                    out.push(s);
                }
            }
        }
        Value::Sym(s) => out.push(s),
        _ => {}
    }
}

/// Appends a message, its holes evaluated, to `out`.
fn message(ev: &mut Eval, parts: &[MessagePart], out: &mut String) -> Run {
    let start = out.len();
    for p in parts {
        match p {
            MessagePart::Text(t) => out.push_str(t),
            MessagePart::Hole(n) => {
                let v = ev.eval(n);
                ev.write_display(out, v);
            }
        }
    }
    Run::new(start, out.len())
}

/// Appends a value as JSON to `out`: null for unknown and absent, a record
/// as the text it shows.
fn push_json(ev: &Eval, v: Value, out: &mut String) {
    match v {
        Value::Unknown | Value::Absent => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Num(n) => match serde_json::Number::from_f64(n) {
            Some(n) => {
                let _ = write!(out, "{n}");
            }
            None => out.push_str("null"),
        },
        Value::Sym(s) => write_json_str(ev.text(s), |piece| out.push_str(piece)),
        Value::List(id) => {
            out.push('[');
            for i in 0..ev.list_len(id) {
                if i > 0 {
                    out.push(',');
                }
                push_json(ev, ev.list_item(id, i), out);
            }
            out.push(']');
        }
        Value::Rec(_) => write_json_str(&ev.show(v), |piece| out.push_str(piece)),
    }
}

fn fire(ev: &mut Eval, w: &mut Work, index: u32, branch: &Branch, line: Option<usize>) {
    let start = w.codes.len();
    if let Some(to) = &branch.to {
        codes(ev, to, &mut w.codes);
    }
    let to = Run::new(start, w.codes.len());
    let (offers, cautions, missing, sets) =
        (w.codes.len(), w.cautions.len(), w.slots.len(), w.sets.len());
    for effect in &branch.effects {
        match effect {
            Effect::Offer(n) => codes(ev, n, &mut w.codes),
            Effect::Caution(m) => {
                let text = message(ev, &m.parts, &mut w.text);
                w.cautions.push(text);
            }
            Effect::Missing(only_unknown, slots) => {
                for &s in slots {
                    let unknown = ev.facts.slots.get(s as usize) == Some(&Value::Unknown);
                    if !only_unknown || unknown {
                        w.slots.push(s);
                    }
                }
            }
            Effect::Set(annotation, n) => {
                let v = ev.eval(n);
                let value = match v {
                    Value::Sym(s) => SetValue::Text(s),
                    _ => {
                        let start = w.text.len();
                        push_json(ev, v, &mut w.text);
                        let json = Run::new(start, w.text.len());
                        // The trace shows a record as its text, anything
                        // else as JSON.
                        let shown = match v {
                            Value::Rec(_) => {
                                let start = w.text.len();
                                ev.write_show(&mut w.text, v);
                                Run::new(start, w.text.len())
                            }
                            _ => json,
                        };
                        SetValue::Other { json, shown }
                    }
                };
                w.sets.push(Set {
                    annotation: *annotation,
                    value,
                });
            }
        }
    }
    let message = match &branch.message {
        Some(m) => message(ev, &m.parts, &mut w.text),
        None => Run::default(),
    };
    w.firings.push(Firing {
        rule: index,
        line,
        outcome: branch.outcome,
        to,
        offers: Run::new(offers, w.codes.len()),
        cautions: Run::new(cautions, w.cautions.len()),
        missing: Run::new(missing, w.slots.len()),
        sets: Run::new(sets, w.sets.len()),
        message,
        applied: false,
    });
}

/// The result of evaluating a request: what every rule did, before it is
/// turned into a [`Decision`] or written as JSON. Borrows the policy, the
/// request and the scratch space that holds it.
pub struct Verdict<'a> {
    program: &'a Program,
    facts: &'a Facts,
    w: &'a Work,
}

/// What a trace entry's effect is.
#[derive(Clone, Copy)]
enum EffectName<'a> {
    Outcome(&'a str),
    Fixed(&'static str),
    /// An annotation's name and its value as shown.
    Set(&'a str, &'a str),
}

impl EffectName<'_> {
    /// The pieces of its text.
    fn pieces(&self) -> [&str; 3] {
        match *self {
            EffectName::Outcome(s) => [s, "", ""],
            EffectName::Fixed(s) => [s, "", ""],
            EffectName::Set(name, v) => [name, " = ", v],
        }
    }
}

/// An annotation's value in the decision.
#[derive(Clone, Copy)]
enum AnnotationValue<'a> {
    /// The declared default.
    Default(&'a serde_json::Value),
    /// Set by a rule to a text.
    Text(&'a str),
    /// Set by a rule to another value: its JSON.
    Set(&'a str),
}

struct LineSummary<'a> {
    code: &'a str,
    outcome: &'a str,
    /// Runs of [`Summary::strs`].
    alternatives: Run,
    redirect_to: Run,
    citations: Run,
}

struct TraceSummary<'a> {
    rule: &'a str,
    line: Option<usize>,
    effect: EffectName<'a>,
    citation: Option<&'a str>,
    message: &'a str,
}

/// The decision's fields, borrowed: one computation for both outputs. Its
/// lists of texts are runs of one buffer, `strs`.
struct Summary<'a> {
    id: Option<&'a str>,
    outcome: &'a str,
    annotations: Vec<(&'a str, AnnotationValue<'a>)>,
    strs: Vec<&'a str>,
    lines: Vec<LineSummary<'a>>,
    alternatives: Run,
    redirect_to: Run,
    missing: Run,
    cautions: Run,
    citations: Run,
    trace: Vec<TraceSummary<'a>>,
}

impl<'a> Summary<'a> {
    fn list(&self, run: Run) -> &[&'a str] {
        &self.strs[run.range()]
    }
}

/// Ends a run of `v` that starts at `start`: sorted, without repeats.
fn sorted_run<T: Ord>(v: &mut Vec<T>, start: usize) -> Run {
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

impl<'a> Verdict<'a> {
    fn line_code(&self, i: usize) -> &'a str {
        let shown_by = self.program.lines.as_ref().map_or(0, |l| l.shown_by);
        match self.w.lines.get(i) {
            Some(Value::Rec(off)) => match self.facts.records.get((off + shown_by) as usize) {
                Some(Value::Sym(s)) => self.program.sym_text(*s, &self.facts.texts),
                _ => "",
            },
            _ => "",
        }
    }

    fn text(&self, run: Run) -> &'a str {
        self.w.text.get(run.range()).unwrap_or("")
    }

    fn sym(&self, s: Sym) -> &'a str {
        self.program.sym_text(s, &self.facts.texts)
    }

    /// The firings a target took.
    fn firings_of(&self, target: usize) -> impl Iterator<Item = &'a Firing> + use<'a> {
        let w = self.w;
        w.applied
            .iter()
            .filter(move |(t, _)| *t as usize == target)
            .map(move |&(_, f)| &w.firings[f as usize])
    }

    /// The pendings a target took.
    fn pendings_of(&self, target: usize) -> impl Iterator<Item = &'a Pending> + use<'a> {
        let w = self.w;
        w.pended
            .iter()
            .filter(move |(t, _)| *t as usize == target)
            .map(move |&(_, p)| &w.pendings[p as usize])
    }

    /// Appends the distinct texts of the codes a target's firings give
    /// (their `run`), sorted.
    fn sorted_codes(&self, target: usize, run: fn(&Firing) -> Run, strs: &mut Vec<&'a str>) -> Run {
        let start = strs.len();
        for f in self.firings_of(target) {
            strs.extend(self.w.codes[run(f).range()].iter().map(|&s| self.sym(s)));
        }
        sorted_run(strs, start)
    }

    /// Appends the sections the rules cite, in the policy's order.
    fn cited(
        &self,
        rules: impl Iterator<Item = u32>,
        sections: &mut Vec<u32>,
        strs: &mut Vec<&'a str>,
    ) -> Run {
        let program = self.program;
        sections.clear();
        sections.extend(rules.filter_map(|r| program.rules[r as usize].cites));
        sorted_run(sections, 0);
        let start = strs.len();
        strs.extend(
            sections
                .iter()
                .map(|&s| program.sections[s as usize].as_str()),
        );
        Run::new(start, strs.len())
    }

    /// The outcome a target's firings give, before unknowns.
    fn base_outcome(&self, target: usize) -> u32 {
        self.firings_of(target)
            .filter_map(|f| f.outcome)
            .min()
            .unwrap_or(self.program.outcomes.default)
    }

    /// A target's outcome; the facts that made it pend go to `missing`.
    fn settle(&self, target: usize, missing: &mut Vec<u32>) -> u32 {
        let w = self.w;
        let base = self.base_outcome(target);
        for f in self.firings_of(target) {
            missing.extend_from_slice(&w.slots[f.missing.range()]);
        }
        let mut pended = false;
        for p in self.pendings_of(target) {
            if p.outcome < base {
                pended = true;
                missing.extend_from_slice(&w.slots[p.facts.range()]);
            }
        }
        let pending = self.program.outcomes.pending;
        if pended && pending < base {
            pending
        } else {
            base
        }
    }

    fn summary(&self) -> Summary<'a> {
        let (program, w) = (self.program, self.w);
        let n = w.lines.len();
        let mut strs: Vec<&str> = Vec::with_capacity(64);
        let mut slots: Vec<u32> = Vec::new();
        let mut sections: Vec<u32> = Vec::new();
        let mut best: Option<u32> = None;
        let mut lines = Vec::with_capacity(n);
        for t in 0..n {
            let outcome = self.settle(t, &mut slots);
            best = Some(best.map_or(outcome, |b| b.min(outcome)));
            lines.push(LineSummary {
                code: self.line_code(t),
                outcome: program.outcome_name(outcome),
                alternatives: self.sorted_codes(t, |f| f.offers, &mut strs),
                redirect_to: self.sorted_codes(t, |f| f.to, &mut strs),
                citations: self.cited(self.firings_of(t).map(|f| f.rule), &mut sections, &mut strs),
            });
        }
        if n == 0 {
            best = Some(self.settle(n, &mut slots));
        }
        let start = strs.len();
        strs.extend(
            slots
                .iter()
                .map(|&s| program.facts[s as usize].path.as_str()),
        );
        let missing = sorted_run(&mut strs, start);
        // The lines' codes, and without lines the request's own.
        let mut union = |run: fn(&LineSummary) -> Run, codes: fn(&Firing) -> Run| {
            let start = strs.len();
            for l in &lines {
                strs.extend_from_within(run(l).range());
            }
            for f in self.firings_of(n) {
                strs.extend(w.codes[codes(f).range()].iter().map(|&s| self.sym(s)));
            }
            sorted_run(&mut strs, start)
        };
        let alternatives = union(|l| l.alternatives, |f| f.offers);
        let redirect_to = union(|l| l.redirect_to, |f| f.to);

        let mut annotations: Vec<(&str, AnnotationValue)> = program
            .annotations
            .iter()
            .map(|a| (a.name.as_str(), AnnotationValue::Default(&a.default_json)))
            .collect();
        let cautions_start = strs.len();
        let mut trace = Vec::with_capacity(w.firings.len());
        for f in w.firings.iter().filter(|f| f.applied) {
            let sets = &w.sets[f.sets.range()];
            for set in sets {
                if let Some(slot) = annotations.get_mut(set.annotation as usize) {
                    slot.1 = match set.value {
                        SetValue::Text(s) => AnnotationValue::Text(self.sym(s)),
                        SetValue::Other { json, .. } => AnnotationValue::Set(self.text(json)),
                    };
                }
            }
            for &c in &w.cautions[f.cautions.range()] {
                let c = self.text(c);
                if !strs[cautions_start..].contains(&c) {
                    strs.push(c);
                }
            }
            let rule = &program.rules[f.rule as usize];
            let effect = match (f.outcome, sets.first()) {
                (Some(o), _) => EffectName::Outcome(program.outcome_name(o)),
                (None, _) if !f.cautions.is_empty() => EffectName::Fixed("caution"),
                (None, _) if !f.offers.is_empty() => EffectName::Fixed("offer"),
                (None, Some(set)) => EffectName::Set(
                    &program.annotations[set.annotation as usize].name,
                    match set.value {
                        SetValue::Text(s) => self.sym(s),
                        SetValue::Other { shown, .. } => self.text(shown),
                    },
                ),
                (None, None) => EffectName::Fixed("note"),
            };
            trace.push(TraceSummary {
                rule: &rule.label,
                line: f.line,
                effect,
                citation: rule.cites.map(|c| program.sections[c as usize].as_str()),
                message: self.text(f.message),
            });
        }
        let cautions = Run::new(cautions_start, strs.len());
        let id = program
            .id_fact
            .and_then(|slot| match self.facts.slots.get(slot as usize) {
                Some(Value::Sym(s)) => Some(self.sym(*s)),
                _ => None,
            });
        let applied = w.firings.iter().filter(|f| f.applied).map(|f| f.rule);
        let citations = self.cited(applied, &mut sections, &mut strs);
        Summary {
            id,
            outcome: program.outcome_name(best.unwrap_or(program.outcomes.default)),
            annotations,
            strs,
            lines,
            alternatives,
            redirect_to,
            missing,
            cautions,
            citations,
            trace,
        }
    }

    /// The rules that could not decide for want of a fact, and pended.
    fn pending_notes(&self) -> Vec<PendingNote> {
        let program = self.program;
        let n = self.w.lines.len();
        let targets = if n == 0 { 0..1 } else { 0..n };
        let mut notes = Vec::new();
        for t in targets {
            let base = self.base_outcome(t);
            let line = (t < n).then_some(t);
            for p in self.pendings_of(t).filter(|p| p.outcome < base) {
                notes.push(PendingNote {
                    rule: program.rules[p.rule as usize].label.clone(),
                    line: line.map(|i| self.line_code(i).to_string()),
                    would_be: program.outcome_name(p.outcome).to_string(),
                    facts: self.w.slots[p.facts.range()]
                        .iter()
                        .map(|&s| program.facts[s as usize].path.clone())
                        .collect(),
                    line_index: line,
                });
            }
        }
        notes
    }

    /// How many lines the request has.
    pub fn lines_len(&self) -> usize {
        self.w.lines.len()
    }

    /// The decision, owned.
    pub fn decision(&self) -> Decision {
        let s = self.summary();
        let owned = |run: Run| {
            s.list(run)
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
        };
        Decision {
            id: s.id.map(str::to_string),
            outcome: s.outcome.to_string(),
            annotations: s
                .annotations
                .iter()
                .map(|(n, v)| {
                    let value = match v {
                        AnnotationValue::Default(v) => (*v).clone(),
                        AnnotationValue::Text(t) => serde_json::Value::String(t.to_string()),
                        AnnotationValue::Set(json) => {
                            serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
                        }
                    };
                    (n.to_string(), value)
                })
                .collect(),
            lines: s
                .lines
                .iter()
                .map(|l| LineDecision {
                    code: l.code.to_string(),
                    outcome: l.outcome.to_string(),
                    alternatives: owned(l.alternatives),
                    redirect_to: owned(l.redirect_to),
                    citations: owned(l.citations),
                })
                .collect(),
            alternatives: owned(s.alternatives),
            redirect_to: owned(s.redirect_to),
            missing: owned(s.missing),
            cautions: owned(s.cautions),
            citations: owned(s.citations),
            trace: s
                .trace
                .iter()
                .map(|t| TraceEntry {
                    rule: t.rule.to_string(),
                    line: t.line.map(|i| self.line_code(i).to_string()),
                    effect: t.effect.pieces().concat(),
                    citation: t.citation.map(str::to_string),
                    message: t.message.to_string(),
                    line_index: t.line,
                })
                .collect(),
            pending: self.pending_notes(),
        }
    }

    /// Appends the decision's JSON (the same bytes as
    /// [`Decision::to_json`]) to `out`, without building a [`Decision`].
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let s = self.summary();
        let mut json = JsonWriter(out);
        json.raw("{\"id\":");
        json.opt_str(s.id);
        json.raw(",\"outcome\":");
        json.str(s.outcome);
        for (name, value) in &s.annotations {
            json.raw(",");
            json.str(name);
            json.raw(":");
            match value {
                AnnotationValue::Default(v) => json.raw(&v.to_string()),
                AnnotationValue::Text(t) => json.str(t),
                AnnotationValue::Set(text) => json.raw(text),
            }
        }
        json.raw(",\"lines\":[");
        for (i, l) in s.lines.iter().enumerate() {
            json.raw(if i == 0 { "{\"code\":" } else { ",{\"code\":" });
            json.str(l.code);
            json.raw(",\"outcome\":");
            json.str(l.outcome);
            json.raw(",\"alternatives\":");
            json.strs(s.list(l.alternatives));
            json.raw(",\"redirect_to\":");
            json.strs(s.list(l.redirect_to));
            json.raw(",\"citations\":");
            json.strs(s.list(l.citations));
            json.raw("}");
        }
        json.raw("],\"alternatives\":");
        json.strs(s.list(s.alternatives));
        json.raw(",\"redirect_to\":");
        json.strs(s.list(s.redirect_to));
        json.raw(",\"missing\":");
        json.strs(s.list(s.missing));
        json.raw(",\"cautions\":");
        json.strs(s.list(s.cautions));
        json.raw(",\"citations\":");
        json.strs(s.list(s.citations));
        json.raw(",\"trace\":[");
        for (i, t) in s.trace.iter().enumerate() {
            json.raw(if i == 0 { "{\"rule\":" } else { ",{\"rule\":" });
            json.str(t.rule);
            json.raw(",\"line\":");
            json.opt_str(t.line.map(|i| self.line_code(i)));
            json.raw(",\"effect\":");
            json.pieces(&t.effect.pieces());
            json.raw(",\"citation\":");
            json.opt_str(t.citation);
            json.raw(",\"message\":");
            json.str(t.message);
            json.raw("}");
        }
        json.raw("]}");
    }
}

/// Writes JSON by hand, as `serde_json` would write the same values.
struct JsonWriter<'o>(&'o mut Vec<u8>);

impl JsonWriter<'_> {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn str(&mut self, s: &str) {
        self.pieces(&[s]);
    }

    /// One string made of pieces.
    fn pieces(&mut self, pieces: &[&str]) {
        let out = &mut *self.0;
        out.reserve(pieces.iter().map(|p| p.len()).sum::<usize>() + 2);
        out.push(b'"');
        for piece in pieces {
            write_json_str_contents(piece, |p| out.extend_from_slice(p.as_bytes()));
        }
        out.push(b'"');
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    fn strs(&mut self, list: &[&str]) {
        self.0.push(b'[');
        for (i, s) in list.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            self.str(s);
        }
        self.0.push(b']');
    }
}

#[cfg(test)]
mod tests {
    use crate::{Decision, EmbeddedLoader, Policy};

    const POLICY: &str = r#"
        text item_code matching "^[A-Z]+$"
        record item { code: item_code }
        facts {
          excluded: bool default false
          trial: bool default false
          risky: bool may be unknown
          big: bool may be unknown
          note: bool default false
          items: non-empty list of item required
        }
        outcomes deny > redirect > wait > review > allow > skip
          default allow
          pending wait
          restrict skip to deny
        sections "S"
        lines items shown by code

        stage plan decides alone {
          rule P1 excluded cites "S" for each i in items when excluded then deny because "excluded"
        }
        stage trial decides alone {
          rule T1 trial cites "S" for each i in items when trial then allow because "trial"
        }
        stage main {
          rule M1 skip-free cites "S" for each i in items when i.code is "FREE" then skip
          rule M2 risky cites "S" for each i in items when risky then deny because "risky"
          rule M3 big cites "S" for each i in items when big then review, caution "big one"
          rule M4 note cites "S" for each i in items when note then review
        }
    "#;

    fn decide(request: &str) -> Decision {
        let policy = Policy::from_source("t.dsl", POLICY, &EmbeddedLoader).unwrap();
        policy.decide(&policy.bind(request).unwrap())
    }

    fn rules(d: &Decision) -> Vec<&str> {
        d.trace.iter().map(|t| t.rule.as_str()).collect()
    }

    #[test]
    fn an_unknown_rule_that_would_outrank_pends_the_line_and_names_its_facts() {
        let d = decide(r#"{"items": [{"code": "A"}], "big": false}"#);
        assert_eq!(d.outcome, "wait");
        assert_eq!(d.missing, ["risky"]);
        assert_eq!(d.pending[0].rule, "M2 risky");
        assert!(rules(&d).is_empty(), "an unknown rule does not fire");
    }

    #[test]
    fn an_unknown_rule_below_the_outcome_does_not_pend() {
        // M2 fires (deny); M3 is unknown but review ranks below deny.
        let d = decide(r#"{"items": [{"code": "A"}], "risky": true}"#);
        assert_eq!(d.outcome, "deny");
        assert!(d.missing.is_empty());
    }

    #[test]
    fn the_most_decisive_outcome_wins_and_annotations_do_not_change_it() {
        let d = decide(r#"{"items": [{"code": "A"}], "risky": false, "big": true, "note": true}"#);
        assert_eq!(d.outcome, "review");
        assert_eq!(rules(&d), ["M3 big", "M4 note"]);
        assert_eq!(d.cautions, ["big one"]);
    }

    #[test]
    fn a_stage_that_decides_alone_stops_later_stages() {
        let d = decide(r#"{"items": [{"code": "A"}], "excluded": true, "trial": true}"#);
        assert_eq!(d.outcome, "deny");
        assert_eq!(rules(&d), ["P1 excluded"]);
        assert!(d.missing.is_empty(), "stage 3 never ran, so nothing pends");
        let d = decide(r#"{"items": [{"code": "A"}], "trial": true, "big": true}"#);
        assert_eq!(d.outcome, "allow");
        assert_eq!(rules(&d), ["T1 trial"]);
    }

    #[test]
    fn a_restricting_outcome_leaves_only_the_rules_it_allows() {
        // On a FREE line only deny rules apply: review (M3) and the pend of
        // unknown `big` are ignored; the unknown deny rule M2 still pends.
        let d = decide(r#"{"items": [{"code": "FREE"}], "big": true, "risky": false}"#);
        assert_eq!(d.outcome, "skip");
        assert_eq!(rules(&d), ["M1 skip-free"]);
        let d = decide(r#"{"items": [{"code": "FREE"}], "big": true}"#);
        assert_eq!(d.outcome, "wait");
        assert_eq!(d.missing, ["risky"]);
        let d = decide(r#"{"items": [{"code": "FREE"}], "risky": true}"#);
        assert_eq!(d.outcome, "deny");
    }

    #[test]
    fn each_line_is_decided_on_its_own() {
        let d =
            decide(r#"{"items": [{"code": "FREE"}, {"code": "A"}], "risky": false, "big": true}"#);
        assert_eq!(d.lines[0].outcome, "skip");
        assert_eq!(d.lines[1].outcome, "review");
        assert_eq!(d.outcome, "review");
    }
}

#[cfg(test)]
mod json_tests {
    use std::path::Path;

    use crate::{Policy, Scratch};

    /// The direct JSON writer and the owned decision give the same bytes.
    #[test]
    fn write_json_matches_the_decision() {
        let policy = Policy::embedded().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
        let mut scratch = Scratch::default();
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
            let facts = policy.bind(&scenario["request"].to_string()).unwrap();
            let verdict = policy.evaluate(&facts, &mut scratch);
            let mut direct = Vec::new();
            verdict.write_json(&mut direct);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                verdict.decision().to_json()
            );
            seen += 1;
        }
        assert_eq!(seen, 61);
    }
}

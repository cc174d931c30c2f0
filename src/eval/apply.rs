//! Applying the rules: stages in order, each rule for each line (or once for
//! the request), branches first-match, unknown conditions pending a line when
//! their outcome would rank above what it has. What the rules did is kept in
//! [`Work`]; the [`Verdict`] reads it.

use std::fmt::Write as _;

use super::compile::Code;
use super::plan::{Plan, RuleCode};
use super::program::{Branch, Effect, MessagePart, Node, Program, Sym, Value};
use super::verdict::Verdict;
use super::work::{AnnotationSet, Firing, Pending, Run, SetValue, Work, sorted_run};
use super::{Eval, Facts, Scratch, and3, truth};
use crate::decision::{Decision, write_json_str};

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
    // The branches see only their own unknowns; `w.unknown` keeps `when`'s.
    ev.clear_unknowns();
    let branches = &ev.program.rules[index as usize].branches;
    walk_branches(
        branches,
        when,
        &mut RuleRun {
            ev: &mut *ev,
            w: &mut *w,
            index,
            line,
        },
    );
    ev.release_lists(mark);
}

/// What a branch came to in the first-match walk over a rule's branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchStep {
    /// Its condition holds, and `when` and the earlier branches let it: it
    /// fires, and the walk ends.
    Fires,
    /// Whether it fires turns on something unknown.
    Unknown,
    /// It does not fire.
    Fails,
}

/// Who walks a rule's branches: rule application, and the REPL's `:why`.
pub trait BranchWalker<'r> {
    /// The truth of branch `k`'s condition.
    fn condition(&mut self, k: usize, cond: &'r Node) -> Option<bool>;
    /// What branch `k` came to.
    fn step(&mut self, k: usize, branch: &'r Branch, step: BranchStep);
}

/// The one first-match walk over a rule's branches, by Kleene logic: a
/// branch fires when `when` holds, every earlier branch's condition is false
/// and its own holds; the walk ends at a branch that fires, or once an
/// earlier condition surely held.
pub fn walk_branches<'r>(
    branches: &'r [Branch],
    when: Option<bool>,
    walker: &mut impl BranchWalker<'r>,
) {
    let mut previous = Some(true);
    for (k, branch) in branches.iter().enumerate() {
        let holds = branch
            .cond
            .as_ref()
            .map_or(Some(true), |c| walker.condition(k, c));
        let step = match and3(when, previous, holds) {
            Some(true) => BranchStep::Fires,
            None => BranchStep::Unknown,
            Some(false) => BranchStep::Fails,
        };
        walker.step(k, branch, step);
        if step == BranchStep::Fires {
            return;
        }
        previous = and3(previous, holds.map(|h| !h), Some(true));
        if previous == Some(false) {
            return;
        }
    }
}

/// Rule `index` applied to a line or the request: a branch that fires
/// fires; one that might, with an outcome, pends on the facts unknown so
/// far.
struct RuleRun<'e, 'a> {
    ev: &'e mut Eval<'a>,
    w: &'e mut Work,
    index: u32,
    line: Option<usize>,
}

impl<'a> BranchWalker<'a> for RuleRun<'_, 'a> {
    fn condition(&mut self, _: usize, cond: &'a Node) -> Option<bool> {
        truth(self.ev.eval(cond))
    }

    fn step(&mut self, _: usize, branch: &'a Branch, step: BranchStep) {
        let (ev, w) = (&mut *self.ev, &mut *self.w);
        match step {
            BranchStep::Fires => {
                fire(ev, w, self.index, branch, self.line);
                return;
            }
            BranchStep::Unknown => {
                if let Some(outcome) = branch.outcome {
                    let start = w.slots.len();
                    w.slots.extend_from_slice(&w.unknown);
                    w.slots.extend_from_slice(ev.unknowns());
                    let facts = sorted_run(&mut w.slots, start);
                    w.pendings.push(Pending {
                        rule: self.index,
                        line: self.line,
                        outcome,
                        facts,
                    });
                }
            }
            BranchStep::Fails => {}
        }
        // Later branches pend on this one's unknowns too.
        w.unknown.extend_from_slice(ev.unknowns());
        ev.clear_unknowns();
    }
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
                w.sets.push(AnnotationSet {
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

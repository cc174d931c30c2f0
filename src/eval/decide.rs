//! Applying the rules: stages in order, each rule for each line (or once for
//! the request), branches first-match, unknown conditions pending a line when
//! their outcome would rank above what it has. Builds the [`Decision`].

use super::program::{Effect, MessagePart, Program, Rule, Sym, Value};
use super::{Eval, Facts, Scratch, and3, truth};
use crate::decision::{Decision, LineDecision, PendingNote, TraceEntry};

/// A rule that fired, for one line or for the request.
struct Firing {
    rule: u32,
    line: Option<usize>,
    outcome: Option<u32>,
    to: Vec<Sym>,
    offers: Vec<Sym>,
    cautions: Vec<String>,
    missing: Vec<u32>,
    sets: Vec<(u32, serde_json::Value)>,
    message: String,
    applied: bool,
}

/// A rule whose condition was unknown, with the outcome it would give.
struct Pending {
    rule: u32,
    line: Option<usize>,
    outcome: u32,
    facts: Vec<u32>,
}

#[derive(Default)]
struct Target {
    decided: bool,
    firings: Vec<usize>,
    pendings: Vec<usize>,
}

/// Which part of a line rule's `when` is left to check on a line.
#[derive(Clone, Copy)]
enum Guard {
    /// All of it.
    Whole,
    /// What the line filter left open (it passed this line).
    Residual,
    /// What neither the request guard (it held) nor the line filter decides.
    Line,
}

/// Decides one request.
pub fn decide(program: &Program, facts: &Facts, scratch: &mut Scratch) -> Decision {
    evaluate(program, facts, scratch).decision()
}

/// Evaluates every rule on one request.
pub fn evaluate<'a>(program: &'a Program, facts: &'a Facts, scratch: &mut Scratch) -> Verdict<'a> {
    let mut ev = Eval::new(program, facts, scratch);
    let lines: Vec<Value> = match program.lines.as_ref().map(|l| facts.slots[l.fact as usize]) {
        Some(Value::List(id)) => ev.list_items(id),
        _ => Vec::new(),
    };
    // Each line's row in the code table (the last index: outside it), for
    // the rules' line filters.
    let rows: Vec<usize> = match program.line_key {
        Some((field, table)) => {
            let t = &program.tables[table as usize];
            lines
                .iter()
                .map(|l| match l {
                    Value::Rec(off) => match facts.records.get((off + field) as usize) {
                        Some(Value::Sym(s)) => t.row(*s).unwrap_or(t.keys.len()),
                        _ => usize::MAX,
                    },
                    _ => usize::MAX,
                })
                .collect()
        }
        None => vec![usize::MAX; lines.len()],
    };
    let mut firings: Vec<Firing> = Vec::with_capacity(16);
    let mut pendings: Vec<Pending> = Vec::new();
    let mut targets: Vec<Target> = (0..lines.len()).map(|_| Target::default()).collect();
    // With no lines, request-level rules decide the request itself.
    let mut request = Target::default();

    for stage in &program.stages {
        let (first_firing, first_pending) = (firings.len(), pendings.len());
        for &r in &stage.rules {
            let rule = &program.rules[r as usize];
            match rule.for_each {
                Some(slot) => {
                    // Conditions on the request alone are checked once, at
                    // the first line the filter lets through: false skips the
                    // rule for every line; true leaves each line only the rest;
                    // unknown runs the whole condition on each line.
                    let mut request_holds: Option<Option<bool>> = None;
                    for (i, line) in lines.iter().enumerate() {
                        if targets[i].decided {
                            continue;
                        }
                        let filter = rule
                            .line_filter
                            .as_ref()
                            .and_then(|f| f.get(rows[i]).copied());
                        if filter == Some(false) {
                            continue;
                        }
                        ev.set_local(slot, *line);
                        let request = match (&rule.request_guard, request_holds) {
                            (None, _) => None,
                            (Some(_), Some(known)) => known,
                            (Some(g), None) => {
                                let mark = ev.list_mark();
                                let t = truth(ev.eval(g));
                                ev.release_lists(mark);
                                request_holds = Some(t);
                                t
                            }
                        };
                        if request == Some(false) {
                            break;
                        }
                        let guard = if request == Some(true) {
                            Guard::Line
                        } else if filter == Some(true) {
                            Guard::Residual
                        } else {
                            Guard::Whole
                        };
                        run_rule(
                            &mut ev,
                            r,
                            rule,
                            Some(i),
                            guard,
                            &mut firings,
                            &mut pendings,
                        );
                    }
                }
                None => run_rule(
                    &mut ev,
                    r,
                    rule,
                    None,
                    Guard::Whole,
                    &mut firings,
                    &mut pendings,
                ),
            }
        }
        let stage_firings = first_firing..firings.len();
        let stage_pendings = first_pending..pendings.len();
        if lines.is_empty() {
            settle_stage(
                program,
                stage.decides_alone,
                None,
                &mut request,
                &mut firings,
                &pendings,
                stage_firings,
                stage_pendings,
            );
        } else {
            for (i, target) in targets.iter_mut().enumerate() {
                settle_stage(
                    program,
                    stage.decides_alone,
                    Some(i),
                    target,
                    &mut firings,
                    &pendings,
                    stage_firings.clone(),
                    stage_pendings.clone(),
                );
            }
        }
        // Request-level annotations hold whatever the lines' fate.
        for f in &mut firings[first_firing..] {
            if f.line.is_none() && f.outcome.is_none() {
                f.applied = true;
            }
        }
    }
    Verdict {
        program,
        facts,
        lines,
        firings,
        pendings,
        targets,
        request,
    }
}

/// Gives a line (or, with `line` `None`, the request) what the stage's rules
/// did to it, after the restriction of a restricting outcome.
#[allow(clippy::too_many_arguments)]
fn settle_stage(
    program: &Program,
    decides_alone: bool,
    line: Option<usize>,
    target: &mut Target,
    firings: &mut [Firing],
    pendings: &[Pending],
    stage_firings: std::ops::Range<usize>,
    stage_pendings: std::ops::Range<usize>,
) {
    if target.decided {
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
    let allowed: Option<&[u32]> = stage_firings.clone().find_map(|f| {
        let f = &firings[f];
        if applies(f) {
            f.outcome.and_then(|o| restrict[o as usize].as_deref())
        } else {
            None
        }
    });
    let mut decided = false;
    for f in stage_firings {
        let firing = &mut firings[f];
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
        target.firings.push(f);
    }
    for p in stage_pendings {
        let pending = &pendings[p];
        let mine = pending.line.is_none() || pending.line == line;
        if mine && allowed.is_none_or(|a| a.contains(&pending.outcome)) {
            target.pendings.push(p);
        }
    }
    if decides_alone && decided {
        target.decided = true;
    }
}

fn run_rule(
    ev: &mut Eval,
    index: u32,
    rule: &Rule,
    line: Option<usize>,
    guard: Guard,
    firings: &mut Vec<Firing>,
    pendings: &mut Vec<Pending>,
) {
    let mark = ev.list_mark();
    ev.clear_unknowns();
    let mut unknown_facts: Vec<u32> = Vec::new();
    let guard = match (guard, &rule.line_guard, &rule.residual) {
        (Guard::Line, Some(rest), _) => rest.as_ref(),
        (Guard::Residual, _, Some(rest)) => rest.as_ref(),
        _ => rule.when.as_ref(),
    };
    let when = match guard {
        Some(w) => {
            let t = truth(ev.eval(w));
            if t == Some(false) {
                ev.release_lists(mark);
                return;
            }
            unknown_facts.extend_from_slice(ev.unknowns());
            t
        }
        None => Some(true),
    };
    let mut previous = Some(true);
    for branch in &rule.branches {
        ev.clear_unknowns();
        let guard = branch
            .cond
            .as_ref()
            .map_or(Some(true), |c| truth(ev.eval(c)));
        let guard_unknowns = ev.unknowns().to_vec();
        match and3(when, previous, guard) {
            Some(true) => {
                let firing = fire(ev, index, branch, line);
                firings.push(firing);
                ev.release_lists(mark);
                return;
            }
            None => {
                if let Some(outcome) = branch.outcome {
                    let mut facts = unknown_facts.clone();
                    facts.extend_from_slice(&guard_unknowns);
                    facts.sort_unstable();
                    facts.dedup();
                    pendings.push(Pending {
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
        unknown_facts.extend(guard_unknowns);
        if previous == Some(false) {
            break;
        }
    }
    ev.release_lists(mark);
}

fn codes(ev: &mut Eval, node: &super::program::Node, out: &mut Vec<Sym>) {
    match ev.eval(node) {
        Value::List(id) => {
            for v in ev.list_items(id) {
                if let Value::Sym(s) = v {
                    out.push(s);
                }
            }
        }
        Value::Sym(s) => out.push(s),
        _ => {}
    }
}

fn message(ev: &mut Eval, parts: &[MessagePart]) -> String {
    // The text, and room for a short value in each hole: one allocation.
    let size = parts
        .iter()
        .map(|p| match p {
            MessagePart::Text(t) => t.len(),
            MessagePart::Hole(_) => 16,
        })
        .sum();
    let mut out = String::with_capacity(size);
    for p in parts {
        match p {
            MessagePart::Text(t) => out.push_str(t),
            MessagePart::Hole(n) => {
                let v = ev.eval(n);
                ev.write_display(&mut out, v);
            }
        }
    }
    out
}

fn json_value(ev: &Eval, v: Value) -> serde_json::Value {
    match v {
        Value::Unknown | Value::Absent => serde_json::Value::Null,
        Value::Bool(b) => b.into(),
        Value::Num(n) => serde_json::Number::from_f64(n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Sym(s) => ev.text(s).into(),
        Value::List(id) => ev
            .list_items(id)
            .into_iter()
            .map(|v| json_value(ev, v))
            .collect(),
        Value::Rec(_) => ev.show(v).into(),
    }
}

fn fire(ev: &mut Eval, index: u32, branch: &super::program::Branch, line: Option<usize>) -> Firing {
    let mut f = Firing {
        rule: index,
        line,
        outcome: branch.outcome,
        to: Vec::new(),
        offers: Vec::new(),
        cautions: Vec::new(),
        missing: Vec::new(),
        sets: Vec::new(),
        message: String::new(),
        applied: false,
    };
    if let Some(to) = &branch.to {
        codes(ev, to, &mut f.to);
    }
    for effect in &branch.effects {
        match effect {
            Effect::Offer(n) => codes(ev, n, &mut f.offers),
            Effect::Caution(m) => {
                let text = message(ev, &m.parts);
                f.cautions.push(text);
            }
            Effect::Missing(only_unknown, slots) => {
                for &s in slots {
                    let unknown = ev.facts.slots.get(s as usize) == Some(&Value::Unknown);
                    if !only_unknown || unknown {
                        f.missing.push(s);
                    }
                }
            }
            Effect::Set(a, n) => {
                let v = ev.eval(n);
                let json = json_value(ev, v);
                f.sets.push((*a, json));
            }
        }
    }
    if let Some(m) = &branch.message {
        f.message = message(ev, &m.parts);
    }
    f
}

/// Distinct texts of `syms`, sorted.
fn sorted_texts<'a>(
    program: &'a Program,
    facts: &'a Facts,
    syms: impl Iterator<Item = Sym>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = syms.map(|s| program.sym_text(s, &facts.texts)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The sections the rules cite, in the policy's order.
fn cited(program: &Program, rules: impl Iterator<Item = u32>) -> Vec<&str> {
    let mut sections: Vec<u32> = rules
        .filter_map(|r| program.rules[r as usize].cites)
        .collect();
    sections.sort_unstable();
    sections.dedup();
    sections
        .into_iter()
        .map(|s| program.sections[s as usize].as_str())
        .collect()
}

/// The outcome a target's firings give, before unknowns.
fn base_outcome(program: &Program, target: &Target, firings: &[Firing]) -> u32 {
    target
        .firings
        .iter()
        .filter_map(|&f| firings[f].outcome)
        .min()
        .unwrap_or(program.outcomes.default)
}

/// A target's outcome, and the facts that made it pend.
fn settle(
    program: &Program,
    target: &Target,
    firings: &[Firing],
    pendings: &[Pending],
    missing: &mut Vec<u32>,
) -> u32 {
    let base = base_outcome(program, target, firings);
    missing.extend(
        target
            .firings
            .iter()
            .flat_map(|&f| firings[f].missing.iter().copied()),
    );
    let mut pended = false;
    for &p in &target.pendings {
        if pendings[p].outcome < base {
            pended = true;
            missing.extend_from_slice(&pendings[p].facts);
        }
    }
    let pending = program.outcomes.pending;
    if pended && pending < base {
        pending
    } else {
        base
    }
}

/// The result of evaluating a request: what every rule did, before it is
/// turned into a [`Decision`] or written as JSON. Borrows the policy and
/// the request.
pub struct Verdict<'a> {
    program: &'a Program,
    facts: &'a Facts,
    lines: Vec<Value>,
    firings: Vec<Firing>,
    pendings: Vec<Pending>,
    targets: Vec<Target>,
    request: Target,
}

/// What a trace entry's effect is.
enum EffectName<'a> {
    Outcome(&'a str),
    Fixed(&'static str),
    Set(&'a str, &'a serde_json::Value),
}

impl std::fmt::Display for EffectName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EffectName::Outcome(s) => f.write_str(s),
            EffectName::Fixed(s) => f.write_str(s),
            EffectName::Set(name, v) => match v.as_str() {
                Some(s) => write!(f, "{name} = {s}"),
                None => write!(f, "{name} = {v}"),
            },
        }
    }
}

struct LineSummary<'a> {
    code: &'a str,
    outcome: &'a str,
    alternatives: Vec<&'a str>,
    redirect_to: Vec<&'a str>,
    citations: Vec<&'a str>,
}

struct TraceSummary<'a> {
    rule: &'a str,
    line: Option<usize>,
    effect: EffectName<'a>,
    citation: Option<&'a str>,
    message: &'a str,
}

/// The decision's fields, borrowed: one computation for both outputs.
struct Summary<'a> {
    id: Option<&'a str>,
    outcome: &'a str,
    annotations: Vec<(&'a str, &'a serde_json::Value)>,
    lines: Vec<LineSummary<'a>>,
    alternatives: Vec<&'a str>,
    redirect_to: Vec<&'a str>,
    missing: Vec<&'a str>,
    cautions: Vec<&'a str>,
    citations: Vec<&'a str>,
    trace: Vec<TraceSummary<'a>>,
}

impl<'a> Verdict<'a> {
    fn line_code(&self, i: usize) -> &'a str {
        let shown_by = self.program.lines.as_ref().map_or(0, |l| l.shown_by);
        match self.lines.get(i) {
            Some(Value::Rec(off)) => match self.facts.records.get((off + shown_by) as usize) {
                Some(Value::Sym(s)) => self.program.sym_text(*s, &self.facts.texts),
                _ => "",
            },
            _ => "",
        }
    }

    fn summary(&self) -> Summary<'_> {
        let (program, facts, firings, pendings) =
            (self.program, self.facts, &self.firings, &self.pendings);
        let mut missing: Vec<u32> = Vec::new();
        let mut best: Option<u32> = None;
        let mut lines = Vec::with_capacity(self.targets.len());
        for (i, target) in self.targets.iter().enumerate() {
            let outcome = settle(program, target, firings, pendings, &mut missing);
            best = Some(best.map_or(outcome, |b| b.min(outcome)));
            let mine = || target.firings.iter().map(|&f| &firings[f]);
            lines.push(LineSummary {
                code: self.line_code(i),
                outcome: program.outcome_name(outcome),
                alternatives: sorted_texts(
                    program,
                    facts,
                    mine().flat_map(|f| f.offers.iter().copied()),
                ),
                redirect_to: sorted_texts(
                    program,
                    facts,
                    mine().flat_map(|f| f.to.iter().copied()),
                ),
                citations: cited(program, mine().map(|f| f.rule)),
            });
        }
        if self.targets.is_empty() {
            best = Some(settle(
                program,
                &self.request,
                firings,
                pendings,
                &mut missing,
            ));
        }
        let mut missing: Vec<&str> = missing
            .into_iter()
            .map(|s| program.facts[s as usize].path.as_str())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let mut alternatives: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.alternatives.iter().copied())
            .collect();
        let mut redirect_to: Vec<&str> = lines
            .iter()
            .flat_map(|l| l.redirect_to.iter().copied())
            .collect();
        for &f in &self.request.firings {
            let text = |s: &Sym| program.sym_text(*s, &facts.texts);
            alternatives.extend(firings[f].offers.iter().map(text));
            redirect_to.extend(firings[f].to.iter().map(text));
        }
        for list in [&mut alternatives, &mut redirect_to] {
            list.sort_unstable();
            list.dedup();
        }

        let mut annotations: Vec<(&str, &serde_json::Value)> = program
            .annotations
            .iter()
            .map(|a| (a.name.as_str(), &a.default_json))
            .collect();
        let mut cautions: Vec<&str> = Vec::new();
        let mut trace = Vec::new();
        for f in firings.iter().filter(|f| f.applied) {
            for (a, v) in &f.sets {
                if let Some(slot) = annotations.get_mut(*a as usize) {
                    slot.1 = v;
                }
            }
            for c in &f.cautions {
                if !cautions.contains(&c.as_str()) {
                    cautions.push(c);
                }
            }
            let rule = &program.rules[f.rule as usize];
            let effect = match (f.outcome, f.sets.first()) {
                (Some(o), _) => EffectName::Outcome(program.outcome_name(o)),
                (None, _) if !f.cautions.is_empty() => EffectName::Fixed("caution"),
                (None, _) if !f.offers.is_empty() => EffectName::Fixed("offer"),
                (None, Some((a, v))) => EffectName::Set(&program.annotations[*a as usize].name, v),
                (None, None) => EffectName::Fixed("note"),
            };
            trace.push(TraceSummary {
                rule: &rule.label,
                line: f.line,
                effect,
                citation: rule.cites.map(|c| program.sections[c as usize].as_str()),
                message: &f.message,
            });
        }
        let id = program
            .id_fact
            .and_then(|slot| match facts.slots.get(slot as usize) {
                Some(Value::Sym(s)) => Some(program.sym_text(*s, &facts.texts)),
                _ => None,
            });
        let citations = cited(
            program,
            firings.iter().filter(|f| f.applied).map(|f| f.rule),
        );
        Summary {
            id,
            outcome: program.outcome_name(best.unwrap_or(program.outcomes.default)),
            annotations,
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
        let mut notes = Vec::new();
        let targets = self.targets.iter().enumerate().map(|(i, t)| (Some(i), t));
        let request = (self.targets.is_empty()).then_some((None, &self.request));
        for (line, target) in targets.chain(request) {
            let base = base_outcome(program, target, &self.firings);
            for &p in &target.pendings {
                let p = &self.pendings[p];
                if p.outcome < base {
                    notes.push(PendingNote {
                        rule: program.rules[p.rule as usize].label.clone(),
                        line: line.map(|i| self.line_code(i).to_string()),
                        would_be: program.outcome_name(p.outcome).to_string(),
                        facts: p
                            .facts
                            .iter()
                            .map(|&s| program.facts[s as usize].path.clone())
                            .collect(),
                        line_index: line,
                    });
                }
            }
        }
        notes
    }

    /// How many lines the request has.
    pub fn lines_len(&self) -> usize {
        self.lines.len()
    }

    /// The decision, owned.
    pub fn decision(&self) -> Decision {
        let s = self.summary();
        let owned = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
        Decision {
            id: s.id.map(str::to_string),
            outcome: s.outcome.to_string(),
            annotations: s
                .annotations
                .iter()
                .map(|(n, v)| (n.to_string(), (*v).clone()))
                .collect(),
            lines: s
                .lines
                .iter()
                .map(|l| LineDecision {
                    code: l.code.to_string(),
                    outcome: l.outcome.to_string(),
                    alternatives: owned(&l.alternatives),
                    redirect_to: owned(&l.redirect_to),
                    citations: owned(&l.citations),
                })
                .collect(),
            alternatives: owned(&s.alternatives),
            redirect_to: owned(&s.redirect_to),
            missing: owned(&s.missing),
            cautions: owned(&s.cautions),
            citations: owned(&s.citations),
            trace: s
                .trace
                .iter()
                .map(|t| TraceEntry {
                    rule: t.rule.to_string(),
                    line: t.line.map(|i| self.line_code(i).to_string()),
                    effect: t.effect.to_string(),
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
        let summary = self.summary();
        let json = SummaryJson {
            verdict: self,
            s: &summary,
        };
        if serde_json::to_writer(&mut *out, &json).is_err() {
            out.extend_from_slice(
                b"{\"error\":{\"message\":\"the decision could not be written\"}}",
            );
        }
    }
}

struct SummaryJson<'v, 'a> {
    verdict: &'v Verdict<'a>,
    s: &'v Summary<'v>,
}

impl serde::Serialize for SummaryJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let s = self.s;
        let mut m = ser.serialize_map(Some(10 + s.annotations.len()))?;
        m.serialize_entry("id", &s.id)?;
        m.serialize_entry("outcome", s.outcome)?;
        for (name, value) in &s.annotations {
            m.serialize_entry(name, value)?;
        }
        m.serialize_entry("lines", &Lines(&s.lines))?;
        m.serialize_entry("alternatives", &s.alternatives)?;
        m.serialize_entry("redirect_to", &s.redirect_to)?;
        m.serialize_entry("missing", &s.missing)?;
        m.serialize_entry("cautions", &s.cautions)?;
        m.serialize_entry("citations", &s.citations)?;
        m.serialize_entry("trace", &Trace(self.verdict, &s.trace))?;
        m.end()
    }
}

struct Lines<'v, 'a>(&'v [LineSummary<'a>]);

impl serde::Serialize for Lines<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let mut seq = ser.serialize_seq(Some(self.0.len()))?;
        for l in self.0 {
            struct One<'v, 'a>(&'v LineSummary<'a>);
            impl serde::Serialize for One<'_, '_> {
                fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                    let l = self.0;
                    let mut m = ser.serialize_map(Some(5))?;
                    m.serialize_entry("code", l.code)?;
                    m.serialize_entry("outcome", l.outcome)?;
                    m.serialize_entry("alternatives", &l.alternatives)?;
                    m.serialize_entry("redirect_to", &l.redirect_to)?;
                    m.serialize_entry("citations", &l.citations)?;
                    m.end()
                }
            }
            seq.serialize_element(&One(l))?;
        }
        seq.end()
    }
}

struct Trace<'v, 'a>(&'v Verdict<'a>, &'v [TraceSummary<'v>]);

impl serde::Serialize for Trace<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let mut seq = ser.serialize_seq(Some(self.1.len()))?;
        for t in self.1 {
            struct One<'v, 'a>(&'v Verdict<'a>, &'v TraceSummary<'v>);
            impl serde::Serialize for One<'_, '_> {
                fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                    let t = self.1;
                    let mut m = ser.serialize_map(Some(5))?;
                    m.serialize_entry("rule", t.rule)?;
                    m.serialize_entry("line", &t.line.map(|i| self.0.line_code(i)))?;
                    m.serialize_entry("effect", &Displayed(&t.effect))?;
                    m.serialize_entry("citation", &t.citation)?;
                    m.serialize_entry("message", t.message)?;
                    m.end()
                }
            }
            seq.serialize_element(&One(self.0, t))?;
        }
        seq.end()
    }
}

/// Serializes a `Display` value as a string, without an intermediate `String`.
struct Displayed<'a, T>(&'a T);

impl<T: std::fmt::Display> serde::Serialize for Displayed<'_, T> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_str(self.0)
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

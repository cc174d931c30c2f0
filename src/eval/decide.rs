//! Applying the rules: stages in order, each rule for each line (or once for
//! the request), branches first-match, unknown conditions pending a line when
//! their outcome would rank above what it has. Builds the [`Decision`].

use super::program::{Effect, MessagePart, Program, Rule, Sym, Value};
use super::{Eval, Facts, Scratch, truth};
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

/// Kleene conjunction of three truth values.
fn and3(a: Option<bool>, b: Option<bool>, c: Option<bool>) -> Option<bool> {
    if a == Some(false) || b == Some(false) || c == Some(false) {
        Some(false)
    } else if a.is_none() || b.is_none() || c.is_none() {
        None
    } else {
        Some(true)
    }
}

/// Decides one request.
pub fn decide(program: &Program, facts: &Facts, scratch: &mut Scratch) -> Decision {
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
    let mut firings: Vec<Firing> = Vec::new();
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
                    for (i, line) in lines.iter().enumerate() {
                        if targets[i].decided {
                            continue;
                        }
                        if let Some(filter) = &rule.line_filter
                            && filter.get(rows[i]) == Some(&false)
                        {
                            continue;
                        }
                        ev.set_local(slot, *line);
                        run_rule(&mut ev, r, rule, Some(i), &mut firings, &mut pendings);
                    }
                }
                None => run_rule(&mut ev, r, rule, None, &mut firings, &mut pendings),
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
    build(
        &ev,
        lines.len(),
        &lines,
        firings,
        pendings,
        &targets,
        &request,
    )
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
    firings: &mut Vec<Firing>,
    pendings: &mut Vec<Pending>,
) {
    let mark = ev.list_mark();
    ev.clear_unknowns();
    let mut unknown_facts: Vec<u32> = Vec::new();
    let when = match &rule.when {
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
    let mut out = String::new();
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

fn sorted_texts(ev: &Eval, syms: impl Iterator<Item = Sym>) -> Vec<String> {
    let mut out: Vec<String> = syms.map(|s| ev.text(s).to_string()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn cited(program: &Program, rules: impl Iterator<Item = u32>) -> Vec<String> {
    let mut sections: Vec<u32> = rules
        .filter_map(|r| program.rules[r as usize].cites)
        .collect();
    sections.sort_unstable();
    sections.dedup();
    sections
        .into_iter()
        .map(|s| program.sections[s as usize].clone())
        .collect()
}

/// A target's outcome and the facts that pended it.
fn settle(
    program: &Program,
    target: &Target,
    firings: &[Firing],
    pendings: &[Pending],
) -> (u32, Vec<u32>, bool) {
    let decided = target
        .firings
        .iter()
        .filter_map(|&f| firings[f].outcome)
        .min();
    let base = decided.unwrap_or(program.outcomes.default);
    let mut missing: Vec<u32> = target
        .firings
        .iter()
        .flat_map(|&f| firings[f].missing.iter().copied())
        .collect();
    let mut pended = false;
    for &p in &target.pendings {
        if pendings[p].outcome < base {
            pended = true;
            missing.extend_from_slice(&pendings[p].facts);
        }
    }
    let pending = program.outcomes.pending;
    let outcome = if pended && pending < base {
        pending
    } else {
        base
    };
    (outcome, missing, pended)
}

fn build(
    ev: &Eval,
    n: usize,
    lines: &[Value],
    firings: Vec<Firing>,
    pendings: Vec<Pending>,
    targets: &[Target],
    request: &Target,
) -> Decision {
    let program = ev.program;
    let line_code = |i: usize| -> String {
        let shown_by = program.lines.as_ref().map_or(0, |l| l.shown_by);
        match lines.get(i) {
            Some(Value::Rec(off)) => ev.show(
                ev.facts
                    .records
                    .get((off + shown_by) as usize)
                    .copied()
                    .unwrap_or(Value::Absent),
            ),
            _ => String::new(),
        }
    };
    let mut missing: Vec<u32> = Vec::new();
    let mut line_decisions = Vec::with_capacity(n);
    let mut best: Option<u32> = None;
    let mut notes = Vec::new();
    let mut note = |target: &Target, base: u32, line: Option<String>, line_index: Option<usize>| {
        for &p in &target.pendings {
            let p = &pendings[p];
            if p.outcome < base {
                notes.push(PendingNote {
                    rule: program.rules[p.rule as usize].label.clone(),
                    line: line.clone(),
                    would_be: program.outcome_name(p.outcome).to_string(),
                    facts: p
                        .facts
                        .iter()
                        .map(|&s| program.facts[s as usize].path.clone())
                        .collect(),
                    line_index,
                });
            }
        }
    };
    for (i, target) in targets.iter().enumerate() {
        let (outcome, line_missing, _) = settle(program, target, &firings, &pendings);
        let base = target
            .firings
            .iter()
            .filter_map(|&f| firings[f].outcome)
            .min()
            .unwrap_or(program.outcomes.default);
        note(target, base, Some(line_code(i)), Some(i));
        missing.extend(line_missing);
        best = Some(best.map_or(outcome, |b| b.min(outcome)));
        let mine = || target.firings.iter().map(|&f| &firings[f]);
        line_decisions.push(LineDecision {
            code: line_code(i),
            outcome: program.outcome_name(outcome).to_string(),
            alternatives: sorted_texts(ev, mine().flat_map(|f| f.offers.iter().copied())),
            redirect_to: sorted_texts(ev, mine().flat_map(|f| f.to.iter().copied())),
            citations: cited(program, mine().map(|f| f.rule)),
        });
    }
    if n == 0 {
        let (outcome, request_missing, _) = settle(program, request, &firings, &pendings);
        let base = request
            .firings
            .iter()
            .filter_map(|&f| firings[f].outcome)
            .min()
            .unwrap_or(program.outcomes.default);
        note(request, base, None, None);
        missing.extend(request_missing);
        best = Some(outcome);
    }
    let mut missing: Vec<String> = missing
        .into_iter()
        .map(|s| program.facts[s as usize].path.clone())
        .collect();
    missing.sort_unstable();
    missing.dedup();

    let applied: Vec<&Firing> = firings.iter().filter(|f| f.applied).collect();
    let mut annotations: Vec<(String, serde_json::Value)> = program
        .annotations
        .iter()
        .map(|a| (a.name.clone(), json_value(ev, a.default)))
        .collect();
    let mut cautions: Vec<String> = Vec::new();
    let mut trace = Vec::with_capacity(applied.len());
    for f in &applied {
        for (a, v) in &f.sets {
            if let Some(slot) = annotations.get_mut(*a as usize) {
                slot.1 = v.clone();
            }
        }
        for c in &f.cautions {
            if !cautions.contains(c) {
                cautions.push(c.clone());
            }
        }
        let rule = &program.rules[f.rule as usize];
        let effect = match f.outcome {
            Some(o) => program.outcome_name(o).to_string(),
            None if !f.cautions.is_empty() => "caution".into(),
            None if !f.offers.is_empty() => "offer".into(),
            None => match f.sets.first() {
                Some((a, v)) => format!(
                    "{} = {}",
                    program.annotations[*a as usize].name,
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                ),
                None => "note".into(),
            },
        };
        trace.push(TraceEntry {
            rule: rule.label.clone(),
            line: f.line.map(line_code),
            effect,
            citation: rule.cites.map(|c| program.sections[c as usize].clone()),
            message: f.message.clone(),
            line_index: f.line,
        });
    }
    let id = program
        .id_fact
        .and_then(|slot| match ev.facts.slots.get(slot as usize) {
            Some(Value::Sym(s)) => Some(ev.text(*s).to_string()),
            _ => None,
        });
    Decision {
        id,
        outcome: program
            .outcome_name(best.unwrap_or(program.outcomes.default))
            .to_string(),
        annotations,
        alternatives: {
            let mut all: Vec<String> = line_decisions
                .iter()
                .flat_map(|l| l.alternatives.iter().cloned())
                .collect();
            all.extend(sorted_texts(
                ev,
                request
                    .firings
                    .iter()
                    .flat_map(|&f| firings[f].offers.iter().copied()),
            ));
            all.sort_unstable();
            all.dedup();
            all
        },
        redirect_to: {
            let mut all: Vec<String> = line_decisions
                .iter()
                .flat_map(|l| l.redirect_to.iter().cloned())
                .collect();
            all.extend(sorted_texts(
                ev,
                request
                    .firings
                    .iter()
                    .flat_map(|&f| firings[f].to.iter().copied()),
            ));
            all.sort_unstable();
            all.dedup();
            all
        },
        lines: line_decisions,
        missing,
        cautions,
        citations: cited(program, applied.iter().map(|f| f.rule)),
        trace,
        pending: notes,
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

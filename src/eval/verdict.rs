//! A request's [`Verdict`]: what every rule did, settled line by line into
//! the decision's fields, then built as a [`Decision`] (or written as JSON
//! by [`super::json`]).

use super::Facts;
use super::program::{Program, Sym, Value};
use super::work::{Firing, Pending, Run, SetValue, Work, sorted_run};
use crate::decision::{Decision, LineDecision, PendingNote, TraceEntry};

/// The result of evaluating a request: what every rule did, before it is
/// turned into a [`Decision`] or written as JSON. Borrows the policy, the
/// request and the scratch space that holds it.
pub struct Verdict<'a> {
    pub(super) program: &'a Program,
    pub(super) facts: &'a Facts,
    pub(super) w: &'a Work,
}

/// What a trace entry's effect is.
#[derive(Clone, Copy)]
pub(super) enum EffectName<'a> {
    Outcome(&'a str),
    Fixed(&'static str),
    /// An annotation's name and its value as shown.
    Set(&'a str, &'a str),
}

impl EffectName<'_> {
    /// The pieces of its text.
    pub(super) fn pieces(&self) -> [&str; 3] {
        match *self {
            EffectName::Outcome(s) => [s, "", ""],
            EffectName::Fixed(s) => [s, "", ""],
            EffectName::Set(name, v) => [name, " = ", v],
        }
    }
}

/// An annotation's value in the decision.
#[derive(Clone, Copy)]
pub(super) enum AnnotationValue<'a> {
    /// The declared default.
    Default(&'a serde_json::Value),
    /// Set by a rule to a text.
    Text(&'a str),
    /// Set by a rule to another value: its JSON.
    Set(&'a str),
}

pub(super) struct LineParts<'a> {
    pub(super) code: &'a str,
    pub(super) outcome: &'a str,
    /// Runs of [`DecisionParts::strs`].
    pub(super) alternatives: Run,
    pub(super) redirect_to: Run,
    pub(super) citations: Run,
}

pub(super) struct TraceParts<'a> {
    pub(super) rule: &'a str,
    pub(super) line: Option<usize>,
    pub(super) effect: EffectName<'a>,
    pub(super) citation: Option<&'a str>,
    pub(super) message: &'a str,
}

/// The decision's fields, borrowed: one computation for both outputs. Its
/// lists of texts are runs of one buffer, `strs`.
pub(super) struct DecisionParts<'a> {
    pub(super) id: Option<&'a str>,
    pub(super) outcome: &'a str,
    pub(super) annotations: Vec<(&'a str, AnnotationValue<'a>)>,
    pub(super) strs: Vec<&'a str>,
    pub(super) lines: Vec<LineParts<'a>>,
    pub(super) alternatives: Run,
    pub(super) redirect_to: Run,
    pub(super) missing: Run,
    pub(super) cautions: Run,
    pub(super) citations: Run,
    pub(super) trace: Vec<TraceParts<'a>>,
}

impl<'a> DecisionParts<'a> {
    pub(super) fn list(&self, run: Run) -> &[&'a str] {
        &self.strs[run.range()]
    }
}

impl<'a> Verdict<'a> {
    pub(super) fn line_code(&self, i: usize) -> &'a str {
        let shown_by = self.program.lines.as_ref().map_or(0, |l| l.shown_by);
        match self.w.lines.get(i) {
            Some(Value::Rec(off)) => match self.facts.records.get((off + shown_by) as usize) {
                Some(Value::Sym(s)) => self.program.sym_text(*s, &self.facts.texts),
                _ => "",
            },
            _ => "",
        }
    }

    pub(super) fn text(&self, run: Run) -> &'a str {
        self.w.text.get(run.range()).unwrap_or("")
    }

    pub(super) fn sym(&self, s: Sym) -> &'a str {
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

    pub(super) fn parts(&self) -> DecisionParts<'a> {
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
            lines.push(LineParts {
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
        let mut union = |run: fn(&LineParts) -> Run, codes: fn(&Firing) -> Run| {
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
            trace.push(TraceParts {
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
        DecisionParts {
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
        let s = self.parts();
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
}

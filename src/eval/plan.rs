//! What the evaluator runs: a checked [`Program`] and, beside it, how to
//! run its rules: per rule the code that decides whether it applies
//! ([`RuleCode`]), per stage the rules that can fire on a line of each row of
//! the code table ([`Candidates`]).
//!
//! A plan is made one of two ways: [`Plan::plain`] runs the program as
//! written (every rule on every line, each `when` whole), and
//! [`super::optimize::optimize`] adds line filters, request guards and row
//! folding. Both decide every request the same, byte for byte
//! (`tests/optimizer.rs` holds the optimizer to it); the evaluator reads any
//! plan the same way and never asks which kind it has.

use super::compile::Code;
use super::program::{LineKey, Node, Program, Rule, Stage};

/// A program ready to decide requests. Its parts are fixed once it is made:
/// the program cannot change under the code compiled from it.
#[derive(Clone, Debug)]
pub struct Plan {
    program: Program,
    rules: Vec<RuleCode>,
    stages: Vec<Candidates>,
    line_key: Option<LineKey>,
    optimized: bool,
}

impl Plan {
    /// The program as written: each rule's whole `when` on every line.
    pub fn plain(program: Program) -> Plan {
        let rules = program.rules.iter().map(RuleCode::plain).collect();
        let stages = program
            .stages
            .iter()
            .map(|stage| Candidates::new(&program, stage, 0, |_, _| true))
            .collect();
        Plan {
            program,
            rules,
            stages,
            line_key: None,
            optimized: false,
        }
    }

    /// A plan from the optimizer's parts (see [`super::optimize`]).
    pub(super) fn optimized(
        program: Program,
        rules: Vec<RuleCode>,
        stages: Vec<Candidates>,
        line_key: Option<LineKey>,
    ) -> Plan {
        Plan {
            program,
            rules,
            stages,
            line_key,
            optimized: true,
        }
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Whether the optimizer made it (for reports; the evaluator does not
    /// ask).
    pub fn is_optimized(&self) -> bool {
        self.optimized
    }

    /// Rule `r`'s code.
    pub(super) fn rule(&self, r: u32) -> &RuleCode {
        &self.rules[r as usize]
    }

    /// Stage `s`'s candidates.
    pub(super) fn candidates(&self, s: usize) -> &Candidates {
        &self.stages[s]
    }

    /// The line field that keys the code table, when the line filters use
    /// it: what a line's row is read from.
    pub(super) fn line_key(&self) -> Option<LineKey> {
        self.line_key
    }
}

/// What the evaluator reads of a rule before it knows the rule applies: a
/// few words, not the whole rule, so that passing over the many rules that
/// do not apply to a line touches little memory.
#[derive(Clone, Debug, Default)]
pub struct RuleCode {
    /// The local slot of the `for each` variable: a line rule.
    pub for_each: Option<u32>,
    /// Whether a line filter passed every line the rule runs on (those in
    /// the code table).
    pub filtered: bool,
    /// Its request guard: the conjuncts of `when` that do not depend on the
    /// line, run once per request.
    pub request: Option<Code>,
    /// What to check of `when` on a line once the request guard held
    /// (`None`: nothing).
    pub line: Option<Code>,
    /// What to check of `when` on a line the filter passed.
    pub residual: Option<Code>,
    /// All of `when`.
    pub whole: Option<Code>,
}

impl RuleCode {
    /// A rule as written: its whole `when`, wherever it runs.
    pub fn plain(rule: &Rule) -> RuleCode {
        let whole = rule.when.as_ref().map(|n| n.code.clone());
        RuleCode {
            for_each: rule.for_each,
            filtered: false,
            request: None,
            line: whole.clone(),
            residual: whole.clone(),
            whole,
        }
    }

    /// A rule with the guards the optimizer split from its `when`.
    pub(super) fn guarded(rule: &Rule, guards: &Guards) -> RuleCode {
        let code = |n: &Option<Node>| n.as_ref().map(|n| n.code.clone());
        let whole = code(&rule.when);
        RuleCode {
            for_each: rule.for_each,
            filtered: guards.filter.is_some(),
            request: code(&guards.request),
            line: guards.line.as_ref().map_or(whole.clone(), code),
            residual: guards.residual.as_ref().map_or(whole.clone(), code),
            whole,
        }
    }
}

/// What the optimizer works out of a line rule's `when` (see
/// [`super::optimize`]). Every part is a conjunction of some of `when`'s
/// conjuncts.
#[derive(Clone, Debug, Default)]
pub(super) struct Guards {
    /// Per code-table row (and, last, for a code outside the table),
    /// whether the rule can fire at all.
    pub filter: Option<Vec<bool>>,
    /// For a filtered rule: the part of `when` its filter does not already
    /// decide (`Some(None)`: nothing left, the guard holds).
    pub residual: Option<Option<Node>>,
    /// The conjuncts of `when` that do not depend on the line.
    pub request: Option<Node>,
    /// With `request`: what is left of `when` for each line once the
    /// request guard holds (and, where the line filter passed, without the
    /// conjuncts it decides).
    pub line: Option<Option<Node>>,
}

impl Guards {
    /// Its nodes, to fold.
    pub fn nodes_mut(&mut self) -> impl Iterator<Item = &mut Node> {
        self.request
            .iter_mut()
            .chain(self.residual.iter_mut().flatten())
            .chain(self.line.iter_mut().flatten())
    }
}

/// A stage's rules that can fire, as bit sets of their positions in the
/// stage (bit `p % 64` of word `p / 64`).
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    /// The rules for the request as a whole.
    pub request: Vec<u64>,
    /// Per row of the code table (then a code outside it, then a line whose
    /// row is not known): the line rules that can fire on such a line.
    pub rows: Vec<Vec<u64>>,
}

impl Candidates {
    /// The candidates of a stage of `program`, with `rows` rows (table rows
    /// and a code outside the table) of which `can_fire(rule, row)` says
    /// whether line rule `rule` (an index into [`Program::rules`]) can fire
    /// on a line of that row.
    pub fn new(
        program: &Program,
        stage: &Stage,
        rows: usize,
        can_fire: impl Fn(u32, usize) -> bool,
    ) -> Candidates {
        let words = stage.rules.len().div_ceil(64);
        let set = |keep: &dyn Fn(u32, &Rule) -> bool| {
            let mut bits = vec![0u64; words];
            for (pos, &r) in stage.rules.iter().enumerate() {
                if program
                    .rules
                    .get(r as usize)
                    .is_some_and(|rule| keep(r, rule))
                {
                    bits[pos / 64] |= 1 << (pos % 64);
                }
            }
            bits
        };
        let mut per_row: Vec<Vec<u64>> = (0..rows)
            .map(|row| set(&|r, rule: &Rule| rule.for_each.is_some() && can_fire(r, row)))
            .collect();
        per_row.push(set(&|_, rule: &Rule| rule.for_each.is_some()));
        Candidates {
            request: set(&|_, rule: &Rule| rule.for_each.is_none()),
            rows: per_row,
        }
    }

    /// The line rules that can fire on a line of `row` (any number past the
    /// rows: not known), word `word`.
    pub fn line_word(&self, row: usize, word: usize) -> u64 {
        let last = self.rows.len().saturating_sub(1);
        self.rows
            .get(row.min(last))
            .and_then(|bits| bits.get(word))
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;

    fn rule(line_rule: bool) -> Rule {
        Rule {
            id: String::new(),
            name: String::new(),
            label: String::new(),
            cites: None,
            for_each: line_rule.then_some(0),
            when: None,
            branches: Vec::new(),
            stage: 0,
            span: Span::default(),
        }
    }

    /// A program of one stage of `n` rules, the line rules those `line_rule`
    /// picks.
    fn program(n: usize, line_rule: impl Fn(usize) -> bool) -> Program {
        Program {
            rules: (0..n).map(|i| rule(line_rule(i))).collect(),
            stages: vec![Stage {
                name: "s".into(),
                decides_alone: false,
                rules: (0..n as u32).collect(),
            }],
            ..Program::default()
        }
    }

    #[test]
    fn candidates_span_as_many_words_as_the_stage_needs() {
        let p = program(130, |i| i % 2 == 0);
        let c = Candidates::new(&p, &p.stages[0], 3, |r, row| r as usize % 3 == row);
        assert_eq!(c.request.len(), 3);
        // Request rules: the odd positions.
        assert_eq!(c.request[0], 0xAAAA_AAAA_AAAA_AAAA);
        assert_eq!(c.request[2], 0b10);
        // Row 1: even rules whose index is 1 mod 3: 4, 10, ... 64+...
        for pos in 0..130usize {
            let bit = c.line_word(1, pos / 64) >> (pos % 64) & 1 == 1;
            assert_eq!(bit, pos % 2 == 0 && pos % 3 == 1, "rule {pos}");
        }
    }

    #[test]
    fn a_row_past_the_rows_has_every_line_rule() {
        let p = program(70, |i| i != 69);
        let c = Candidates::new(&p, &p.stages[0], 2, |_, _| false);
        assert_eq!(c.line_word(0, 0), 0);
        assert_eq!(c.line_word(usize::MAX, 0), u64::MAX);
        assert_eq!(c.line_word(usize::MAX, 1), 0b1_1111);
        assert_eq!(c.line_word(7, 1), 0b1_1111);
        assert_eq!(c.line_word(0, 5), 0);
    }

    #[test]
    fn a_plain_plan_runs_every_rule_on_every_row() {
        let plan = Plan::plain(program(100, |i| i < 80));
        let c = plan.candidates(0);
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.line_word(3, 0), u64::MAX);
        assert_eq!(c.line_word(3, 1), (1 << 16) - 1);
        assert!(!plan.is_optimized());
    }
}

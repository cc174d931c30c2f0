//! `redundant-rule` and `conflicting-rules`: rules of one stage that
//! overlap.
//!
//! A rule is redundant when, for each of its branches, some other rule of
//! the same stage fires whenever that branch does, with an outcome at least
//! as decisive and the same other effects (or none), and cannot pend on an
//! unknown fact the branch does not also read: then it never changes a
//! decision. Proved, not guessed: the implication is checked by
//! [`Logic::satisfiable`] on "this branch fires and that one does not".
//!
//! Comparing every rule with every other would be quadratic, so candidates
//! come from an index. Each branch is filed under one of its top-level tests
//! (the one whose values are rarest in the policy: `line.code is "76380"`
//! before `order.purpose is screening`); a branch looks up the tests it
//! makes, and the column values its code fixes. A rule that implies another
//! through neither is not found, and so not reported.

mod index;
mod pending;

use std::sync::Arc;

use super::hash::{Map, Set};
use super::logic::{F, Lit, Logic, TermId};
use super::rules::{BranchF, RuleF};
use super::solve::Sat;
use super::{Finding, SourceFile, rule_header};
use index::{Key, Quick, keys_of, lookup_keys, root};
use pending::{always_reported, unknown_facts};

/// At most this many candidates are proved against one branch.
const MAX_PROOFS: usize = 64;
/// At most this many index entries are looked at for one branch.
const MAX_SCAN: usize = 4_096;

/// A branch with an outcome, with what the index needs.
struct Entry<'r> {
    rule: &'r RuleF,
    branch: &'r BranchF,
    outcome: u32,
    top: Vec<Lit>,
    /// Terms (columns by their key) of the top-level tests, sorted.
    roots: Vec<TermId>,
    /// Facts that may be unknown, read anywhere in its condition, but for
    /// those a rule always reports missing.
    unknowns: Vec<u32>,
    /// All facts that may be unknown it reads.
    all_unknowns: Vec<u32>,
    live: bool,
    /// What its top-level tests let terms be, for a quick disjointness test.
    quick: Quick,
}

pub(crate) fn check(
    source: &Arc<SourceFile>,
    logic: &mut Logic,
    rules: &[RuleF],
    out: &mut Vec<Finding>,
) {
    let program = logic.program;
    let covered = always_reported(logic, rules);
    // Every branch that decides, by rule.
    let mut entries: Vec<Entry> = Vec::new();
    let mut of_rule: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
    for r in rules {
        for b in &r.branches {
            let Some(outcome) = b.outcome else { continue };
            let top = b.firing.top_lits();
            let mut roots: Vec<TermId> = top.iter().map(|l| root(logic, l.term)).collect();
            roots.sort_unstable();
            roots.dedup();
            let all_unknowns = unknown_facts(logic, &b.firing);
            let mut unknowns = all_unknowns.clone();
            unknowns.retain(|f| !covered.contains(&(*f, r.stage)));
            let live = b.live;
            of_rule[r.index as usize].push(entries.len());
            let quick = Quick::of(logic, &top);
            entries.push(Entry {
                all_unknowns,
                quick,
                rule: r,
                branch: b,
                outcome,
                top,
                roots,
                unknowns,
                live,
            });
        }
    }

    // conflicting-rules: the same condition, different outcomes.
    let mut conflicts: Set<(u32, u32)> = Set::default();
    // By stage, line or request, and hash: entries and their normal forms.
    type Bucket = Vec<(usize, Option<F>)>;
    let mut same: Map<(u32, bool, u64), Bucket> = Map::default();
    for (i, e) in entries.iter().enumerate() {
        if !e.live {
            continue;
        }
        // Formulas are normalized only when their hashes meet.
        let bucket = same
            .entry((e.rule.stage, e.rule.line, e.branch.firing.shape_hash()))
            .or_default();
        let mut norm: Option<F> = None;
        let mut earlier = None;
        for (j, theirs) in bucket.iter_mut() {
            let other = &entries[*j];
            if other.rule.index == e.rule.index || other.outcome == e.outcome {
                continue;
            }
            let theirs = theirs.get_or_insert_with(|| other.branch.firing.normalized());
            let mine = norm.get_or_insert_with(|| e.branch.firing.normalized());
            if theirs == mine {
                earlier = Some(*j);
                break;
            }
        }
        if let Some(j) = earlier {
            let (a, b) = (&entries[j], e);
            if conflicts.insert((a.rule.index, b.rule.index)) {
                let ra = &program.rules[a.rule.index as usize];
                let rb = &program.rules[b.rule.index as usize];
                let (oa, ob) = (
                    program.outcome_name(a.outcome),
                    program.outcome_name(b.outcome),
                );
                let winner = program.outcome_name(a.outcome.min(b.outcome));
                out.push(
                    Finding::new(
                        source,
                        "conflicting-rules",
                        rule_header(&source.text, rb.span),
                        format!(
                            "rules `{}` and `{}` have the same condition but decide `{ob}` and `{oa}`",
                            rb.label, ra.label
                        ),
                    )
                    .label(format!("decides `{ob}`"))
                    .related(rule_header(&source.text, ra.span), format!("decides `{oa}`"))
                    .help(format!(
                        "only the more decisive outcome (`{winner}`) can ever show; tell the conditions apart, or keep one rule"
                    )),
                );
            }
        }
        bucket.push((i, norm));
    }

    // The index: each entry under the keys of its rarest top-level test.
    let mut freq: Map<Key, u32> = Map::default();
    let keyed: Vec<Vec<(Lit, Vec<Key>)>> = entries
        .iter()
        .map(|e| e.top.iter().map(|l| (*l, keys_of(logic, l))).collect())
        .collect();
    for lits in &keyed {
        for (_, keys) in lits {
            for k in keys {
                *freq.entry(k.clone()).or_default() += 1;
            }
        }
    }
    let mut index: Map<Key, Vec<usize>> = Map::default();
    let mut unanchored: Vec<usize> = Vec::new();
    for (i, lits) in keyed.iter().enumerate() {
        if !entries[i].live {
            continue;
        }
        let best = lits.iter().min_by_key(|(_, keys)| {
            keys.iter()
                .map(|k| freq.get(k).copied().unwrap_or(0) as u64)
                .sum::<u64>()
        });
        match best {
            Some((_, keys)) => {
                for k in keys {
                    index.entry(k.clone()).or_default().push(i);
                }
            }
            None => unanchored.push(i),
        }
    }

    // redundant-rule.
    for r in rules {
        let mine = &of_rule[r.index as usize];
        let Some(rule) = program.rules.get(r.index as usize) else {
            continue;
        };
        // Every branch must decide, and none may restrict other rules.
        if mine.len() != r.branches.len() || mine.is_empty() {
            continue;
        }
        let restricting = mine.iter().any(|&i| {
            program
                .outcomes
                .restrict
                .get(entries[i].outcome as usize)
                .is_some_and(Option::is_some)
        });
        if restricting || !mine.iter().any(|&i| entries[i].live) {
            continue;
        }
        // A branch that never fires may still pend a line when it is
        // unknown: only one that is never unknown either is harmless.
        let pends = mine.iter().any(|&i| {
            let b = entries[i].branch;
            !entries[i].live
                && logic.satisfiable(&F::and(vec![b.firing.not_true(), b.falsity.not_true()]))
                    != Sat::No
        });
        if pends {
            continue;
        }
        let mut dominators: Vec<(usize, bool)> = Vec::new();
        for &i in mine {
            if !entries[i].live {
                continue;
            }
            match dominator(logic, &entries, &index, &unanchored, i, &conflicts) {
                Some(d) => dominators.push(d),
                None => {
                    dominators.clear();
                    break;
                }
            }
        }
        let Some(&(first, equivalent)) = dominators.first() else {
            continue;
        };
        let a = &entries[first];
        let ra = &program.rules[a.rule.index as usize];
        let mine_outcome = entries[mine[0]].outcome;
        let message = if equivalent && mine.len() == 1 && a.outcome == mine_outcome {
            format!(
                "rule `{}` repeats rule `{}`: same condition, same outcome",
                rule.label, ra.label
            )
        } else {
            format!(
                "rule `{}` never changes a decision: whenever it fires, rule `{}` fires too, with `{}`",
                rule.label,
                ra.label,
                program.outcome_name(a.outcome)
            )
        };
        let mut f = Finding::new(
            source,
            "redundant-rule",
            rule_header(&source.text, rule.span),
            message,
        )
        .label("never changes a decision")
        .related(
            rule_header(&source.text, ra.span),
            "decides at least as much",
        );
        for &(d, _) in &dominators[1..] {
            let rd = &program.rules[entries[d].rule.index as usize];
            if rd.label != ra.label {
                f = f.related(rule_header(&source.text, rd.span), "and this one");
            }
        }
        out.push(f.help(
            "remove the rule, or make its condition say what it adds; if it documents a case on purpose, allow the lint",
        ));
    }
}

/// An entry of another rule that fires whenever entry `b` does, at least as
/// decisively; and whether the two conditions are equivalent.
fn dominator(
    logic: &mut Logic,
    entries: &[Entry],
    index: &Map<Key, Vec<usize>>,
    unanchored: &[usize],
    b: usize,
    conflicts: &Set<(u32, u32)>,
) -> Option<(usize, bool)> {
    let me = &entries[b];
    let mut lits = Vec::new();
    me.branch.firing.lits(&mut lits);
    let mut my_roots: Vec<TermId> = lits.iter().map(|l| root(logic, l.term)).collect();
    my_roots.sort_unstable();
    my_roots.dedup();
    let mut lookups: Vec<Key> = Vec::new();
    for l in &me.top {
        lookups.push(Key::Term(l.term));
        lookups.extend(lookup_keys(logic, l));
    }
    lookups.dedup();
    let mut seen: Set<usize> = Set::default();
    let mut scanned = 0;
    let mut proved = 0;
    let candidates = lookups
        .iter()
        .flat_map(|k| index.get(k).into_iter().flatten())
        .chain(unanchored.iter());
    for &a in candidates {
        scanned += 1;
        if scanned > MAX_SCAN || proved >= MAX_PROOFS {
            return None;
        }
        if !seen.insert(a) {
            continue;
        }
        let other = &entries[a];
        let fits = other.rule.index != me.rule.index
            && other.rule.stage == me.rule.stage
            && (me.rule.line || !other.rule.line)
            && other.outcome <= me.outcome
            && (me.branch.effects.is_empty() || me.branch.effects == other.branch.effects)
            && is_subset(&other.roots, &my_roots)
            && !me.quick.disjoint(&other.quick)
            && !conflicts.contains(&(other.rule.index, me.rule.index))
            && !conflicts.contains(&(me.rule.index, other.rule.index));
        if !fits {
            continue;
        }
        proved += 1;
        // It fires whenever this branch does.
        let escape = F::and(vec![
            me.branch.firing.clone(),
            other.branch.firing.not_true(),
        ]);
        if logic.satisfiable(&escape) != Sat::No {
            continue;
        }
        // When this branch is unknown (and may pend the line), it is not
        // false: it fires, or pends the line too.
        let unknown = F::and(vec![
            me.branch.firing.not_true(),
            me.branch.falsity.not_true(),
        ]);
        let silent = F::and(vec![unknown.clone(), other.branch.falsity.clone()]);
        if logic.satisfiable(&silent) != Sat::No {
            continue;
        }
        // And this branch's pend adds no fact to `missing`: it reads none
        // that a rule does not report anyway, or the other rule fires
        // whenever it is unknown, or both read just that one fact.
        let adds_nothing = me.unknowns.is_empty()
            || (other.all_unknowns.len() == 1 && is_subset(&me.unknowns, &other.all_unknowns))
            || logic.satisfiable(&F::and(vec![unknown, other.branch.firing.not_true()])) == Sat::No;
        if !adds_nothing {
            continue;
        }
        let back = F::and(vec![
            other.branch.firing.clone(),
            me.branch.firing.not_true(),
        ]);
        let equivalent = logic.satisfiable(&back) == Sat::No;
        // Of two rules that say the same, the later one is redundant.
        if equivalent && other.outcome == me.outcome && other.rule.index > me.rule.index {
            continue;
        }
        return Some((a, equivalent));
    }
    None
}

fn is_subset(small: &[u32], big: &[u32]) -> bool {
    small.iter().all(|x| big.binary_search(x).is_ok())
}

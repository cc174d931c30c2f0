//! Stages and their rules: rule IDs, citations, `for each`, `let`, `when`,
//! and each branch's effects (outcome, `to`, `offer`, `caution`, `missing`,
//! `set`) and `because` message.

use std::collections::HashMap;

use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::{Branch, Effect, Message, MessagePart, Rule, Stage, Type};
use crate::syntax::ast;
use crate::syntax::span::Span;

impl Checker<'_> {
    /// A `stage` and its rules; `rule_ids` holds the IDs of every stage so far.
    pub(crate) fn stage_decl<'s>(
        &mut self,
        stage: &'s ast::StageDecl,
        rule_ids: &mut HashMap<&'s str, Span>,
    ) {
        if !self.declare_global(&format!("stage {}", stage.name.node), stage.name.span) {
            return;
        }
        let index = self.program.stages.len() as u32;
        let mut rules = Vec::new();
        for rule in &stage.rules {
            if let Some(&first) = rule_ids.get(rule.id.node.as_str()) {
                self.report(CheckError::DuplicateRule {
                    id: rule.id.node.clone(),
                    span: rule.id.span,
                    first,
                });
            } else {
                rule_ids.insert(&rule.id.node, rule.id.span);
            }
            rules.push(self.program.rules.len() as u32);
            let compiled = self.rule_decl(rule, index);
            self.program.rules.push(compiled);
        }
        self.program.stages.push(Stage {
            name: stage.name.node.clone(),
            decides_alone: stage.decides_alone,
            rules,
        });
    }

    fn rule_decl(&mut self, rule: &ast::RuleDecl, stage: u32) -> Rule {
        let cites = rule.cites.as_ref().and_then(|cited| {
            let found = self
                .program
                .sections
                .iter()
                .position(|section| *section == cited.node);
            if found.is_none() {
                let help = suggestion(
                    &cited.node,
                    self.program.sections.iter().map(String::as_str),
                )
                .or_else(|| Some("declare it with `sections \"...\"`".into()));
                self.report(CheckError::UnknownSection {
                    name: cited.node.clone(),
                    span: cited.span,
                    help,
                });
            }
            found.map(|index| index as u32)
        });
        self.scopes.push(Vec::new());
        self.for_each_slot = None;
        if let Some((variable, list)) = &rule.for_each {
            let slot = self.new_local_slot();
            let item_ty = self.for_each_list(list);
            self.for_each_slot = Some(slot);
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((variable.node.clone(), Local::Variable { slot, ty: item_ty }));
            }
        }
        for (name, value) in &rule.lets {
            let (node, ty) = self.expr(value, None);
            let id = self.program.lets.len() as u32;
            self.program.lets.push(node);
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.node.clone(), Local::Let { id, ty }));
            }
        }
        let when = rule.when.as_ref().map(|when| self.condition(when));
        let branches = rule
            .branches
            .iter()
            .map(|branch| self.branch(branch))
            .collect();
        self.scopes.pop();
        let for_each = self.for_each_slot.take();
        Rule {
            id: rule.id.node.clone(),
            name: rule.name.node.clone(),
            label: format!("{} {}", rule.id.node, rule.name.node),
            cites,
            for_each,
            when,
            branches,
            stage,
            span: rule.span,
        }
    }

    /// Checks a `for each` list: it must be the decision's lines. Returns
    /// the item type.
    fn for_each_list(&mut self, list: &ast::Path) -> Type {
        let segments: Vec<&str> = list
            .node
            .iter()
            .map(|segment| segment.node.as_str())
            .collect();
        let joined = segments.join(".");
        let slot = self.program.fact_slots.get(&joined).copied();
        match (slot, &self.program.lines) {
            (Some(slot), Some(lines)) if lines.fact == slot => {
                match &self.program.facts[slot as usize].spec.ty {
                    Type::List(item) => (**item).clone(),
                    _ => Type::Any,
                }
            }
            (Some(_), _) => {
                self.report(CheckError::ForEachNotOverLines {
                    path: joined,
                    span: list.span,
                });
                Type::Any
            }
            (None, _) => {
                let help = suggestion(&joined, self.program.fact_slots.keys().map(String::as_str));
                self.report(CheckError::UnknownFact {
                    path: joined,
                    span: list.span,
                    help,
                });
                Type::Any
            }
        }
    }

    /// One `then ...` or `if ... then ...` branch of a rule.
    fn branch(&mut self, branch: &ast::Branch) -> Branch {
        let cond = branch.cond.as_ref().map(|cond| self.condition(cond));
        let mut outcome: Option<(u32, Span)> = None;
        let mut first_outcome_name = "";
        let mut to = None;
        let mut effects = Vec::new();
        for effect in &branch.effects {
            match &effect.node {
                ast::EffectKind::Outcome { name, to: codes } => {
                    if outcome.is_some() {
                        self.report(CheckError::TwoOutcomes {
                            first: first_outcome_name.to_string(),
                            span: effect.span,
                        });
                        continue;
                    }
                    if let Some(index) = self.outcome_index(name) {
                        outcome = Some((index, effect.span));
                        first_outcome_name = &name.node;
                    }
                    if let Some(codes) = codes {
                        to = Some(self.code_list(codes));
                    }
                }
                ast::EffectKind::Offer(codes) => effects.push(Effect::Offer(self.code_list(codes))),
                ast::EffectKind::Caution(message) => {
                    effects.push(Effect::Caution(self.message(message)))
                }
                ast::EffectKind::Missing {
                    unknown_among,
                    paths,
                } => {
                    let slots = self.missing_facts(paths);
                    effects.push(Effect::Missing(*unknown_among, slots));
                }
                ast::EffectKind::Set { name, value } => {
                    match self
                        .program
                        .annotations
                        .iter()
                        .position(|annotation| annotation.name == name.node)
                    {
                        Some(index) => {
                            let ty = self.program.annotations[index].ty.clone();
                            let node = self.expect_type(value, &ty);
                            effects.push(Effect::Set(index as u32, node));
                        }
                        None => {
                            let help = suggestion(
                                &name.node,
                                self.program
                                    .annotations
                                    .iter()
                                    .map(|annotation| annotation.name.as_str()),
                            )
                            .or_else(|| Some("declare it with `annotation NAME: TYPE`".into()));
                            self.report(CheckError::UnknownName {
                                name: name.node.clone(),
                                span: name.span,
                                help,
                            });
                        }
                    }
                }
            }
        }
        if outcome.is_none() && to.is_some() {
            self.report(CheckError::ToWithoutOutcome { span: branch.span });
        }
        let pending = self.program.outcomes.pending;
        let missing_without_pending = effects
            .iter()
            .any(|effect| matches!(effect, Effect::Missing(..)))
            && outcome.is_some_and(|(index, _)| index != pending);
        if missing_without_pending {
            self.report(CheckError::MissingWithoutPending {
                pending: self.program.outcome_name(pending).to_string(),
                span: branch.span,
            });
        }
        let message = branch.because.as_ref().map(|because| self.message(because));
        Branch {
            cond,
            outcome: outcome.map(|(index, _)| index),
            to,
            effects,
            message,
            span: branch.span,
        }
    }

    /// The slots of the facts a `missing` effect names.
    fn missing_facts(&mut self, paths: &[ast::Path]) -> Vec<u32> {
        let mut slots = Vec::new();
        for path in paths {
            let segments: Vec<&str> = path
                .node
                .iter()
                .map(|segment| segment.node.as_str())
                .collect();
            let joined = segments.join(".");
            match self.program.fact_slots.get(&joined) {
                Some(&slot) => slots.push(slot),
                None => {
                    let help =
                        suggestion(&joined, self.program.fact_slots.keys().map(String::as_str));
                    self.report(CheckError::UnknownFact {
                        path: joined,
                        span: path.span,
                        help,
                    });
                }
            }
        }
        slots
    }

    /// A `because` or `caution` message: its text and compiled holes.
    fn message(&mut self, message: &ast::Message) -> Message {
        let parts = message
            .parts
            .iter()
            .map(|part| match part {
                ast::MessagePart::Text(text) => MessagePart::Text(text.clone()),
                ast::MessagePart::Hole(expr) => MessagePart::Hole(self.expr(expr, None).0),
            })
            .collect();
        Message { parts }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::errors_with;

    /// A stage with one rule whose body (after `cites "S1"`) is `body`.
    fn rule(body: &str) -> Vec<String> {
        errors_with(&format!("stage s {{\n  rule A1 a cites \"S1\" {body}\n}}"))
    }

    #[test]
    fn a_rule_may_decide_one_outcome() {
        assert!(rule("when grown then deny").is_empty());
    }

    #[test]
    fn a_when_must_be_a_condition() {
        assert_eq!(
            rule("when member.age then deny"),
            ["expected bool, found number"]
        );
    }

    #[test]
    fn a_branch_decides_at_most_one_outcome() {
        assert_eq!(
            rule("when grown then deny, approve"),
            ["a branch decides at most one outcome"]
        );
    }

    #[test]
    fn to_needs_an_outcome() {
        assert_eq!(
            rule("when grown then revue to \"70551\""),
            ["unknown outcome `revue`", "`to` needs an outcome"]
        );
    }

    #[test]
    fn missing_goes_with_the_pending_outcome() {
        assert_eq!(
            rule("when member.age is not known then deny, missing member.age"),
            ["`missing` goes with the `pend` outcome"]
        );
    }

    #[test]
    fn for_each_ranges_over_the_lines() {
        assert!(rule("for each l in order.lines when l.code is \"70551\" then deny").is_empty());
    }

    #[test]
    fn for_each_over_another_list_is_an_error() {
        assert_eq!(
            rule("for each c in order.codes when grown then deny"),
            ["`for each` ranges over the decision's lines, and `order.codes` is not them"]
        );
    }

    #[test]
    fn a_let_has_the_type_of_its_value() {
        assert_eq!(
            rule("let years = member.age when years then deny"),
            ["expected bool, found number"]
        );
    }

    #[test]
    fn a_rule_id_is_used_once() {
        assert_eq!(
            errors_with(
                "stage s {\n  rule A1 a cites \"S1\" when grown then deny\n  rule A1 b cites \"S1\" when grown then deny\n}"
            ),
            ["rule ID `A1` is used twice"]
        );
    }
}

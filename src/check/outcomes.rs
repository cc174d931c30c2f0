//! What a decision can say: the `outcomes` ranking (with its `default`,
//! `pending` and restrictions), the citable `sections`, and `annotation`s.

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::{Annotation, Value};
use crate::syntax::ast;
use crate::syntax::span::Spanned;

impl Checker<'_> {
    /// `outcomes deny > pend > approve default approve pending pend`.
    pub(crate) fn outcomes_decl(&mut self, outcomes: &ast::OutcomesDecl) {
        if !self.program.outcomes.names.is_empty() {
            self.report(CheckError::OutcomesDeclaredTwice {
                span: outcomes.span,
            });
            return;
        }
        let mut names: Vec<String> = Vec::new();
        for name in &outcomes.ranking {
            if names.contains(&name.node) {
                self.report(CheckError::Duplicate {
                    name: name.node.clone(),
                    span: name.span,
                    first: outcomes
                        .ranking
                        .iter()
                        .find(|earlier| earlier.node == name.node)
                        .map_or(name.span, |earlier| earlier.span),
                });
            } else {
                names.push(name.node.clone());
            }
        }
        self.program.outcomes.names = names;
        self.program.outcomes.restrict = vec![None; self.program.outcomes.names.len()];
        let least_decisive = self.program.outcomes.names.len().saturating_sub(1) as u32;
        self.program.outcomes.default = match &outcomes.default {
            Some(default) => self.outcome_index(default).unwrap_or(least_decisive),
            None => {
                self.report(CheckError::MissingDefaultOutcome {
                    least_decisive: self.program.outcome_name(least_decisive).to_string(),
                    span: outcomes.span,
                });
                least_decisive
            }
        };
        self.program.outcomes.pending = match &outcomes.pending {
            Some(pending) => self.outcome_index(pending).unwrap_or(0),
            None => {
                self.report(CheckError::MissingPendingOutcome {
                    span: outcomes.span,
                });
                0
            }
        };
        for (from, to) in &outcomes.restricts {
            let Some(from) = self.outcome_index(from) else {
                continue;
            };
            let allowed: Vec<u32> = to.iter().filter_map(|to| self.outcome_index(to)).collect();
            if let Some(restriction) = self.program.outcomes.restrict.get_mut(from as usize) {
                *restriction = Some(allowed);
            }
        }
    }

    /// The index of an outcome in the ranking, or an error.
    pub(crate) fn outcome_index(&mut self, name: &ast::Ident) -> Option<u32> {
        if let Some(index) = self
            .program
            .outcomes
            .names
            .iter()
            .position(|outcome| *outcome == name.node)
        {
            return Some(index as u32);
        }
        let help = suggestion(
            &name.node,
            self.program.outcomes.names.iter().map(String::as_str),
        );
        self.report(CheckError::UnknownOutcome {
            name: name.node.clone(),
            span: name.span,
            help,
        });
        None
    }

    /// `sections "Preface-3" "K7"`: what rules may cite.
    pub(crate) fn sections_decl(&mut self, sections: &[Spanned<String>]) {
        for section in sections {
            if self.program.sections.contains(&section.node) {
                let first = sections
                    .iter()
                    .find(|earlier| earlier.node == section.node)
                    .map_or(section.span, |earlier| earlier.span);
                self.report(CheckError::Duplicate {
                    name: section.node.clone(),
                    span: section.span,
                    first,
                });
            } else {
                self.program.sections.push(section.node.clone());
            }
        }
    }

    /// `annotation authority: authority default guidelines`: a decision field
    /// rules set.
    pub(crate) fn annotation_decl(&mut self, annotation: &ast::AnnotationDecl) {
        let name = &annotation.name;
        if !self.declare_global(&format!("annotation {}", name.node), name.span) {
            return;
        }
        let ty = self.value_spec(&annotation.ty).ty;
        let default = match &annotation.default {
            Some(literal) => self.literal_value(literal, &ty),
            None => Value::Absent,
        };
        let default_json = match default {
            Value::Bool(truth) => truth.into(),
            Value::Num(number) => serde_json::Number::from_f64(number)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Sym(symbol) => self.program.syms.resolve(symbol).unwrap_or_default().into(),
            _ => serde_json::Value::Null,
        };
        self.program.annotations.push(Annotation {
            name: name.node.clone(),
            ty,
            default,
            default_json,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{POLICY, errors_of, errors_with};

    /// [`POLICY`] without its `outcomes` line, followed by `more`.
    fn without_outcomes(more: &str) -> Vec<String> {
        let policy: Vec<&str> = POLICY
            .lines()
            .filter(|line| !line.starts_with("outcomes"))
            .collect();
        errors_of(&format!("{}\n{more}", policy.join("\n")))
    }

    #[test]
    fn outcomes_may_be_declared_once() {
        assert_eq!(
            errors_with("outcomes deny > approve default approve pending deny"),
            ["`outcomes` is declared twice"]
        );
    }

    #[test]
    fn outcomes_need_a_default() {
        assert_eq!(
            without_outcomes("outcomes deny > pend > approve pending pend"),
            ["`outcomes` needs a `default`: the outcome of a line no rule decides"]
        );
    }

    #[test]
    fn outcomes_need_a_pending_outcome() {
        assert_eq!(
            without_outcomes("outcomes deny > pend > approve default approve"),
            [
                "`outcomes` needs `pending`: the outcome of a line an unknown fact keeps from being decided"
            ]
        );
    }

    #[test]
    fn rules_need_outcomes() {
        assert_eq!(
            without_outcomes(
                "stage s {\n  rule A1 a cites \"S1\" when grown then caution \"adult\"\n}"
            ),
            ["the policy has rules but no `outcomes` declaration"]
        );
    }

    #[test]
    fn a_default_outside_the_ranking_is_unknown() {
        assert_eq!(
            without_outcomes("outcomes deny > approve default allow pending deny"),
            ["unknown outcome `allow`"]
        );
    }

    #[test]
    fn an_annotation_default_has_the_annotation_type() {
        assert_eq!(
            errors_with("annotation route: plan default dental"),
            ["`dental` is not a value of `plan`"]
        );
    }
}

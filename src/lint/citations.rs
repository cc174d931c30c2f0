//! `missing-citation`: a rule that cites no section, in a policy that
//! declares sections. (A citation of a section the policy does not declare
//! is the checker's error `policy::check::unknown_section`.)

use std::sync::Arc;

use super::{Finding, SourceFile, rule_header};
use crate::syntax::ast::{Decl, Policy};

pub(crate) fn check(source: &Arc<SourceFile>, ast: &Policy, out: &mut Vec<Finding>) {
    let sections: Vec<&str> = ast
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Sections(s) => Some(s.iter().map(|x| x.node.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    if sections.is_empty() {
        return;
    }
    for d in &ast.decls {
        let Decl::Stage(stage) = d else { continue };
        for rule in stage.rules.iter().filter(|r| r.cites.is_none()) {
            out.push(
                Finding::new(
                    source,
                    "missing-citation",
                    rule_header(&source.text, rule.span),
                    format!("rule `{} {}` cites no section", rule.id.node, rule.name.node),
                )
                .label("no `cites`")
                .help(format!(
                    "say which part of the guideline the rule encodes: `cites \"{}\"` (the decision lists the sections of the rules that fired)",
                    sections[0]
                )),
            );
        }
    }
}

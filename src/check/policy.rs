//! A whole policy: the order its declarations are checked in (each pass may
//! refer to what an earlier pass declared), and the global names.

use std::collections::HashMap;

use super::{CheckError, Checker};
use crate::eval::program::RecordInfo;
use crate::syntax::ast::{self, Decl};
use crate::syntax::span::Span;

impl<'a> Checker<'a> {
    /// Checks every declaration of a policy and compiles it into `self.program`.
    pub(crate) fn check_policy(&mut self, policy: &'a ast::Policy) {
        self.program.title = policy.title.as_ref().map(|title| title.node.clone());
        let decls = &policy.decls;
        // Type names first, so that declarations may refer to later ones.
        for decl in decls {
            match decl {
                Decl::Enum(vocabulary) => self.enum_decl(vocabulary),
                Decl::Text(format) => self.text_decl(format),
                Decl::Record(record)
                    if self.declare_global(&record.name.node, record.name.span) =>
                {
                    let id = self.program.records.len() as u32;
                    self.program.records.push(RecordInfo {
                        name: record.name.node.clone(),
                        fields: Vec::new(),
                    });
                    self.records_by_name.insert(record.name.node.clone(), id);
                }
                _ => {}
            }
        }
        for decl in decls {
            if let Decl::Record(record) = decl {
                self.record_fields(record);
            }
        }
        for decl in decls {
            match decl {
                Decl::Table(table) => self.table_decl(table),
                Decl::Facts(facts) => self.facts_decl(facts),
                Decl::Outcomes(outcomes) => self.outcomes_decl(outcomes),
                Decl::Sections(sections) => self.sections_decl(sections),
                _ => {}
            }
        }
        for decl in decls {
            match decl {
                Decl::Annotation(annotation) => self.annotation_decl(annotation),
                Decl::Const(constant) => self.const_decl(constant),
                Decl::Set(set) => self.named_set_decl(set),
                Decl::Define(define)
                    if self.declare_global(&define.name.node, define.name.span) =>
                {
                    self.unchecked_defines
                        .insert(define.name.node.clone(), define);
                }
                Decl::Lines(lines) => self.lines_decl(lines),
                Decl::Example(example) => self.example_decl(example),
                _ => {}
            }
        }
        if let Some(&slot) = self.program.fact_slots.get("id") {
            self.program.id_fact = Some(slot);
        }
        let has_rules = decls.iter().any(|decl| matches!(decl, Decl::Stage(_)));
        if has_rules && self.program.outcomes.names.is_empty() {
            let first_stage = decls.iter().find_map(|decl| match decl {
                Decl::Stage(stage) => Some(stage.name.span),
                _ => None,
            });
            self.report(CheckError::RulesWithoutOutcomes {
                span: first_stage.unwrap_or_default(),
            });
        }
        let mut rule_ids: HashMap<&str, Span> = HashMap::new();
        for decl in decls {
            if let Decl::Stage(stage) = decl {
                self.stage_decl(stage, &mut rule_ids);
            }
        }
        // Definitions no rule used are still checked.
        let mut unused: Vec<String> = self.unchecked_defines.keys().cloned().collect();
        unused.sort();
        for name in unused {
            self.checked_define(&name, Span::default());
        }
    }

    /// Registers a global name; reports a duplicate and returns false if taken.
    pub(crate) fn declare_global(&mut self, name: &str, span: Span) -> bool {
        if let Some(&first) = self.global_spans.get(name) {
            self.report(CheckError::Duplicate {
                name: name.to_string(),
                span,
                first,
            });
            return false;
        }
        self.global_spans.insert(name.to_string(), span);
        true
    }
}

//! The facts a request carries: `facts { member.age: ... required }`, what
//! a fact or field may be when the request lacks it (its kind), and `lines`,
//! the list of records a decision is made for line by line.

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::{FactInfo, FactKind, LinesInfo, Type};
use crate::syntax::ast::{self, Absence};

impl Checker<'_> {
    /// A `facts` block: each path gets a slot.
    pub(crate) fn facts_decl(&mut self, facts: &[ast::FactDecl]) {
        for fact in facts {
            let segments: Vec<&str> = fact
                .path
                .node
                .iter()
                .map(|segment| segment.node.as_str())
                .collect();
            let joined = segments.join(".");
            if !self.declare_global(&format!("fact {joined}"), fact.path.span) {
                continue;
            }
            // A fact may not sit inside another fact (`member` and `member.age`):
            // no proper prefix of it is a fact, and it is no other fact's prefix.
            let prefixes: Vec<&str> = joined
                .match_indices('.')
                .map(|(dot, _)| &joined[..dot])
                .collect();
            let inside = prefixes
                .iter()
                .find(|prefix| self.program.fact_slots.contains_key(**prefix))
                .map(|prefix| prefix.to_string());
            let around = self.fact_groups.get(&joined).map(|_| {
                self.program
                    .fact_slots
                    .keys()
                    .find(|path| path.starts_with(&joined))
                    .cloned()
                    .unwrap_or_default()
            });
            for other in inside.into_iter().chain(around) {
                self.report(CheckError::OverlappingFacts {
                    fact: joined.clone(),
                    other,
                    span: fact.path.span,
                });
            }
            for prefix in prefixes {
                self.fact_groups.insert(prefix.to_string());
            }
            let spec = self.value_spec(&fact.ty);
            let kind = self.fact_kind(&fact.kind, &spec.ty);
            let slot = self.program.facts.len() as u32;
            self.program.facts.push(FactInfo {
                path: joined.clone(),
                spec,
                kind,
                span: fact.path.span,
            });
            self.program.fact_slots.insert(joined, slot);
        }
    }

    /// What a fact or record field is when the request lacks it.
    pub(crate) fn fact_kind(&mut self, kind: &ast::AbsenceDecl, ty: &Type) -> FactKind {
        match &kind.node {
            Absence::Required => FactKind::Required,
            Absence::Unknown => FactKind::Unknown,
            Absence::Absent => FactKind::Absent,
            Absence::Default(literal) => FactKind::Default(self.literal_value(literal, ty)),
        }
    }

    /// `lines order.lines shown by code`: a list-of-records fact and the
    /// field that names each line.
    pub(crate) fn lines_decl(&mut self, lines: &ast::LinesDecl) {
        let segments: Vec<&str> = lines
            .path
            .node
            .iter()
            .map(|segment| segment.node.as_str())
            .collect();
        let joined = segments.join(".");
        let Some(&fact) = self.program.fact_slots.get(&joined) else {
            let help = suggestion(&joined, self.program.fact_slots.keys().map(String::as_str));
            self.report(CheckError::UnknownFact {
                path: joined,
                span: lines.path.span,
                help,
            });
            return;
        };
        let ty = self.program.facts[fact as usize].spec.ty.clone();
        let Type::List(item) = &ty else {
            let found = self.program.type_name(&ty);
            self.report(CheckError::TypeMismatch {
                expected: "a list of records".into(),
                found,
                span: lines.path.span,
                help: None,
            });
            return;
        };
        let Type::Record(record) = **item else {
            let found = self.program.type_name(&ty);
            self.report(CheckError::TypeMismatch {
                expected: "a list of records".into(),
                found,
                span: lines.path.span,
                help: None,
            });
            return;
        };
        let fields = &self.program.records[record as usize].fields;
        match fields
            .iter()
            .position(|field| field.name == lines.shown_by.node)
        {
            Some(field) => {
                self.program.lines = Some(LinesInfo {
                    fact,
                    shown_by: field as u32,
                })
            }
            None => {
                let help = suggestion(
                    &lines.shown_by.node,
                    fields.iter().map(|field| field.name.as_str()),
                );
                let owner = self.program.records[record as usize].name.clone();
                self.report(CheckError::UnknownField {
                    owner,
                    field: lines.shown_by.node.clone(),
                    span: lines.shown_by.span,
                    help,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{errors_with, type_of};

    #[test]
    fn a_fact_has_its_declared_type() {
        assert_eq!(type_of("member.age").unwrap(), "number");
    }

    #[test]
    fn a_fact_inside_another_fact_overlaps_it() {
        assert_eq!(
            errors_with("facts { member.age.years: number required }"),
            ["fact `member.age.years` overlaps fact `member.age`"]
        );
    }

    #[test]
    fn a_fact_declared_twice_is_a_duplicate() {
        assert_eq!(
            errors_with("facts { member.age: number required }"),
            ["`fact member.age` is declared twice"]
        );
    }

    #[test]
    fn the_lines_must_be_a_list_of_records() {
        assert_eq!(
            errors_with("lines order.codes shown by code"),
            ["expected a list of records, found list of code"]
        );
    }
}

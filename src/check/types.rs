//! Type declarations and type expressions: vocabularies (`enum`), text
//! formats (`text ... matching`), records, and what a written type
//! (`integer from 0 to 150`, `list of line`) means.

use std::collections::HashMap;

use regex::Regex;

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::{EnumInfo, FactKind, FieldInfo, Format, Type, ValueSpec};
use crate::syntax::ast::{self, TypeKind};
use crate::syntax::span::Span;

impl Checker<'_> {
    /// `enum plan { commercial, medicare }`: a vocabulary and its values.
    pub(crate) fn enum_decl(&mut self, vocabulary: &ast::EnumDecl) {
        if !self.declare_global(&vocabulary.name.node, vocabulary.name.span) {
            return;
        }
        let id = self.program.enums.len() as u32;
        let mut values = Vec::with_capacity(vocabulary.values.len());
        let mut by_name = HashMap::with_capacity(vocabulary.values.len());
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(vocabulary.values.len());
        for value in &vocabulary.values {
            if let Some(&first) = seen.get(value.node.as_str()) {
                self.report(CheckError::Duplicate {
                    name: value.node.clone(),
                    span: value.span,
                    first,
                });
                continue;
            }
            seen.insert(&value.node, value.span);
            let symbol = self.program.syms.intern(&value.node);
            values.push(symbol);
            by_name.insert(value.node.clone(), symbol);
        }
        self.program.enums.push(EnumInfo {
            name: vocabulary.name.node.clone(),
            values,
            span: vocabulary.name.span,
        });
        self.program.enum_values.push(by_name);
        self.program
            .enum_names
            .insert(vocabulary.name.node.clone(), id);
    }

    /// `text code matching "^[0-9]{5}$"`: a text format.
    pub(crate) fn text_decl(&mut self, format: &ast::TextDecl) {
        if !self.declare_global(&format.name.node, format.name.span) {
            return;
        }
        let regex = match Regex::new(&format.pattern.node) {
            Ok(regex) => regex,
            Err(err) => {
                self.report(CheckError::BadPattern {
                    message: err
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    span: format.pattern.span,
                });
                match Regex::new("") {
                    Ok(regex) => regex,
                    Err(_) => return,
                }
            }
        };
        let id = self.program.formats.len() as u32;
        self.program.formats.push(Format {
            name: format.name.node.clone(),
            regex,
            table: None,
        });
        self.formats_by_name.insert(format.name.node.clone(), id);
    }

    /// The fields of a record whose name an earlier pass declared.
    pub(crate) fn record_fields(&mut self, record: &ast::RecordDecl) {
        let Some(&id) = self.records_by_name.get(&record.name.node) else {
            return;
        };
        let mut fields: Vec<FieldInfo> = Vec::new();
        for field in &record.fields {
            if let Some(first) = fields.iter().find(|known| known.name == field.name.node) {
                self.report(CheckError::Duplicate {
                    name: field.name.node.clone(),
                    span: field.name.span,
                    first: first.span,
                });
                continue;
            }
            let spec = self.value_spec(&field.ty);
            let kind = match &field.kind {
                Some(kind) => self.fact_kind(kind, &spec.ty),
                None => FactKind::Required,
            };
            fields.push(FieldInfo {
                name: field.name.node.clone(),
                spec,
                kind,
                span: field.name.span,
            });
        }
        if let Some(info) = self.program.records.get_mut(id as usize) {
            info.fields = fields;
        }
    }

    /// The type a type expression names, with its bounds.
    pub(crate) fn value_spec(&mut self, written: &ast::TypeExpr) -> ValueSpec {
        let mut spec = ValueSpec {
            ty: Type::Any,
            min: None,
            max: None,
            integer: false,
            non_empty: false,
            item: None,
        };
        match &written.node {
            TypeKind::Bool => spec.ty = Type::Bool,
            TypeKind::Number { integer, min, max } => {
                spec.ty = Type::Number;
                spec.integer = *integer;
                spec.min = *min;
                spec.max = *max;
                if let (Some(low), Some(high)) = (min, max)
                    && low > high
                {
                    self.report(CheckError::EmptyRange {
                        low: *low,
                        high: *high,
                        span: written.span,
                    });
                }
            }
            TypeKind::Named(name) => spec.ty = self.named_type(name, written.span),
            TypeKind::List { item, non_empty } => {
                let item = self.value_spec(item);
                spec.ty = Type::List(Box::new(item.ty.clone()));
                spec.non_empty = *non_empty;
                spec.item = Some(Box::new(item));
            }
        }
        spec
    }

    /// The type a name stands for: `text`, a vocabulary, a format or a record.
    fn named_type(&mut self, name: &str, span: Span) -> Type {
        if name == "text" {
            return Type::Text(None);
        }
        if let Some(&vocabulary) = self.program.enum_names.get(name) {
            return Type::Enum(vocabulary);
        }
        if let Some(&format) = self.formats_by_name.get(name) {
            return Type::Text(Some(format));
        }
        if let Some(&record) = self.records_by_name.get(name) {
            return Type::Record(record);
        }
        let mut names: Vec<&str> = vec!["text", "bool", "number", "integer"];
        names.extend(self.program.enum_names.keys().map(String::as_str));
        names.extend(self.formats_by_name.keys().map(String::as_str));
        names.extend(self.records_by_name.keys().map(String::as_str));
        let help = suggestion(name, names);
        self.report(CheckError::UnknownType {
            name: name.to_string(),
            span,
            help,
        });
        Type::Any
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{errors_with, type_of};

    #[test]
    fn a_list_type_names_its_item_type() {
        assert_eq!(type_of("order.lines").unwrap(), "list of line");
    }

    #[test]
    fn a_format_is_a_type_of_its_own_name() {
        assert_eq!(type_of("order.codes").unwrap(), "list of code");
    }

    #[test]
    fn a_range_with_its_bounds_swapped_is_empty() {
        assert_eq!(
            errors_with("annotation score: number from 10 to 2"),
            ["the range 10 to 2 is empty"]
        );
    }

    #[test]
    fn an_undeclared_type_name_is_unknown() {
        assert_eq!(
            errors_with("annotation score: grade"),
            ["unknown type `grade`"]
        );
    }

    #[test]
    fn a_vocabulary_value_listed_twice_is_a_duplicate() {
        assert_eq!(
            errors_with("enum side { left, right, left }"),
            ["`left` is declared twice"]
        );
    }
}

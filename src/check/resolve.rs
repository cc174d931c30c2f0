//! What a name or dotted path means. A path's head is looked up as a local
//! (a variable or `let`), then a global (constant, set, definition), then the
//! longest declared fact; the rest are record fields or, after a table key,
//! the table's columns. A bare name nothing declares is a vocabulary value
//! when the context expects one.

use super::expr::{error_node, node};
use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::{Global, Node, NodeKind, Type};
use crate::syntax::ast::{self, ExprKind};
use crate::syntax::span::{Ident, Span};

impl Checker<'_> {
    /// Whether an expression takes its type from context (a bare name that
    /// is not declared, a string, or a set of those).
    pub(crate) fn takes_type_from_context(&self, expr: &ast::Expr) -> bool {
        match &expr.node {
            ExprKind::Str(_) => true,
            ExprKind::Path(segments) if segments.len() == 1 => {
                let name = &segments[0].node;
                self.lookup_local(name).is_none()
                    && !self.program.globals.contains_key(name)
                    && !self.unchecked_defines.contains_key(name)
                    && !self.defines_in_progress.iter().any(|active| active == name)
                    && !self.program.fact_slots.contains_key(name)
            }
            ExprKind::Set(items) => items.iter().all(|item| self.takes_type_from_context(item)),
            _ => false,
        }
    }

    /// A dotted path (or a bare name), compiled, and its type. `expected`
    /// gives an undeclared bare name its vocabulary.
    pub(crate) fn resolve_path(
        &mut self,
        segments: &[Ident],
        span: Span,
        expected: Option<&Type>,
    ) -> (Node, Type) {
        let Some(head) = segments.first() else {
            return error_node(span);
        };
        let name = head.node.as_str();
        // Locals, lets, globals, then facts (longest declared prefix).
        let (mut compiled, mut ty, mut rest) = if let Some(local) = self.lookup_local(name) {
            match local {
                Local::Variable { slot, ty } => {
                    (node(NodeKind::Local(slot), head.span), ty, &segments[1..])
                }
                Local::Let { id, ty } => (node(NodeKind::Let(id), head.span), ty, &segments[1..]),
            }
        } else if let Some((global, ty)) = self.global_value(name, head.span) {
            (global, ty, &segments[1..])
        } else if let Some((slot, taken)) = self.longest_fact_prefix(segments) {
            let end = segments[taken - 1].span;
            let ty = self.program.facts[slot as usize].spec.ty.clone();
            (
                node(NodeKind::Fact(slot), head.span.to(end)),
                ty,
                &segments[taken..],
            )
        } else if segments.len() == 1 {
            return self.bare_name(name, span, expected);
        } else {
            self.report_unknown_fact(segments, span);
            return error_node(span);
        };
        while let Some(segment) = rest.first() {
            rest = &rest[1..];
            match self.field(compiled, &ty, segment, &head.node) {
                Some((field, field_ty)) => (compiled, ty) = (field, field_ty),
                None => return error_node(span),
            }
        }
        (compiled, ty)
    }

    /// An undeclared name: a value of the vocabulary the context expects, or
    /// an unknown name.
    fn bare_name(&mut self, name: &str, span: Span, expected: Option<&Type>) -> (Node, Type) {
        let vocabulary = match expected {
            Some(Type::Enum(vocabulary)) => Some(*vocabulary),
            Some(Type::List(item)) => match **item {
                Type::Enum(vocabulary) => Some(vocabulary),
                _ => None,
            },
            _ => None,
        };
        match vocabulary {
            Some(vocabulary) => {
                let value = self.enum_value(vocabulary, name, span);
                (node(NodeKind::Const(value), span), Type::Enum(vocabulary))
            }
            None => {
                let help = self.name_suggestion(name);
                self.report(CheckError::UnknownName {
                    name: name.to_string(),
                    span,
                    help,
                });
                error_node(span)
            }
        }
    }

    /// Reports a dotted path that no fact declares (a group of facts, or a
    /// misspelling).
    fn report_unknown_fact(&mut self, segments: &[Ident], span: Span) {
        let joined: Vec<&str> = segments
            .iter()
            .map(|segment| segment.node.as_str())
            .collect();
        let joined = joined.join(".");
        let is_group = self
            .program
            .fact_slots
            .keys()
            .any(|path| path.starts_with(&format!("{joined}.")));
        let help = if is_group {
            Some(format!(
                "`{joined}` is a group of facts; name one of its facts"
            ))
        } else {
            suggestion(&joined, self.program.fact_slots.keys().map(String::as_str))
        };
        self.report(CheckError::UnknownFact {
            path: joined,
            span,
            help,
        });
    }

    /// `owner.segment`: a record's field, or a column of the table `owner`
    /// is the key of. `None` (after reporting) when there is no such field;
    /// `root` is the path's first segment, for the help.
    fn field(
        &mut self,
        owner: Node,
        owner_ty: &Type,
        segment: &Ident,
        root: &str,
    ) -> Option<(Node, Type)> {
        let span = owner.span.to(segment.span);
        match owner_ty {
            Type::Record(record) => {
                let info = &self.program.records[*record as usize];
                if let Some(index) = info
                    .fields
                    .iter()
                    .position(|field| field.name == segment.node)
                {
                    let ty = info.fields[index].spec.ty.clone();
                    let kind = NodeKind::Field(Box::new(owner), index as u32);
                    return Some((node(kind, span), ty));
                }
                let mut names: Vec<&str> = info
                    .fields
                    .iter()
                    .map(|field| field.name.as_str())
                    .collect();
                // A record field that is a table key whose table has the column.
                let mut help = None;
                for field in &info.fields {
                    if let Type::Text(Some(format)) = field.spec.ty
                        && let Some(table) = self.program.formats[format as usize].table
                        && self.program.tables[table as usize]
                            .columns
                            .iter()
                            .any(|column| column.name == segment.node)
                    {
                        help = Some(format!(
                            "the table column is `{root}.{}.{}`",
                            field.name, segment.node
                        ));
                    }
                }
                names.sort_unstable();
                let owner = info.name.clone();
                let help = help.or_else(|| suggestion(&segment.node, names.iter().copied()));
                self.report(CheckError::UnknownField {
                    owner,
                    field: segment.node.clone(),
                    span: segment.span,
                    help,
                });
                None
            }
            Type::Text(Some(format)) if self.program.formats[*format as usize].table.is_some() => {
                let table = self.program.formats[*format as usize].table.unwrap_or(0);
                let info = &self.program.tables[table as usize];
                if let Some(column) = info
                    .columns
                    .iter()
                    .position(|column| column.name == segment.node)
                {
                    let ty = info.columns[column].ty.clone();
                    let kind = NodeKind::Column {
                        key: Box::new(owner),
                        table,
                        column: column as u32,
                    };
                    return Some((node(kind, span), ty));
                }
                let owner = format!("table {}", info.name);
                let help = suggestion(
                    &segment.node,
                    info.columns.iter().map(|column| column.name.as_str()),
                );
                self.report(CheckError::UnknownField {
                    owner,
                    field: segment.node.clone(),
                    span: segment.span,
                    help,
                });
                None
            }
            Type::Any => None,
            other => {
                let owner = self.program.type_name(other);
                self.report(CheckError::UnknownField {
                    owner,
                    field: segment.node.clone(),
                    span: segment.span,
                    help: Some("only records and table keys have fields".into()),
                });
                None
            }
        }
    }

    /// The longest prefix of `segments` that is a declared fact: its slot and
    /// how many segments it takes. (The dotted prefixes are built in a buffer
    /// kept for the purpose: most paths are facts, and this runs for each.)
    fn longest_fact_prefix(&mut self, segments: &[Ident]) -> Option<(u32, usize)> {
        let mut joined = std::mem::take(&mut self.path_buffer);
        joined.clear();
        let mut longest = None;
        for (index, segment) in segments.iter().enumerate() {
            if index > 0 {
                joined.push('.');
            }
            joined.push_str(&segment.node);
            if let Some(&slot) = self.program.fact_slots.get(&joined) {
                longest = Some((slot, index + 1));
            }
        }
        self.path_buffer = joined;
        longest
    }

    /// A global name's value and type: a constant, a named set, or a call of
    /// a definition without parameters. `None` if no global has the name.
    fn global_value(&mut self, name: &str, span: Span) -> Option<(Node, Type)> {
        if self.defines_in_progress.iter().any(|active| active == name) {
            self.report(CheckError::Cycle {
                name: name.to_string(),
                span,
            });
            return Some(error_node(span));
        }
        // Each name is looked up once in each map: this runs for every path.
        // A checked definition is a global too, so only a global may be one.
        let global = self.program.globals.contains_key(name);
        let unchecked = self.unchecked_defines.contains_key(name);
        if (global || unchecked) && !self.program.used.contains(name) {
            self.program.used.insert(name.to_string());
        }
        if unchecked || (global && self.checked_defines.contains_key(name)) {
            let id = self.checked_define(name, span)?;
            let define = &self.program.defines[id as usize];
            if !define.params.is_empty() {
                let expected = define.params.len();
                self.report(CheckError::Arity {
                    name: name.to_string(),
                    expected,
                    found: 0,
                    span,
                });
                return Some(error_node(span));
            }
            let ty = define.ty.clone();
            return Some((node(NodeKind::Call(id, Vec::new()), span), ty));
        }
        if !global {
            return None;
        }
        match self.program.globals.get(name)? {
            Global::Const(value, ty) | Global::Set(value, ty) => {
                Some((node(NodeKind::Const(*value), span), ty.clone()))
            }
            Global::Table(_) => {
                self.report(CheckError::TypeMismatch {
                    expected: "a value".into(),
                    found: format!("table `{name}`"),
                    span,
                    help: Some(format!("query it: `{name} where COLUMN is VALUE`")),
                });
                Some(error_node(span))
            }
            Global::Define(_) => None,
        }
    }

    /// "Did you mean" for an unknown name: a global, a definition, a local,
    /// or a vocabulary value (which needs a comparison to have a type).
    fn name_suggestion(&self, name: &str) -> Option<String> {
        let mut names: Vec<&str> = self.program.globals.keys().map(String::as_str).collect();
        names.extend(self.unchecked_defines.keys().map(String::as_str));
        names.extend(
            self.scopes
                .iter()
                .flatten()
                .map(|(local, _)| local.as_str()),
        );
        let vocabulary_values: Vec<&str> = self
            .program
            .enums
            .iter()
            .flat_map(|vocabulary| vocabulary.values.iter())
            .filter_map(|symbol| self.program.syms.resolve(*symbol))
            .collect();
        suggestion(name, names.iter().copied()).or_else(|| {
            if vocabulary_values.contains(&name) {
                Some(format!("`{name}` is a vocabulary value; compare it with a fact (`x is {name}`) so its vocabulary is known"))
            } else {
                suggestion(name, vocabulary_values)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{error_of, type_of};

    #[test]
    fn a_record_field_has_its_declared_type() {
        assert_eq!(
            type_of("any l in order.lines where l.laterality is CT").unwrap(),
            "bool"
        );
    }

    #[test]
    fn a_table_key_reaches_the_table_columns() {
        assert_eq!(
            type_of("{l.code.modality for l in order.lines}").unwrap(),
            "list of modality"
        );
    }

    #[test]
    fn a_misspelt_fact_is_unknown() {
        assert_eq!(error_of("member.agee"), "unknown fact `member.agee`");
    }

    #[test]
    fn a_record_has_only_its_fields() {
        assert_eq!(
            error_of("any l in order.lines where l.side is known"),
            "`line` has no field `side`"
        );
    }

    #[test]
    fn only_records_and_table_keys_have_fields() {
        assert_eq!(
            error_of("member.age.years"),
            "`number` has no field `years`"
        );
    }

    #[test]
    fn a_bare_name_without_a_vocabulary_is_unknown() {
        assert_eq!(error_of("medicare"), "unknown name `medicare`");
    }

    #[test]
    fn a_bare_name_takes_the_vocabulary_of_the_other_side() {
        assert_eq!(type_of("member.plan is medicare").unwrap(), "bool");
    }

    #[test]
    fn a_table_is_not_a_value() {
        assert_eq!(error_of("codes"), "expected a value, found table `codes`");
    }
}

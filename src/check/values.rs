//! Values written in declarations: literals checked against their type,
//! vocabulary values ("did you mean"), texts against their format, and the
//! `const` and named `set` declarations made of them.

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::{Global, Type, Value};
use crate::syntax::ast::{self, LiteralKind};
use crate::syntax::span::Span;

impl Checker<'_> {
    /// The value of a literal of the given type.
    pub(crate) fn literal_value(&mut self, literal: &ast::Literal, ty: &Type) -> Value {
        match (&literal.node, ty) {
            (_, Type::Any) => Value::Unknown,
            (LiteralKind::Number(number), Type::Number) => Value::Num(*number),
            (LiteralKind::Bool(truth), Type::Bool) => Value::Bool(*truth),
            (LiteralKind::Name(text) | LiteralKind::Str(text), Type::Enum(vocabulary)) => {
                self.enum_value(*vocabulary, text, literal.span)
            }
            (LiteralKind::Str(text), Type::Text(format)) => {
                self.text_value(*format, text, literal.span)
            }
            (LiteralKind::Set(items), Type::List(item_ty)) => {
                let values: Vec<Value> = items
                    .iter()
                    .map(|item| self.literal_value(item, item_ty))
                    .collect();
                let id = self.program.const_lists.len() as u32;
                self.program.const_lists.push(values);
                Value::List(id)
            }
            _ => {
                let found = match &literal.node {
                    LiteralKind::Number(_) => "a number",
                    LiteralKind::Str(_) => "a text",
                    LiteralKind::Bool(_) => "a bool",
                    LiteralKind::Name(_) => "a name",
                    LiteralKind::Set(_) => "a set",
                };
                let expected = self.program.type_name(ty);
                self.report(CheckError::TypeMismatch {
                    expected,
                    found: found.into(),
                    span: literal.span,
                    help: None,
                });
                Value::Unknown
            }
        }
    }

    /// The symbol of a vocabulary value, or an error with "did you mean".
    pub(crate) fn enum_value(&mut self, vocabulary: u32, value: &str, span: Span) -> Value {
        if let Some(&symbol) = self
            .program
            .enum_values
            .get(vocabulary as usize)
            .and_then(|values| values.get(value))
        {
            return Value::Sym(symbol);
        }
        let vocabulary_name = self.program.type_name(&Type::Enum(vocabulary));
        let help = {
            let names: Vec<&str> = self
                .program
                .enums
                .get(vocabulary as usize)
                .map(|info| {
                    info.values
                        .iter()
                        .filter_map(|symbol| self.program.syms.resolve(*symbol))
                        .collect()
                })
                .unwrap_or_default();
            suggestion(value, names.iter().copied()).or_else(|| {
                Some(format!(
                    "`{vocabulary_name}` is one of: {}",
                    names.join(", ")
                ))
            })
        };
        self.report(CheckError::UnknownValue {
            value: value.to_string(),
            vocabulary: vocabulary_name,
            span,
            help,
        });
        Value::Unknown
    }

    /// The symbol of a text, checked against its format.
    pub(crate) fn text_value(&mut self, format: Option<u32>, value: &str, span: Span) -> Value {
        if let Some(info) = format.and_then(|format| self.program.formats.get(format as usize))
            && !info.regex.is_match(value)
        {
            let (name, pattern) = (info.name.clone(), info.regex.as_str().to_string());
            self.report(CheckError::BadFormat {
                value: value.to_string(),
                format: name,
                span,
                pattern,
            });
        }
        Value::Sym(self.program.syms.intern(value))
    }

    /// `const ADULT_AGE = 18`: a number, text or bool with a name.
    pub(crate) fn const_decl(&mut self, constant: &ast::ConstDecl) {
        if !self.declare_global(&constant.name.node, constant.name.span) {
            return;
        }
        let ty = match &constant.value.node {
            LiteralKind::Number(_) => Type::Number,
            LiteralKind::Bool(_) => Type::Bool,
            LiteralKind::Str(_) => Type::Text(None),
            _ => {
                self.report(CheckError::NonScalarConstant {
                    name: constant.name.node.clone(),
                    span: constant.value.span,
                });
                return;
            }
        };
        let value = self.literal_value(&constant.value, &ty);
        self.program
            .globals
            .insert(constant.name.node.clone(), Global::Const(value, ty));
    }

    /// `set PLANS of plan = { commercial, medicare }`: a constant list with a name.
    pub(crate) fn named_set_decl(&mut self, set: &ast::SetDecl) {
        if !self.declare_global(&set.name.node, set.name.span) {
            return;
        }
        let item_ty = self.value_spec(&set.item).ty;
        let mut values = Vec::new();
        for literal in &set.items.node {
            let value = self.literal_value(literal, &item_ty);
            if values.contains(&value) && value != Value::Unknown {
                self.report(CheckError::DuplicateSetValue {
                    set: set.name.node.clone(),
                    span: literal.span,
                });
            }
            values.push(value);
        }
        let id = self.program.const_lists.len() as u32;
        self.program.const_lists.push(values);
        self.program.globals.insert(
            set.name.node.clone(),
            Global::Set(Value::List(id), Type::List(Box::new(item_ty))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{errors_with, type_of};

    #[test]
    fn a_number_constant_is_a_number() {
        assert_eq!(type_of("ADULT_AGE").unwrap(), "number");
    }

    #[test]
    fn a_named_set_is_a_list_of_its_item_type() {
        assert_eq!(type_of("PLANS").unwrap(), "list of plan");
    }

    #[test]
    fn a_constant_may_not_be_a_set() {
        assert_eq!(
            errors_with("const SOME = {commercial}"),
            ["constant `SOME` must be a number, a text or a bool"]
        );
    }

    #[test]
    fn a_named_set_may_not_list_a_value_twice() {
        assert_eq!(
            errors_with("set TWICE of plan = { commercial, commercial }"),
            ["set `TWICE` lists a value twice"]
        );
    }

    #[test]
    fn a_set_value_outside_the_vocabulary_is_unknown() {
        assert_eq!(
            errors_with("set WRONG of plan = { medicar }"),
            ["`medicar` is not a value of `plan`"]
        );
    }

    #[test]
    fn a_literal_of_another_type_is_a_mismatch() {
        assert_eq!(
            errors_with("annotation flag: bool default 3"),
            ["expected bool, found a number"]
        );
    }

    #[test]
    fn a_text_must_match_its_format() {
        assert_eq!(
            errors_with("set CODES of code = { \"123\" }"),
            ["`123` is not a valid `code`"]
        );
    }
}

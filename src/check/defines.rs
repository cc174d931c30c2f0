//! Definitions: `define NAME(PARAM: TYPE, ...) [: TYPE] = EXPR`, checked on
//! first use (so they may use each other in any order, but not themselves),
//! and calls to them.

use super::expr::error_node;
use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::{Define, Global, Node, NodeKind, Type};
use crate::syntax::ast;
use crate::syntax::span::{Ident, Span};

impl Checker<'_> {
    /// Checks a definition (on first use), returning its index into
    /// `Program::defines`. `span` is the use, for a cycle's error.
    pub(crate) fn checked_define(&mut self, name: &str, span: Span) -> Option<u32> {
        if let Some(&id) = self.checked_defines.get(name) {
            return Some(id);
        }
        if self.defines_in_progress.iter().any(|active| active == name) {
            self.report(CheckError::Cycle {
                name: name.to_string(),
                span,
            });
            return None;
        }
        let define = self.unchecked_defines.remove(name)?;
        self.defines_in_progress.push(name.to_string());
        // A definition sees only its parameters and the globals.
        let saved_scopes = std::mem::take(&mut self.scopes);
        let saved_for_each = self.for_each_slot.take();
        let mut params = Vec::new();
        let mut param_types = Vec::new();
        let mut scope = Vec::new();
        for param in &define.params {
            let slot = self.new_local_slot();
            let ty = self.value_spec(&param.ty).ty;
            params.push(slot);
            param_types.push(ty.clone());
            scope.push((param.name.node.clone(), Local::Variable { slot, ty }));
        }
        self.scopes.push(scope);
        let declared = define.ty.as_ref().map(|ty| self.value_spec(ty).ty);
        let (body, found) = self.expr(&define.body, declared.as_ref());
        let ty = match declared {
            Some(declared) => {
                self.require_type(&found, &declared, define.body.span);
                declared
            }
            None => found,
        };
        self.scopes = saved_scopes;
        self.for_each_slot = saved_for_each;
        self.defines_in_progress.pop();
        let id = self.program.defines.len() as u32;
        self.program.defines.push(Define {
            name: name.to_string(),
            params,
            param_types,
            body,
            ty,
            span: define.name.span,
        });
        self.program
            .globals
            .insert(name.to_string(), Global::Define(id));
        self.checked_defines.insert(name.to_string(), id);
        Some(id)
    }

    /// `NAME(ARG, ...)`: a call of a definition, each argument of its
    /// parameter's type. The call has the definition's type.
    pub(crate) fn define_call(
        &mut self,
        name: &Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> (Node, Type) {
        let known = self.unchecked_defines.contains_key(&name.node)
            || self.checked_defines.contains_key(&name.node);
        if !known {
            let mut names: Vec<&str> = self.unchecked_defines.keys().map(String::as_str).collect();
            names.extend(self.checked_defines.keys().map(String::as_str));
            let help = suggestion(&name.node, names);
            self.report(CheckError::UnknownName {
                name: name.node.clone(),
                span: name.span,
                help,
            });
            return error_node(span);
        }
        if !self.program.used.contains(&name.node) {
            self.program.used.insert(name.node.clone());
        }
        let Some(id) = self.checked_define(&name.node, name.span) else {
            return error_node(span);
        };
        let define = &self.program.defines[id as usize];
        let (ty, param_count) = (define.ty.clone(), define.params.len());
        if param_count != args.len() {
            self.report(CheckError::Arity {
                name: name.node.clone(),
                expected: param_count,
                found: args.len(),
                span,
            });
            return error_node(span);
        }
        let param_types = self.program.defines[id as usize].param_types.clone();
        let mut compiled = Vec::new();
        for (arg, param_ty) in args.iter().zip(param_types) {
            compiled.push(self.expect_type(arg, &param_ty));
        }
        (Node::new(NodeKind::Call(id, compiled), span), ty)
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{error_of, errors_with, type_of};

    #[test]
    fn a_definition_has_the_type_of_its_body() {
        assert_eq!(type_of("grown").unwrap(), "bool");
    }

    #[test]
    fn a_call_has_the_type_of_its_definition() {
        assert_eq!(type_of("older_than(18)").unwrap(), "bool");
    }

    #[test]
    fn an_argument_must_have_its_parameter_type() {
        assert_eq!(error_of("older_than(true)"), "expected number, found bool");
    }

    #[test]
    fn a_call_gives_every_parameter() {
        assert_eq!(
            error_of("older_than(18, 19)"),
            "`older_than` takes 1 argument(s), given 2"
        );
    }

    #[test]
    fn a_definition_with_parameters_is_called_with_them() {
        assert_eq!(
            error_of("older_than"),
            "`older_than` takes 1 argument(s), given 0"
        );
    }

    #[test]
    fn a_body_must_have_the_declared_type() {
        assert_eq!(
            errors_with("define age_text: text = member.age"),
            ["expected text, found number"]
        );
    }

    #[test]
    fn a_definition_may_not_refer_to_itself() {
        assert_eq!(
            errors_with("define forever = forever"),
            ["`forever` is defined in terms of itself"]
        );
    }
}

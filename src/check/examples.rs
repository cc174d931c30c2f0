//! `example "NAME" { request {...} expect {...} }`: a request and the
//! decision fields it must show. The checker parses `expect` and checks its
//! field names; `dslcheck` runs the examples.

use super::{CheckError, Checker};
use crate::diag::suggestion;
use crate::eval::program::Example;
use crate::syntax::ast;

/// The decision fields an example may expect, besides the annotations.
const DECISION_FIELDS: [&str; 9] = [
    "outcome",
    "guideline",
    "authority",
    "alternatives",
    "redirect_to",
    "missing",
    "citations",
    "lines",
    "cautions_nonempty",
];

impl Checker<'_> {
    /// An `example` declaration.
    pub(crate) fn example_decl(&mut self, example: &ast::ExampleDecl) {
        let name = &example.name;
        if let Some(first) = self
            .program
            .examples
            .iter()
            .find(|earlier| earlier.name == name.node)
        {
            let first = first.span;
            self.report(CheckError::Duplicate {
                name: name.node.clone(),
                span: name.span,
                first,
            });
            return;
        }
        let expect = match serde_json::from_str::<serde_json::Value>(&example.expect.node) {
            Ok(expect) => expect,
            Err(err) => {
                self.report(CheckError::InvalidExampleJson {
                    reason: err.to_string(),
                    span: example.expect.span,
                });
                return;
            }
        };
        if let Some(fields) = expect.as_object() {
            for field in fields.keys() {
                let is_annotation = self
                    .program
                    .annotations
                    .iter()
                    .any(|annotation| annotation.name == *field);
                if !DECISION_FIELDS.contains(&field.as_str()) && !is_annotation {
                    self.report(CheckError::UnknownExampleField {
                        field: field.clone(),
                        span: example.expect.span,
                        help: suggestion(field, DECISION_FIELDS.iter().copied()),
                    });
                }
            }
        }
        self.program.examples.push(Example {
            name: name.node.clone(),
            request: example.request.node.clone(),
            expect,
            span: example.span,
            request_span: example.request.span,
            expect_span: example.expect.span,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::errors_with;

    /// An example with this `expect` object.
    fn expecting(expect: &str) -> Vec<String> {
        errors_with(&format!(
            "example \"e\" {{\n  request {{\"member\": {{\"age\": 4}}}}\n  expect {expect}\n}}"
        ))
    }

    #[test]
    fn an_example_may_expect_decision_fields() {
        assert!(expecting(r#"{"outcome": "deny"}"#).is_empty());
    }

    #[test]
    fn an_example_must_expect_valid_json() {
        assert_eq!(
            expecting(r#"{"outcome": "deny", }"#),
            ["the example's `expect` is not valid JSON: trailing comma at line 1 column 21"]
        );
    }

    #[test]
    fn an_example_may_not_expect_an_unknown_field() {
        assert_eq!(
            expecting(r#"{"outcom": "deny"}"#),
            ["the example expects an unknown decision field `outcom`"]
        );
    }
}

//! Declarations: vocabularies, text formats, records, tables, facts,
//! constants, sets, definitions, outcomes, annotations, sections, lines,
//! stages and examples; and the types, fact kinds and literal values they
//! are written with. (A stage's rules are `rule.rs`'s.)

use pest::iterators::Pair;

use super::Rule;
use super::error::SyntaxError;
use super::expr::expr;
use super::pairs::{Children, ident, not_in_grammar, number_value, path, span, string};
use super::rule::rule_decl;
use crate::syntax::ast::*;
use crate::syntax::span::{Span, Spanned};

/// One declaration.
pub(super) fn declaration(pair: Pair<Rule>) -> Result<Decl, SyntaxError> {
    let whole = span(&pair);
    let mut children = Children::of(pair);
    Ok(match children.parent() {
        Rule::enum_decl => {
            let name = ident(children.required(Rule::ident));
            let values = children.map(enum_value).collect();
            Decl::Enum(EnumDecl { name, values })
        }
        Rule::text_decl => Decl::Text(TextDecl {
            name: ident(children.required(Rule::ident)),
            pattern: string(children.required(Rule::string)),
        }),
        Rule::record_decl => Decl::Record(RecordDecl {
            name: ident(children.required(Rule::ident)),
            fields: children.map(field_decl).collect::<Result<_, _>>()?,
        }),
        Rule::table_decl => Decl::Table(TableDecl {
            name: ident(children.required(Rule::ident)),
            file: string(children.required(Rule::string)),
            key: table_key(children.required(Rule::table_key)),
            columns: children.map(field_decl).collect::<Result<_, _>>()?,
        }),
        Rule::facts_decl => Decl::Facts(children.map(fact_decl).collect::<Result<_, _>>()?),
        Rule::const_decl => Decl::Const(ConstDecl {
            name: ident(children.required(Rule::ident)),
            value: literal(children.required(Rule::literal))?,
        }),
        Rule::set_decl => {
            let name = ident(children.required(Rule::ident));
            let item = type_expr(children.required(Rule::type_expr));
            let set = children.required(Rule::set_literal);
            let set_span = span(&set);
            let items = set
                .into_inner()
                .map(expr_literal)
                .collect::<Result<_, _>>()?;
            Decl::Set(SetDecl {
                name,
                item,
                items: Spanned::new(items, set_span),
            })
        }
        Rule::define_decl => {
            let name = ident(children.required(Rule::ident));
            let params = match children.optional(Rule::params) {
                Some(params) => params.into_inner().map(param).collect(),
                None => Vec::new(),
            };
            let ty = children.optional(Rule::type_expr).map(type_expr);
            let body = expr(children.required(Rule::expr))?;
            Decl::Define(DefineDecl {
                name,
                params,
                ty,
                body,
            })
        }
        Rule::outcomes_decl => outcomes_decl(children, whole),
        Rule::annotation_decl => Decl::Annotation(AnnotationDecl {
            name: ident(children.required(Rule::ident)),
            ty: type_expr(children.required(Rule::type_expr)),
            default: match children.optional(Rule::kind_default) {
                Some(default) => Some(literal(Children::of(default).required(Rule::literal))?),
                None => None,
            },
        }),
        Rule::sections_decl => Decl::Sections(children.map(string).collect()),
        Rule::example_decl => {
            let name = string(children.required(Rule::string));
            let mut json = || {
                let object = children.required(Rule::json_object);
                Spanned::new(object.as_str().to_string(), span(&object))
            };
            let request = json();
            let expect = json();
            Decl::Example(ExampleDecl {
                name,
                request,
                expect,
                span: whole,
            })
        }
        Rule::lines_decl => Decl::Lines(LinesDecl {
            path: path(children.required(Rule::path)),
            shown_by: ident(children.required(Rule::any_ident)),
        }),
        Rule::stage_decl => Decl::Stage(StageDecl {
            name: ident(children.required(Rule::ident)),
            decides_alone: children.optional(Rule::decides_alone).is_some(),
            rules: children.map(rule_decl).collect::<Result<_, _>>()?,
        }),
        unexpected => not_in_grammar(Rule::policy, unexpected),
    })
}

/// `enum_value`: a name or a string.
fn enum_value(pair: Pair<Rule>) -> Ident {
    let value = Children::of(pair).required_any();
    match value.as_rule() {
        Rule::string => string(value),
        Rule::any_ident => ident(value),
        unexpected => not_in_grammar(Rule::enum_value, unexpected),
    }
}

/// `table_key`: the key column, a name and a type.
fn table_key(pair: Pair<Rule>) -> FieldDecl {
    let mut children = Children::of(pair);
    FieldDecl {
        name: ident(children.required(Rule::any_ident)),
        ty: type_expr(children.required(Rule::type_expr)),
        kind: None,
    }
}

/// `fact_decl`: a path, a type and a kind.
fn fact_decl(pair: Pair<Rule>) -> Result<FactDecl, SyntaxError> {
    let mut children = Children::of(pair);
    Ok(FactDecl {
        path: path(children.required(Rule::path)),
        ty: type_expr(children.required(Rule::type_expr)),
        kind: kind(children.required(Rule::kind))?,
    })
}

/// `param`: a definition's parameter, a name and a type.
fn param(pair: Pair<Rule>) -> Param {
    let mut children = Children::of(pair);
    Param {
        name: ident(children.required(Rule::ident)),
        ty: type_expr(children.required(Rule::type_expr)),
    }
}

/// `outcomes_decl`: the ranking, then `default`, `pending` and `restrict`
/// options in any order.
fn outcomes_decl(children: Children, whole: Span) -> Decl {
    let mut ranking = Vec::new();
    let mut default = None;
    let mut pending = None;
    let mut restricts = Vec::new();
    let parent = children.parent();
    for child in children {
        match child.as_rule() {
            Rule::any_ident => ranking.push(ident(child)),
            Rule::outcome_default => {
                default = Some(ident(Children::of(child).required(Rule::any_ident)))
            }
            Rule::outcome_pending => {
                pending = Some(ident(Children::of(child).required(Rule::any_ident)))
            }
            Rule::outcome_restrict => {
                let mut outcomes = Children::of(child);
                let restricted = ident(outcomes.required(Rule::any_ident));
                restricts.push((restricted, outcomes.map(ident).collect()));
            }
            unexpected => not_in_grammar(parent, unexpected),
        }
    }
    Decl::Outcomes(OutcomesDecl {
        ranking,
        default,
        pending,
        restricts,
        span: whole,
    })
}

/// `field_decl`: a record field or a table column.
fn field_decl(pair: Pair<Rule>) -> Result<FieldDecl, SyntaxError> {
    let mut children = Children::of(pair);
    Ok(FieldDecl {
        name: ident(children.required(Rule::any_ident)),
        ty: type_expr(children.required(Rule::type_expr)),
        kind: match children.optional(Rule::kind) {
            Some(kind_pair) => Some(kind(kind_pair)?),
            None => None,
        },
    })
}

/// `type_expr`: a list, number or named type.
fn type_expr(pair: Pair<Rule>) -> TypeExpr {
    let whole = span(&pair);
    let written = Children::of(pair).required_any();
    let kind = match written.as_rule() {
        Rule::list_type => {
            let mut children = Children::of(written);
            let non_empty = children.optional(Rule::non_empty).is_some();
            let item = type_expr(children.required(Rule::type_expr));
            TypeKind::List {
                item: Box::new(item),
                non_empty,
            }
        }
        Rule::number_type => {
            let mut children = Children::of(written);
            let integer = children.required(Rule::number_kw).as_str() == "integer";
            let (mut min, mut max) = (None, None);
            if let Some(bounds) = children.optional(Rule::number_bounds) {
                let bound = Children::of(bounds).required_any();
                let rule = bound.as_rule();
                let mut numbers = Children::of(bound);
                let mut number = || number_value(numbers.required(Rule::signed_number).as_str());
                match rule {
                    Rule::bound_range => {
                        min = Some(number());
                        max = Some(number());
                    }
                    Rule::bound_least => min = Some(number()),
                    Rule::bound_most => max = Some(number()),
                    unexpected => not_in_grammar(Rule::number_bounds, unexpected),
                }
            }
            TypeKind::Number { integer, min, max }
        }
        Rule::named_type => match written.as_str() {
            "bool" => TypeKind::Bool,
            name => TypeKind::Named(name.to_string()),
        },
        unexpected => not_in_grammar(Rule::type_expr, unexpected),
    };
    Spanned::new(kind, whole)
}

/// `kind`: what an absent fact or field means.
fn kind(pair: Pair<Rule>) -> Result<AbsenceDecl, SyntaxError> {
    let whole = span(&pair);
    let written = Children::of(pair).required_any();
    let kind = match written.as_rule() {
        Rule::kind_required => Absence::Required,
        Rule::kind_unknown => Absence::Unknown,
        Rule::kind_absent => Absence::Absent,
        Rule::kind_default => {
            Absence::Default(literal(Children::of(written).required(Rule::literal))?)
        }
        unexpected => not_in_grammar(Rule::kind, unexpected),
    };
    Ok(Spanned::new(kind, whole))
}

/// A `literal`, or one of its alternatives: a set, a number, a string, a
/// boolean or a vocabulary value.
fn literal(pair: Pair<Rule>) -> Result<Literal, SyntaxError> {
    let whole = span(&pair);
    let kind = match pair.as_rule() {
        Rule::literal => return literal(Children::of(pair).required_any()),
        Rule::set_literal => LiteralKind::Set(
            pair.into_inner()
                .map(expr_literal)
                .collect::<Result<_, _>>()?,
        ),
        Rule::number_lit => LiteralKind::Number(number_value(pair.as_str())),
        Rule::string_lit => {
            LiteralKind::Str(string(Children::of(pair).required(Rule::string)).node)
        }
        Rule::bool_lit => LiteralKind::Bool(pair.as_str() == "true"),
        Rule::any_ident => LiteralKind::Name(pair.as_str().to_string()),
        unexpected => not_in_grammar(Rule::literal, unexpected),
    };
    Ok(Spanned::new(kind, whole))
}

/// A set item written as an expression, read back as a literal (set items in
/// declarations must be literal values).
fn expr_literal(pair: Pair<Rule>) -> Result<Literal, SyntaxError> {
    Ok(expr_to_literal(&expr(pair)?))
}

/// An expression as a literal value.
fn expr_to_literal(expression: &Expr) -> Literal {
    let kind = match &expression.node {
        ExprKind::Number(number) => LiteralKind::Number(*number),
        ExprKind::Str(text) => LiteralKind::Str(text.clone()),
        ExprKind::Bool(value) => LiteralKind::Bool(*value),
        ExprKind::Path(segments) if segments.len() == 1 => {
            LiteralKind::Name(segments[0].node.clone())
        }
        ExprKind::Set(items) => LiteralKind::Set(items.iter().map(expr_to_literal).collect()),
        // Anything else is not a literal: keep its text as a name so the
        // checker reports it as an unknown value at the right place.
        _ => LiteralKind::Name(format!("<expression at {}>", expression.span.start)),
    };
    Spanned::new(kind, expression.span)
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::*;
    use crate::syntax::parse_policy;

    fn parses(src: &str) -> Policy {
        match parse_policy(src) {
            Ok(policy) => policy,
            Err(error) => panic!("{src}\n{error:?}"),
        }
    }

    #[test]
    fn declarations() {
        let p = parses(
            r#"policy "t"
            enum sex { female, male, unknown }
            text code matching "^[0-9]{5}$"
            record line { code: code, laterality: side may be absent }
            facts {
              member.age: number from 0 to 150 required
              order.lines: non-empty list of line required
              member.sex: sex default unknown
            }
            const ADULT_AGE = 18
            set S of sex = {female, "male"}
            define adult = member.age >= ADULT_AGE
            outcomes deny > pend > allow default allow pending pend restrict allow to deny
            annotation route: sex default female
            sections "A", "B"
            lines order.lines shown by code"#,
        );
        assert_eq!(p.decls.len(), 11);
        let Decl::Facts(facts) = &p.decls[3] else {
            panic!()
        };
        assert!(matches!(
            facts[1].ty.node,
            TypeKind::List {
                non_empty: true,
                ..
            }
        ));
    }

    #[test]
    fn examples_keep_their_json_as_text() {
        let p = parses(r#"example "e" { request {"a": {"b": "}"}} expect {"outcome": "x"} }"#);
        let Decl::Example(e) = &p.decls[0] else {
            panic!()
        };
        assert_eq!(e.request.node, r#"{"a": {"b": "}"}}"#);
        assert_eq!(e.expect.node, r#"{"outcome": "x"}"#);
    }

    #[test]
    fn number_types_keep_their_bounds() {
        let p = parses(
            "facts { a: integer at least -1 required  b: number at most 2.5 required  \
             c: number required }",
        );
        let Decl::Facts(facts) = &p.decls[0] else {
            panic!()
        };
        let bounds: Vec<_> = facts
            .iter()
            .map(|fact| match fact.ty.node {
                TypeKind::Number { integer, min, max } => (integer, min, max),
                _ => panic!("{fact:?}"),
            })
            .collect();
        assert_eq!(
            bounds,
            [
                (true, Some(-1.0), None),
                (false, None, Some(2.5)),
                (false, None, None)
            ]
        );
    }

    #[test]
    fn definitions_with_and_without_parameters_and_result_types() {
        let p = parses(
            "define a = 1\n\
             define b(): bool = true\n\
             define c(l: line, n: list of number) = n",
        );
        let defines: Vec<&DefineDecl> = p
            .decls
            .iter()
            .map(|decl| match decl {
                Decl::Define(define) => define,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(defines[0].params.len(), 0);
        assert!(defines[0].ty.is_none());
        assert_eq!(
            defines[1].ty.as_ref().map(|ty| &ty.node),
            Some(&TypeKind::Bool)
        );
        assert_eq!(defines[2].params.len(), 2);
        assert_eq!(defines[2].params[1].name.node, "n");
    }

    #[test]
    fn tables_outcomes_and_stages() {
        let p = parses(
            r#"table codes from "codes.csv" { key code: code  family: family, note: text may be unknown }
            outcomes deny > allow restrict allow to deny, allow
            stage s decides alone { }
            stage t { }"#,
        );
        let Decl::Table(table) = &p.decls[0] else {
            panic!()
        };
        assert_eq!(table.key.name.node, "code");
        assert_eq!(table.columns.len(), 2);
        assert!(table.columns[1].kind.is_some());
        let Decl::Outcomes(outcomes) = &p.decls[1] else {
            panic!()
        };
        assert_eq!(outcomes.restricts[0].0.node, "allow");
        assert_eq!(outcomes.restricts[0].1.len(), 2);
        assert!(outcomes.default.is_none());
        assert!(matches!(&p.decls[2], Decl::Stage(stage) if stage.decides_alone));
        assert!(matches!(&p.decls[3], Decl::Stage(stage) if !stage.decides_alone));
    }

    /// Set items in declarations are read as literals; an expression that is
    /// not one is kept as a name the checker reports.
    #[test]
    fn set_items_are_literals() {
        let p = parses(r#"set S of t = {a, "b", 1, true, {c}, f(x)}"#);
        let Decl::Set(set) = &p.decls[0] else {
            panic!()
        };
        let kinds: Vec<&LiteralKind> = set.items.node.iter().map(|item| &item.node).collect();
        assert_eq!(kinds[0], &LiteralKind::Name("a".into()));
        assert_eq!(kinds[1], &LiteralKind::Str("b".into()));
        assert_eq!(kinds[2], &LiteralKind::Number(1.0));
        assert_eq!(kinds[3], &LiteralKind::Bool(true));
        assert!(matches!(kinds[4], LiteralKind::Set(inner) if inner.len() == 1));
        assert_eq!(kinds[5], &LiteralKind::Name("<expression at 36>".into()));
    }
}

//! Declarations: vocabularies, formats, records, tables, facts, constants,
//! outcomes, annotations, sections, stages and rules.

use std::collections::HashMap;

use regex::Regex;

use super::{CheckError, Checker, Local};
use crate::diag::suggestion;
use crate::eval::program::*;
use crate::syntax::ast::{self, Decl, KindKind, LiteralKind, TypeKind};
use crate::syntax::span::Span;

impl<'a> Checker<'a> {
    pub(crate) fn policy(&mut self, policy: &'a ast::Policy) {
        self.program.title = policy.title.as_ref().map(|t| t.node.clone());
        let decls = &policy.decls;
        // Type names first, so that declarations may refer to later ones.
        for d in decls {
            match d {
                Decl::Enum(e) => self.enum_decl(e),
                Decl::Text(t) => self.text_decl(t),
                Decl::Record(r) if self.declare(&r.name.node, r.name.span) => {
                    let id = self.program.records.len() as u32;
                    self.program.records.push(RecordInfo {
                        name: r.name.node.clone(),
                        fields: Vec::new(),
                    });
                    self.record_ids.insert(r.name.node.clone(), id);
                }
                _ => {}
            }
        }
        for d in decls {
            if let Decl::Record(r) = d {
                self.record_fields(r);
            }
        }
        for d in decls {
            match d {
                Decl::Table(t) => self.table_decl(t),
                Decl::Facts(facts) => self.facts_decl(facts),
                Decl::Outcomes(o) => self.outcomes_decl(o),
                Decl::Sections(s) => self.sections_decl(s),
                _ => {}
            }
        }
        for d in decls {
            match d {
                Decl::Annotation(a) => self.annotation_decl(a),
                Decl::Const(c) => self.const_decl(c),
                Decl::Set(s) => self.set_decl(s),
                Decl::Define(def) if self.declare(&def.name.node, def.name.span) => {
                    self.define_pending.insert(def.name.node.clone(), def);
                }
                Decl::Lines(l) => self.lines_decl(l),
                Decl::Example(e) => self.example_decl(e),
                _ => {}
            }
        }
        if let Some(&slot) = self.program.fact_slots.get("id") {
            self.program.id_fact = Some(slot);
        }
        let has_rules = decls.iter().any(|d| matches!(d, Decl::Stage(_)));
        if has_rules && self.program.outcomes.names.is_empty() {
            let span = decls.iter().find_map(|d| match d {
                Decl::Stage(s) => Some(s.name.span),
                _ => None,
            });
            self.error(CheckError::Declaration {
                message: "the policy has rules but no `outcomes` declaration".into(),
                span: span.unwrap_or_default(),
                help: Some("declare the outcomes, most decisive first: `outcomes deny > pend > allow default allow pending pend`".into()),
            });
        }
        let mut rule_ids: HashMap<&str, Span> = HashMap::new();
        for d in decls {
            if let Decl::Stage(stage) = d {
                self.stage_decl(stage, &mut rule_ids);
            }
        }
        // Definitions no rule used are still checked.
        let mut pending: Vec<String> = self.define_pending.keys().cloned().collect();
        pending.sort();
        for name in pending {
            self.define(&name, Span::default());
        }
    }

    /// Registers a global name; reports a duplicate and returns false if taken.
    pub(crate) fn declare(&mut self, name: &str, span: Span) -> bool {
        if let Some(&first) = self.declared.get(name) {
            self.error(CheckError::Duplicate {
                name: name.to_string(),
                span,
                first,
            });
            return false;
        }
        self.declared.insert(name.to_string(), span);
        true
    }

    fn enum_decl(&mut self, e: &ast::EnumDecl) {
        if !self.declare(&e.name.node, e.name.span) {
            return;
        }
        let id = self.program.enums.len() as u32;
        let mut values = Vec::with_capacity(e.values.len());
        let mut by_name = HashMap::with_capacity(e.values.len());
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(e.values.len());
        for v in &e.values {
            if let Some(&first) = seen.get(v.node.as_str()) {
                self.error(CheckError::Duplicate {
                    name: v.node.clone(),
                    span: v.span,
                    first,
                });
                continue;
            }
            seen.insert(&v.node, v.span);
            let sym = self.program.syms.intern(&v.node);
            values.push(sym);
            by_name.insert(v.node.clone(), sym);
        }
        self.program.enums.push(EnumInfo {
            name: e.name.node.clone(),
            values,
            span: e.name.span,
        });
        self.program.enum_values.push(by_name);
        self.program.enum_names.insert(e.name.node.clone(), id);
    }

    fn text_decl(&mut self, t: &ast::TextDecl) {
        if !self.declare(&t.name.node, t.name.span) {
            return;
        }
        let regex = match Regex::new(&t.pattern.node) {
            Ok(r) => r,
            Err(err) => {
                self.error(CheckError::BadPattern {
                    message: err
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    span: t.pattern.span,
                });
                match Regex::new("") {
                    Ok(r) => r,
                    Err(_) => return,
                }
            }
        };
        let id = self.program.formats.len() as u32;
        self.program.formats.push(Format {
            name: t.name.node.clone(),
            regex,
            table: None,
        });
        self.format_ids.insert(t.name.node.clone(), id);
    }

    /// The type a type expression names, with its bounds.
    pub(crate) fn value_spec(&mut self, t: &ast::TypeExpr) -> ValueSpec {
        let mut spec = ValueSpec {
            ty: Type::Any,
            min: None,
            max: None,
            integer: false,
            non_empty: false,
            item: None,
        };
        match &t.node {
            TypeKind::Bool => spec.ty = Type::Bool,
            TypeKind::Number { integer, min, max } => {
                spec.ty = Type::Number;
                spec.integer = *integer;
                spec.min = *min;
                spec.max = *max;
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(CheckError::Declaration {
                        message: format!("the range {lo} to {hi} is empty"),
                        span: t.span,
                        help: Some("write the lower bound first".into()),
                    });
                }
            }
            TypeKind::Named(name) => spec.ty = self.named_type(name, t.span),
            TypeKind::List { item, non_empty } => {
                let item = self.value_spec(item);
                spec.ty = Type::List(Box::new(item.ty.clone()));
                spec.non_empty = *non_empty;
                spec.item = Some(Box::new(item));
            }
        }
        spec
    }

    fn named_type(&mut self, name: &str, span: Span) -> Type {
        if name == "text" {
            return Type::Text(None);
        }
        if let Some(&e) = self.program.enum_names.get(name) {
            return Type::Enum(e);
        }
        if let Some(&f) = self.format_ids.get(name) {
            return Type::Text(Some(f));
        }
        if let Some(&r) = self.record_ids.get(name) {
            return Type::Record(r);
        }
        let mut names: Vec<&str> = vec!["text", "bool", "number", "integer"];
        names.extend(self.program.enum_names.keys().map(String::as_str));
        names.extend(self.format_ids.keys().map(String::as_str));
        names.extend(self.record_ids.keys().map(String::as_str));
        let help = suggestion(name, names);
        self.error(CheckError::UnknownType {
            name: name.to_string(),
            span,
            help,
        });
        Type::Any
    }

    fn record_fields(&mut self, r: &ast::RecordDecl) {
        let Some(&id) = self.record_ids.get(&r.name.node) else {
            return;
        };
        let mut fields: Vec<FieldInfo> = Vec::new();
        for f in &r.fields {
            if let Some(first) = fields.iter().find(|x| x.name == f.name.node) {
                self.error(CheckError::Duplicate {
                    name: f.name.node.clone(),
                    span: f.name.span,
                    first: first.span,
                });
                continue;
            }
            let spec = self.value_spec(&f.ty);
            let kind = match &f.kind {
                Some(k) => self.fact_kind(k, &spec.ty),
                None => FactKind::Required,
            };
            fields.push(FieldInfo {
                name: f.name.node.clone(),
                spec,
                kind,
                span: f.name.span,
            });
        }
        if let Some(rec) = self.program.records.get_mut(id as usize) {
            rec.fields = fields;
        }
    }

    fn fact_kind(&mut self, kind: &ast::Kind, ty: &Type) -> FactKind {
        match &kind.node {
            KindKind::Required => FactKind::Required,
            KindKind::Unknown => FactKind::Unknown,
            KindKind::Absent => FactKind::Absent,
            KindKind::Default(lit) => FactKind::Default(self.literal(lit, ty)),
        }
    }

    /// The value of a literal of the given type.
    pub(crate) fn literal(&mut self, lit: &ast::Literal, ty: &Type) -> Value {
        match (&lit.node, ty) {
            (_, Type::Any) => Value::Unknown,
            (LiteralKind::Number(n), Type::Number) => Value::Num(*n),
            (LiteralKind::Bool(b), Type::Bool) => Value::Bool(*b),
            (LiteralKind::Name(s) | LiteralKind::Str(s), Type::Enum(e)) => {
                self.enum_value(*e, s, lit.span)
            }
            (LiteralKind::Str(s), Type::Text(f)) => self.text_value(*f, s, lit.span),
            (LiteralKind::Set(items), Type::List(item)) => {
                let values: Vec<Value> = items.iter().map(|i| self.literal(i, item)).collect();
                let id = self.program.const_lists.len() as u32;
                self.program.const_lists.push(values);
                Value::List(id)
            }
            _ => {
                let found = match &lit.node {
                    LiteralKind::Number(_) => "a number",
                    LiteralKind::Str(_) => "a text",
                    LiteralKind::Bool(_) => "a bool",
                    LiteralKind::Name(_) => "a name",
                    LiteralKind::Set(_) => "a set",
                };
                let expected = self.program.type_name(ty);
                self.error(CheckError::TypeMismatch {
                    expected,
                    found: found.into(),
                    span: lit.span,
                    help: None,
                });
                Value::Unknown
            }
        }
    }

    /// The symbol of a vocabulary value, or an error with "did you mean".
    pub(crate) fn enum_value(&mut self, e: u32, value: &str, span: Span) -> Value {
        if let Some(&sym) = self
            .program
            .enum_values
            .get(e as usize)
            .and_then(|m| m.get(value))
        {
            return Value::Sym(sym);
        }
        let vocabulary = self.program.type_name(&Type::Enum(e));
        let help = {
            let names: Vec<&str> = self
                .program
                .enums
                .get(e as usize)
                .map(|info| {
                    info.values
                        .iter()
                        .filter_map(|s| self.program.syms.resolve(*s))
                        .collect()
                })
                .unwrap_or_default();
            suggestion(value, names.iter().copied())
                .or_else(|| Some(format!("`{vocabulary}` is one of: {}", names.join(", "))))
        };
        self.error(CheckError::UnknownValue {
            value: value.to_string(),
            vocabulary,
            span,
            help,
        });
        Value::Unknown
    }

    /// The symbol of a text, checked against its format.
    pub(crate) fn text_value(&mut self, format: Option<u32>, value: &str, span: Span) -> Value {
        if let Some(f) = format.and_then(|f| self.program.formats.get(f as usize))
            && !f.regex.is_match(value)
        {
            let (name, pattern) = (f.name.clone(), f.regex.as_str().to_string());
            self.error(CheckError::BadFormat {
                value: value.to_string(),
                format: name,
                span,
                pattern,
            });
        }
        Value::Sym(self.program.syms.intern(value))
    }

    fn facts_decl(&mut self, facts: &[ast::FactDecl]) {
        for f in facts {
            let path: Vec<&str> = f.path.node.iter().map(|s| s.node.as_str()).collect();
            let joined = path.join(".");
            if !self.declare(&format!("fact {joined}"), f.path.span) {
                continue;
            }
            // A fact may not sit inside another fact (`member` and `member.age`):
            // no proper prefix of it is a fact, and it is no other fact's prefix.
            let prefixes: Vec<&str> = joined
                .match_indices('.')
                .map(|(i, _)| &joined[..i])
                .collect();
            let inside = prefixes
                .iter()
                .find(|p| self.program.fact_slots.contains_key(**p))
                .map(|p| p.to_string());
            let around = self.fact_groups.get(&joined).map(|_| {
                self.program
                    .fact_slots
                    .keys()
                    .find(|k| k.starts_with(&joined))
                    .cloned()
                    .unwrap_or_default()
            });
            for other in inside.into_iter().chain(around) {
                self.errors.push(CheckError::Declaration {
                    message: format!("fact `{joined}` overlaps fact `{other}`"),
                    span: f.path.span,
                    help: Some(format!(
                        "a fact is a leaf of the request, and `{other}` already is one"
                    )),
                });
            }
            for p in prefixes {
                self.fact_groups.insert(p.to_string());
            }
            let spec = self.value_spec(&f.ty);
            let kind = self.fact_kind(&f.kind, &spec.ty);
            let slot = self.program.facts.len() as u32;
            self.program.facts.push(FactInfo {
                path: joined.clone(),
                spec,
                kind,
                span: f.path.span,
            });
            self.program.fact_slots.insert(joined, slot);
        }
    }

    fn outcomes_decl(&mut self, o: &ast::OutcomesDecl) {
        if !self.program.outcomes.names.is_empty() {
            self.error(CheckError::Declaration {
                message: "`outcomes` is declared twice".into(),
                span: o.span,
                help: Some("one `outcomes` declaration ranks them all".into()),
            });
            return;
        }
        let mut names: Vec<String> = Vec::new();
        for n in &o.ranking {
            if names.contains(&n.node) {
                self.error(CheckError::Duplicate {
                    name: n.node.clone(),
                    span: n.span,
                    first: o
                        .ranking
                        .iter()
                        .find(|x| x.node == n.node)
                        .map_or(n.span, |x| x.span),
                });
            } else {
                names.push(n.node.clone());
            }
        }
        self.program.outcomes.names = names;
        self.program.outcomes.restrict = vec![None; self.program.outcomes.names.len()];
        let last = self.program.outcomes.names.len().saturating_sub(1) as u32;
        self.program.outcomes.default = match &o.default {
            Some(d) => self.outcome(d).unwrap_or(last),
            None => {
                self.error(CheckError::Declaration {
                    message: "`outcomes` needs a `default`: the outcome of a line no rule decides"
                        .into(),
                    span: o.span,
                    help: Some(format!("add `default {}`", self.program.outcome_name(last))),
                });
                last
            }
        };
        self.program.outcomes.pending = match &o.pending {
            Some(p) => self.outcome(p).unwrap_or(0),
            None => {
                self.error(CheckError::Declaration {
                    message: "`outcomes` needs `pending`: the outcome of a line an unknown fact keeps from being decided".into(),
                    span: o.span,
                    help: Some("add `pending pend`, naming one of the outcomes".into()),
                });
                0
            }
        };
        for (from, to) in &o.restricts {
            let Some(from) = self.outcome(from) else {
                continue;
            };
            let allowed: Vec<u32> = to.iter().filter_map(|t| self.outcome(t)).collect();
            if let Some(slot) = self.program.outcomes.restrict.get_mut(from as usize) {
                *slot = Some(allowed);
            }
        }
    }

    /// The index of an outcome, or an error.
    pub(crate) fn outcome(&mut self, name: &ast::Ident) -> Option<u32> {
        if let Some(i) = self
            .program
            .outcomes
            .names
            .iter()
            .position(|n| *n == name.node)
        {
            return Some(i as u32);
        }
        let help = suggestion(
            &name.node,
            self.program.outcomes.names.iter().map(String::as_str),
        );
        self.error(CheckError::UnknownOutcome {
            name: name.node.clone(),
            span: name.span,
            help,
        });
        None
    }

    fn sections_decl(&mut self, sections: &[crate::syntax::span::Spanned<String>]) {
        for s in sections {
            if self.program.sections.contains(&s.node) {
                let first = sections
                    .iter()
                    .find(|x| x.node == s.node)
                    .map_or(s.span, |x| x.span);
                self.error(CheckError::Duplicate {
                    name: s.node.clone(),
                    span: s.span,
                    first,
                });
            } else {
                self.program.sections.push(s.node.clone());
            }
        }
    }

    fn annotation_decl(&mut self, a: &ast::AnnotationDecl) {
        if !self.declare(&format!("annotation {}", a.name.node), a.name.span) {
            return;
        }
        let ty = self.value_spec(&a.ty).ty;
        let default = match &a.default {
            Some(lit) => self.literal(lit, &ty),
            None => Value::Absent,
        };
        let default_json = match default {
            Value::Bool(b) => b.into(),
            Value::Num(n) => serde_json::Number::from_f64(n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Sym(s) => self.program.syms.resolve(s).unwrap_or_default().into(),
            _ => serde_json::Value::Null,
        };
        self.program.annotations.push(Annotation {
            name: a.name.node.clone(),
            ty,
            default,
            default_json,
        });
    }

    fn const_decl(&mut self, c: &ast::ConstDecl) {
        if !self.declare(&c.name.node, c.name.span) {
            return;
        }
        let ty = match &c.value.node {
            LiteralKind::Number(_) => Type::Number,
            LiteralKind::Bool(_) => Type::Bool,
            LiteralKind::Str(_) => Type::Text(None),
            _ => {
                self.error(CheckError::Declaration {
                    message: format!(
                        "constant `{}` must be a number, a text or a bool",
                        c.name.node
                    ),
                    span: c.value.span,
                    help: Some(
                        "for a set of vocabulary values, write `set NAME of TYPE = {...}`".into(),
                    ),
                });
                return;
            }
        };
        let value = self.literal(&c.value, &ty);
        self.program
            .globals
            .insert(c.name.node.clone(), Global::Const(value, ty));
    }

    fn set_decl(&mut self, s: &ast::SetDecl) {
        if !self.declare(&s.name.node, s.name.span) {
            return;
        }
        let item = self.value_spec(&s.item).ty;
        let mut values = Vec::new();
        for lit in &s.items.node {
            let v = self.literal(lit, &item);
            if values.contains(&v) && v != Value::Unknown {
                self.error(CheckError::Declaration {
                    message: format!("set `{}` lists a value twice", s.name.node),
                    span: lit.span,
                    help: None,
                });
            }
            values.push(v);
        }
        let id = self.program.const_lists.len() as u32;
        self.program.const_lists.push(values);
        self.program.globals.insert(
            s.name.node.clone(),
            Global::Set(Value::List(id), Type::List(Box::new(item))),
        );
    }

    fn example_decl(&mut self, e: &ast::ExampleDecl) {
        if self.program.examples.iter().any(|x| x.name == e.name.node) {
            let first = self
                .program
                .examples
                .iter()
                .find(|x| x.name == e.name.node)
                .map_or(e.name.span, |x| x.span);
            self.error(CheckError::Duplicate {
                name: e.name.node.clone(),
                span: e.name.span,
                first,
            });
            return;
        }
        let expect = match serde_json::from_str::<serde_json::Value>(&e.expect.node) {
            Ok(v) => v,
            Err(err) => {
                self.error(CheckError::Declaration {
                    message: format!("the example's `expect` is not valid JSON: {err}"),
                    span: e.expect.span,
                    help: None,
                });
                return;
            }
        };
        const FIELDS: [&str; 9] = [
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
        if let Some(obj) = expect.as_object() {
            for key in obj.keys() {
                let is_annotation = self.program.annotations.iter().any(|a| a.name == *key);
                if !FIELDS.contains(&key.as_str()) && !is_annotation {
                    self.error(CheckError::Declaration {
                        message: format!("the example expects an unknown decision field `{key}`"),
                        span: e.expect.span,
                        help: suggestion(key, FIELDS.iter().copied()),
                    });
                }
            }
        }
        self.program.examples.push(Example {
            name: e.name.node.clone(),
            request: e.request.node.clone(),
            expect,
            span: e.span,
            request_span: e.request.span,
            expect_span: e.expect.span,
        });
    }

    fn lines_decl(&mut self, l: &ast::LinesDecl) {
        let joined: Vec<&str> = l.path.node.iter().map(|s| s.node.as_str()).collect();
        let joined = joined.join(".");
        let Some(&fact) = self.program.fact_slots.get(&joined) else {
            let help = suggestion(&joined, self.program.fact_slots.keys().map(String::as_str));
            self.error(CheckError::UnknownFact {
                path: joined,
                span: l.path.span,
                help,
            });
            return;
        };
        let ty = self.program.facts[fact as usize].spec.ty.clone();
        let Type::List(item) = &ty else {
            let found = self.program.type_name(&ty);
            self.error(CheckError::TypeMismatch {
                expected: "a list of records".into(),
                found,
                span: l.path.span,
                help: None,
            });
            return;
        };
        let Type::Record(r) = **item else {
            let found = self.program.type_name(&ty);
            self.error(CheckError::TypeMismatch {
                expected: "a list of records".into(),
                found,
                span: l.path.span,
                help: None,
            });
            return;
        };
        let fields = &self.program.records[r as usize].fields;
        match fields.iter().position(|f| f.name == l.shown_by.node) {
            Some(i) => {
                self.program.lines = Some(LinesInfo {
                    fact,
                    shown_by: i as u32,
                })
            }
            None => {
                let help = suggestion(&l.shown_by.node, fields.iter().map(|f| f.name.as_str()));
                let owner = self.program.records[r as usize].name.clone();
                self.error(CheckError::UnknownField {
                    owner,
                    field: l.shown_by.node.clone(),
                    span: l.shown_by.span,
                    help,
                });
            }
        }
    }

    fn stage_decl<'s>(&mut self, stage: &'s ast::StageDecl, rule_ids: &mut HashMap<&'s str, Span>) {
        if !self.declare(&format!("stage {}", stage.name.node), stage.name.span) {
            return;
        }
        let index = self.program.stages.len() as u32;
        let mut rules = Vec::new();
        for r in &stage.rules {
            if let Some(&first) = rule_ids.get(r.id.node.as_str()) {
                self.error(CheckError::DuplicateRule {
                    id: r.id.node.clone(),
                    span: r.id.span,
                    first,
                });
            } else {
                rule_ids.insert(&r.id.node, r.id.span);
            }
            rules.push(self.program.rules.len() as u32);
            let rule = self.rule_decl(r, index);
            self.program.rules.push(rule);
        }
        self.program.stages.push(Stage {
            name: stage.name.node.clone(),
            decides_alone: stage.decides_alone,
            rules,
        });
    }

    fn rule_decl(&mut self, r: &ast::RuleDecl, stage: u32) -> Rule {
        let cites = r.cites.as_ref().and_then(|c| {
            let found = self.program.sections.iter().position(|s| *s == c.node);
            if found.is_none() {
                let help = suggestion(&c.node, self.program.sections.iter().map(String::as_str))
                    .or_else(|| Some("declare it with `sections \"...\"`".into()));
                self.error(CheckError::UnknownSection {
                    name: c.node.clone(),
                    span: c.span,
                    help,
                });
            }
            found.map(|i| i as u32)
        });
        self.scopes.push(Vec::new());
        self.for_each = None;
        if let Some((var, list)) = &r.for_each {
            let slot = self.new_local();
            let item = self.for_each_list(list);
            self.for_each = Some(slot);
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((var.node.clone(), Local::Var(slot, item)));
            }
        }
        for (name, value) in &r.lets {
            let (node, ty) = self.expr(value, None);
            let id = self.program.lets.len() as u32;
            self.program.lets.push(node);
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.node.clone(), Local::Let(id, ty)));
            }
        }
        let when = r.when.as_ref().map(|w| self.condition(w));
        let branches = r.branches.iter().map(|b| self.branch(b)).collect();
        self.scopes.pop();
        let for_each = self.for_each.take();
        Rule {
            id: r.id.node.clone(),
            name: r.name.node.clone(),
            label: format!("{} {}", r.id.node, r.name.node),
            cites,
            for_each,
            when,
            branches,
            stage,
            span: r.span,
        }
    }

    /// Checks a `for each` list: it must be the decision's lines.
    fn for_each_list(&mut self, list: &ast::Path) -> Type {
        let joined: Vec<&str> = list.node.iter().map(|s| s.node.as_str()).collect();
        let joined = joined.join(".");
        let slot = self.program.fact_slots.get(&joined).copied();
        match (slot, &self.program.lines) {
            (Some(slot), Some(lines)) if lines.fact == slot => {
                match &self.program.facts[slot as usize].spec.ty {
                    Type::List(item) => (**item).clone(),
                    _ => Type::Any,
                }
            }
            (Some(_), _) => {
                self.error(CheckError::Declaration {
                    message: format!("`for each` ranges over the decision's lines, and `{joined}` is not them"),
                    span: list.span,
                    help: Some("declare the lines with `lines PATH shown by FIELD`, or use a quantifier (`any x in list where ...`)".into()),
                });
                Type::Any
            }
            (None, _) => {
                let help = suggestion(&joined, self.program.fact_slots.keys().map(String::as_str));
                self.error(CheckError::UnknownFact {
                    path: joined,
                    span: list.span,
                    help,
                });
                Type::Any
            }
        }
    }

    fn branch(&mut self, b: &ast::Branch) -> Branch {
        let cond = b.cond.as_ref().map(|c| self.condition(c));
        let mut outcome: Option<(u32, Span)> = None;
        let mut first_name = "";
        let mut to = None;
        let mut effects = Vec::new();
        for e in &b.effects {
            match &e.node {
                ast::EffectKind::Outcome { name, to: codes } => {
                    if outcome.is_some() {
                        self.error(CheckError::BadEffect {
                            message: "a branch decides at most one outcome".into(),
                            span: e.span,
                            help: Some(format!(
                                "this branch already decides `{first_name}`; split it with `if ... then ... else if ...`"
                            )),
                        });
                        continue;
                    }
                    if let Some(o) = self.outcome(name) {
                        outcome = Some((o, e.span));
                        first_name = &name.node;
                    }
                    if let Some(codes) = codes {
                        to = Some(self.codes(codes));
                    }
                }
                ast::EffectKind::Offer(codes) => effects.push(Effect::Offer(self.codes(codes))),
                ast::EffectKind::Caution(m) => effects.push(Effect::Caution(self.message(m))),
                ast::EffectKind::Missing {
                    unknown_among,
                    paths,
                } => {
                    let mut slots = Vec::new();
                    for p in paths {
                        let joined: Vec<&str> = p.node.iter().map(|s| s.node.as_str()).collect();
                        let joined = joined.join(".");
                        match self.program.fact_slots.get(&joined) {
                            Some(&s) => slots.push(s),
                            None => {
                                let help = suggestion(
                                    &joined,
                                    self.program.fact_slots.keys().map(String::as_str),
                                );
                                self.error(CheckError::UnknownFact {
                                    path: joined,
                                    span: p.span,
                                    help,
                                });
                            }
                        }
                    }
                    effects.push(Effect::Missing(*unknown_among, slots));
                }
                ast::EffectKind::Set { name, value } => {
                    match self
                        .program
                        .annotations
                        .iter()
                        .position(|a| a.name == name.node)
                    {
                        Some(i) => {
                            let ty = self.program.annotations[i].ty.clone();
                            let node = self.expect_type(value, &ty);
                            effects.push(Effect::Set(i as u32, node));
                        }
                        None => {
                            let help = suggestion(
                                &name.node,
                                self.program.annotations.iter().map(|a| a.name.as_str()),
                            )
                            .or_else(|| Some("declare it with `annotation NAME: TYPE`".into()));
                            self.error(CheckError::UnknownName {
                                name: name.node.clone(),
                                span: name.span,
                                help,
                            });
                        }
                    }
                }
            }
        }
        if outcome.is_none() && to.is_some() {
            self.error(CheckError::BadEffect {
                message: "`to` needs an outcome".into(),
                span: b.span,
                help: None,
            });
        }
        let pending = self.program.outcomes.pending;
        let missing_without_pend = effects.iter().any(|e| matches!(e, Effect::Missing(..)))
            && outcome.is_some_and(|(o, _)| o != pending);
        if missing_without_pend {
            self.error(CheckError::BadEffect {
                message: format!(
                    "`missing` goes with the `{}` outcome",
                    self.program.outcome_name(pending)
                ),
                span: b.span,
                help: Some("facts are missing only when the line waits for them".into()),
            });
        }
        let message = b.because.as_ref().map(|m| self.message(m));
        Branch {
            cond,
            outcome: outcome.map(|(o, _)| o),
            to,
            effects,
            message,
            span: b.span,
        }
    }

    fn message(&mut self, m: &ast::Message) -> Message {
        let parts = m
            .parts
            .iter()
            .map(|p| match p {
                ast::MessagePart::Text(t) => MessagePart::Text(t.clone()),
                ast::MessagePart::Hole(e) => MessagePart::Hole(self.expr(e, None).0),
            })
            .collect();
        Message { parts }
    }
}

//! Source text -> syntax tree. The only file that sees pest: its `Rule` and
//! `Pair` types stop here.

use std::sync::OnceLock;

use miette::Diagnostic;
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use thiserror::Error;

use super::ast::*;
use super::span::{Ident, Span, Spanned};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// A syntax error.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
#[error("{message}")]
#[diagnostic(code(policy::syntax::unexpected))]
pub struct SyntaxError {
    /// One sentence: what was expected where.
    pub message: String,
    /// Where the parser stopped.
    #[label("{label}")]
    pub span: Span,
    /// The label text.
    pub label: String,
    /// Advice.
    #[help]
    pub help: Option<String>,
    /// Whether the input ended before the parser was satisfied (the REPL asks
    /// for another line then).
    pub at_end: bool,
}

/// How deeply expressions may nest (brackets, prefix operators, operator
/// chains): far beyond any policy a person writes, well within the stack of
/// the recursive stages that follow.
pub const MAX_NESTING: usize = 200;

fn too_deep(start: usize, end: usize, what: &str) -> SyntaxError {
    SyntaxError {
        message: format!("{what} nests more than {MAX_NESTING} levels deep"),
        span: Span::new(start, end),
        label: "too deep".into(),
        help: Some("split it with `define`s or `let`s".into()),
        at_end: false,
    }
}

/// Rejects text whose brackets or runs of prefix operators nest too deeply,
/// before the parser recurses into them. Strings and comments are skipped.
fn check_nesting(source: &str) -> Result<(), SyntaxError> {
    let bytes = source.as_bytes();
    let (mut depth, mut prefix_run) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_deep(i, i + 1, "this bracket"));
                }
            }
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            b'-' => {
                prefix_run += 1;
                if prefix_run > MAX_NESTING {
                    return Err(too_deep(i, i + 1, "this run of operators"));
                }
            }
            b'n' if source[i..].starts_with("not")
                && bytes
                    .get(i + 3)
                    .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                prefix_run += 1;
                if prefix_run > MAX_NESTING {
                    return Err(too_deep(i, i + 3, "this run of operators"));
                }
                i += 2;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => prefix_run = 0,
        }
        i += 1;
    }
    Ok(())
}

/// The depth of an expression tree, counted without recursion.
fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        let d = d + 1;
        match &e.node {
            ExprKind::Unary { operand, .. } | ExprKind::Test { operand, .. } => {
                stack.push((&**operand, d))
            }
            ExprKind::Binary { lhs, rhs, .. } => stack.extend([(&**lhs, d), (&**rhs, d)]),
            ExprKind::Set(items) | ExprKind::Call { args: items, .. } => {
                stack.extend(items.iter().map(|c| (c, d)))
            }
            ExprKind::Comprehension {
                item, list, filter, ..
            } => {
                stack.extend([(&**item, d), (&**list, d)]);
                stack.extend(filter.as_deref().map(|c| (c, d)));
            }
            ExprKind::Quantifier { list, cond, .. } => {
                stack.push((&**list, d));
                stack.extend(cond.as_deref().map(|c| (c, d)));
            }
            ExprKind::Query { tests, .. } => stack.extend(tests.iter().map(|t| (&t.value, d))),
            ExprKind::Match { value, arms } => {
                stack.push((&**value, d));
                for (pattern, result) in arms {
                    stack.extend(pattern.as_ref().map(|p| (p, d)));
                    stack.push((result, d));
                }
            }
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Path(_) => {}
        }
    }
    deepest
}

/// A primary and its depth; most are leaves, which need no walk.
fn bounded_primary(pair: Pair<Rule>) -> (Expr, usize) {
    let e = primary(pair);
    let d = match e.node {
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Path(_) => 1,
        _ => depth(&e),
    };
    bounded(e, d)
}

thread_local! {
    /// The first expression found nesting too deeply while building the tree.
    static TOO_DEEP: std::cell::RefCell<Option<SyntaxError>> = const { std::cell::RefCell::new(None) };
}

/// `e`, or a leaf in its place (and the error noted) if it is too deep.
fn bounded(e: Expr, d: usize) -> (Expr, usize) {
    if d <= MAX_NESTING {
        return (e, d);
    }
    let span = e.span;
    TOO_DEEP.with(|t| {
        t.borrow_mut().get_or_insert_with(|| {
            too_deep(span.start as usize, span.end as usize, "this expression")
        });
    });
    (Spanned::new(ExprKind::Bool(false), span), 1)
}

/// The error noted while building, if any (and clears it).
fn take_too_deep() -> Result<(), SyntaxError> {
    TOO_DEEP.with(|t| t.borrow_mut().take()).map_or(Ok(()), Err)
}

/// Whether `source` has a control character other than a line feed. Such a
/// text is parsed from the grammar's strict entry rules, which scan comments,
/// strings and example JSON character by character (see "strict and fast
/// scanning" in the grammar). Written to let the compiler test many bytes at
/// once.
fn needs_strict(source: &str) -> bool {
    source.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, &b| found | ((b < 0x20) & (b != b'\n')))
    })
}

/// Parses `source` from `rule`, or from `strict_rule` (which wraps `rule`)
/// for strict scanning; returns the pairs inside `rule`.
fn parse_from<'i>(
    rule: Rule,
    strict_rule: Rule,
    source: &'i str,
    strict: bool,
) -> Result<Option<Pair<'i, Rule>>, SyntaxError> {
    let mut pairs = PolicyParser::parse(if strict { strict_rule } else { rule }, source)
        .map_err(|e| syntax_error(e, source))?;
    let root = pairs.next();
    Ok(if strict {
        root.and_then(|r| r.into_inner().next())
    } else {
        root
    })
}

/// Parses a whole policy file.
pub fn parse_policy(source: &str) -> Result<Policy, SyntaxError> {
    policy_from(source, needs_strict(source))
}

/// Parses a whole policy file, scanning strictly or not.
fn policy_from(source: &str, strict: bool) -> Result<Policy, SyntaxError> {
    check_nesting(source)?;
    let _ = take_too_deep();
    let Some(root) = parse_from(Rule::policy, Rule::strict_policy, source, strict)? else {
        return Ok(Policy {
            title: None,
            decls: Vec::new(),
        });
    };
    let mut title = None;
    let mut decls = Vec::new();
    for pair in root.into_inner() {
        match pair.as_rule() {
            Rule::policy_header => {
                if let Some(s) = pair.into_inner().next() {
                    title = Some(string(s));
                }
            }
            Rule::EOI => {}
            _ => decls.push(decl(pair)),
        }
    }
    take_too_deep()?;
    Ok(Policy { title, decls })
}

/// Parses one expression (the REPL's input).
pub fn parse_expr(source: &str) -> Result<Expr, SyntaxError> {
    check_nesting(source)?;
    let _ = take_too_deep();
    let strict = needs_strict(source);
    let root = parse_from(Rule::expr_input, Rule::strict_expr_input, source, strict)?
        .and_then(|p| p.into_inner().next());
    match root {
        Some(e) => {
            let e = expr(e);
            take_too_deep()?;
            Ok(e)
        }
        None => Err(SyntaxError {
            message: "expected an expression".into(),
            span: Span::new(0, 0),
            label: "here".into(),
            help: None,
            at_end: true,
        }),
    }
}

// ─────────────────────────── errors ───────────────────────────

fn syntax_error(err: pest::error::Error<Rule>, source: &str) -> SyntaxError {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let at_end = source[pos.min(source.len())..].trim().is_empty();
    let found = source[pos.min(source.len())..]
        .split_whitespace()
        .next()
        .map(|w| w.chars().take(24).collect::<String>());
    let expected = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| human(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let expected_text = match expected.len() {
        0 => "something else".to_string(),
        1 => expected[0].to_string(),
        _ => {
            let (last, rest) = expected.split_last().unwrap_or((&"", &[]));
            format!("{} or {last}", rest.join(", "))
        }
    };
    let (message, label) = match (&found, at_end) {
        (_, true) => (
            format!("unexpected end of input; expected {expected_text}"),
            "input ends here".to_string(),
        ),
        (Some(word), false) => (
            format!("unexpected `{word}`; expected {expected_text}"),
            format!("expected {expected_text}"),
        ),
        (None, false) => (format!("expected {expected_text}"), "here".to_string()),
    };
    let wants_value = expected
        .iter()
        .any(|e| *e == "a name" || *e == "an expression" || *e == "a vocabulary value");
    let help = found.as_deref().filter(|_| wants_value).and_then(|w| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
        reserved(bare).then(|| {
            format!(
                "`{bare}` is a keyword of the language; quote it (\"{bare}\") to use it as a value"
            )
        })
    });
    let end = (pos + found.as_ref().map_or(0, |w| w.len())).min(source.len());
    SyntaxError {
        message,
        span: Span::new(pos, end.max(pos)),
        label,
        help,
        at_end,
    }
}

fn reserved(word: &str) -> bool {
    PolicyParser::parse(Rule::keyword, word).is_ok_and(|p| p.as_str() == word)
}

/// The name a person knows a grammar rule by, or `None` for rules that only
/// group others.
fn human(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of input",
        Rule::ident | Rule::any_ident => "a name",
        Rule::rule_id => "a rule ID such as `K6`",
        Rule::rule_name => "a rule name such as `renal-contrast`",
        Rule::number | Rule::number_lit | Rule::signed_number => "a number",
        Rule::string | Rule::string_lit => "a string",
        Rule::message => "a message in quotes",
        Rule::path => "a name or dotted path",
        Rule::enum_decl
        | Rule::text_decl
        | Rule::record_decl
        | Rule::table_decl
        | Rule::facts_decl
        | Rule::const_decl
        | Rule::set_decl
        | Rule::define_decl
        | Rule::outcomes_decl
        | Rule::annotation_decl
        | Rule::sections_decl
        | Rule::lines_decl
        | Rule::stage_decl
        | Rule::policy_header => "a declaration",
        Rule::enum_value => "a vocabulary value",
        Rule::example_decl => "an example",
        Rule::json_object => "a JSON object",
        Rule::field_decl => "a field",
        Rule::fact_decl => "a fact such as `member.age: number required`",
        Rule::type_expr | Rule::named_type | Rule::list_type | Rule::number_type => "a type",
        Rule::kind
        | Rule::kind_default
        | Rule::kind_required
        | Rule::kind_unknown
        | Rule::kind_absent => "`required`, `may be unknown`, `may be absent` or `default ...`",
        Rule::literal => "a value",
        Rule::rule_decl => "a rule",
        Rule::cites => "`cites`",
        Rule::for_each => "`for each`",
        Rule::let_clause => "`let`",
        Rule::when_clause => "`when`",
        Rule::branches | Rule::then_branch | Rule::if_branch => "`then` or `if`",
        Rule::else_if_branch | Rule::else_branch => "`else`",
        Rule::because => "`because`",
        Rule::effects
        | Rule::outcome_effect
        | Rule::offer
        | Rule::caution
        | Rule::missing
        | Rule::set_annotation => "an effect",
        Rule::expr
        | Rule::operand
        | Rule::quantifier
        | Rule::call
        | Rule::set_literal
        | Rule::comprehension
        | Rule::match_expr
        | Rule::bool_lit => "an expression",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_is
        | Rule::op_is_not
        | Rule::op_has_any
        | Rule::op_has_none
        | Rule::op_has_all
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::is_known
        | Rule::is_not_known
        | Rule::is_present
        | Rule::is_absent
        | Rule::is_empty
        | Rule::is_not_empty
        | Rule::if_known => "a test such as `is known`",
        Rule::query_test => "a column test such as `family is ct`",
        Rule::query_is | Rule::query_in => "`is` or `in`",
        Rule::test_word => "`known`, `present`, `absent` or `empty`",
        Rule::match_arm => "a match arm such as `with => {with}`",
        Rule::param => "a parameter such as `l: line`",
        Rule::outcome_default | Rule::outcome_pending | Rule::outcome_restrict => {
            "`default`, `pending` or `restrict`"
        }
        _ => return None,
    })
}

// ─────────────────────────── helpers ───────────────────────────

fn span(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn ident(pair: Pair<Rule>) -> Ident {
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A `string` (its text, quotes included): what is between the quotes.
fn string(pair: Pair<Rule>) -> Spanned<String> {
    let text = pair.as_str();
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    Spanned::new(unescape(inner), span(&pair))
}

fn number_value(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

fn path(pair: Pair<Rule>) -> Path {
    let sp = span(&pair);
    Spanned::new(pair.into_inner().map(ident).collect(), sp)
}

// ─────────────────────────── declarations ───────────────────────────

fn decl(pair: Pair<Rule>) -> Decl {
    let sp = span(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    match rule {
        Rule::enum_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let values = inner
                .map(|v| {
                    let vsp = span(&v);
                    match v.into_inner().next() {
                        Some(x) if x.as_rule() == Rule::string => string(x),
                        Some(x) => ident(x),
                        None => Spanned::new(String::new(), vsp),
                    }
                })
                .collect();
            Decl::Enum(EnumDecl { name, values })
        }
        Rule::text_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let pattern = inner
                .next()
                .map(string)
                .unwrap_or_else(|| Spanned::new(String::new(), sp));
            Decl::Text(TextDecl { name, pattern })
        }
        Rule::record_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let fields = inner.map(field_decl).collect();
            Decl::Record(RecordDecl { name, fields })
        }
        Rule::table_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let file = inner
                .next()
                .map(string)
                .unwrap_or_else(|| Spanned::new(String::new(), sp));
            let key = inner.next().map(|k| {
                let ksp = span(&k);
                let mut ki = k.into_inner();
                let name = ki.next().map(ident).unwrap_or_default_ident(ksp);
                let ty = ki
                    .next()
                    .map(type_expr)
                    .unwrap_or_else(|| Spanned::new(TypeKind::Bool, ksp));
                FieldDecl {
                    name,
                    ty,
                    kind: None,
                }
            });
            let columns = inner.map(field_decl).collect();
            Decl::Table(TableDecl {
                name,
                file,
                key: key.unwrap_or_else(|| FieldDecl {
                    name: Spanned::new(String::new(), sp),
                    ty: Spanned::new(TypeKind::Bool, sp),
                    kind: None,
                }),
                columns,
            })
        }
        Rule::facts_decl => Decl::Facts(
            inner
                .map(|f| {
                    let fsp = span(&f);
                    let mut fi = f.into_inner();
                    let path = fi
                        .next()
                        .map(path)
                        .unwrap_or_else(|| Spanned::new(Vec::new(), fsp));
                    let ty = fi
                        .next()
                        .map(type_expr)
                        .unwrap_or_else(|| Spanned::new(TypeKind::Bool, fsp));
                    let kind = fi
                        .next()
                        .map(kind)
                        .unwrap_or_else(|| Spanned::new(KindKind::Required, fsp));
                    FactDecl { path, ty, kind }
                })
                .collect(),
        ),
        Rule::const_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let value = inner
                .next()
                .map(literal)
                .unwrap_or_else(|| Spanned::new(LiteralKind::Bool(false), sp));
            Decl::Const(ConstDecl { name, value })
        }
        Rule::set_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let item = inner
                .next()
                .map(type_expr)
                .unwrap_or_else(|| Spanned::new(TypeKind::Bool, sp));
            let items = inner
                .next()
                .map(|s| {
                    let ssp = span(&s);
                    Spanned::new(s.into_inner().map(expr_literal).collect(), ssp)
                })
                .unwrap_or_else(|| Spanned::new(Vec::new(), sp));
            Decl::Set(SetDecl { name, item, items })
        }
        Rule::define_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let mut params = Vec::new();
            let mut body = None;
            let mut ty = None;
            for p in inner {
                match p.as_rule() {
                    Rule::type_expr => ty = Some(type_expr(p)),
                    Rule::params => {
                        for param in p.into_inner() {
                            let psp = span(&param);
                            let mut pi = param.into_inner();
                            let name = pi.next().map(ident).unwrap_or_default_ident(psp);
                            let ty = pi
                                .next()
                                .map(type_expr)
                                .unwrap_or_else(|| Spanned::new(TypeKind::Bool, psp));
                            params.push(Param { name, ty });
                        }
                    }
                    _ => body = Some(expr(p)),
                }
            }
            Decl::Define(DefineDecl {
                name,
                params,
                ty,
                body: body.unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), sp)),
            })
        }
        Rule::outcomes_decl => {
            let mut ranking = Vec::new();
            let mut default = None;
            let mut pending = None;
            let mut restricts = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::any_ident => ranking.push(ident(p)),
                    Rule::outcome_default => default = p.into_inner().next().map(ident),
                    Rule::outcome_pending => pending = p.into_inner().next().map(ident),
                    Rule::outcome_restrict => {
                        let mut ri = p.into_inner().map(ident);
                        if let Some(first) = ri.next() {
                            restricts.push((first, ri.collect()));
                        }
                    }
                    _ => {}
                }
            }
            Decl::Outcomes(OutcomesDecl {
                ranking,
                default,
                pending,
                restricts,
                span: sp,
            })
        }
        Rule::annotation_decl => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let ty = inner
                .next()
                .map(type_expr)
                .unwrap_or_else(|| Spanned::new(TypeKind::Bool, sp));
            let default = inner
                .next()
                .and_then(|k| k.into_inner().next())
                .map(literal);
            Decl::Annotation(AnnotationDecl { name, ty, default })
        }
        Rule::sections_decl => Decl::Sections(inner.map(string).collect()),
        Rule::example_decl => {
            let name = inner
                .next()
                .map(string)
                .unwrap_or_else(|| Spanned::new(String::new(), sp));
            let mut json = || {
                inner
                    .next()
                    .map(|j| Spanned::new(j.as_str().to_string(), span(&j)))
                    .unwrap_or_else(|| Spanned::new(String::new(), sp))
            };
            let request = json();
            let expect = json();
            Decl::Example(ExampleDecl {
                name,
                request,
                expect,
                span: sp,
            })
        }
        Rule::lines_decl => {
            let path = inner
                .next()
                .map(path)
                .unwrap_or_else(|| Spanned::new(Vec::new(), sp));
            let shown_by = inner.next().map(ident).unwrap_or_default_ident(sp);
            Decl::Lines(LinesDecl { path, shown_by })
        }
        _ => {
            // stage_decl: the grammar allows nothing else here.
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let mut decides_alone = false;
            let mut rules = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::decides_alone => decides_alone = true,
                    _ => rules.push(rule_decl(p)),
                }
            }
            Decl::Stage(StageDecl {
                name,
                decides_alone,
                rules,
            })
        }
    }
}

trait DefaultIdent {
    fn unwrap_or_default_ident(self, span: Span) -> Ident;
}

impl DefaultIdent for Option<Ident> {
    fn unwrap_or_default_ident(self, span: Span) -> Ident {
        self.unwrap_or_else(|| Spanned::new(String::new(), span))
    }
}

fn field_decl(pair: Pair<Rule>) -> FieldDecl {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let name = inner.next().map(ident).unwrap_or_default_ident(sp);
    let ty = inner
        .next()
        .map(type_expr)
        .unwrap_or_else(|| Spanned::new(TypeKind::Bool, sp));
    let kind = inner.next().map(kind);
    FieldDecl { name, ty, kind }
}

fn type_expr(pair: Pair<Rule>) -> TypeExpr {
    let sp = span(&pair);
    let Some(inner) = pair.into_inner().next() else {
        return Spanned::new(TypeKind::Bool, sp);
    };
    let kind = match inner.as_rule() {
        Rule::list_type => {
            let mut non_empty = false;
            let mut item = None;
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::non_empty => non_empty = true,
                    _ => item = Some(type_expr(p)),
                }
            }
            TypeKind::List {
                item: Box::new(item.unwrap_or_else(|| Spanned::new(TypeKind::Bool, sp))),
                non_empty,
            }
        }
        Rule::number_type => {
            let mut it = inner.into_inner();
            let integer = it.next().is_some_and(|k| k.as_str() == "integer");
            let (mut min, mut max) = (None, None);
            if let Some(bounds) = it.next().and_then(|b| b.into_inner().next()) {
                let rule = bounds.as_rule();
                let nums: Vec<f64> = bounds
                    .into_inner()
                    .map(|n| number_value(n.as_str()))
                    .collect();
                match rule {
                    Rule::bound_range => {
                        min = nums.first().copied();
                        max = nums.get(1).copied();
                    }
                    Rule::bound_least => min = nums.first().copied(),
                    _ => max = nums.first().copied(),
                }
            }
            TypeKind::Number { integer, min, max }
        }
        _ => {
            let text = inner.as_str();
            if text == "bool" {
                TypeKind::Bool
            } else {
                TypeKind::Named(text.to_string())
            }
        }
    };
    Spanned::new(kind, sp)
}

fn kind(pair: Pair<Rule>) -> Kind {
    let sp = span(&pair);
    let Some(inner) = pair.into_inner().next() else {
        return Spanned::new(KindKind::Required, sp);
    };
    let k = match inner.as_rule() {
        Rule::kind_required => KindKind::Required,
        Rule::kind_unknown => KindKind::Unknown,
        Rule::kind_absent => KindKind::Absent,
        _ => match inner.into_inner().next() {
            Some(lit) => KindKind::Default(literal(lit)),
            None => KindKind::Required,
        },
    };
    Spanned::new(k, sp)
}

fn literal(pair: Pair<Rule>) -> Literal {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::literal => match pair.into_inner().next() {
            Some(inner) => literal(inner),
            None => Spanned::new(LiteralKind::Bool(false), sp),
        },
        Rule::set_literal => Spanned::new(
            LiteralKind::Set(pair.into_inner().map(expr_literal).collect()),
            sp,
        ),
        Rule::number_lit => Spanned::new(LiteralKind::Number(number_value(pair.as_str())), sp),
        Rule::string_lit => {
            let s = pair
                .into_inner()
                .next()
                .map(string)
                .map(|s| s.node)
                .unwrap_or_default();
            Spanned::new(LiteralKind::Str(s), sp)
        }
        Rule::bool_lit => Spanned::new(LiteralKind::Bool(pair.as_str() == "true"), sp),
        _ => Spanned::new(LiteralKind::Name(pair.as_str().to_string()), sp),
    }
}

/// A set item written as an expression, read back as a literal (set items in
/// declarations must be literal values).
fn expr_literal(pair: Pair<Rule>) -> Literal {
    let e = expr(pair);
    expr_to_literal(&e)
}

fn expr_to_literal(e: &Expr) -> Literal {
    let kind = match &e.node {
        ExprKind::Number(n) => LiteralKind::Number(*n),
        ExprKind::Str(s) => LiteralKind::Str(s.clone()),
        ExprKind::Bool(b) => LiteralKind::Bool(*b),
        ExprKind::Path(p) if p.len() == 1 => LiteralKind::Name(p[0].node.clone()),
        ExprKind::Set(items) => LiteralKind::Set(items.iter().map(expr_to_literal).collect()),
        // Anything else is not a literal: keep its text as a name so the
        // checker reports it as an unknown value at the right place.
        _ => LiteralKind::Name(format!("<expression at {}>", e.span.start)),
    };
    Spanned::new(kind, e.span)
}

// ─────────────────────────────── rules ───────────────────────────────

fn rule_decl(pair: Pair<Rule>) -> RuleDecl {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let id = inner.next().map(ident).unwrap_or_default_ident(sp);
    let name = inner.next().map(ident).unwrap_or_default_ident(sp);
    let mut rule = RuleDecl {
        id,
        name,
        cites: None,
        for_each: None,
        lets: Vec::new(),
        when: None,
        branches: Vec::new(),
        span: sp,
    };
    for p in inner {
        match p.as_rule() {
            Rule::cites => rule.cites = p.into_inner().next().map(string),
            Rule::for_each => {
                let fsp = span(&p);
                let mut fi = p.into_inner();
                let var = fi.next().map(ident).unwrap_or_default_ident(fsp);
                let list = fi
                    .next()
                    .map(path)
                    .unwrap_or_else(|| Spanned::new(Vec::new(), fsp));
                rule.for_each = Some((var, list));
            }
            Rule::let_clause => {
                let lsp = span(&p);
                let mut li = p.into_inner();
                let name = li.next().map(ident).unwrap_or_default_ident(lsp);
                let value = li
                    .next()
                    .map(expr)
                    .unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), lsp));
                rule.lets.push((name, value));
            }
            Rule::when_clause => rule.when = p.into_inner().next().map(expr),
            _ => rule.branches = p.into_inner().map(branch).collect(),
        }
    }
    rule
}

fn branch(pair: Pair<Rule>) -> Branch {
    let sp = span(&pair);
    let has_cond = matches!(pair.as_rule(), Rule::if_branch | Rule::else_if_branch);
    let mut inner = pair.into_inner().peekable();
    let cond = if has_cond {
        inner.next().map(expr)
    } else {
        None
    };
    let mut effects = Vec::new();
    let mut because = None;
    for p in inner {
        match p.as_rule() {
            Rule::effects => effects = p.into_inner().map(effect).collect(),
            _ => because = p.into_inner().next().map(message),
        }
    }
    Branch {
        cond,
        effects,
        because,
        span: sp,
    }
}

fn effect(pair: Pair<Rule>) -> Effect {
    let sp = span(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let kind = match rule {
        Rule::offer => EffectKind::Offer(
            inner
                .next()
                .map(expr)
                .unwrap_or_else(|| Spanned::new(ExprKind::Set(vec![]), sp)),
        ),
        Rule::caution => EffectKind::Caution(inner.next().map(message).unwrap_or(Message {
            parts: vec![],
            span: sp,
        })),
        Rule::missing => {
            let mut unknown_among = false;
            let mut paths = Vec::new();
            for p in inner {
                match p.as_rule() {
                    Rule::missing_among => unknown_among = true,
                    _ => paths.push(path(p)),
                }
            }
            EffectKind::Missing {
                unknown_among,
                paths,
            }
        }
        Rule::set_annotation => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let value = inner
                .next()
                .map(expr)
                .unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), sp));
            EffectKind::Set { name, value }
        }
        _ => {
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            let to = inner.next().map(expr);
            EffectKind::Outcome { name, to }
        }
    };
    Spanned::new(kind, sp)
}

fn message(pair: Pair<Rule>) -> Message {
    let sp = span(&pair);
    let parts = pair
        .into_inner()
        .filter_map(|p| match p.as_rule() {
            Rule::message_text => Some(MessagePart::Text(unescape(p.as_str()))),
            _ => p.into_inner().next().map(|e| MessagePart::Hole(expr(e))),
        })
        .collect();
    Message { parts, span: sp }
}

// ──────────────────────────── expressions ────────────────────────────

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::postfix(Rule::if_known))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_is, Assoc::Left)
                | Op::infix(Rule::op_is_not, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left)
                | Op::infix(Rule::op_not_in, Assoc::Left)
                | Op::infix(Rule::op_has_any, Assoc::Left)
                | Op::infix(Rule::op_has_none, Assoc::Left)
                | Op::infix(Rule::op_has_all, Assoc::Left))
            .op(Op::postfix(Rule::is_known)
                | Op::postfix(Rule::is_not_known)
                | Op::postfix(Rule::is_present)
                | Op::postfix(Rule::is_absent)
                | Op::postfix(Rule::is_empty)
                | Op::postfix(Rule::is_not_empty))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

fn expr(pair: Pair<Rule>) -> Expr {
    match pair.as_rule() {
        Rule::expr => {
            let inner = pair.into_inner();
            // Most expressions are one operand: no operators to order.
            if inner.len() == 1
                && let Some(only) = inner.peek()
            {
                return bounded_primary(only).0;
            }
            pratt()
                .map_primary(bounded_primary)
                .map_prefix(|op, (operand, d)| {
                    let sp = span(&op).to(operand.span);
                    let op = if op.as_rule() == Rule::op_not {
                        UnaryOp::Not
                    } else {
                        UnaryOp::Neg
                    };
                    bounded(
                        Spanned::new(
                            ExprKind::Unary {
                                op,
                                operand: Box::new(operand),
                            },
                            sp,
                        ),
                        d + 1,
                    )
                })
                .map_postfix(|(operand, d), op| {
                    let sp = operand.span.to(span(&op));
                    let test = match op.as_rule() {
                        Rule::is_known => TestOp::IsKnown,
                        Rule::is_not_known => TestOp::IsNotKnown,
                        Rule::is_present => TestOp::IsPresent,
                        Rule::is_absent => TestOp::IsAbsent,
                        Rule::is_empty => TestOp::IsEmpty,
                        Rule::is_not_empty => TestOp::IsNotEmpty,
                        _ => TestOp::IfKnown,
                    };
                    bounded(
                        Spanned::new(
                            ExprKind::Test {
                                test,
                                operand: Box::new(operand),
                            },
                            sp,
                        ),
                        d + 1,
                    )
                })
                .map_infix(|(lhs, dl), op, (rhs, dr)| {
                    let d = dl.max(dr);
                    let sp = lhs.span.to(rhs.span);
                    let op = match op.as_rule() {
                        Rule::op_or => BinaryOp::Or,
                        Rule::op_and => BinaryOp::And,
                        Rule::op_eq | Rule::op_is => BinaryOp::Eq,
                        Rule::op_ne | Rule::op_is_not => BinaryOp::Ne,
                        Rule::op_lt => BinaryOp::Lt,
                        Rule::op_le => BinaryOp::Le,
                        Rule::op_gt => BinaryOp::Gt,
                        Rule::op_ge => BinaryOp::Ge,
                        Rule::op_in => BinaryOp::In,
                        Rule::op_not_in => BinaryOp::NotIn,
                        Rule::op_has_any => BinaryOp::HasAny,
                        Rule::op_has_none => BinaryOp::HasNone,
                        Rule::op_has_all => BinaryOp::HasAll,
                        Rule::op_add => BinaryOp::Add,
                        Rule::op_sub => BinaryOp::Sub,
                        Rule::op_mul => BinaryOp::Mul,
                        _ => BinaryOp::Div,
                    };
                    bounded(
                        Spanned::new(
                            ExprKind::Binary {
                                op,
                                lhs: Box::new(lhs),
                                rhs: Box::new(rhs),
                            },
                            sp,
                        ),
                        d + 1,
                    )
                })
                .parse(inner)
                .0
        }
        _ => primary(pair),
    }
}

fn query_test(t: Pair<Rule>) -> QueryTest {
    let tsp = span(&t);
    let mut ti = t.into_inner();
    let column = ti.next().map(ident).unwrap_or_default_ident(tsp);
    let is_in = ti.next().is_some_and(|op| op.as_rule() == Rule::query_in);
    let value = ti
        .next()
        .map(primary)
        .unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), tsp));
    QueryTest {
        column,
        is_in,
        value,
    }
}

fn primary(pair: Pair<Rule>) -> Expr {
    let sp = span(&pair);
    let rule = pair.as_rule();
    let kind = match rule {
        Rule::expr => return expr(pair),
        Rule::operand => match pair.into_inner().next() {
            Some(inner) => return primary(inner),
            None => ExprKind::Bool(false),
        },
        Rule::number_lit => ExprKind::Number(number_value(pair.as_str())),
        Rule::string_lit => ExprKind::Str(
            pair.into_inner()
                .next()
                .map(string)
                .map(|s| s.node)
                .unwrap_or_default(),
        ),
        Rule::bool_lit => ExprKind::Bool(pair.as_str() == "true"),
        Rule::path => ExprKind::Path(pair.into_inner().map(ident).collect()),
        Rule::named => {
            let mut inner = pair.into_inner();
            let Some(head) = inner.next() else {
                return Spanned::new(ExprKind::Bool(false), sp);
            };
            // The pair's own span may run over trailing whitespace: take the
            // path's, and the tail's end.
            let head_span = span(&head);
            let segments: Vec<Ident> = head.into_inner().map(ident).collect();
            match inner.next() {
                None => return Spanned::new(ExprKind::Path(segments), head_span),
                Some(tail) => {
                    // Calls and queries name one thing: a dotted head is
                    // kept whole so the checker reports it by its full name.
                    let name = match segments.as_slice() {
                        [one] => one.clone(),
                        many => {
                            let text: Vec<&str> = many.iter().map(|s| s.node.as_str()).collect();
                            let span = many
                                .first()
                                .map_or(sp, |f| f.span.to(many.last().map_or(f.span, |l| l.span)));
                            Spanned::new(text.join("."), span)
                        }
                    };
                    let whole = head_span.to(span(&tail));
                    let kind = if tail.as_rule() == Rule::call_args {
                        ExprKind::Call {
                            name,
                            args: tail.into_inner().map(expr).collect(),
                        }
                    } else {
                        ExprKind::Query {
                            table: name,
                            tests: tail.into_inner().map(query_test).collect(),
                        }
                    };
                    return Spanned::new(kind, whole);
                }
            }
        }
        Rule::set_literal => ExprKind::Set(pair.into_inner().map(expr).collect()),
        Rule::call => {
            let mut inner = pair.into_inner();
            let name = inner.next().map(ident).unwrap_or_default_ident(sp);
            ExprKind::Call {
                name,
                args: inner.map(expr).collect(),
            }
        }
        Rule::comprehension => {
            let mut inner = pair.into_inner();
            let item = inner.next().map(expr);
            let var = inner.next().map(ident).unwrap_or_default_ident(sp);
            let list = inner.next().map(primary);
            let filter = inner.next().map(expr).map(Box::new);
            match (item, list) {
                (Some(item), Some(list)) => ExprKind::Comprehension {
                    item: Box::new(item),
                    var,
                    list: Box::new(list),
                    filter,
                },
                _ => ExprKind::Set(Vec::new()),
            }
        }
        Rule::quantifier => {
            let mut kind = Quantifier::Any;
            let mut other = false;
            let mut var = None;
            let mut list = None;
            let mut cond = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::quantifier_kind => {
                        kind = match p.as_str().trim() {
                            "all" => Quantifier::All,
                            "no" => Quantifier::No,
                            "count" => Quantifier::Count,
                            _ => Quantifier::Any,
                        }
                    }
                    Rule::other => other = true,
                    Rule::ident => var = Some(ident(p)),
                    Rule::operand => list = Some(primary(p)),
                    _ => cond = Some(Box::new(expr(p))),
                }
            }
            ExprKind::Quantifier {
                kind,
                other,
                var: var.unwrap_or_default_ident(sp),
                list: Box::new(list.unwrap_or_else(|| Spanned::new(ExprKind::Set(vec![]), sp))),
                cond,
            }
        }
        Rule::match_expr => {
            let mut inner = pair.into_inner();
            let value = inner
                .next()
                .map(primary)
                .unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), sp));
            let arms = inner
                .map(|arm| {
                    let asp = span(&arm);
                    let mut ai = arm.into_inner();
                    let pattern = ai.next().and_then(|p| match p.as_rule() {
                        Rule::match_else => None,
                        Rule::any_ident => {
                            let id = ident(p);
                            let psp = id.span;
                            Some(Spanned::new(ExprKind::Path(vec![id]), psp))
                        }
                        _ => Some(primary(p)),
                    });
                    let result = ai
                        .next()
                        .map(expr)
                        .unwrap_or_else(|| Spanned::new(ExprKind::Bool(false), asp));
                    (pattern, result)
                })
                .collect();
            ExprKind::Match {
                value: Box::new(value),
                arms,
            }
        }
        _ => ExprKind::Str(pair.as_str().to_string()),
    };
    Spanned::new(kind, sp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(src: &str) -> Policy {
        match parse_policy(src) {
            Ok(p) => p,
            Err(e) => panic!("{src}\n{e:?}"),
        }
    }

    fn fails(src: &str) -> SyntaxError {
        match parse_policy(src) {
            Ok(p) => panic!("parsed: {p:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence_of_and_over_or() {
        let e = parse_expr("a or b and c").unwrap();
        let ExprKind::Binary { op, rhs, .. } = e.node else {
            panic!()
        };
        assert_eq!(op, BinaryOp::Or);
        assert!(matches!(
            rhs.node,
            ExprKind::Binary {
                op: BinaryOp::And,
                ..
            }
        ));
    }

    #[test]
    fn comparison_binds_tighter_than_not() {
        let e = parse_expr("not a is b").unwrap();
        let ExprKind::Unary { operand, .. } = e.node else {
            panic!()
        };
        assert!(matches!(
            operand.node,
            ExprKind::Binary {
                op: BinaryOp::Eq,
                ..
            }
        ));
    }

    #[test]
    fn is_tests_are_postfix() {
        let e = parse_expr("member.age is not known or x is empty").unwrap();
        let ExprKind::Binary { lhs, rhs, .. } = e.node else {
            panic!()
        };
        assert!(matches!(
            lhs.node,
            ExprKind::Test {
                test: TestOp::IsNotKnown,
                ..
            }
        ));
        assert!(matches!(
            rhs.node,
            ExprKind::Test {
                test: TestOp::IsEmpty,
                ..
            }
        ));
    }

    #[test]
    fn if_known_wraps_a_comparison() {
        let e = parse_expr("member.gfr < LOW_GFR if known").unwrap();
        let ExprKind::Test { test, operand } = e.node else {
            panic!()
        };
        assert_eq!(test, TestOp::IfKnown);
        assert!(matches!(
            operand.node,
            ExprKind::Binary {
                op: BinaryOp::Lt,
                ..
            }
        ));
    }

    #[test]
    fn quantifier_with_other_and_where() {
        let e = parse_expr("any other l in order.lines where l.code.family is ct").unwrap();
        let ExprKind::Quantifier {
            kind, other, cond, ..
        } = e.node
        else {
            panic!()
        };
        assert_eq!(kind, Quantifier::Any);
        assert!(other);
        assert!(cond.is_some());
    }

    #[test]
    fn query_tests_are_joined_by_and() {
        let e = parse_expr("codes where family is ct and region in {head, chest}").unwrap();
        let ExprKind::Query { tests, .. } = e.node else {
            panic!()
        };
        assert_eq!(tests.len(), 2);
        assert!(tests[1].is_in);
    }

    #[test]
    fn keywords_do_not_swallow_names() {
        let e = parse_expr("ordered or andrew").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Binary {
                op: BinaryOp::Or,
                ..
            }
        ));
        let e = parse_expr("x is none").unwrap();
        assert!(matches!(
            e.node,
            ExprKind::Binary {
                op: BinaryOp::Eq,
                ..
            }
        ));
    }

    #[test]
    fn a_rule_with_branches() {
        let p = parses(
            r#"stage s { rule K5 pregnancy-gadolinium cites "Preface-3"
                 for each line in order.lines
                 let plain = f(line)
                 when member.pregnant
                 if x then review because "a {line.code} b"
                 else if plain is not empty then alternative, offer plain
                 else review }"#,
        );
        let Decl::Stage(stage) = &p.decls[0] else {
            panic!()
        };
        let rule = &stage.rules[0];
        assert_eq!(rule.id.node, "K5");
        assert_eq!(rule.branches.len(), 3);
        assert_eq!(rule.branches[1].effects.len(), 2);
        let msg = rule.branches[0].because.as_ref().unwrap();
        assert_eq!(msg.parts.len(), 3);
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
    fn a_missing_then_is_reported_with_human_names() {
        let e = fails("stage s { rule A1 a when x }");
        assert!(e.message.contains("`then` or `if`"), "{}", e.message);
        assert!(e.message.contains("unexpected `}`"), "{}", e.message);
    }

    #[test]
    fn unterminated_input_is_marked_at_end() {
        let e = parse_expr("a and").unwrap_err();
        assert!(e.at_end);
        assert!(e.message.contains("end of input"));
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
    fn missing_paths_stop_at_the_next_effect() {
        let p = parses("stage s { rule A1 a then pend, missing a.b, c, offer x because \"m\" }");
        let Decl::Stage(stage) = &p.decls[0] else {
            panic!()
        };
        let effects = &stage.rules[0].branches[0].effects;
        assert_eq!(effects.len(), 3);
        assert!(matches!(&effects[1].node, EffectKind::Missing { paths, .. } if paths.len() == 2));
        assert!(matches!(effects[2].node, EffectKind::Offer(_)));
    }

    /// Nesting that would exhaust the stack of the recursive stages is an
    /// error, not a crash.
    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let parens = format!("{}a{}", "(".repeat(5_000), ")".repeat(5_000));
        assert!(
            parse_expr(&parens)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let chain = format!("a{}", " and a".repeat(100_000));
        assert!(
            parse_expr(&chain)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let nots = format!("{}a", "not ".repeat(5_000));
        assert!(
            parse_expr(&nots)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        let tests = format!("a{}", " is known".repeat(5_000));
        assert!(
            parse_expr(&tests)
                .unwrap_err()
                .message
                .contains("nests more than 200")
        );
        // Nesting a person writes is fine, and strings and comments do not count.
        let fine = format!("{}a{} and \"(((((\"", "(".repeat(50), ")".repeat(50));
        assert!(parse_expr(&fine).is_ok());
        assert!(parse_expr("not not a is known and -(-(1)) < 2").is_ok());
    }

    /// The fast scans of comments, strings, messages and example JSON (used
    /// where the only control character is the line feed) read text exactly
    /// as the character-by-character ones do: same tree, same errors.
    #[test]
    fn fast_and_strict_scanning_agree() {
        let mut texts = vec![crate::EMBEDDED_POLICY.to_string()];
        for broken in [
            r#"example "e" { request {"a": "b} expect {} }"#,
            "example \"e\" { request {\"a\": \"b\n\"} expect {} }",
            r#"example "e" { request {"a": {"b": "\"}"}} expect {"x": 1}"#,
            r#"example "e" { request {"a": [1, {"b": "}"}]} expect {} }"#,
            r#"sections "a\"b", "c"#,
            "sections \"a\nb\"",
            r#"stage s { rule A1 a then deny because "x } y" }"#,
            r#"stage s { rule A1 a then deny because "x {a b" }"#,
            r#"stage s { rule A1 a then deny because "x \{ {a} \" y" }"#,
            "stage s { rule A1 a # then\n then deny # ok",
        ] {
            texts.push(broken.to_string());
        }
        for text in &texts {
            assert!(!needs_strict(text), "{text}");
            assert_eq!(policy_from(text, false), policy_from(text, true), "{text}");
        }
    }

    /// A text with other control characters is scanned strictly, and they are
    /// rejected where they were before the fast scans.
    #[test]
    fn control_characters_pick_strict_scanning() {
        assert!(needs_strict("a\tb"));
        assert!(needs_strict("a\r\nb"));
        assert!(!needs_strict("a\nb"));
        let e = fails("example \"e\" { request {\"a\": \"b\u{1}\"} expect {} }");
        assert!(e.message.contains("a JSON object"), "{}", e.message);
        assert_eq!(parses("# a\tcomment\r\nconst C = 1").decls.len(), 1);
        let e = fails("sections \"a\u{1}\"");
        assert!(e.message.contains("a string"), "{}", e.message);
    }

    #[test]
    fn rule_ids_are_capitals_and_digits() {
        let e = fails("stage s { rule m1 x then deny }");
        assert!(e.message.contains("rule ID"), "{}", e.message);
    }
}

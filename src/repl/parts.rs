//! The parts of a rule's condition, for `:why`: a compiled condition walked
//! node by node, each part with its source text (from its span) and its
//! value for the current request, following the rule's `let`s and the
//! definitions it calls down to the facts; and the effects of a branch,
//! worked out.

use std::fmt::Write;

use super::Paint;
use crate::eval::program::{Branch, Effect, MessagePart, Node, NodeKind, Program, Rule, Value};
use crate::eval::{Eval, truth};

/// How deep the walk goes below a condition.
const MAX_DEPTH: usize = 8;
/// Lists longer than this are shortened.
const MAX_ITEMS: usize = 10;
/// Texts of inner parts longer than this are shortened.
const MAX_TEXT: usize = 100;

/// A part of a condition with its value.
pub(super) struct Part {
    text: String,
    value: Value,
    shown: String,
    children: Vec<Part>,
}

/// Source text on one line.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(text: String) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text;
    }
    let cut: String = text.chars().take(MAX_TEXT - 1).collect();
    format!("{cut}…")
}

pub(super) struct Walker<'p> {
    /// The evaluator, with the rule's line bound.
    pub(super) ev: Eval<'p>,
    /// The program.
    pub(super) program: &'p Program,
    /// The policy's text, which the spans point into.
    pub(super) source: &'p str,
    /// The rule being explained.
    pub(super) rule: &'p Rule,
    /// Colours.
    pub(super) paint: Paint,
}

impl<'p> Walker<'p> {
    fn show(&self, v: Value) -> String {
        match v {
            Value::List(id) if self.ev.list_len(id) > MAX_ITEMS => {
                let items = self.ev.list_items(id);
                let head: Vec<String> = items[..MAX_ITEMS - 2]
                    .iter()
                    .map(|v| self.ev.show(*v))
                    .collect();
                format!("{{{}, … ({} in all)}}", head.join(", "), items.len())
            }
            _ => self.ev.show(v),
        }
    }

    fn painted(&self, part: &Part) -> String {
        match part.value {
            Value::Unknown => self.paint.unknown("unknown"),
            Value::Bool(true) => self.paint.good("true"),
            Value::Bool(false) => self.paint.bad("false"),
            _ => part.shown.clone(),
        }
    }

    /// Whether a part says nothing its parent does not: a literal, or the
    /// rule's own line.
    fn trivial(&self, n: &Node, v: Value) -> bool {
        match &n.kind {
            NodeKind::Const(_) => {
                let text = self.text(n);
                text.trim_matches('"') == self.ev.show(v) || text.is_empty()
            }
            NodeKind::Local(slot) => Some(*slot) == self.rule.for_each,
            _ => n.span.is_empty(),
        }
    }

    /// The operands of a chain of one logical operator, flattened.
    fn chain<'n>(n: &'n Node, and: bool, out: &mut Vec<&'n Node>) {
        match &n.kind {
            NodeKind::And(a, b) if and => {
                Self::chain(a, and, out);
                Self::chain(b, and, out);
            }
            NodeKind::Or(a, b) if !and => {
                Self::chain(a, and, out);
                Self::chain(b, and, out);
            }
            _ => out.push(n),
        }
    }

    /// A node's source text, with the parentheses its span leaves out when
    /// it ends (or starts) inside a parenthesized operand.
    fn text(&self, n: &Node) -> String {
        let src = self.source;
        let (mut start, mut end) = (n.span.start as usize, n.span.end as usize);
        let depth = |s: &str| {
            s.chars().fold(0i32, |d, c| match c {
                '(' => d + 1,
                ')' => d - 1,
                _ => d,
            })
        };
        let mut open = depth(src.get(start..end).unwrap_or(""));
        while open > 0 {
            let rest = src.get(end..).unwrap_or("");
            let trimmed = rest.trim_start();
            if !trimmed.starts_with(')') {
                break;
            }
            end += rest.len() - trimmed.len() + 1;
            open -= 1;
        }
        while open < 0 {
            let before = src.get(..start).unwrap_or("");
            let trimmed = before.trim_end();
            if !trimmed.ends_with('(') {
                break;
            }
            start = trimmed.len() - 1;
            open += 1;
        }
        collapse(src.get(start..end).unwrap_or(""))
    }

    fn walk(&mut self, n: &'p Node, depth: usize) -> Part {
        let value = self.ev.eval(n);
        let text = self.text(n);
        let shown = self.show(value);
        let mut children = Vec::new();
        if depth < MAX_DEPTH {
            let mut kids: Vec<&'p Node> = Vec::new();
            let mut body: Option<&'p Node> = None;
            match &n.kind {
                NodeKind::And(..) => Self::chain(n, true, &mut kids),
                NodeKind::Or(..) => Self::chain(n, false, &mut kids),
                NodeKind::Not(x) | NodeKind::Neg(x) | NodeKind::Test(_, x) => kids.push(x),
                NodeKind::Cmp(_, a, b)
                | NodeKind::In(_, a, b)
                | NodeKind::Set(_, a, b)
                | NodeKind::Arith(_, a, b) => kids.extend([&**a, &**b]),
                NodeKind::List(items) => kids.extend(items),
                NodeKind::Query { tests, .. } => kids.extend(tests.iter().map(|t| &t.2)),
                NodeKind::Match(x, _) => kids.push(x),
                NodeKind::Let(id) => body = self.program.lets.get(*id as usize),
                NodeKind::Call(id, args) => {
                    kids.extend(args);
                    if let Some(def) = self.program.defines.get(*id as usize) {
                        body = Some(&def.body);
                    }
                }
                _ => {}
            }
            for k in kids {
                let v = self.ev.eval(k);
                if self.trivial(k, v) {
                    continue;
                }
                let part = self.walk(k, depth + 1);
                if part.text != text && !children.iter().any(|c: &Part| c.text == part.text) {
                    children.push(part);
                }
            }
            if let Some(b) = body {
                // A definition's body reads its parameters: bind them to
                // this call's arguments again, in case a sibling rebound them.
                if let NodeKind::Call(id, args) = &n.kind
                    && let Some(def) = self.program.defines.get(*id as usize)
                {
                    for (slot, a) in def.params.iter().zip(args) {
                        let v = self.ev.eval(a);
                        self.ev.set_local(*slot, v);
                    }
                }
                let part = self.walk(b, depth + 1);
                if part.text != text {
                    children.push(part);
                }
            }
        }
        Part {
            text: if depth == 0 { text } else { shorten(text) },
            value,
            shown,
            children,
        }
    }

    /// Evaluates a condition afresh, and the facts it found unknown.
    pub(super) fn condition(&mut self, n: &'p Node) -> (Option<bool>, Vec<u32>, Part) {
        self.ev.clear_unknowns();
        let t = truth(self.ev.eval(n));
        let mut unknowns = self.ev.unknowns().to_vec();
        unknowns.sort_unstable();
        unknowns.dedup();
        let part = self.walk(n, 0);
        (t, unknowns, part)
    }

    pub(super) fn draw(&self, out: &mut String, label: &str, part: &Part, unknowns: &[u32]) {
        let note = if part.value == Value::Unknown && !unknowns.is_empty() {
            self.paint.dim(&format!(
                " (not known: {})",
                self.paths(unknowns).join(", ")
            ))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} {} = {}{note}",
            self.paint.bold(label),
            part.text,
            self.painted(part)
        );
        self.draw_children(out, &part.children, "    ");
    }

    fn draw_children(&self, out: &mut String, parts: &[Part], prefix: &str) {
        for (i, p) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let _ = writeln!(
                out,
                "{prefix}{} {} = {}",
                if last { "└─" } else { "├─" },
                p.text,
                self.painted(p)
            );
            let deeper = format!("{prefix}{}", if last { "     " } else { "│    " });
            self.draw_children(out, &p.children, &deeper);
        }
    }

    pub(super) fn paths(&self, slots: &[u32]) -> Vec<String> {
        slots
            .iter()
            .map(|&s| super::fact_path(self.program, s).to_string())
            .collect()
    }

    pub(super) fn message(&mut self, parts: &'p [MessagePart]) -> String {
        let mut out = String::new();
        for p in parts {
            match p {
                MessagePart::Text(t) => out.push_str(t),
                MessagePart::Hole(n) => {
                    let v = self.ev.eval(n);
                    out.push_str(&self.ev.display(v));
                }
            }
        }
        out
    }

    /// What a branch does, with its codes and values worked out.
    pub(super) fn effects(&mut self, b: &'p Branch) -> String {
        let mut parts = Vec::new();
        if let Some(o) = b.outcome {
            let mut s = self
                .paint
                .outcome(self.program, self.program.outcome_name(o));
            if let Some(to) = &b.to {
                let v = self.ev.eval(to);
                let _ = write!(s, " to {}", self.ev.display(v));
            }
            parts.push(s);
        }
        for e in &b.effects {
            match e {
                Effect::Offer(n) => {
                    let v = self.ev.eval(n);
                    parts.push(format!("offer {}", self.ev.display(v)));
                }
                Effect::Caution(m) => {
                    let text = self.message(&m.parts);
                    parts.push(format!("caution \"{text}\""));
                }
                Effect::Missing(only_unknown, slots) => {
                    let paths = self.paths(slots);
                    let among = if *only_unknown {
                        "the unknown among "
                    } else {
                        ""
                    };
                    parts.push(format!("missing {among}{}", paths.join(", ")));
                }
                Effect::Set(a, n) => {
                    let v = self.ev.eval(n);
                    let name = self
                        .program
                        .annotations
                        .get(*a as usize)
                        .map_or("?", |a| a.name.as_str());
                    parts.push(format!("set {name} = {}", self.ev.show(v)));
                }
            }
        }
        parts.join(", ")
    }

    /// What a branch would do, unevaluated.
    pub(super) fn would(&self, b: &Branch) -> String {
        match b.outcome {
            Some(o) => self
                .paint
                .outcome(self.program, self.program.outcome_name(o)),
            None => "no outcome (annotations only)".into(),
        }
    }
}

//! Stage 2: syntax tree -> checked, compiled [`Program`]. Resolves every name
//! and fact path, checks types and vocabularies, loads code tables, and
//! reports every error of a file at once.

mod decls;
mod error;
mod expr;
mod table;

use std::collections::HashMap;

pub use error::CheckError;

use crate::eval::program::{Program, Type};
use crate::syntax::ast;
use crate::syntax::span::Span;

/// Reads the files a policy names (code tables), relative to the policy.
pub trait Loader {
    /// The text of `file`, or why it cannot be read.
    fn load(&self, file: &str) -> Result<String, String>;
}

/// Checks a parsed policy and compiles it. Returns the program (usable for
/// completion and lints even when there are errors) and every error found.
pub fn check(policy: &ast::Policy, loader: &dyn Loader) -> (Program, Vec<CheckError>) {
    let mut checker = Checker::new(loader);
    checker.policy(policy);
    (checker.program, checker.errors)
}

/// Compiles one expression against a checked program, in the global scope
/// (the REPL's expressions). Returns the node and its type.
pub fn check_expr(
    program: &mut Program,
    expr: &ast::Expr,
) -> Result<(crate::eval::program::Node, Type), Vec<CheckError>> {
    struct NoFiles;
    impl Loader for NoFiles {
        fn load(&self, file: &str) -> Result<String, String> {
            Err(format!("`{file}` cannot be loaded here"))
        }
    }
    let mut checker = Checker::new(&NoFiles);
    checker.program = std::mem::take(program);
    checker.define_done = checker
        .program
        .globals
        .iter()
        .filter_map(|(name, g)| match g {
            crate::eval::program::Global::Define(id) => Some((name.clone(), *id)),
            _ => None,
        })
        .collect();
    checker.record_ids = (0..checker.program.records.len() as u32)
        .map(|i| (checker.program.records[i as usize].name.clone(), i))
        .collect();
    checker.format_ids = (0..checker.program.formats.len() as u32)
        .map(|i| (checker.program.formats[i as usize].name.clone(), i))
        .collect();
    let result = checker.expr(expr, None);
    *program = std::mem::take(&mut checker.program);
    if checker.errors.is_empty() {
        Ok(result)
    } else {
        Err(checker.errors)
    }
}

/// A name in scope inside an expression.
#[derive(Clone, Debug)]
pub(crate) enum Local {
    /// A variable in a local slot.
    Var(u32, Type),
    /// A rule's `let`.
    Let(u32, Type),
}

/// The checker's state while it walks one policy.
pub(crate) struct Checker<'a> {
    pub(crate) program: Program,
    pub(crate) errors: Vec<CheckError>,
    loader: &'a dyn Loader,
    /// Scopes of local names, innermost last.
    pub(crate) scopes: Vec<Vec<(String, Local)>>,
    /// The `for each` variable of the rule being checked.
    pub(crate) for_each: Option<u32>,
    /// Definitions not yet checked (by name -> AST).
    pub(crate) define_pending: HashMap<String, &'a ast::DefineDecl>,
    /// Definitions being checked (cycle detection).
    pub(crate) define_active: Vec<String>,
    /// Definitions checked.
    pub(crate) define_done: HashMap<String, u32>,
    /// Where each global name was declared.
    pub(crate) declared: HashMap<String, Span>,
    /// Record types by name.
    pub(crate) record_ids: HashMap<String, u32>,
    /// Text formats by name.
    pub(crate) format_ids: HashMap<String, u32>,
    /// Proper prefixes of the declared facts' paths (`member`, `order`).
    pub(crate) fact_groups: std::collections::HashSet<String>,
    /// A buffer for building dotted paths (see `fact_prefix`).
    pub(crate) path_buffer: String,
}

impl<'a> Checker<'a> {
    fn new(loader: &'a dyn Loader) -> Self {
        Checker {
            program: Program::default(),
            errors: Vec::new(),
            loader,
            scopes: Vec::new(),
            for_each: None,
            define_pending: HashMap::new(),
            define_active: Vec::new(),
            define_done: HashMap::new(),
            declared: HashMap::new(),
            record_ids: HashMap::new(),
            format_ids: HashMap::new(),
            fact_groups: std::collections::HashSet::new(),
            path_buffer: String::new(),
        }
    }

    pub(crate) fn error(&mut self, e: CheckError) {
        self.errors.push(e);
    }

    pub(crate) fn new_local(&mut self) -> u32 {
        let slot = self.program.locals;
        self.program.locals += 1;
        slot
    }

    pub(crate) fn lookup_local(&self, name: &str) -> Option<Local> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, l)| l.clone())
    }
}

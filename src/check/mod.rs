//! Stage 2: syntax tree -> checked, compiled [`Program`]. Resolves every name
//! and fact path, checks types and vocabularies, loads code tables, and
//! reports every error of a file at once.
//!
//! The files, one job each:
//!
//! - `mod.rs`: the entry points ([`check`], [`check_expr`]) and the checker's state.
//! - `policy.rs`: the order declarations are checked in, and the global names.
//! - `types.rs`: vocabularies (`enum`), text formats, records, and type expressions.
//! - `values.rs`: literals against their type, vocabulary values, `const` and named `set`s.
//! - `facts.rs`: the `facts` a request carries, their kinds, and `lines`.
//! - `table.rs`: a `table` declaration and the CSV file it loads.
//! - `outcomes.rs`: the `outcomes` ranking, `sections` and `annotation`s.
//! - `rules.rs`: stages, rules, their branches, effects and messages.
//! - `examples.rs`: `example` declarations.
//! - `defines.rs`: definitions (`define`), checked on first use, and calls to them.
//! - `resolve.rs`: what a name or dotted path means (local, global, fact, field, column).
//! - `expr.rs`: each expression form's typing rule, and whether one type fits another.
//! - `operators.rs`: the typing rules of the binary operators.
//! - `error.rs`: [`CheckError`], one variant per kind of mistake.

mod defines;
mod error;
mod examples;
mod expr;
mod facts;
mod operators;
mod outcomes;
mod policy;
mod resolve;
mod rules;
mod table;
mod types;
mod values;

use std::collections::{HashMap, HashSet};

pub use error::CheckError;

use crate::eval::program::{Global, Node, Program, Type};
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
    checker.check_policy(policy);
    (checker.program, checker.errors)
}

/// Compiles one expression against a checked program, in the global scope
/// (the REPL's expressions). Returns the node and its type.
pub fn check_expr(
    program: &mut Program,
    expr: &ast::Expr,
) -> Result<(Node, Type), Vec<CheckError>> {
    struct NoFiles;
    impl Loader for NoFiles {
        fn load(&self, file: &str) -> Result<String, String> {
            Err(format!("`{file}` cannot be loaded here"))
        }
    }
    let mut checker = Checker::new(&NoFiles);
    checker.program = std::mem::take(program);
    checker.checked_defines = checker
        .program
        .globals
        .iter()
        .filter_map(|(name, global)| match global {
            Global::Define(id) => Some((name.clone(), *id)),
            _ => None,
        })
        .collect();
    checker.records_by_name = (0..checker.program.records.len() as u32)
        .map(|id| (checker.program.records[id as usize].name.clone(), id))
        .collect();
    checker.formats_by_name = (0..checker.program.formats.len() as u32)
        .map(|id| (checker.program.formats[id as usize].name.clone(), id))
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
    /// A variable (a parameter, a `for each` or quantifier variable) in a local slot.
    Variable {
        /// The slot.
        slot: u32,
        /// Its type.
        ty: Type,
    },
    /// A rule's `let`.
    Let {
        /// Index into [`Program::lets`].
        id: u32,
        /// Its type.
        ty: Type,
    },
}

/// The checker's state while it walks one policy.
pub(crate) struct Checker<'a> {
    pub(crate) program: Program,
    pub(crate) errors: Vec<CheckError>,
    loader: &'a dyn Loader,
    /// Scopes of local names, innermost last.
    pub(crate) scopes: Vec<Vec<(String, Local)>>,
    /// The local slot of the `for each` variable of the rule being checked.
    pub(crate) for_each_slot: Option<u32>,
    /// Definitions not yet checked (by name -> AST).
    pub(crate) unchecked_defines: HashMap<String, &'a ast::DefineDecl>,
    /// Definitions being checked, innermost last (cycle detection).
    pub(crate) defines_in_progress: Vec<String>,
    /// Definitions checked: name -> index into [`Program::defines`].
    pub(crate) checked_defines: HashMap<String, u32>,
    /// Where each global name was declared.
    pub(crate) global_spans: HashMap<String, Span>,
    /// Record types: name -> index into [`Program::records`].
    pub(crate) records_by_name: HashMap<String, u32>,
    /// Text formats: name -> index into [`Program::formats`].
    pub(crate) formats_by_name: HashMap<String, u32>,
    /// Proper prefixes of the declared facts' paths (`member`, `order`).
    pub(crate) fact_groups: HashSet<String>,
    /// A buffer for building dotted paths (see `longest_fact_prefix`).
    pub(crate) path_buffer: String,
}

impl<'a> Checker<'a> {
    fn new(loader: &'a dyn Loader) -> Self {
        Checker {
            program: Program::default(),
            errors: Vec::new(),
            loader,
            scopes: Vec::new(),
            for_each_slot: None,
            unchecked_defines: HashMap::new(),
            defines_in_progress: Vec::new(),
            checked_defines: HashMap::new(),
            global_spans: HashMap::new(),
            records_by_name: HashMap::new(),
            formats_by_name: HashMap::new(),
            fact_groups: HashSet::new(),
            path_buffer: String::new(),
        }
    }

    /// Records an error; checking goes on.
    pub(crate) fn report(&mut self, error: CheckError) {
        self.errors.push(error);
    }

    /// A fresh local slot.
    pub(crate) fn new_local_slot(&mut self) -> u32 {
        let slot = self.program.locals;
        self.program.locals += 1;
        slot
    }

    /// The innermost local of that name.
    pub(crate) fn lookup_local(&self, name: &str) -> Option<Local> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local_name, _)| local_name == name)
            .map(|(_, local)| local.clone())
    }
}

/// Helpers for the unit tests of the typing rules.
#[cfg(test)]
pub(crate) mod testing {
    use super::{CheckError, Loader, check, check_expr};
    use crate::eval::program::Program;
    use crate::syntax::{parse_expr, parse_policy};

    /// A small policy with a fact of each type, for the tests to type against.
    pub(crate) const POLICY: &str = r#"
enum plan { commercial, medicare }
enum modality { CT, MRI }
text code matching "^[0-9]{5}$"
record line { code: code, laterality: modality may be absent }
table codes from "codes.csv" {
  key code: code
  modality: modality
}
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
  member.name: text required
  member.adult: bool required
  member.implants: list of plan required
  order.lines: list of line required
  order.codes: list of code required
}
const ADULT_AGE = 18
set PLANS of plan = { commercial, medicare }
define grown = member.age >= ADULT_AGE
define older_than(years: number) = member.age > years
outcomes deny > pend > approve default approve pending pend
sections "S1"
lines order.lines shown by code
"#;

    /// Gives `codes.csv` to the test policies.
    struct TestFiles;
    impl Loader for TestFiles {
        fn load(&self, file: &str) -> Result<String, String> {
            match file {
                "codes.csv" => Ok("code,modality\n70551,MRI\n70450,CT\n".into()),
                _ => Err(format!("no file `{file}` in the tests")),
            }
        }
    }

    /// The messages of a policy's check errors (none for a clean policy).
    pub(crate) fn errors_of(policy: &str) -> Vec<String> {
        let ast = parse_policy(policy).expect("the test policy parses");
        let (_, errors) = check(&ast, &TestFiles);
        errors.iter().map(CheckError::to_string).collect()
    }

    /// The errors of [`POLICY`] followed by `more` declarations.
    pub(crate) fn errors_with(more: &str) -> Vec<String> {
        errors_of(&format!("{POLICY}\n{more}"))
    }

    /// [`POLICY`], checked.
    fn program() -> Program {
        let ast = parse_policy(POLICY).expect("the test policy parses");
        let (program, errors) = check(&ast, &TestFiles);
        assert!(errors.is_empty(), "the test policy checks: {errors:?}");
        program
    }

    /// The type of an expression in [`POLICY`]'s global scope, by name, or
    /// the messages of its errors.
    pub(crate) fn type_of(expr: &str) -> Result<String, Vec<String>> {
        let mut program = program();
        let ast = parse_expr(expr).expect("the test expression parses");
        match check_expr(&mut program, &ast) {
            Ok((_, ty)) => Ok(program.type_name(&ty)),
            Err(errors) => Err(errors.iter().map(CheckError::to_string).collect()),
        }
    }

    /// The one error message of an expression that must not check.
    pub(crate) fn error_of(expr: &str) -> String {
        match type_of(expr) {
            Ok(ty) => panic!("`{expr}` checked as {ty}"),
            Err(errors) => errors.join("\n"),
        }
    }
}

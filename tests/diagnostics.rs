//! Broken policies in `tests/diagnostics/`, and the diagnostics a policy
//! author sees for each, as snapshots (miette's report, without colour).

use std::path::Path;

use policy_dsl::diag::{Style, render};
use policy_dsl::{DirLoader, Policy};

fn rendered(stem: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let name = format!("{stem}.dsl");
    let text = std::fs::read_to_string(dir.join(&name)).unwrap();
    match Policy::from_source(&name, &text, &DirLoader(dir)) {
        Ok(_) => panic!("{name} checked cleanly"),
        Err(e) => render(&e, Style::Plain),
    }
}

macro_rules! broken {
    ($($stem:ident),* $(,)?) => {
        $(
            #[test]
            fn $stem() {
                insta::assert_snapshot!(rendered(stringify!($stem)));
            }
        )*
    };
}

broken!(
    unknown_fact,
    unknown_value,
    type_mismatch,
    duplicate_rule,
    unknown_outcome,
    two_outcomes,
    missing_then,
    unknown_section,
    cycle,
    arity,
    bad_pattern,
    table_arity,
    table_value,
    many_errors,
    unknown_type,
    missing_needs_pend,
);

#[test]
fn every_broken_policy_has_a_snapshot_test() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let count = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "dsl")
        })
        .count();
    assert_eq!(count, 16);
}

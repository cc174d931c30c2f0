//! `policy`: decide requests with a policy.
use std::io::Read;
fn main() {
    let policy = match policy_dsl::Policy::embedded() {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "{}",
                policy_dsl::diag::render(&e, policy_dsl::diag::Style::Plain)
            );
            std::process::exit(2);
        }
    };
    let mut s = String::new();
    let _ = std::io::stdin().read_to_string(&mut s);
    match policy.decide_json(&s) {
        Ok(j) => println!("{j}"),
        Err(e) => eprintln!("{e}"),
    }
}

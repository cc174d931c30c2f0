//! `dslcheck` on the corpus of broken and suspicious policies in
//! `tests/lint/`: the findings of each file (snapshots), the whole corpus in
//! every output format, the SARIF against its schema, exit codes,
//! `--explain`, `--coverage`, suppressions; and proofs that the lints are
//! exact: a rule reported redundant changes no decision when removed, a rule
//! reported dead never fires, on thousands of random requests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use policy_dsl::lint::output::{Format, render};
use policy_dsl::lint::{self, LINTS, Options, Report, Severity};
use policy_dsl::{DirLoader, Policy};
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus files, as paths relative to the crate (stable in snapshots).
fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/lint"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dsl"))
        .map(|p| Path::new("tests/lint").join(p.file_name().unwrap()))
        .collect();
    files.sort();
    files
}

/// Runs the library on paths relative to the crate.
fn check(paths: &[PathBuf], options: &Options) -> Report {
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(cwd, root(), "tests run from the crate's folder");
    lint::check_paths(paths, options).unwrap()
}

/// Runs the binary from the crate's folder.
fn dslcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dslcheck"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn each_corpus_file_has_its_findings() {
    for file in corpus() {
        let report = check(std::slice::from_ref(&file), &Options::default());
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("plain-{name}"), render(&report, Format::Plain));
    }
}

#[test]
fn the_corpus_covers_every_lint() {
    let options = Options {
        coverage: true,
        ..Options::default()
    };
    let report = check(&corpus(), &options);
    let seen: BTreeSet<&str> = report.findings.iter().map(|f| f.lint.as_str()).collect();
    for l in LINTS {
        assert!(seen.contains(l.name), "no corpus file shows `{}`", l.name);
    }
    // And errors of every stage: syntax, checker, table file.
    for code in [
        "policy::syntax::unexpected",
        "policy::check::unknown_fact",
        "policy::check::table_row",
    ] {
        assert!(seen.contains(code), "no corpus file shows `{code}`");
    }
}

#[test]
fn the_whole_corpus_in_every_format() {
    let formats = ["human", "plain", "json", "sarif", "github"];
    for format in formats {
        let out = dslcheck(&["--format", format, "tests/lint"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: the corpus has errors"
        );
        let text = stdout(&out);
        insta::assert_snapshot!(format!("corpus-{format}"), text);
    }
}

#[test]
fn json_findings_have_every_field() {
    let out = dslcheck(&["--format", "json", "tests/lint/values.dsl"]);
    let findings: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = &findings.as_array().unwrap()[0];
    for field in [
        "file", "line", "column", "end", "lint", "severity", "message", "help",
    ] {
        assert!(first.get(field).is_some(), "no `{field}` in {first}");
    }
    assert!(first["end"]["line"].is_u64() && first["end"]["column"].is_u64());
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for args in [
        vec!["--format", "sarif", "tests/lint"],
        vec!["--format", "sarif", "policies.dsl"],
        vec!["--format", "sarif", "--coverage", "tests/lint/examples.dsl"],
    ] {
        let sarif: Value = serde_json::from_str(&stdout(&dslcheck(&args))).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
        assert_eq!(sarif["version"], "2.1.0");
    }
}

#[test]
fn github_annotations_escape_their_data() {
    let out = dslcheck(&["--format", "github", "tests/lint/examples.dsl"]);
    for line in stdout(&out).lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        let (props, _) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(
            props.contains("file=tests/lint/examples.dsl,line="),
            "{props}"
        );
    }
}

#[test]
fn exit_codes() {
    let code = |args: &[&str]| dslcheck(args).status.code();
    // Notes only.
    assert_eq!(code(&["policies.dsl"]), Some(0));
    assert_eq!(code(&["--deny", "warnings", "policies.dsl"]), Some(0));
    // Warnings only: fine, unless denied.
    assert_eq!(code(&["tests/lint/overlap.dsl"]), Some(0));
    assert_eq!(
        code(&["--deny", "warnings", "tests/lint/overlap.dsl"]),
        Some(1)
    );
    assert_eq!(
        code(&["--deny", "redundant-rule", "tests/lint/overlap.dsl"]),
        Some(1)
    );
    assert_eq!(
        code(&[
            "--deny",
            "warnings",
            "--allow",
            "redundant-rule",
            "--allow",
            "conflicting-rules",
            "tests/lint/overlap.dsl"
        ]),
        Some(0)
    );
    // Errors.
    assert_eq!(code(&["tests/lint/examples.dsl"]), Some(1));
    assert_eq!(code(&["tests/lint/syntax-error.dsl"]), Some(1));
    // The tool cannot run.
    assert_eq!(code(&["tests/lint/no-such-file.dsl"]), Some(2));
    assert_eq!(
        code(&["--deny", "rule-never-fire", "policies.dsl"]),
        Some(2)
    );
    assert_eq!(code(&["--format", "xml", "policies.dsl"]), Some(2));
    assert_eq!(code(&["--explain", "no-such-lint"]), Some(2));
}

#[test]
fn tool_errors_go_to_stderr_with_advice() {
    let out = dslcheck(&["--allow", "unused-facts", "policies.dsl"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown lint `unused-facts`; did you mean `unused-fact`?"),
        "{err}"
    );
    let out = dslcheck(&["tests/lint/nothing-here.dsl"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no such file or folder: `tests/lint/nothing-here.dsl`"),
        "{err}"
    );
}

#[test]
fn explain_prints_the_lints_page() {
    for l in LINTS {
        let out = dslcheck(&["--explain", l.name]);
        assert_eq!(out.status.code(), Some(0));
        let page = stdout(&out);
        assert!(page.starts_with(&format!("## {}\n", l.name)), "{page}");
        assert!(!page.contains("\n## "), "{}: one section only", l.name);
    }
    insta::assert_snapshot!(
        "explain-redundant-rule",
        stdout(&dslcheck(&["--explain", "redundant-rule"]))
    );
}

#[test]
fn list_names_every_lint() {
    let text = stdout(&dslcheck(&["--list"]));
    for l in LINTS {
        assert!(text.contains(l.name));
    }
}

#[test]
fn the_default_is_policies_dsl_in_the_current_folder() {
    let out = dslcheck(&[]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("default-policies-dsl", stdout(&out));
}

#[test]
fn coverage_lists_the_rules_no_example_fires() {
    let out = dslcheck(&["--coverage", "--format", "plain", "tests/lint/examples.dsl"]);
    insta::assert_snapshot!("coverage-examples", stdout(&out));
}

#[test]
fn policies_dsl_passes_ci_and_its_examples_fire_every_rule() {
    let out = dslcheck(&[
        "--deny",
        "warnings",
        "--coverage",
        "--format",
        "json",
        "policies.dsl",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let findings: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let uncovered: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["lint"] == "rule-not-covered" || f["severity"] != "info")
        .collect();
    assert!(uncovered.is_empty(), "{uncovered:#?}");
    let report = check(
        &[PathBuf::from("policies.dsl")],
        &Options {
            coverage: true,
            ..Options::default()
        },
    );
    let c = &report.coverage[0];
    assert!(
        c.uncovered.is_empty() && c.rules > 40 && c.examples > 0,
        "{c:?}"
    );
}

#[test]
fn a_generated_policy_is_clean() {
    let g = lint::generate::policy(400);
    let report = lint::check_source("generated.dsl", &g.policy, &g, &Options::default());
    let loud: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .map(|f| format!("{}:{}: {}", f.start().line, f.lint, f.message))
        .collect();
    assert!(loud.is_empty(), "{}", loud.join("\n"));
}

#[test]
fn findings_are_sorted_by_file_and_position() {
    let report = check(&corpus(), &Options::default());
    let keys: Vec<(String, usize, usize)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.file().to_string(),
                f.span.start as usize,
                f.span.end as usize,
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

// ───────────────────────── exactness ─────────────────────────

/// A small deterministic random number generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const CODES: [&str; 12] = [
    "70450", "70460", "70470", "71250", "71260", "70551", "70552", "70553", "78811", "78814",
    "76376", "99999",
];

/// A random request for the corpus's facts (`tests/lint/prelude.txt`).
fn request(rng: &mut Rng) -> String {
    let mut member = serde_json::Map::new();
    if !rng.chance(15) {
        let age = match rng.below(4) {
            0 => rng.below(18) as f64,
            1 => 18.0 + rng.below(50) as f64,
            2 => 60.0 + rng.below(91) as f64,
            _ => [0.5, 9.5, 17.5, 64.5, 65.0, 65.5][rng.below(6) as usize],
        };
        member.insert("age".into(), json!(age));
    }
    if !rng.chance(10) {
        member.insert(
            "plan".into(),
            json!(rng.pick(&["commercial", "medicare", "medicaid"])),
        );
    }
    let conditions: Vec<&str> = ["diabetes", "renal_failure", "pregnancy"]
        .into_iter()
        .filter(|_| rng.chance(30))
        .collect();
    member.insert("conditions".into(), json!(conditions));
    if rng.chance(60) {
        member.insert("gfr".into(), json!(rng.below(90)));
    }
    if rng.chance(50) {
        member.insert("pregnant".into(), json!(rng.chance(50)));
    }
    let lines: Vec<Value> = (0..=rng.below(3))
        .map(|_| json!({"code": rng.pick(&CODES)}))
        .collect();
    let mut order = serde_json::Map::new();
    order.insert("lines".into(), json!(lines));
    if !rng.chance(10) {
        order.insert(
            "purpose".into(),
            json!(rng.pick(&["diagnostic", "screening", "surveillance"])),
        );
    }
    let mut r = json!({"member": member, "order": order});
    if rng.chance(70) {
        r["clinical"] = json!({"evaluation": rng.pick(&["in_person", "telehealth", "none"])});
    }
    r.to_string()
}

/// A decision without what a redundant rule may still change: its trace
/// entries and the sections it cites.
fn visible(decision: &policy_dsl::Decision) -> Value {
    let mut v = serde_json::to_value(decision).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("trace");
    o.remove("citations");
    for line in o["lines"].as_array_mut().unwrap() {
        line.as_object_mut().unwrap().remove("citations");
    }
    v
}

fn policy(text: &str) -> Policy {
    Policy::from_source("corpus.dsl", text, &DirLoader(root().join("tests/lint"))).unwrap_or_else(
        |e| {
            panic!(
                "{}",
                policy_dsl::diag::render(&e, policy_dsl::diag::Style::Plain)
            )
        },
    )
}

/// The rule (index, span) a finding is about: the rule whose text holds it.
fn rule_at(p: &Policy, finding: &lint::Finding) -> (usize, policy_dsl::syntax::span::Span) {
    p.program()
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.span.start <= finding.span.start && finding.span.end <= r.span.end)
        .map(|(i, r)| (i, r.span))
        .unwrap_or_else(|| panic!("no rule holds {:?}", finding.message))
}

#[test]
fn redundant_rules_change_no_decision_when_removed() {
    let mut proved = 0;
    for file in corpus() {
        let report = check(std::slice::from_ref(&file), &Options::default());
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let redundant: Vec<&lint::Finding> = report
            .findings
            .iter()
            .filter(|f| f.lint == "redundant-rule")
            .collect();
        if redundant.is_empty() || report.count(Severity::Error) > 0 {
            continue;
        }
        let whole = policy(&text);
        for f in redundant {
            let (_, span) = rule_at(&whole, f);
            let without = format!(
                "{}{}",
                &text[..span.start as usize],
                &text[span.end as usize..]
            );
            let smaller = policy(&without);
            let mut rng = Rng(0x5eed ^ span.start as u64);
            for _ in 0..3_000 {
                let r = request(&mut rng);
                let (Ok(a), Ok(b)) = (whole.bind(&r), smaller.bind(&r)) else {
                    continue;
                };
                assert_eq!(
                    visible(&whole.decide(&a)),
                    visible(&smaller.decide(&b)),
                    "{}: removing the rule of `{}` changes the decision of {r}",
                    file.display(),
                    f.message
                );
            }
            proved += 1;
        }
    }
    assert!(proved >= 4, "only {proved} redundant rules checked");
}

#[test]
fn rules_that_never_fire_never_fire() {
    let mut proved = 0;
    for file in corpus() {
        let report = check(std::slice::from_ref(&file), &Options::default());
        if report.count(Severity::Error) > 0 {
            continue;
        }
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let whole = policy(&text);
        let dead: Vec<(usize, bool, String)> = report
            .findings
            .iter()
            .filter(|f| f.lint == "rule-never-fires")
            .map(|f| {
                let (i, _) = rule_at(&whole, f);
                let branch = f.message.starts_with("this branch");
                // A dead branch is known by its message.
                let message = if branch {
                    whole.program().rules[i]
                        .branches
                        .iter()
                        .find(|b| b.span.start <= f.span.start && f.span.end <= b.span.end)
                        .and_then(|b| b.message.as_ref())
                        .map(|m| format!("{:?}", m.parts))
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                (i, branch, message)
            })
            .collect();
        let mut rng = Rng(0xdead ^ text.len() as u64);
        for _ in 0..5_000 {
            let r = request(&mut rng);
            let Ok(facts) = whole.bind(&r) else { continue };
            let d = whole.decide(&facts);
            for (i, branch, message) in &dead {
                let rule = &whole.program().rules[*i];
                for t in d.trace.iter().filter(|t| t.rule == rule.label) {
                    // A dead branch's message is literal text ("never").
                    assert!(
                        *branch && !message.contains(&format!("Text({:?})", t.message)),
                        "{}: `{}` fired on {r}",
                        file.display(),
                        rule.label
                    );
                }
            }
        }
        proved += dead.len();
    }
    assert!(proved >= 6, "only {proved} dead rules checked");
}

// ───────────────────────── random policies ─────────────────────────

/// A random condition over the corpus's facts (`line` in scope if `line`).
fn condition(rng: &mut Rng, depth: u32, line: bool) -> String {
    if depth > 0 && rng.chance(45) {
        let a = condition(rng, depth - 1, line);
        let b = condition(rng, depth - 1, line);
        return match rng.below(3) {
            0 => format!("({a} and {b})"),
            1 => format!("({a} or {b})"),
            _ => format!("not ({a})"),
        };
    }
    let ages = ["0", "10", "17.5", "18", "65", "150"];
    let ops = ["<", "<=", ">", ">=", "==", "!="];
    let families = ["ct", "mri", "pet", "pet_ct", "us"];
    let modalities = ["CT", "MRI", "PET", "PET_CT"];
    let mut atoms: Vec<String> = vec![
        format!("member.age {} {}", rng.pick(&ops), rng.pick(&ages)),
        format!(
            "member.plan is {}",
            rng.pick(&["commercial", "medicare", "medicaid"])
        ),
        format!(
            "member.plan in {{{}, {}}}",
            rng.pick(&["commercial", "medicare"]),
            rng.pick(&["medicaid", "medicare"])
        ),
        format!("member.plan != {}", rng.pick(&["commercial", "medicaid"])),
        format!("member.gfr < {}", rng.pick(&["30", "60"])),
        format!("member.gfr < {} if known", rng.pick(&["30", "60"])),
        "member.pregnant".into(),
        format!(
            "{} in member.conditions",
            rng.pick(&["diabetes", "renal_failure"])
        ),
        "member.conditions has none of {diabetes, pregnancy}".into(),
        format!(
            "order.purpose is {}",
            rng.pick(&["diagnostic", "screening"])
        ),
        "order.purpose is not known".into(),
        "member.age is known".into(),
        format!(
            "clinical.evaluation is {}",
            rng.pick(&["in_person", "none"])
        ),
        "clinical.evaluation is not known".into(),
        "adult".into(),
        "low_gfr".into(),
    ];
    if line {
        atoms.extend([
            format!("line.code.family is {}", rng.pick(&families)),
            format!(
                "line.code.modality in {{{}, {}}}",
                rng.pick(&modalities),
                rng.pick(&modalities)
            ),
            format!("line.code.contrast is {}", rng.pick(&["with", "without"])),
            "line.code.contrast is absent".into(),
            format!("line.code is \"{}\"", rng.pick(&CODES[..11])),
            format!(
                "line.code in {{\"{}\", \"{}\"}}",
                rng.pick(&CODES[..11]),
                rng.pick(&CODES)
            ),
            format!("line.code.region is {}", rng.pick(&["head", "chest"])),
            "any other l in order.lines where l.code.family is ct".into(),
            "(codes where family is pet_ct and region is line.code.region) is not empty".into(),
            "enhanced(line)".into(),
            "line.code.contrast is present".into(),
            "(count l in order.lines where l.code.family is ct) >= 2".into(),
            "all l in order.lines where l.code.contrast is with".into(),
            "same_region_ct is not empty".into(),
        ]);
    }
    atoms.swap_remove(rng.below(atoms.len() as u64) as usize)
}

const OUTCOMES: [&str; 7] = [
    "not_supported",
    "redirect",
    "pend",
    "alternative",
    "review",
    "supported",
    "proceed",
];

/// A random policy of `n` rules in two stages, every branch with its own
/// message (`b{rule}-{branch}`).
fn random_policy(rng: &mut Rng, n: usize) -> String {
    let prelude = std::fs::read_to_string(root().join("tests/lint/prelude.txt")).unwrap();
    let mut p = prelude;
    p.push_str(
        "\ndefine adult = member.age >= 18\n\
         define low_gfr = member.gfr < 30 if known\n\
         define enhanced(l: line) = l.code.contrast in {with, without_and_with}\n",
    );
    for stage in 0..2 {
        p.push_str(&format!("\nstage s{stage} {{\n"));
        for i in 0..n / 2 {
            let id = stage * n + i;
            let line = rng.chance(70);
            p.push_str(&format!("  rule R{id} r-{id} cites \"S1\"\n"));
            if line {
                p.push_str("    for each line in order.lines\n");
                p.push_str("    let same_region_ct = codes where family is ct and region is line.code.region\n");
            }
            if rng.chance(80) {
                p.push_str(&format!("    when {}\n", condition(rng, 2, line)));
            }
            let branches = if rng.chance(70) {
                1
            } else {
                2 + rng.below(2) as usize
            };
            for k in 0..branches {
                let outcome = rng.pick(&OUTCOMES);
                let mut effect = outcome.to_string();
                if line && rng.chance(10) {
                    effect.push_str(", offer \"70450\"");
                }
                if outcome == "pend" {
                    effect.push_str(", missing clinical.evaluation");
                }
                let word = match (branches, k) {
                    (1, _) => "then".to_string(),
                    (_, 0) => format!("if {} then", condition(rng, 1, line)),
                    (b, k) if k + 1 == b && rng.chance(60) => "else".to_string(),
                    _ => format!("else if {} then", condition(rng, 1, line)),
                };
                p.push_str(&format!("    {word} {effect} because \"b{id}-{k}\"\n"));
                if word == "else" {
                    break;
                }
            }
        }
        p.push_str("}\n");
    }
    p
}

#[test]
fn claims_hold_on_random_policies() {
    // `DSLCHECK_RANDOM_POLICIES=2000 cargo test ...` searches longer.
    let rounds: usize = std::env::var("DSLCHECK_RANDOM_POLICIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(80);
    let seed: u64 = std::env::var("DSLCHECK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let mut rng = Rng(seed);
    let (mut redundant, mut dead, mut conflicts) = (0, 0, 0);
    for _ in 0..rounds {
        let text = random_policy(&mut rng, 10);
        let loader = DirLoader(root().join("tests/lint"));
        let report = lint::check_source("random.dsl", &text, &loader, &Options::default());
        if report.count(Severity::Error) > 0 {
            panic!(
                "a random policy does not check:\n{}\n{}",
                render(&report, Format::Plain),
                text
            );
        }
        let whole = policy(&text);
        let requests: Vec<String> = (0..400).map(|_| request(&mut rng)).collect();
        let decisions: Vec<policy_dsl::Decision> = requests
            .iter()
            .filter_map(|r| whole.bind(r).ok().map(|f| whole.decide(&f)))
            .collect();
        let claims = ["rule-never-fires", "redundant-rule", "conflicting-rules"];
        for f in report
            .findings
            .iter()
            .filter(|f| claims.contains(&f.lint.as_str()))
        {
            let (i, span) = rule_at(&whole, f);
            let rule = &whole.program().rules[i];
            match f.lint.as_str() {
                "rule-never-fires" => {
                    dead += 1;
                    let branch = f.message.starts_with("this branch");
                    let k = rule
                        .branches
                        .iter()
                        .position(|b| b.span.start <= f.span.start && f.span.end <= b.span.end);
                    for (d, r) in decisions.iter().zip(&requests) {
                        let culprit = d.trace.iter().find(|t| {
                            t.rule == rule.label
                                && (!branch
                                    || k.is_some_and(|k| {
                                        t.message == format!("b{}-{k}", &rule.id[1..])
                                    }))
                        });
                        assert!(culprit.is_none(), "{}\nfired on {r}\n{text}", f.message);
                    }
                }
                "redundant-rule" => {
                    redundant += 1;
                    let without = format!(
                        "{}{}",
                        &text[..span.start as usize],
                        &text[span.end as usize..]
                    );
                    let smaller = policy(&without);
                    for r in &requests {
                        let (Ok(a), Ok(b)) = (whole.bind(r), smaller.bind(r)) else {
                            continue;
                        };
                        assert_eq!(
                            visible(&whole.decide(&a)),
                            visible(&smaller.decide(&b)),
                            "{}\nchanges the decision of {r}\n{text}",
                            f.message
                        );
                    }
                }
                "conflicting-rules" => {
                    let other = whole
                        .program()
                        .rules
                        .iter()
                        .find(|o| f.message.contains(&format!("and `{}`", o.label)))
                        .unwrap();
                    // Which branches conflict the trace does not say.
                    if rule.branches.len() > 1 || other.branches.len() > 1 {
                        continue;
                    }
                    conflicts += 1;
                    for (d, r) in decisions.iter().zip(&requests) {
                        let here = d.trace.iter().filter(|t| t.rule == rule.label).count();
                        let there = d.trace.iter().filter(|t| t.rule == other.label).count();
                        assert_eq!(here, there, "{}\n{r}\n{text}", f.message);
                    }
                }
                _ => {}
            }
        }
    }
    eprintln!("checked {dead} dead, {redundant} redundant, {conflicts} conflicting");
    assert!(
        dead > 20 && redundant > 5,
        "too few claims: {dead} dead, {redundant} redundant"
    );
}

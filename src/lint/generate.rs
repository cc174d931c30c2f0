//! A generator of large, clean policies for `dslcheck`'s benchmark: `n`
//! rules over a code table of `n / 10` codes (at least 50), in the shapes
//! `policies.dsl` uses (code-specific rules, age bands, vocabulary tests, a
//! table lookup, `if known`, `if`/`else` branches), with a few examples.
//! Every rule differs from the others, so a correct linter reports nothing
//! above a note.

use std::fmt::Write as _;

use crate::check::Loader;

/// A generated policy and its code table.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The policy's text.
    pub policy: String,
    /// `codes.csv`.
    pub codes: String,
}

impl Loader for Generated {
    fn load(&self, file: &str) -> Result<String, String> {
        match file {
            "codes.csv" => Ok(self.codes.clone()),
            other => Err(format!("the generated policy has no file `{other}`")),
        }
    }
}

const MODALITIES: [&str; 4] = ["CT", "MRI", "PET", "US"];
const FAMILIES: [&str; 6] = ["ct", "cta", "mri", "mra", "pet", "us"];
const REGIONS: [&str; 8] = [
    "head", "neck", "chest", "abdomen", "pelvis", "spine", "arm", "leg",
];
const CONTRASTS: [&str; 3] = ["without", "with", "without_and_with"];
const CONDITIONS: [&str; 8] = [
    "diabetes",
    "renal_failure",
    "pregnancy_risk",
    "allergy",
    "malignancy",
    "infection",
    "trauma_history",
    "implant",
];
const PLANS: [&str; 5] = ["commercial", "medicare", "medicaid", "exchange", "other"];
const SETTINGS: [&str; 3] = ["routine", "urgent", "emergent"];

fn code(k: usize) -> String {
    format!("{:05}", 10_000 + k)
}

/// A policy of `n` rules.
pub fn policy(n: usize) -> Generated {
    let k_codes = (n / 10).max(50);
    let mut codes = String::from("code,modality,contrast,region,family,description\n");
    for k in 0..k_codes {
        let family = FAMILIES[k % FAMILIES.len()];
        let modality = match family {
            "ct" | "cta" => "CT",
            "mri" | "mra" => "MRI",
            "pet" => "PET",
            _ => "US",
        };
        let contrast = if modality == "US" {
            ""
        } else {
            CONTRASTS[(k / 6) % CONTRASTS.len()]
        };
        let region = REGIONS[(k / 18) % REGIONS.len()];
        let _ = writeln!(
            codes,
            "{},{modality},{contrast},{region},{family},generated code {k}",
            code(k)
        );
    }

    let mut p = String::new();
    let list = |xs: &[&str]| xs.join(", ");
    let _ = write!(
        p,
        r#"# A generated policy: {n} rules over {k_codes} codes.
policy "Generated"

enum plan {{ {plans} }}
enum purpose {{ diagnostic, screening, surveillance, staging, follow_up, treatment_planning }}
enum setting {{ {settings} }}
enum evaluation {{ in_person, telehealth, none }}
enum condition {{ {conditions} }}
enum modality {{ {modalities} }}
enum family {{ {families} }}
enum region {{ {regions} }}
enum contrast {{ {contrasts} }}

text code matching "^[0-9]{{5}}$"

table codes from "codes.csv" {{
  key code: code
  modality: modality
  contrast: contrast may be absent
  region: region
  family: family
}}

record line {{
  code: code
}}

facts {{
  member.age: number from 0 to 150 required
  member.plan: plan required
  member.conditions: list of condition default {{}}
  member.gfr: number at least 0 may be unknown
  order.lines: non-empty list of line required
  order.purpose: purpose required
  order.setting: setting default routine
  clinical.evaluation: evaluation may be unknown
}}

const ADULT_AGE = 18
const LOW_GFR = 30

set RENAL of condition = {{ renal_failure, diabetes }}

define adult = member.age >= ADULT_AGE
define enhanced(l: line) = l.code.contrast in {{with, without_and_with}}

outcomes not_supported > redirect > pend > alternative > review > supported > proceed
  default proceed
  pending pend

sections "S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"

lines order.lines shown by code

stage preface {{

  rule G1 required cites "S0"
    when member.age is not known or member.plan is not known or order.purpose is not known
    then pend, missing unknown among member.age, member.plan, order.purpose
    because "the request lacks information every decision needs"

  rule G2 renal cites "S0"
    for each line in order.lines
    when enhanced(line) and (member.gfr < LOW_GFR if known or member.conditions has any of RENAL)
    then review
    because "contrast and impaired renal function"
"#,
        plans = list(&PLANS),
        settings = list(&SETTINGS),
        conditions = list(&CONDITIONS),
        modalities = list(&MODALITIES),
        families = list(&FAMILIES),
        regions = list(&REGIONS),
        contrasts = list(&CONTRASTS),
    );
    for i in 2..n.max(2) {
        rule(&mut p, i, k_codes);
    }
    p.push_str("}\n");
    examples(&mut p);
    Generated { policy: p, codes }
}

/// Rule `i`: its code is `i % k`, its shape and parameters come from the
/// other digits, so that no two rules overlap.
fn rule(p: &mut String, i: usize, k: usize) {
    let c = code(i % k);
    let j = i / k;
    let variant = (j / 5) % 2;
    let round = j / 10;
    let cites = i % 10;
    let _ = write!(
        p,
        "\n  rule R{i} rule-{i} cites \"S{cites}\"\n    for each line in order.lines\n"
    );
    match j % 5 {
        0 => {
            // Age bands of five years, two purposes, repeated by round.
            let band = (round + variant * 7) % 30;
            let purpose = ["diagnostic", "screening"][(round / 30) % 2];
            let _ = write!(
                p,
                "    when line.code is \"{c}\" and member.age >= {} and member.age < {} and order.purpose is {purpose}\n    then review\n    because \"{c} at ages {}-{}\"\n",
                band * 5,
                band * 5 + 5,
                band * 5,
                band * 5 + 5
            );
        }
        1 => {
            let combo = (round * 2 + variant) % (SETTINGS.len() * PLANS.len());
            let _ = write!(
                p,
                "    when line.code is \"{c}\" and order.setting is {} and member.plan is {}\n    then not_supported\n    because \"{c} is not covered in this setting\"\n",
                SETTINGS[combo % SETTINGS.len()],
                PLANS[combo / SETTINGS.len()]
            );
        }
        2 => {
            let cond = CONDITIONS[(round * 2 + variant) % CONDITIONS.len()];
            let band = (round * 2 + variant) / CONDITIONS.len() % 3;
            let _ = write!(
                p,
                "    when line.code is \"{c}\" and {cond} in member.conditions and member.age >= {} and member.age < {}\n    then alternative, offer codes where family is line.code.family and region is line.code.region and contrast is without\n    because \"{c} with {cond}: the same study without contrast\"\n",
                band * 50,
                band * 50 + 50
            );
        }
        3 => {
            let purpose = ["surveillance", "staging"][variant];
            let evaluation = ["in_person", "telehealth", "none"][round % 3];
            let _ = write!(
                p,
                "    when line.code is \"{c}\" and clinical.evaluation is {evaluation} if known and order.purpose is {purpose} and member.plan is {}\n    then supported\n    because \"{c} for {purpose}\"\n",
                PLANS[(round / 3) % PLANS.len()]
            );
        }
        _ => {
            let purpose = ["follow_up", "treatment_planning"][variant];
            let _ = write!(
                p,
                "    when line.code is \"{c}\" and order.purpose is {purpose} and order.setting is {}\n    if adult then supported\n      because \"{c}: adult follow-up\"\n    else review\n      because \"{c}: pediatric follow-up\"\n",
                SETTINGS[round % SETTINGS.len()]
            );
        }
    }
}

fn examples(p: &mut String) {
    let _ = write!(
        p,
        r#"
example "a code outside the table" {{
  request {{"member": {{"age": 3, "plan": "commercial"}}, "order": {{"lines": [{{"code": "99999"}}], "purpose": "diagnostic"}}}}
  expect {{"outcome": "proceed"}}
}}

example "missing age" {{
  request {{"member": {{"plan": "commercial"}}, "order": {{"lines": [{{"code": "99999"}}], "purpose": "diagnostic"}}}}
  expect {{"outcome": "pend", "missing": ["member.age"]}}
}}
"#
    );
}

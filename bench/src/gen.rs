//! A seeded generator of realistic requests.
//!
//! Stage: test and bench input. Owns [`Generator`]: given a seed it yields
//! the same sequence of requests (JSON text) on every machine and every run,
//! because it uses its own SplitMix64 rather than a library whose streams may
//! change between versions. The requests cover the whole code table and every
//! vocabulary, 1-4 lines each, with facts absent (required ones included),
//! well-formed codes outside the table, prior imaging, replacements,
//! Category III codes, and line mixes that trigger the multi-line rules
//! (whole-body, PET with CT or MRI, 3D rendering, breast MRI, limited CT,
//! unlisted codes). Every generated request is valid input.

use serde_json::{Map, Value, json};

use crate::request::Code;
use crate::table::{Contrast, Family, table};

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fixed forever.
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant at these sizes.
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Up to `max` distinct items.
    fn some_of(&mut self, items: &[&str], max: usize) -> Vec<Value> {
        let n = self.below(max + 1);
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..n {
            let item = self.pick(items);
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen.into_iter().map(Value::from).collect()
    }
}

const PLANS: &[&str] = &[
    "commercial",
    "medicare",
    "medicare_advantage",
    "medicaid",
    "other",
];
const SEXES: &[&str] = &["female", "male", "unknown"];
const GENDER_MARKERS: &[&str] = &[
    "male",
    "female",
    "transgender_male",
    "transgender_female",
    "x",
    "not_specified",
];
const CONDITIONS: &[&str] = &[
    "renal_insufficiency",
    "renal_failure",
    "elevated_bun_creatinine",
    "diabetes",
    "thyroid_disease_i131",
    "multiple_myeloma",
    "li_fraumeni",
    "hereditary_paraganglioma_pheochromocytoma",
    "cmmrd",
    "crmo",
    "known_malignancy",
    "infection",
];
const ALLERGIES: &[&str] = &["iodinated_contrast", "gadolinium", "shellfish", "other"];
const IMPLANTS: &[&str] = &[
    "pacemaker",
    "icd",
    "heart_valve",
    "brain_metal",
    "eye_ear_metal",
    "infusion_catheter",
    "bullet_shrapnel",
    "insulin_pump",
    "neurostimulator",
    "orthopedic_hardware",
    "dental",
    "non_ferromagnetic",
];
const INDICATIONS: &[&str] = &[
    "mass_characterization",
    "vascular_anatomy",
    "congenital_skull_abnormality",
    "complex_joint_fracture",
    "pelvic_fracture",
    "spine_fracture",
    "complex_facial_fracture",
    "complex_surgical_planning",
    "cerebral_angiography",
    "uterine_intracavitary_lesion",
    "hydrosalpinx_peritoneal_cyst",
    "lost_iud",
    "uterine_anomaly",
    "infertility",
    "ct_urogram",
    "mrcp",
    "neurosurgical_navigation",
    "custom_arthroplasty_planning",
    "thin_cut_surgical_planning",
    "reformatting_2d",
    "extra_slices",
    "pet_mri",
];
const TRACERS: &[&str] = &[
    "fdg",
    "ga68_dotatate",
    "c11_choline",
    "f18_fluciclovine",
    "f18_sodium_fluoride",
    "ga68_psma",
    "other",
];
const PURPOSES: &[&str] = &[
    "diagnostic",
    "screening",
    "surveillance",
    "staging",
    "restaging",
    "follow_up",
    "treatment_planning",
    "surgical_planning",
    "research",
];
const SETTINGS: &[&str] = &["routine", "urgent", "emergent"];
const LATERALITIES: &[&str] = &["left", "right", "bilateral"];
const REPLACED: &[&str] = &["CT", "MRI"];
const REASONS: &[&str] = &[
    "avoid_radiation",
    "avoid_sedation",
    "contraindication",
    "other",
];
const EVALUATIONS: &[&str] = &["in_person", "telehealth", "none"];
const RESULTS: &[&str] = &["normal", "abnormal", "inconclusive"];
const STATES: &[&str] = &["TX", "TX", "CA", "NY", "FL"];
/// Well-formed codes that are not in the table.
const OUTSIDE: &[&str] = &[
    "71046", "72020", "70999", "G0297", "A9552", "S8035", "0042T", "9999Z",
];
const CATEGORY_III: &[&str] = &["0042T", "0075T", "0623T", "0721T"];
const WHOLE_BODY_CT: &[&str] = &[
    "70450", "70460", "71250", "71260", "74176", "74177", "74150", "72192",
];
const PET_PARTNERS: &[&str] = &[
    "78811", "78812", "78813", "78814", "78815", "78816", "78459", "78608",
];
const THREE_D_PARTNERS: &[&str] = &[
    "70496", "70544", "72192", "74177", "78803", "77065", "76641", "74261",
];
const UNLISTED: &[&str] = &["76497", "76498", "78999"];
const WHOLE_BODY_MRI: &[&str] = &[
    "76498", "76498", "70551", "74181", "77084", "72195", "S8042",
];

/// Yields requests (JSON values) from a seed, deterministically.
#[derive(Clone, Debug)]
pub struct Generator {
    rng: SplitMix64,
    count: u64,
    codes: Vec<&'static str>,
}

impl Generator {
    /// A generator whose stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: SplitMix64(seed),
            count: 0,
            codes: table().rows().iter().map(|r| r.code.as_str()).collect(),
        }
    }

    /// The next request as JSON text.
    pub fn next_json(&mut self) -> String {
        self.next_request().to_string()
    }

    /// `n` requests as JSON text.
    pub fn take_json(&mut self, n: usize) -> Vec<String> {
        (0..n).map(|_| self.next_json()).collect()
    }

    /// The next request as a JSON value.
    pub fn next_request(&mut self) -> Value {
        self.count += 1;
        let (lines, mut hints) = self.lines();
        let codes: Vec<String> = lines
            .iter()
            .flatten()
            .filter_map(|l| l.get("code").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let r = &mut self.rng;
        let mut req = Map::new();
        if r.chance(80) {
            req.insert("id".into(), json!(format!("gen-{}", self.count)));
        }
        if r.chance(40) {
            req.insert(
                "date_of_service".into(),
                json!(format!(
                    "2025-{:02}-{:02}",
                    1 + r.below(12),
                    1 + r.below(28)
                )),
            );
        }
        req.insert(
            "member".into(),
            Value::Object(member(r, &mut hints, &codes)),
        );
        req.insert("order".into(), Value::Object(order(r, &hints, lines)));
        let clinical = clinical(r, &codes);
        if !clinical.is_empty() || r.chance(50) {
            req.insert("clinical".into(), Value::Object(clinical));
        }
        let mut trial = Map::new();
        if r.chance(8) {
            trial.insert("cms_approved".into(), json!(r.chance(75)));
        }
        if r.chance(5) {
            trial.insert("data_collection_only".into(), json!(r.chance(70)));
        }
        if !trial.is_empty() {
            req.insert("trial".into(), Value::Object(trial));
        }
        Value::Object(req)
    }

    /// The lines (absent 5% of the time) and what they were built for.
    fn lines(&mut self) -> (Option<Vec<Value>>, Hints) {
        let r = &mut self.rng;
        let mut hints = Hints::default();
        if r.chance(5) {
            return (None, hints);
        }
        let n = 1 + r.below(4);
        let mut codes: Vec<&str> = Vec::new();
        let random = |r: &mut SplitMix64, codes: &mut Vec<&str>, k: usize| {
            for _ in 0..k {
                codes.push(self.codes[r.below(self.codes.len())]);
            }
        };
        match r.below(100) {
            0..=41 => random(r, &mut codes, n),
            42..=44 => {
                codes.push("75571");
                random(r, &mut codes, n - 1);
            }
            45..=51 => {
                hints.whole_body_ct = true;
                codes.extend(["70450", "71250"]);
                if r.chance(50) {
                    codes.push("74176");
                } else {
                    codes.extend(["74150", "72192"]);
                }
                codes.truncate(if r.chance(70) { 4 } else { 2 + r.below(2) });
                for c in codes.iter_mut() {
                    if r.chance(30) {
                        *c = r.pick(WHOLE_BODY_CT);
                    }
                }
            }
            52..=59 => {
                hints.pet = true;
                codes.push(r.pick(PET_PARTNERS));
                random(r, &mut codes, n - 1);
                if r.chance(50) {
                    codes.push(r.pick(WHOLE_BODY_CT));
                }
            }
            60..=66 => {
                hints.three_d = true;
                codes.push(if r.chance(35) { "76376" } else { "76377" });
                if r.chance(60) {
                    codes.push(r.pick(THREE_D_PARTNERS));
                } else {
                    random(r, &mut codes, n - 1);
                }
            }
            67..=72 => {
                for _ in 0..(1 + r.below(2)) {
                    codes.push(if r.chance(50) { "77046" } else { "77048" });
                }
                if r.chance(25) {
                    codes.push(r.pick(&["77047", "77049", "77065"]));
                }
            }
            73..=76 => {
                codes.push("76380");
                if r.chance(70) {
                    codes.push(r.pick(WHOLE_BODY_CT));
                }
            }
            77..=82 => {
                hints.unlisted = true;
                codes.push(r.pick(UNLISTED));
                random(r, &mut codes, n - 1);
            }
            83..=89 => {
                hints.whole_body_mri = true;
                if r.chance(50) {
                    codes.push("76498");
                }
                for _ in 0..n {
                    codes.push(r.pick(WHOLE_BODY_MRI));
                }
            }
            _ => {
                codes.push(r.pick(OUTSIDE));
                random(r, &mut codes, n - 1);
            }
        }
        codes.truncate(4);
        let lines = codes
            .into_iter()
            .map(|code| {
                let breast_unilateral = matches!(code, "77046" | "77048");
                let chance = if breast_unilateral { 70 } else { 8 };
                if r.chance(chance) {
                    json!({"code": code, "laterality": r.pick(LATERALITIES)})
                } else {
                    json!({"code": code})
                }
            })
            .collect();
        (Some(lines), hints)
    }
}

/// What a request's lines were built to exercise, to bias the other facts.
#[derive(Clone, Copy, Debug, Default)]
struct Hints {
    whole_body_ct: bool,
    whole_body_mri: bool,
    pet: bool,
    three_d: bool,
    unlisted: bool,
    /// Set by `member`: the member has an MRI-unsafe implant.
    unsafe_implant: bool,
}

fn member(r: &mut SplitMix64, hints: &mut Hints, codes: &[String]) -> Map<String, Value> {
    let mut m = Map::new();
    if r.chance(92) {
        let age = match r.below(10) {
            0 => json!([0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0][r.below(7)]),
            1 | 2 => json!(3 + r.below(15)),
            _ => json!(18 + r.below(80)),
        };
        m.insert("age".into(), age);
    }
    if r.chance(93) {
        m.insert("plan".into(), json!(r.pick(PLANS)));
    }
    if r.chance(30) {
        m.insert("sex_at_birth".into(), json!(r.pick(SEXES)));
    }
    if r.chance(30) {
        m.insert("gender_marker".into(), json!(r.pick(GENDER_MARKERS)));
    }
    if r.chance(8) {
        let excluded = if !codes.is_empty() && r.chance(70) {
            codes[r.below(codes.len())].clone()
        } else {
            r.pick(OUTSIDE).to_owned()
        };
        m.insert("plan_exclusions".into(), json!([excluded]));
    }
    if r.chance(25) {
        m.insert("state".into(), json!(r.pick(STATES)));
    }
    for (field, percent) in [
        ("pregnant", 10),
        ("breastfeeding", 6),
        ("dialysis", 4),
        ("very_elderly", 5),
        ("radiation_sensitive", 6),
    ] {
        if r.chance(percent) {
            m.insert(field.into(), json!(r.chance(80)));
        }
    }
    if r.chance(25) {
        m.insert("gfr".into(), json!(5 + r.below(110)));
    }
    let mut conditions = if r.chance(35) {
        r.some_of(CONDITIONS, 2)
    } else {
        Vec::new()
    };
    let special = if hints.whole_body_mri && r.chance(70) {
        Some(r.pick(&[
            "li_fraumeni",
            "hereditary_paraganglioma_pheochromocytoma",
            "cmmrd",
            "crmo",
            "known_malignancy",
        ]))
    } else if hints.whole_body_ct && r.chance(50) {
        Some("multiple_myeloma")
    } else {
        None
    };
    if let Some(special) = special
        && !conditions.contains(&json!(special))
    {
        conditions.push(json!(special));
    }
    if !conditions.is_empty() {
        m.insert("conditions".into(), Value::Array(conditions));
    }
    if r.chance(15) {
        m.insert("allergies".into(), Value::Array(r.some_of(ALLERGIES, 2)));
    }
    if r.chance(15) {
        let implants = r.some_of(IMPLANTS, 2);
        hints.unsafe_implant = implants
            .iter()
            .any(|i| IMPLANTS[..9].contains(&i.as_str().unwrap_or("")));
        m.insert("implants".into(), Value::Array(implants));
    }
    m
}

fn order(r: &mut SplitMix64, hints: &Hints, lines: Option<Vec<Value>>) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(lines) = lines {
        o.insert("lines".into(), Value::Array(lines));
    }
    if r.chance(93) {
        let purpose = if (hints.whole_body_ct || hints.whole_body_mri) && r.chance(60) {
            r.pick(&["screening", "staging", "restaging"])
        } else {
            r.pick(PURPOSES)
        };
        o.insert("purpose".into(), json!(purpose));
    }
    if r.chance(if hints.whole_body_ct { 60 } else { 15 }) {
        o.insert("symptomatic".into(), json!(r.chance(30)));
    }
    let whole_body = if hints.whole_body_ct || hints.whole_body_mri {
        70
    } else {
        8
    };
    if r.chance(whole_body) {
        o.insert("whole_body".into(), json!(r.chance(90)));
    }
    if r.chance(5) {
        o.insert("investigational".into(), json!(r.chance(80)));
    }
    let mut indications = if r.chance(30) {
        r.some_of(INDICATIONS, 2)
    } else {
        Vec::new()
    };
    if hints.three_d && r.chance(60) {
        let d4 = [
            "pelvic_fracture",
            "congenital_skull_abnormality",
            "reformatting_2d",
            "mrcp",
            "extra_slices",
        ];
        indications.push(json!(d4[r.below(d4.len())]));
    }
    if hints.unlisted && r.chance(40) {
        indications.push(json!(
            r.pick(&["neurosurgical_navigation", "thin_cut_surgical_planning"])
        ));
    }
    if hints.pet && r.chance(10) {
        indications.push(json!("pet_mri"));
    }
    indications.dedup();
    if !indications.is_empty() {
        o.insert("indications".into(), Value::Array(indications));
    }
    if r.chance(if hints.pet { 80 } else { 30 }) {
        o.insert("radiotracer".into(), json!(r.pick(TRACERS)));
    }
    if r.chance(25) {
        o.insert("setting".into(), json!(r.pick(SETTINGS)));
    }
    if r.chance(6) {
        o.insert("trauma".into(), json!(r.chance(80)));
    }
    if r.chance(if hints.unsafe_implant { 40 } else { 10 }) {
        o.insert(
            "replaces".into(),
            json!({"modality": r.pick(REPLACED), "reason": r.pick(REASONS)}),
        );
    }
    if r.chance(if hints.unlisted { 35 } else { 5 }) {
        o.insert("category_iii_code".into(), json!(r.pick(CATEGORY_III)));
    }
    o
}

fn clinical(r: &mut SplitMix64, codes: &[String]) -> Map<String, Value> {
    let mut c = Map::new();
    if r.chance(88) {
        let evaluation = if r.chance(10) {
            "none"
        } else {
            r.pick(&EVALUATIONS[..2])
        };
        c.insert("evaluation".into(), json!(evaluation));
    }
    if r.chance(10) {
        c.insert("scheduled_follow_up".into(), json!(r.chance(80)));
    }
    if r.chance(55) {
        c.insert("xray_current_episode".into(), json!(r.chance(70)));
    }
    let mut priors = Vec::new();
    for code in codes {
        if r.chance(6) {
            priors.push(prior(r, code));
        }
        // A same-site MRI without contrast, for completion studies (K8).
        if let Some(row) = Code::new(code).and_then(|c| table().get(c))
            && row.family == Family::Mri
            && row.contrast == Contrast::With
            && r.chance(40)
        {
            for without in &row.same_site_without {
                priors.push(prior(r, without.as_str()));
            }
        }
    }
    if r.chance(5) {
        priors.push(prior(r, "70551"));
    }
    if !priors.is_empty() {
        c.insert("prior_imaging".into(), Value::Array(priors));
    }
    for (field, percent) in [
        ("progression", 6),
        ("recurrence", 4),
        ("management_change", 4),
        ("need_outweighs_risk", 12),
    ] {
        if r.chance(percent) {
            c.insert(field.into(), json!(r.chance(80)));
        }
    }
    if r.chance(6) {
        c.insert("affects_management".into(), json!(r.chance(30)));
    }
    c
}

fn prior(r: &mut SplitMix64, code: &str) -> Value {
    let days = if r.chance(50) {
        r.below(21)
    } else {
        r.below(200)
    };
    json!({"code": code, "days_ago": days, "result": r.pick(RESULTS)})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(
            Generator::new(7).take_json(50),
            Generator::new(7).take_json(50)
        );
        assert_ne!(
            Generator::new(7).take_json(5),
            Generator::new(8).take_json(5)
        );
    }

    #[test]
    fn every_request_is_valid_input() {
        for json in Generator::new(1).take_json(2_000) {
            crate::request::parse(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        }
    }
}

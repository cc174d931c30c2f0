//! The request (contract `request.md`) as strict serde types.
//!
//! Stage: input. Owns the shape of a request and its validation: unknown
//! fields, values outside a vocabulary, malformed codes and negative numbers
//! are errors, never silently ignored. Absent fields follow request.md:
//! a *default* field takes its default, a *required*/*unknown* or *none*
//! field is an `Option` (`None` = absent; the rules tell unknown from none).

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// Parses a request from JSON text; the error names the offending field.
pub fn parse(json: &str) -> Result<Request, serde_json::Error> {
    serde_json::from_str(json)
}

/// A CPT/HCPCS code (`\d{4}[0-9A-Z]` or `[A-Z]\d{4}`), or a Category III
/// code (`\d{4}T`, a special case of the CPT shape), stored inline so that
/// comparing codes is comparing five bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code([u8; 5]);

impl Code {
    /// Checks the shape of `text` and returns the code, or `None`.
    pub fn new(text: &str) -> Option<Code> {
        let b: [u8; 5] = text.as_bytes().try_into().ok()?;
        let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        let cpt = digits(&b[..4]) && (b[4].is_ascii_digit() || b[4].is_ascii_uppercase());
        let hcpcs = b[0].is_ascii_uppercase() && digits(&b[1..]);
        (cpt || hcpcs).then_some(Code(b))
    }

    /// A code from a literal known to be well formed (crate constants).
    pub(crate) const fn lit(bytes: [u8; 5]) -> Code {
        Code(bytes)
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored (see `new`).
        std::str::from_utf8(&self.0).unwrap_or("?????")
    }

    /// True for a Category III code (`\d{4}T`).
    pub fn is_category_iii(&self) -> bool {
        self.0[..4].iter().all(u8::is_ascii_digit) && self.0[4] == b'T'
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Code::new(&text).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a CPT code (\\d{4}[0-9A-Z]) or an HCPCS code ([A-Z]\\d{4})",
            )
        })
    }
}

/// A Category III code (`\d{4}T`), as `order.category_iii_code` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CategoryIii(pub Code);

impl<'de> Deserialize<'de> for CategoryIii {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match Code::new(&text) {
            Some(code) if code.is_category_iii() => Ok(CategoryIii(code)),
            _ => Err(de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a Category III code (\\d{4}T)",
            )),
        }
    }
}

/// Rejects `null` where the contract names a type: `Option` here means
/// "absent", never "null".
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// A number that must be `>= 0` (and, for ages, at most `max`).
fn bounded<'de, D: Deserializer<'de>>(d: D, max: f64, what: &str) -> Result<Option<f64>, D::Error> {
    let x = f64::deserialize(d)?;
    if x.is_finite() && (0.0..=max).contains(&x) {
        Ok(Some(x))
    } else {
        Err(de::Error::invalid_value(de::Unexpected::Float(x), &what))
    }
}

fn age<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    bounded(d, 150.0, "an age between 0 and 150")
}

fn gfr<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    bounded(d, f64::MAX, "a GFR >= 0")
}

fn pattern<'de, D: Deserializer<'de>>(
    d: D,
    ok: fn(&[u8]) -> bool,
    what: &str,
) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    if ok(text.as_bytes()) {
        Ok(Some(text))
    } else {
        Err(de::Error::invalid_value(de::Unexpected::Str(&text), &what))
    }
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    fn ok(b: &[u8]) -> bool {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    }
    pattern(d, ok, "a date YYYY-MM-DD")
}

fn state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    fn ok(b: &[u8]) -> bool {
        b.len() == 2 && b.iter().all(u8::is_ascii_uppercase)
    }
    pattern(d, ok, "two capital letters")
}

fn non_empty_lines<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Line>>, D::Error> {
    let lines = Vec::<Line>::deserialize(d)?;
    if lines.is_empty() {
        Err(de::Error::invalid_length(0, &"a non-empty list of lines"))
    } else {
        Ok(Some(lines))
    }
}

const fn yes() -> bool {
    true
}

/// One imaging order for one member.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Echoed in the decision; none when absent.
    #[serde(default, deserialize_with = "present")]
    pub id: Option<String>,
    /// `YYYY-MM-DD`; none when absent.
    #[serde(default, deserialize_with = "date")]
    pub date_of_service: Option<String>,
    /// The member.
    #[serde(default)]
    pub member: Member,
    /// The order.
    #[serde(default)]
    pub order: Order,
    /// The clinical facts.
    #[serde(default)]
    pub clinical: Clinical,
    /// Clinical-trial facts.
    #[serde(default)]
    pub trial: Trial,
}

/// `member.*`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Years; required (absent = unknown).
    #[serde(default, deserialize_with = "age")]
    pub age: Option<f64>,
    /// Default `unknown`.
    #[serde(default)]
    pub sex_at_birth: SexAtBirth,
    /// Default `not_specified`; no rule reads it.
    #[serde(default)]
    pub gender_marker: GenderMarker,
    /// Required (absent = unknown).
    #[serde(default, deserialize_with = "present")]
    pub plan: Option<Plan>,
    /// Codes the benefit plan excludes.
    #[serde(default)]
    pub plan_exclusions: Vec<Code>,
    /// Two capital letters; none when absent.
    #[serde(default, deserialize_with = "state")]
    pub state: Option<String>,
    /// Default false.
    #[serde(default)]
    pub pregnant: bool,
    /// Default false.
    #[serde(default)]
    pub breastfeeding: bool,
    /// mL/min; unknown when absent.
    #[serde(default, deserialize_with = "gfr")]
    pub gfr: Option<f64>,
    /// Default false.
    #[serde(default)]
    pub dialysis: bool,
    /// Default false.
    #[serde(default)]
    pub very_elderly: bool,
    /// Default false.
    #[serde(default)]
    pub radiation_sensitive: bool,
    /// Default `[]`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// Default `[]`.
    #[serde(default)]
    pub allergies: Vec<Allergy>,
    /// Default `[]`.
    #[serde(default)]
    pub implants: Vec<Implant>,
}

/// `order.*`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Required (absent = unknown); never empty when present.
    #[serde(default, deserialize_with = "non_empty_lines")]
    pub lines: Option<Vec<Line>>,
    /// Required (absent = unknown).
    #[serde(default, deserialize_with = "present")]
    pub purpose: Option<Purpose>,
    /// Default true.
    #[serde(default = "yes")]
    pub symptomatic: bool,
    /// Default false.
    #[serde(default)]
    pub whole_body: bool,
    /// Default false.
    #[serde(default)]
    pub investigational: bool,
    /// Default `[]`.
    #[serde(default)]
    pub indications: Vec<Indication>,
    /// Unknown when absent.
    #[serde(default, deserialize_with = "present")]
    pub radiotracer: Option<Tracer>,
    /// Default `routine`.
    #[serde(default)]
    pub setting: Setting,
    /// Default false.
    #[serde(default)]
    pub trauma: bool,
    /// None when absent.
    #[serde(default, deserialize_with = "present")]
    pub replaces: Option<Replaces>,
    /// None when absent.
    #[serde(default, deserialize_with = "present")]
    pub category_iii_code: Option<CategoryIii>,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            lines: None,
            purpose: None,
            symptomatic: true,
            whole_body: false,
            investigational: false,
            indications: Vec::new(),
            radiotracer: None,
            setting: Setting::Routine,
            trauma: false,
            replaces: None,
            category_iii_code: None,
        }
    }
}

/// One entry of `order.lines`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The ordered code (well formed; maybe outside the table).
    pub code: Code,
    /// None when absent.
    #[serde(default, deserialize_with = "present")]
    pub laterality: Option<Laterality>,
}

/// `order.replaces`: the study ordered in place of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replaces {
    /// The replaced study's modality.
    pub modality: ReplacedModality,
    /// Why it is replaced.
    pub reason: ReplaceReason,
}

/// `clinical.*`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinical {
    /// Unknown when absent.
    #[serde(default, deserialize_with = "present")]
    pub evaluation: Option<Evaluation>,
    /// Default false.
    #[serde(default)]
    pub scheduled_follow_up: bool,
    /// Unknown when absent.
    #[serde(default, deserialize_with = "present")]
    pub xray_current_episode: Option<bool>,
    /// Default `[]`.
    #[serde(default)]
    pub prior_imaging: Vec<Prior>,
    /// Default false.
    #[serde(default)]
    pub progression: bool,
    /// Default false.
    #[serde(default)]
    pub recurrence: bool,
    /// Default false.
    #[serde(default)]
    pub management_change: bool,
    /// Default true.
    #[serde(default = "yes")]
    pub affects_management: bool,
    /// Default false.
    #[serde(default)]
    pub need_outweighs_risk: bool,
}

impl Default for Clinical {
    fn default() -> Self {
        Clinical {
            evaluation: None,
            scheduled_follow_up: false,
            xray_current_episode: None,
            prior_imaging: Vec::new(),
            progression: false,
            recurrence: false,
            management_change: false,
            affects_management: true,
            need_outweighs_risk: false,
        }
    }
}

/// One entry of `clinical.prior_imaging`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    /// The prior study's code.
    pub code: Code,
    /// Days since the prior study (an integer >= 0).
    pub days_ago: u32,
    /// Its result.
    pub result: PriorResult,
}

/// `trial.*`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trial {
    /// Default false.
    #[serde(default)]
    pub cms_approved: bool,
    /// Default false.
    #[serde(default)]
    pub data_collection_only: bool,
}

/// Declares a closed vocabulary as a snake_case serde enum.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vattr:meta])* $variant:ident),+ $(,)? } $(default $default:ident)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(missing_docs)]
        pub enum $name { $($(#[$vattr])* $variant),+ }
        $(impl Default for $name {
            fn default() -> Self { $name::$default }
        })?
    };
}

vocabulary!(
    /// `member.sex_at_birth`.
    SexAtBirth { Female, Male, Unknown } default Unknown
);
vocabulary!(
    /// `member.gender_marker`.
    GenderMarker { Male, Female, TransgenderMale, TransgenderFemale, X, NotSpecified } default NotSpecified
);
vocabulary!(
    /// `member.plan`.
    Plan { Commercial, Medicare, MedicareAdvantage, Medicaid, Other }
);
vocabulary!(
    /// `member.conditions[]`.
    Condition {
        RenalInsufficiency, RenalFailure, ElevatedBunCreatinine, Diabetes, ThyroidDiseaseI131,
        MultipleMyeloma, LiFraumeni, HereditaryParagangliomaPheochromocytoma, Cmmrd, Crmo,
        KnownMalignancy, Infection,
    }
);
vocabulary!(
    /// `member.allergies[]`.
    Allergy { IodinatedContrast, Gadolinium, Shellfish, Other }
);
vocabulary!(
    /// `member.implants[]`.
    Implant {
        Pacemaker, Icd, HeartValve, BrainMetal, EyeEarMetal, InfusionCatheter, BulletShrapnel,
        InsulinPump, Neurostimulator, OrthopedicHardware, Dental, NonFerromagnetic,
    }
);
vocabulary!(
    /// `order.indications[]`.
    Indication {
        MassCharacterization, VascularAnatomy, CongenitalSkullAbnormality, ComplexJointFracture,
        PelvicFracture, SpineFracture, ComplexFacialFracture, ComplexSurgicalPlanning,
        CerebralAngiography, UterineIntracavitaryLesion, HydrosalpinxPeritonealCyst, LostIud,
        UterineAnomaly, Infertility, CtUrogram, Mrcp, NeurosurgicalNavigation,
        CustomArthroplastyPlanning, ThinCutSurgicalPlanning,
        #[serde(rename = "reformatting_2d")] Reformatting2d,
        ExtraSlices, PetMri,
    }
);
vocabulary!(
    /// `order.radiotracer`.
    Tracer { Fdg, Ga68Dotatate, C11Choline, F18Fluciclovine, F18SodiumFluoride, Ga68Psma, Other }
);
vocabulary!(
    /// `order.purpose`.
    Purpose {
        Diagnostic, Screening, Surveillance, Staging, Restaging, FollowUp, TreatmentPlanning,
        SurgicalPlanning, Research,
    }
);
vocabulary!(
    /// `order.setting`.
    Setting { Routine, Urgent, Emergent } default Routine
);
vocabulary!(
    /// `order.lines[].laterality`.
    Laterality { Left, Right, Bilateral }
);
vocabulary!(
    /// `order.replaces.reason`.
    ReplaceReason { AvoidRadiation, AvoidSedation, Contraindication, Other }
);
vocabulary!(
    /// `clinical.evaluation`.
    Evaluation { InPerson, Telehealth, None }
);
vocabulary!(
    /// `clinical.prior_imaging[].result`.
    PriorResult { Normal, Abnormal, Inconclusive }
);

/// `order.replaces.modality` (spelt in capitals in the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum ReplacedModality {
    /// CT.
    #[serde(rename = "CT")]
    Ct,
    /// MRI.
    #[serde(rename = "MRI")]
    Mri,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses_with_defaults() {
        let r = parse(
            r#"{"id":"req-0001","member":{"age":62,"plan":"commercial","implants":["pacemaker"]},
                "order":{"lines":[{"code":"70553"}],"purpose":"diagnostic"},
                "clinical":{"evaluation":"in_person"}}"#,
        )
        .unwrap();
        assert_eq!(r.member.age, Some(62.0));
        assert!(r.order.symptomatic && r.clinical.affects_management);
        assert_eq!(r.order.setting, Setting::Routine);
        assert_eq!(r.order.lines.unwrap()[0].code.as_str(), "70553");
        assert!(r.clinical.xray_current_episode.is_none());
    }

    #[test]
    fn bad_input_is_rejected() {
        for bad in [
            r#"{"member":{"agee":3}}"#,
            r#"{"member":{"age":-1}}"#,
            r#"{"member":{"age":null}}"#,
            r#"{"member":{"plan":"gold"}}"#,
            r#"{"member":{"state":"tx"}}"#,
            r#"{"order":{"lines":[]}}"#,
            r#"{"order":{"lines":[{"code":"7055"}]}}"#,
            r#"{"order":{"lines":[{"code":"ab123"}]}}"#,
            r#"{"order":{"category_iii_code":"00420"}}"#,
            r#"{"order":{"replaces":{"modality":"PET","reason":"other"}}}"#,
            r#"{"clinical":{"prior_imaging":[{"code":"70551","days_ago":1.5,"result":"normal"}]}}"#,
            r#"{"date_of_service":"2024-1-01"}"#,
            r#"{"extra":1}"#,
        ] {
            assert!(parse(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn code_shapes() {
        assert!(Code::new("S8042").is_some());
        assert!(Code::new("0042T").is_some_and(|c| c.is_category_iii()));
        assert!(Code::new("70551").is_some_and(|c| !c.is_category_iii()));
        assert!(Code::new("S804A").is_none());
    }
}

//! The floor: `rules.md` written by hand in Rust, with no interpreter.
//!
//! Stage: evaluation. Owns [`decide`] and the [`Decision`] it returns. The
//! code table is looked up through [`crate::table`] (built once); nothing is
//! interned or parsed while deciding. Rule IDs from `rules.md` mark each rule
//! so that a reader can go from the contract to the code and back.
//!
//! Three-valued logic is `Option<bool>` (`None` = unknown). Every rule that
//! can be unknown depends on a single unknown fact, so each records that fact
//! itself instead of carrying fact sets through the logic.

use crate::request::{Code, Line, Plan, Purpose, Request};
use crate::table::CodeInfo;

pub use crate::decision::{Authority, Decision, Guideline, LineDecision, Outcome};

mod context;
mod rules;

use context::Context;

/// `ADULT_AGE`: <18 pediatric, >=18 general (Preface-3).
pub const ADULT_AGE: f64 = 18.0;
/// `LOW_GFR`: strictly below is low (mL/min).
pub const LOW_GFR: f64 = 30.0;
/// `COMPLETION_WINDOW_DAYS`: "very recent (within two weeks)".
pub const COMPLETION_WINDOW_DAYS: u32 = 14;
/// `REPEAT_WINDOW_DAYS`: the plan's reading of "repeat imaging".
pub const REPEAT_WINDOW_DAYS: u32 = 90;
/// `TODDLER_MAX_AGE`: strictly below qualifies (years).
pub const TODDLER_MAX_AGE: f64 = 3.0;

const CODE_3D_NO_WORKSTATION: Code = Code::lit(*b"76376");
const CODE_3D_WORKSTATION: Code = Code::lit(*b"76377");
const CODE_LIMITED_CT: Code = Code::lit(*b"76380");
const CODE_UNLISTED_CT: Code = Code::lit(*b"76497");
const CODE_UNLISTED_MR: Code = Code::lit(*b"76498");
const CODE_CALCIUM_SCORE: Code = Code::lit(*b"75571");
const CODE_BREAST_MRI_BILATERAL_WITHOUT: Code = Code::lit(*b"77047");
const CODE_BREAST_MRI_BILATERAL_WITH: Code = Code::lit(*b"77049");

/// A small set of names, one bit each; iterating yields names in bit order,
/// and the names are listed sorted, so the output is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bits(u16);

impl Bits {
    fn insert(&mut self, bit: u16) {
        self.0 |= 1 << bit;
    }

    fn union(&mut self, other: Bits) {
        self.0 |= other.0;
    }

    fn names(self, names: &'static [&'static str]) -> Vec<&'static str> {
        (0..names.len())
            .filter(|i| self.0 & (1 << i) != 0)
            .map(|i| names[i])
            .collect()
    }
}

/// Citations, sorted as strings.
const CITATIONS: &[&str] = &[
    "Instructions",
    "Preface-2",
    "Preface-3",
    "Preface-4.1",
    "Preface-4.3",
    "Preface-4.4",
    "Preface-4.5",
    "Preface-5.1",
    "Preface-5.2",
    "Preface-5.3",
];
const INSTRUCTIONS: u16 = 0;
const PREFACE_2: u16 = 1;
const PREFACE_3: u16 = 2;
const PREFACE_4_1: u16 = 3;
const PREFACE_4_3: u16 = 4;
const PREFACE_4_4: u16 = 5;
const PREFACE_4_5: u16 = 6;
const PREFACE_5_1: u16 = 7;
const PREFACE_5_2: u16 = 8;
const PREFACE_5_3: u16 = 9;

/// Facts that can be missing, sorted as strings.
const FACTS: &[&str] = &[
    "clinical.evaluation",
    "clinical.xray_current_episode",
    "member.age",
    "member.plan",
    "order.lines",
    "order.purpose",
    "order.radiotracer",
];
const EVALUATION: u16 = 0;
const XRAY: u16 = 1;
const AGE: u16 = 2;
const PLAN: u16 = 3;
const LINES: u16 = 4;
const PURPOSE: u16 = 5;
const RADIOTRACER: u16 = 6;

const CAUTION_K3: &str =
    "pregnancy: iodinated contrast accepted because the need outweighs the risk";
const CAUTION_K4: &str =
    "breastfeeding: pump and discard breast milk for 12-24 hours after iodinated contrast";
const CAUTION_K6_IODINATED: &str =
    "renal impairment: risk of contrast nephropathy with iodinated contrast";
const CAUTION_K6_GADOLINIUM: &str =
    "renal impairment: risk of nephrogenic systemic fibrosis with gadolinium";
const CAUTION_X1: &str = "Texas HB 1290 may mandate coverage of a coronary calcium score";

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn not(a: Option<bool>) -> Option<bool> {
    a.map(|x| !x)
}

/// `order.purpose` is one of `wanted` (unknown when the purpose is absent).
fn purpose_in(purpose: Option<Purpose>, wanted: &[Purpose]) -> Option<bool> {
    purpose.map(|p| wanted.contains(&p))
}

/// What the rules did to one line.
struct LineState<'c> {
    /// Only `not_supported` rules apply (a line D1 marks `not_required`).
    restricted: bool,
    /// The most decisive outcome of the rules that fired, if any did.
    fired: Option<Outcome>,
    alternatives: Vec<Code>,
    redirect_to: Vec<Code>,
    citations: Bits,
    missing: Bits,
    /// Rules whose condition was unknown: their outcome and unknown fact.
    unknown: Vec<(Outcome, u16)>,
    cautions: &'c mut Vec<&'static str>,
}

impl LineState<'_> {
    /// A rule fired with `outcome`; false if it does not apply to this line.
    fn fire(&mut self, outcome: Outcome, citation: u16) -> bool {
        if self.restricted && outcome != Outcome::NotSupported {
            return false;
        }
        self.fired = self.fired.max(Some(outcome));
        self.citations.insert(citation);
        true
    }

    /// An annotation rule fired (no outcome); false if it does not apply.
    fn annotate(&mut self, citation: u16) -> bool {
        if self.restricted {
            return false;
        }
        self.citations.insert(citation);
        true
    }

    fn caution(&mut self, text: &'static str) {
        if !self.cautions.contains(&text) {
            self.cautions.push(text);
        }
    }

    /// A stage-3 rule with `outcome` is unknown because of `fact`.
    fn unknown(&mut self, outcome: Outcome, fact: u16) {
        if !self.restricted || outcome == Outcome::NotSupported {
            self.unknown.push((outcome, fact));
        }
    }

    /// Fires `outcome` when `cond` is true, records `fact` when unknown.
    fn kleene(&mut self, cond: Option<bool>, outcome: Outcome, citation: u16, fact: u16) {
        match cond {
            Some(true) => {
                self.fire(outcome, citation);
            }
            None => self.unknown(outcome, fact),
            Some(false) => {}
        }
    }

    /// The line's outcome once every rule has had its say.
    fn finish(&mut self) -> Outcome {
        let fired = self.fired.unwrap_or(Outcome::Proceed);
        let mut outcome = fired;
        for &(rule, fact) in &self.unknown {
            if rule > fired {
                self.missing.insert(fact);
                outcome = outcome.max(Outcome::Pend);
            }
        }
        outcome
    }
}

fn sorted(mut codes: Vec<Code>) -> Vec<Code> {
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Decides `req` by `rules.md`.
pub fn decide(req: &Request) -> Decision {
    let m = &req.member;
    let mut citations = Bits::default();
    let guideline = m.age.map(|age| {
        citations.insert(PREFACE_3); // G1
        if age < ADULT_AGE {
            Guideline::Pediatric
        } else {
            Guideline::General
        }
    });
    let authority = match m.plan {
        Some(Plan::Medicare | Plan::MedicareAdvantage) => {
            citations.insert(PREFACE_2); // C1
            Authority::Cms
        }
        Some(_) => {
            citations.insert(PREFACE_2); // C1
            Authority::Guidelines
        }
        None => Authority::Guidelines,
    };
    let Some(lines) = req.order.lines.as_deref() else {
        // G2 without lines: no line decisions, pend.
        let mut missing = Bits::default();
        missing.insert(LINES);
        for (absent, fact) in [
            (m.age.is_none(), AGE),
            (m.plan.is_none(), PLAN),
            (req.order.purpose.is_none(), PURPOSE),
        ] {
            if absent {
                missing.insert(fact);
            }
        }
        citations.insert(PREFACE_3);
        return Decision {
            id: req.id.clone(),
            outcome: Outcome::Pend,
            guideline,
            authority,
            lines: Vec::new(),
            alternatives: Vec::new(),
            redirect_to: Vec::new(),
            missing: missing.names(FACTS),
            cautions: Vec::new(),
            citations: citations.names(CITATIONS),
        };
    };

    let ctx = Context::new(req, lines);
    let mut cautions = Vec::new();
    let mut missing = Bits::default();
    let mut outcome = Outcome::NotRequired;
    let mut alternatives = Vec::new();
    let mut redirect_to = Vec::new();
    let mut decided = Vec::with_capacity(lines.len());
    for (i, line) in ctx.lines.iter().enumerate() {
        let mut state = LineState {
            restricted: false,
            fired: None,
            alternatives: Vec::new(),
            redirect_to: Vec::new(),
            citations: Bits::default(),
            missing: Bits::default(),
            unknown: Vec::new(),
            cautions: &mut cautions,
        };
        decide_line(&ctx, line, ctx.rows[i], &mut state);
        let line_outcome = state.finish();
        outcome = outcome.max(line_outcome);
        missing.union(state.missing);
        citations.union(state.citations);
        alternatives.extend_from_slice(&state.alternatives);
        redirect_to.extend_from_slice(&state.redirect_to);
        decided.push(LineDecision {
            code: line.code,
            outcome: line_outcome,
            alternatives: sorted(state.alternatives),
            redirect_to: sorted(state.redirect_to),
            citations: state.citations.names(CITATIONS),
        });
    }
    Decision {
        id: req.id.clone(),
        outcome,
        guideline,
        authority,
        lines: decided,
        alternatives: sorted(alternatives),
        redirect_to: sorted(redirect_to),
        missing: missing.names(FACTS),
        cautions,
        citations: citations.names(CITATIONS),
    }
}

/// Stages 1 and 2, then stage 3, for one line.
fn decide_line(
    ctx: &Context<'_>,
    line: &Line,
    row: Option<&'static CodeInfo>,
    s: &mut LineState<'_>,
) {
    let req = ctx.req;
    // P1 plan-exclusion: decides the line alone.
    if req.member.plan_exclusions.contains(&line.code) {
        s.fire(Outcome::NotSupported, INSTRUCTIONS);
        return;
    }
    // C2 cms-approved-trial: decides every remaining line alone.
    match ctx.c2 {
        Some(true) => {
            s.fire(Outcome::Supported, PREFACE_2);
            return;
        }
        // Stage 2 is not subject to D1's restriction.
        None => s.unknown.push((Outcome::Supported, PLAN)),
        Some(false) => {}
    }
    // D1 3d-no-pa: first, because it restricts what else applies.
    if line.code == CODE_3D_NO_WORKSTATION {
        s.fire(Outcome::NotRequired, PREFACE_4_1);
        s.restricted = true;
    }
    rules::request_rules(ctx, line, s);
    if let Some(row) = row {
        rules::table_rules(ctx, line, row, s);
    } else {
        // G3 unknown-code.
        s.fire(Outcome::Review, PREFACE_3);
    }
}

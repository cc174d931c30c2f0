//! The stage-3 rules of `rules.md`, one block per rule ID, for one line.

use crate::request::{
    Indication, Line, PriorResult, Purpose, ReplaceReason, ReplacedModality, Tracer,
};
use crate::table::{CodeInfo, Contrast, Family, Modality, TableLaterality, table};

use super::context::Context;
use super::*;

/// Stage-3 rules that never look at the table.
pub(super) fn request_rules(ctx: &Context<'_>, line: &Line, s: &mut LineState<'_>) {
    let req = ctx.req;
    let c = &req.clinical;
    // G2 required-information.
    if ctx.g2 != Bits::default() && s.fire(Outcome::Pend, PREFACE_3) {
        s.missing.union(ctx.g2);
    }
    // E1 investigational.
    if req.order.investigational {
        s.fire(Outcome::NotSupported, PREFACE_2);
    }
    // E2 data-collection-only.
    if req.trial.data_collection_only {
        s.fire(Outcome::NotSupported, PREFACE_2);
    }
    // I1 clinical-evaluation.
    match ctx.i1 {
        Some(true) => {
            if s.fire(Outcome::Pend, PREFACE_3) {
                s.missing.insert(EVALUATION);
            }
        }
        None => s.unknown(Outcome::Pend, EVALUATION),
        Some(false) => {}
    }
    // O1 repeat-imaging.
    if !(c.progression || c.recurrence || c.management_change)
        && c.prior_imaging
            .iter()
            .any(|p| p.code == line.code && p.days_ago <= REPEAT_WINDOW_DAYS)
    {
        s.fire(Outcome::NotSupported, PREFACE_3);
    }
    // O2 no-management-impact.
    if !c.affects_management {
        s.fire(Outcome::NotSupported, PREFACE_3);
    }
}

/// Stage-3 rules about a line in the table.
pub(super) fn table_rules(
    ctx: &Context<'_>,
    line: &Line,
    row: &'static CodeInfo,
    s: &mut LineState<'_>,
) {
    let req = ctx.req;
    let m = &req.member;
    let o = &req.order;
    let c = &req.clinical;
    let indicated = |i| o.indications.contains(&i);
    let modality = row.modality;
    let family = row.family;
    let enhanced = row.enhanced();
    let ct_or_cta = matches!(modality, Modality::Ct | Modality::Cta);
    let mri_or_mra = matches!(modality, Modality::Mri | Modality::Mra);

    // I2 msk-xray.
    if matches!(modality, Modality::Ct | Modality::Mri)
        && matches!(
            row.region,
            "spine_cervical"
                | "spine_thoracic"
                | "spine_lumbar"
                | "upper_extremity"
                | "lower_extremity"
        )
    {
        match c.xray_current_episode {
            Some(false) => {
                if s.fire(Outcome::Pend, PREFACE_3) {
                    s.missing.insert(XRAY);
                }
            }
            None => s.unknown(Outcome::Pend, XRAY),
            Some(true) => {}
        }
    }
    // I3 nonspecific-hcpcs.
    if family == Family::HcpcsNonspecific {
        s.fire(Outcome::Redirect, PREFACE_3);
    }
    // K1 ct-double-contrast.
    if family == Family::Ct
        && row.contrast == Contrast::WithoutAndWith
        && !indicated(Indication::MassCharacterization)
        && !indicated(Indication::VascularAnatomy)
        && !ctx.iodinated_allergy
        && s.fire(Outcome::Alternative, PREFACE_3)
    {
        s.alternatives.extend_from_slice(&row.same_site_with);
    }
    // K2 iodinated-allergy.
    if ctx.iodinated_allergy && enhanced {
        if family == Family::Ct {
            if s.fire(Outcome::Alternative, PREFACE_3) {
                s.alternatives.extend_from_slice(&row.same_site_without);
            }
        } else if matches!(family, Family::Cta | Family::CoronaryCta) {
            s.fire(Outcome::Review, PREFACE_3);
        }
    }
    // K3 pregnancy-iodinated.
    if m.pregnant && enhanced && ct_or_cta {
        if c.need_outweighs_risk {
            if s.annotate(PREFACE_3) {
                s.caution(CAUTION_K3);
            }
        } else {
            s.fire(Outcome::Review, PREFACE_3);
        }
    }
    // K4 breastfeeding-iodinated.
    if m.breastfeeding && enhanced && ct_or_cta && s.annotate(PREFACE_3) {
        s.caution(CAUTION_K4);
    }
    // K5 pregnancy-gadolinium.
    if m.pregnant && enhanced && mri_or_mra {
        if c.need_outweighs_risk || row.same_site_without.is_empty() {
            s.fire(Outcome::Review, PREFACE_3);
        } else if s.fire(Outcome::Alternative, PREFACE_3) {
            s.alternatives.extend_from_slice(&row.same_site_without);
        }
    }
    // K6 renal-contrast.
    if enhanced && (ct_or_cta || mri_or_mra) && ctx.renal_risk && s.fire(Outcome::Review, PREFACE_3)
    {
        s.caution(if ct_or_cta {
            CAUTION_K6_IODINATED
        } else {
            CAUTION_K6_GADOLINIUM
        });
    }
    // K7 non-contrast-ct-acceptable.
    if family == Family::Ct && enhanced && ctx.non_contrast_acceptable && s.annotate(PREFACE_3) {
        s.alternatives.extend_from_slice(&row.same_site_without);
    }
    // K8 mri-contrast-only.
    if family == Family::Mri && row.contrast == Contrast::With {
        let t = table();
        let completion = c.prior_imaging.iter().any(|p| {
            p.result == PriorResult::Inconclusive
                && p.days_ago <= COMPLETION_WINDOW_DAYS
                && t.get(p.code).is_some_and(|pr| {
                    pr.modality == Modality::Mri
                        && pr.site == row.site
                        && pr.contrast == Contrast::Without
                })
        });
        s.fire(
            if completion {
                Outcome::Supported
            } else {
                Outcome::Review
            },
            PREFACE_3,
        );
    }
    // M1 mri-unsafe-implant.
    if ctx.unsafe_implant {
        match family {
            Family::Mri => {
                if row.ct_for_mri.is_empty() {
                    s.fire(Outcome::Review, PREFACE_3);
                } else if s.fire(Outcome::Alternative, PREFACE_3) {
                    s.alternatives.extend_from_slice(&row.ct_for_mri);
                }
            }
            Family::BreastMri | Family::CardiacMri | Family::Mra | Family::BoneMarrowMri => {
                s.fire(Outcome::Review, PREFACE_3);
            }
            _ => {}
        }
    }
    let replaces = o.replaces;
    let replaced =
        |modality, reason| replaces.is_some_and(|r| r.modality == modality && r.reason == reason);
    // M2 ct-to-avoid-sedation.
    if modality == Modality::Ct && replaced(ReplacedModality::Mri, ReplaceReason::AvoidSedation) {
        s.fire(Outcome::NotSupported, PREFACE_3);
    }
    // M3 mri-to-avoid-radiation.
    if modality == Modality::Mri
        && replaced(ReplacedModality::Ct, ReplaceReason::AvoidRadiation)
        && !m.pregnant
        && !m.radiation_sensitive
    {
        s.fire(Outcome::NotSupported, PREFACE_3);
    }
    // M4 ct-for-contraindicated-mri.
    if modality == Modality::Ct
        && replaces.is_some_and(|r| r.modality == ReplacedModality::Mri)
        && ctx.unsafe_implant
    {
        s.fire(Outcome::Supported, PREFACE_3);
    }
    if matches!(modality, Modality::Pet | Modality::PetCt) {
        // T1 pet-surveillance.
        let surveillance = purpose_in(o.purpose, &[Purpose::Surveillance]);
        s.kleene(surveillance, Outcome::NotSupported, PREFACE_3, PURPOSE);
        // T2 pet-radiotracer.
        let banned = o
            .radiotracer
            .map(|t| matches!(t, Tracer::F18SodiumFluoride | Tracer::Ga68Psma));
        s.kleene(banned, Outcome::NotSupported, PREFACE_3, RADIOTRACER);
    }
    // T3 pet-ct-unbundled.
    if ctx.t3 {
        // The PET line goes to its own region's PET/CT code, a CT line to
        // those of every PET line.
        let targets = match family {
            Family::Pet => Some(&row.pet_ct),
            Family::Ct => Some(&ctx.t3_targets),
            _ => None,
        };
        if let Some(targets) = targets
            && s.fire(Outcome::Redirect, PREFACE_3)
        {
            s.redirect_to.extend_from_slice(targets);
        }
    }
    // T4 pet-mri.
    if ctx.t4 && matches!(modality, Modality::Pet | Modality::PetCt | Modality::Mri) {
        s.fire(Outcome::NotSupported, PREFACE_5_3);
    }
    if family == Family::Rendering3d {
        // D2 3d-not-with.
        if ctx.d2 {
            s.fire(Outcome::NotSupported, PREFACE_4_1);
        }
        // D3 3d-not-2d.
        if indicated(Indication::Reformatting2d) {
            s.fire(Outcome::NotSupported, PREFACE_4_1);
        }
    }
    // D4 3d-scenarios: each branch is its own condition.
    if line.code == CODE_3D_WORKSTATION {
        let listed = o.indications.iter().any(|i| {
            matches!(
                i,
                Indication::ComplexJointFracture
                    | Indication::PelvicFracture
                    | Indication::SpineFracture
                    | Indication::ComplexFacialFracture
                    | Indication::ComplexSurgicalPlanning
                    | Indication::CerebralAngiography
                    | Indication::UterineIntracavitaryLesion
                    | Indication::HydrosalpinxPeritonealCyst
                    | Indication::LostIud
                    | Indication::UterineAnomaly
                    | Indication::Infertility
                    | Indication::CtUrogram
                    | Indication::Mrcp
            )
        });
        let toddler_skull = and(
            Some(indicated(Indication::CongenitalSkullAbnormality)),
            m.age.map(|a| a < TODDLER_MAX_AGE),
        );
        let supported = if listed { Some(true) } else { toddler_skull };
        s.kleene(supported, Outcome::Supported, PREFACE_4_1, AGE);
        s.kleene(not(supported), Outcome::NotSupported, PREFACE_4_1, AGE);
    }
    if family == Family::Unlisted {
        let is_unlisted_ct_or_mr = line.code == CODE_UNLISTED_CT || line.code == CODE_UNLISTED_MR;
        let u2 = is_unlisted_ct_or_mr
            && (indicated(Indication::NeurosurgicalNavigation)
                || indicated(Indication::CustomArthroplastyPlanning)
                || indicated(Indication::ThinCutSurgicalPlanning));
        // U1 category-iii-first.
        if let Some(cat3) = o.category_iii_code
            && s.fire(Outcome::Redirect, PREFACE_4_3)
        {
            s.redirect_to.push(cat3.0);
        }
        // U2 unlisted-scenarios.
        if u2 {
            s.fire(Outcome::Supported, PREFACE_4_3);
        }
        // U3 unlisted-other.
        let u1 = o.category_iii_code.is_some();
        let whole_body_decides =
            (modality == Modality::Ct && ctx.wb_ct) || (modality == Modality::Mri && ctx.wb_mri);
        if !(u1 || u2 || whole_body_decides) {
            s.fire(Outcome::Review, PREFACE_4_3);
        }
    }
    // B1 bilateral-breast-mri.
    if let Some(target) = ctx.b1
        && family == Family::BreastMri
        && row.laterality == TableLaterality::Unilateral
        && s.fire(Outcome::Redirect, PREFACE_4_4)
    {
        s.redirect_to.push(target);
    }
    if line.code == CODE_LIMITED_CT {
        // L1 limited-ct-extra-slices.
        if ctx.has_family_ct {
            s.fire(Outcome::NotSupported, PREFACE_4_5);
        }
        // L2 limited-ct-planning.
        let planning = purpose_in(o.purpose, &[Purpose::TreatmentPlanning]);
        s.kleene(planning, Outcome::NotSupported, PREFACE_4_5, PURPOSE);
    }
    if modality == Modality::Ct {
        // W1 wb-ct-screening.
        s.kleene(ctx.w1, Outcome::NotSupported, PREFACE_5_1, PURPOSE);
        // W2 wb-ldct-myeloma.
        s.kleene(ctx.w2, Outcome::Supported, PREFACE_5_1, PURPOSE);
    }
    if modality == Modality::Mri {
        // W3 wbmri-coding.
        if ctx.wb_mri && line.code != CODE_UNLISTED_MR && s.fire(Outcome::Redirect, PREFACE_5_2) {
            s.redirect_to.push(CODE_UNLISTED_MR);
        }
        if line.code == CODE_UNLISTED_MR {
            // W4 wbmri-predisposition.
            s.kleene(ctx.w4, Outcome::Supported, PREFACE_5_2, PURPOSE);
            // W5 wbmri-crmo.
            if ctx.w5 {
                s.fire(Outcome::Review, PREFACE_5_2);
            }
        }
        // W6 wbmri-otherwise.
        s.kleene(ctx.w6, Outcome::NotSupported, PREFACE_5_2, PURPOSE);
    }
    // X1 texas-calcium-score.
    if m.state.as_deref() == Some("TX") && line.code == CODE_CALCIUM_SCORE && s.annotate(PREFACE_2)
    {
        s.caution(CAUTION_X1);
    }
}

//! The request-level facts the native rules read, computed once per request.

use crate::request::{
    Allergy, Code, Condition, Evaluation, Implant, Indication, Laterality, Line, Plan, Purpose,
    Request, Setting,
};
use crate::table::{CodeInfo, Contrast, Family, Modality, TableLaterality, table};

use super::{
    AGE, Bits, CODE_BREAST_MRI_BILATERAL_WITH, CODE_BREAST_MRI_BILATERAL_WITHOUT, LOW_GFR, PLAN,
    PURPOSE, and, not, purpose_in,
};

/// The facts of a request that more than one line reads, computed once.
pub(super) struct Context<'r> {
    pub(super) req: &'r Request,
    pub(super) lines: &'r [Line],
    pub(super) rows: Vec<Option<&'static CodeInfo>>,
    /// G2: the absent required facts (lines are present here).
    pub(super) g2: Bits,
    pub(super) unsafe_implant: bool,
    pub(super) iodinated_allergy: bool,
    /// C2, three-valued (unknown plan).
    pub(super) c2: Option<bool>,
    /// I1, three-valued (unknown evaluation).
    pub(super) i1: Option<bool>,
    /// K6: the member's renal risk, GFR only if known.
    pub(super) renal_risk: bool,
    /// K7: any reason a non-contrast CT is acceptable.
    pub(super) non_contrast_acceptable: bool,
    pub(super) has_family_ct: bool,
    /// T3: the PET/CT codes of the regions of all family-`pet` lines.
    pub(super) t3_targets: Vec<Code>,
    pub(super) t3: bool,
    pub(super) t4: bool,
    pub(super) d2: bool,
    pub(super) b1: Option<Code>,
    pub(super) wb_ct: bool,
    pub(super) wb_mri: bool,
    pub(super) w1: Option<bool>,
    pub(super) w2: Option<bool>,
    pub(super) w4: Option<bool>,
    pub(super) w5: bool,
    pub(super) w6: Option<bool>,
}

impl<'r> Context<'r> {
    pub(super) fn new(req: &'r Request, lines: &'r [Line]) -> Self {
        let m = &req.member;
        let o = &req.order;
        let t = table();
        let rows: Vec<_> = lines.iter().map(|l| t.get(l.code)).collect();
        let mut g2 = Bits::default();
        if m.age.is_none() {
            g2.insert(AGE);
        }
        if m.plan.is_none() {
            g2.insert(PLAN);
        }
        if o.purpose.is_none() {
            g2.insert(PURPOSE);
        }
        let cond = |c| m.conditions.contains(&c);
        let indicated = |i| o.indications.contains(&i);
        let medicare = m
            .plan
            .map(|p| matches!(p, Plan::Medicare | Plan::MedicareAdvantage));
        let evaluation_none = req.clinical.evaluation.map(|e| e == Evaluation::None);

        let families = || rows.iter().flatten().map(|r| r.family);
        let modalities = || rows.iter().flatten().map(|r| r.modality);
        let has_family = |f: Family| families().any(|x| x == f);
        let has_family_ct = has_family(Family::Ct);
        let has_family_pet = has_family(Family::Pet);

        let mut t3_targets: Vec<Code> = rows
            .iter()
            .flatten()
            .filter(|r| r.family == Family::Pet)
            .flat_map(|r| r.pet_ct.iter().copied())
            .collect();
        t3_targets.sort();
        t3_targets.dedup();

        let t4 = (modalities().any(|x| matches!(x, Modality::Pet | Modality::PetCt))
            && has_family(Family::Mri))
            || indicated(Indication::PetMri);

        let d2 = families().any(|f| {
            matches!(
                f,
                Family::Mra
                    | Family::Cta
                    | Family::CoronaryCta
                    | Family::Spect
                    | Family::Pet
                    | Family::PetCt
                    | Family::CardiacPet
                    | Family::BrainPet
                    | Family::Mammogram
                    | Family::BreastMri
                    | Family::BreastUs
                    | Family::CtColonography
                    | Family::CardiacMri
                    | Family::CardiacCt
            )
        });

        // B1: the unilateral breast MRI lines.
        let unilateral_breast = || {
            lines.iter().zip(&rows).filter_map(|(l, r)| {
                r.filter(|r| {
                    r.family == Family::BreastMri && r.laterality == TableLaterality::Unilateral
                })
                .map(|r| (l, r))
            })
        };
        let n_breast = unilateral_breast().count();
        let b1_applies = n_breast >= 2
            || (n_breast == 1
                && unilateral_breast().any(|(l, _)| l.laterality == Some(Laterality::Bilateral)));
        let b1 = b1_applies.then(|| {
            if unilateral_breast().all(|(_, r)| r.contrast == Contrast::Without) {
                CODE_BREAST_MRI_BILATERAL_WITHOUT
            } else {
                CODE_BREAST_MRI_BILATERAL_WITH
            }
        });

        let ct_regions = || {
            rows.iter()
                .flatten()
                .filter(|r| r.family == Family::Ct)
                .map(|r| r.region)
        };
        let covers = |region: &str| ct_regions().any(|x| x == region);
        let wb_ct = (o.whole_body && modalities().any(|x| x == Modality::Ct))
            || (covers("head")
                && covers("chest")
                && (covers("abdomen_pelvis") || (covers("abdomen") && covers("pelvis"))));
        let wb_mri = o.whole_body && modalities().any(|x| x == Modality::Mri);
        let w1 = and(
            Some(wb_ct && !o.symptomatic),
            purpose_in(o.purpose, &[Purpose::Screening]),
        );
        let w2 = and(
            Some(wb_ct && o.whole_body && cond(Condition::MultipleMyeloma)),
            purpose_in(o.purpose, &[Purpose::Staging, Purpose::Restaging]),
        );
        let predisposition = cond(Condition::LiFraumeni)
            || cond(Condition::HereditaryParagangliomaPheochromocytoma)
            || cond(Condition::Cmmrd);
        let w4 = and(
            Some(wb_mri && predisposition),
            purpose_in(o.purpose, &[Purpose::Screening]),
        );
        let w5 = wb_mri && cond(Condition::Crmo);
        let w6 = and(Some(wb_mri), and(not(w4), Some(!w5)));

        Context {
            req,
            lines,
            g2,
            unsafe_implant: m.implants.iter().any(|i| {
                !matches!(
                    i,
                    Implant::OrthopedicHardware | Implant::Dental | Implant::NonFerromagnetic
                )
            }),
            iodinated_allergy: m.allergies.contains(&Allergy::IodinatedContrast),
            c2: and(medicare, Some(req.trial.cms_approved)),
            i1: and(evaluation_none, Some(!req.clinical.scheduled_follow_up)),
            renal_risk: m.gfr.is_some_and(|g| g < LOW_GFR)
                || m.dialysis
                || cond(Condition::RenalFailure),
            non_contrast_acceptable: cond(Condition::ElevatedBunCreatinine)
                || cond(Condition::RenalInsufficiency)
                || cond(Condition::ThyroidDiseaseI131)
                || cond(Condition::Diabetes)
                || m.very_elderly
                || matches!(o.setting, Setting::Urgent | Setting::Emergent)
                || o.trauma,
            has_family_ct,
            t3: has_family_pet && has_family_ct,
            t3_targets,
            t4,
            d2,
            b1,
            wb_ct,
            wb_mri,
            w1,
            w2,
            w4,
            w5,
            w6,
            rows,
        }
    }
}

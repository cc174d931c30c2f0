# The Preface to the Imaging Guidelines, as policy.
#
# Each rule carries its ID from contract/rules.md (P1 ... X1) and cites the
# guideline section it encodes. Read a rule next to its line in rules.md:
# the `when` is the sentence's condition, the `then` its effect.

policy "Preface to the Imaging Guidelines"

# ─────────────────────────── vocabularies ───────────────────────────

enum plan { commercial, medicare, medicare_advantage, medicaid, other }
enum sex { female, male, unknown }
enum gender_marker { male, female, transgender_male, transgender_female, x, not_specified }
enum condition {
  renal_insufficiency, renal_failure, elevated_bun_creatinine, diabetes,
  thyroid_disease_i131, multiple_myeloma, li_fraumeni,
  hereditary_paraganglioma_pheochromocytoma, cmmrd, crmo, known_malignancy,
  infection
}
enum allergy { iodinated_contrast, gadolinium, shellfish, other }
enum implant {
  pacemaker, icd, heart_valve, brain_metal, eye_ear_metal, infusion_catheter,
  bullet_shrapnel, insulin_pump, neurostimulator, orthopedic_hardware, dental,
  non_ferromagnetic
}
enum indication {
  mass_characterization, vascular_anatomy, congenital_skull_abnormality,
  complex_joint_fracture, pelvic_fracture, spine_fracture,
  complex_facial_fracture, complex_surgical_planning, cerebral_angiography,
  uterine_intracavitary_lesion, hydrosalpinx_peritoneal_cyst, lost_iud,
  uterine_anomaly, infertility, ct_urogram, mrcp, neurosurgical_navigation,
  custom_arthroplasty_planning, thin_cut_surgical_planning, reformatting_2d,
  extra_slices, pet_mri
}
enum tracer {
  fdg, ga68_dotatate, c11_choline, f18_fluciclovine, f18_sodium_fluoride,
  ga68_psma, other
}
enum purpose {
  diagnostic, screening, surveillance, staging, restaging, follow_up,
  treatment_planning, surgical_planning, research
}
enum setting { routine, urgent, emergent }
enum side { left, right, bilateral }
enum evaluation { in_person, telehealth, none }
enum study_result { normal, abnormal, inconclusive }
enum replaced_modality { CT, MRI }
enum replacement_reason { avoid_radiation, avoid_sedation, contraindication, other }

# The code table's vocabularies.
enum modality { CT, CTA, MRI, MRA, PET, PET_CT, NM, MAMMO, US, "3D" }
enum contrast { without, with, without_and_with }
enum region {
  head, orbit, maxillofacial, neck, chest, spine_cervical, spine_thoracic,
  spine_lumbar, pelvis, upper_extremity, lower_extremity, abdomen,
  abdomen_pelvis, colon, heart, limited, unlisted, orbit_face_neck, breast,
  bone_marrow, spine, skull_base_to_thigh, whole_body, any
}
enum site {
  head, orbit, maxillofacial, neck, chest, spine_cervical, spine_thoracic,
  spine_lumbar, pelvis, upper_extremity, lower_extremity, abdomen,
  abdomen_pelvis, colon, heart, aorta_runoff, limited, unlisted,
  orbit_face_neck, upper_extremity_joint, lower_extremity_joint, breast,
  bone_marrow, spine, skull_base_to_thigh, whole_body, any
}
enum code_laterality { unilateral, bilateral }
enum family {
  ct, ct_colonography, cardiac_ct, coronary_cta, cta, limited_ct, unlisted,
  mri, breast_mri, cardiac_mri, bone_marrow_mri, mra, pet, pet_ct,
  cardiac_pet, brain_pet, spect, mammogram, breast_us, "3d_rendering",
  hcpcs_nonspecific
}

# The routes and authorities a decision names.
enum route { pediatric, general }
enum authority { cms, guidelines }

# ─────────────────────────── text formats ───────────────────────────

text code matching "^([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$"      # CPT or HCPCS
text category_iii_code matching "^[0-9]{4}T$"
text state matching "^[A-Z]{2}$"
text date matching "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# ─────────────────────────── the code table ───────────────────────────

table codes from "codes.csv" {
  key code: code
  modality: modality
  contrast: contrast may be absent
  region: region
  site: site
  laterality: code_laterality may be absent
  family: family
  description: text   # dslcheck: allow(unused-column) -- for people reading the table
}

# ─────────────────────────── the request ───────────────────────────

record line {
  code: code
  laterality: side may be absent
}

record prior_study {
  code: code
  days_ago: integer at least 0
  result: study_result
}

record replacement {
  modality: replaced_modality
  reason: replacement_reason
}

facts {
  id: text may be absent
  date_of_service: date may be absent   # dslcheck: allow(unused-fact) -- in the contract; no rule reads it

  member.age: number from 0 to 150 required
  member.sex_at_birth: sex default unknown   # dslcheck: allow(unused-fact) -- no preface rule reads anatomy
  # Preface-3: a gender marker alone never changes a decision, so no rule reads it.
  member.gender_marker: gender_marker default not_specified   # dslcheck: allow(unused-fact)
  member.plan: plan required
  member.plan_exclusions: list of code default {}
  member.state: state may be absent
  member.pregnant: bool default false
  member.breastfeeding: bool default false
  member.gfr: number at least 0 may be unknown
  member.dialysis: bool default false
  member.very_elderly: bool default false
  member.radiation_sensitive: bool default false
  member.conditions: list of condition default {}
  member.allergies: list of allergy default {}
  member.implants: list of implant default {}

  order.lines: non-empty list of line required
  order.purpose: purpose required
  order.symptomatic: bool default true
  order.whole_body: bool default false
  order.investigational: bool default false
  order.indications: list of indication default {}
  order.radiotracer: tracer may be unknown
  order.setting: setting default routine
  order.trauma: bool default false
  order.replaces: replacement may be absent
  order.category_iii_code: category_iii_code may be absent

  clinical.evaluation: evaluation may be unknown
  clinical.scheduled_follow_up: bool default false
  clinical.xray_current_episode: bool may be unknown
  clinical.prior_imaging: list of prior_study default {}
  clinical.progression: bool default false
  clinical.recurrence: bool default false
  clinical.management_change: bool default false
  clinical.affects_management: bool default true
  clinical.need_outweighs_risk: bool default false

  trial.cms_approved: bool default false
  trial.data_collection_only: bool default false
}

# ─────────────────────────── policy parameters ───────────────────────────

const ADULT_AGE = 18                 # Preface-3: <18 pediatric, >=18 general
const LOW_GFR = 30                   # Preface-3: "GFR <30 mL/min" (strictly below is low)
const COMPLETION_WINDOW_DAYS = 14    # Preface-3: "very recent (within two weeks)"
const REPEAT_WINDOW_DAYS = 90        # Preface-3 overutilization: the plan's reading
const TODDLER_MAX_AGE = 3            # Preface-4.1: newborns, infants and toddlers (strictly below)

# Preface-3: these contraindicate MRI. Orthopedic hardware, dental work and
# non-ferromagnetic implants may distort the image but do not.
set MRI_UNSAFE_IMPLANTS of implant = {
  pacemaker, icd, heart_valve, brain_metal, eye_ear_metal, infusion_catheter,
  bullet_shrapnel, insulin_pump, neurostimulator
}

# Preface-4.1: 3D rendering is not supported together with these studies.
set THREE_D_CONFLICTS of family = {
  mra, cta, coronary_cta, spect, pet, pet_ct, cardiac_pet, brain_pet,
  mammogram, breast_mri, breast_us, ct_colonography, cardiac_mri, cardiac_ct
}

# Preface-4.1: when 3D rendering with an independent workstation is supported.
set THREE_D_SCENARIOS of indication = {
  complex_joint_fracture, pelvic_fracture, spine_fracture,
  complex_facial_fracture, complex_surgical_planning, cerebral_angiography,
  uterine_intracavitary_lesion, hydrosalpinx_peritoneal_cyst, lost_iud,
  uterine_anomaly, infertility, ct_urogram, mrcp
}

# Preface-4.3: unlisted codes supported for these.
set UNLISTED_SCENARIOS of indication = {
  neurosurgical_navigation, custom_arthroplasty_planning, thin_cut_surgical_planning
}

# Preface-5.2: conditions that predispose to cancer, for whole-body MRI screening.
set CANCER_PREDISPOSITION of condition = {
  li_fraumeni, hereditary_paraganglioma_pheochromocytoma, cmmrd
}

# Preface-3: conditions that make non-contrast CT an acceptable alternative.
set NON_CONTRAST_CT_CONDITIONS of condition = {
  elevated_bun_creatinine, renal_insufficiency, thyroid_disease_i131, diabetes
}

# Preface-3: musculoskeletal regions that need a current X-ray first.
set MSK_REGIONS of region = {
  spine_cervical, spine_thoracic, spine_lumbar, upper_extremity, lower_extremity
}

# ─────────────────────────── terms ───────────────────────────

define medicare_member = member.plan in {medicare, medicare_advantage}
define mri_unsafe_implant = member.implants has any of MRI_UNSAFE_IMPLANTS

define contrast_enhanced(l: line) = l.code.contrast in {with, without_and_with}

# The codes of the same modality, site and laterality, with contrast `c`.
define same_site(l: line, c: contrast) =
  codes where modality is l.code.modality and site is l.code.site
          and laterality is l.code.laterality and contrast is c

# Preface-3: the CT contrast that matches an MRI's.
define ct_contrast_for(c: contrast): list of contrast =
  match c { without => {without}, without_and_with => {with, without_and_with}, with => {with} }

define ct_line_covers(r: region) =
  any l in order.lines where l.code.family is ct and l.code.region is r

define whole_body_ct =
     (order.whole_body and any l in order.lines where l.code.modality is CT)
  or (ct_line_covers(head) and ct_line_covers(chest)
      and (ct_line_covers(abdomen_pelvis) or (ct_line_covers(abdomen) and ct_line_covers(pelvis))))

define whole_body_mri =
  order.whole_body and any l in order.lines where l.code.modality is MRI

define unilateral_breast_mri(l: line) =
  l.code.family is breast_mri and l.code.laterality is unilateral

# ─────────────────────────── how effects combine ───────────────────────────

# Most decisive first. A line no rule decides proceeds; a line an unknown fact
# keeps from being decided pends. On a line that D1 marks not_required, only
# rules whose outcome is not_supported still apply.
outcomes not_supported > redirect > pend > alternative > review > supported > proceed > not_required
  default proceed
  pending pend
  restrict not_required to not_supported

annotation guideline: route
annotation authority: authority default guidelines

sections "Instructions", "Preface-1", "Preface-2", "Preface-3", "Preface-4.1",
  "Preface-4.2", "Preface-4.3", "Preface-4.4", "Preface-4.5", "Preface-4.6",
  "Preface-5.1", "Preface-5.2", "Preface-5.3"

lines order.lines shown by code

# ─────────────────────────── stage 1: the benefit plan ───────────────────────────

stage benefit_plan decides alone {

  rule P1 plan-exclusion cites "Instructions"
    for each line in order.lines
    when line.code in member.plan_exclusions
    then not_supported
    because "the member's benefit plan excludes {line.code}; the plan document supersedes the guideline"
}

# ─────────────────────────── stage 2: CMS ───────────────────────────

stage cms decides alone {

  rule C1 cms-authority cites "Preface-2"
    if medicare_member then set authority = cms
      because "Medicare member ({member.plan}): CMS guidance governs"
    else set authority = guidelines
      because "not a Medicare member: the imaging guidelines govern"

  rule C2 cms-approved-trial cites "Preface-2"
    for each line in order.lines
    when medicare_member and trial.cms_approved
    then supported
    because "CMS-approved clinical trial for a Medicare member: covered under CMS rules"
}

# ─────────────────────────── stage 3: the preface ───────────────────────────

stage preface {

  # ── Intake and routing (Preface-3) ──

  rule G1 guideline-route cites "Preface-3"
    if member.age < ADULT_AGE then set guideline = pediatric
      because "age {member.age} is under {ADULT_AGE}: pediatric guidelines"
    else set guideline = general
      because "age {member.age} is {ADULT_AGE} or over: general guidelines"

  rule G2 required-information cites "Preface-3"
    when member.age is not known or member.plan is not known
      or order.purpose is not known or order.lines is not known
    then pend, missing unknown among member.age, member.plan, order.purpose, order.lines
    because "the request lacks information every decision needs"

  rule G3 unknown-code cites "Preface-3"
    for each line in order.lines
    when line.code.family is absent
    then review
    because "{line.code} is outside the imaging code table"

  # ── Coverage and evidence (Preface-2) ──

  rule E1 investigational cites "Preface-2"
    for each line in order.lines
    when order.investigational
    then not_supported
    because "investigational or experimental imaging is not covered"

  rule E2 data-collection-only cites "Preface-2"
    for each line in order.lines
    when trial.data_collection_only
    then not_supported
    because "imaging done only for a trial's data collection is not covered"

  # ── Clinical information (Preface-3) ──

  rule I1 clinical-evaluation cites "Preface-3"
    for each line in order.lines
    when clinical.evaluation is none and not clinical.scheduled_follow_up
    then pend, missing clinical.evaluation
    because "no recent clinical evaluation (in person or telehealth) is documented"

  rule I2 msk-xray cites "Preface-3"
    for each line in order.lines
    when line.code.modality in {CT, MRI} and line.code.region in MSK_REGIONS
     and not clinical.xray_current_episode
    then pend, missing clinical.xray_current_episode
    because "{line.code.region} imaging needs a current X-ray for this episode first"

  rule I3 nonspecific-hcpcs cites "Preface-3"
    for each line in order.lines
    when line.code.family is hcpcs_nonspecific
    then redirect
    because "{line.code} is a non-specific HCPCS code: request the specific CPT code for the body part"

  # ── Contrast (Preface-3) ──

  rule K1 ct-double-contrast cites "Preface-3"
    for each line in order.lines
    when line.code.family is ct and line.code.contrast is without_and_with
     and order.indications has none of {mass_characterization, vascular_anatomy}
     and iodinated_contrast not in member.allergies
    then alternative, offer same_site(line, with)
    because "CT without and with contrast is rarely needed; CT with contrast ({same_site(line, with)}) usually suffices"

  rule K2 iodinated-allergy cites "Preface-3"
    for each line in order.lines
    when iodinated_contrast in member.allergies and contrast_enhanced(line)
    if line.code.family is ct then alternative, offer same_site(line, without)
      because "iodinated contrast allergy: CT without contrast ({same_site(line, without)})"
    else if line.code.family in {cta, coronary_cta} then review
      because "iodinated contrast allergy and {line.code} needs contrast: clinical review"

  rule K3 pregnancy-iodinated cites "Preface-3"
    for each line in order.lines
    when member.pregnant and line.code.modality in {CT, CTA} and contrast_enhanced(line)
    if clinical.need_outweighs_risk
      then caution "iodinated contrast in pregnancy: need judged to outweigh the risk ({line.code})"
      because "pregnant member, contrast CT: need outweighs risk"
    else review
      because "pregnant member and contrast-enhanced {line.code}: clinical review"

  rule K4 breastfeeding-iodinated cites "Preface-3"
    for each line in order.lines
    when member.breastfeeding and line.code.modality in {CT, CTA} and contrast_enhanced(line)
    then caution "breastfeeding: pump and discard breast milk for 12-24 hours after iodinated contrast ({line.code})"
    because "breastfeeding member and contrast-enhanced {line.code}"

  rule K5 pregnancy-gadolinium cites "Preface-3"
    for each line in order.lines
    when member.pregnant and line.code.modality in {MRI, MRA} and contrast_enhanced(line)
    let plain = same_site(line, without)
    if clinical.need_outweighs_risk then review
      because "pregnant member, gadolinium for {line.code}: need outweighs risk, clinical review"
    else if plain is not empty then alternative, offer plain
      because "gadolinium in pregnancy: the same study without contrast ({plain})"
    else review
      because "gadolinium in pregnancy and no non-contrast code for {line.code}: clinical review"

  rule K6 renal-contrast cites "Preface-3"
    for each line in order.lines
    when line.code.modality in {CT, CTA, MRI, MRA} and contrast_enhanced(line)
     and (member.gfr < LOW_GFR if known or member.dialysis or renal_failure in member.conditions)
    if line.code.modality in {CT, CTA}
      then review, caution "risk of contrast nephropathy with iodinated contrast ({line.code})"
      because "impaired renal function and iodinated contrast: clinical review"
    else review, caution "risk of nephrogenic systemic fibrosis with gadolinium ({line.code})"
      because "impaired renal function and gadolinium: clinical review"

  rule K7 non-contrast-ct-acceptable cites "Preface-3"
    for each line in order.lines
    when line.code.family is ct and contrast_enhanced(line)
     and (member.conditions has any of NON_CONTRAST_CT_CONDITIONS or member.very_elderly
          or order.setting in {urgent, emergent} or order.trauma)
    then offer same_site(line, without)
    because "CT without contrast ({same_site(line, without)}) is an acceptable alternative here"

  rule K8 mri-contrast-only cites "Preface-3"
    for each line in order.lines
    when line.code.family is mri and line.code.contrast is with
    if any prior in clinical.prior_imaging where
         prior.code.modality is MRI and prior.code.site is line.code.site
         and prior.code.contrast is without and prior.result is inconclusive
         and prior.days_ago <= COMPLETION_WINDOW_DAYS
      then supported
      because "completion study: an inconclusive non-contrast MRI of the {line.code.site} within {COMPLETION_WINDOW_DAYS} days"
    else review
      because "MRI with contrast only ({line.code}) is unusual: clinical review"

  # ── Choice of modality (Preface-3) ──

  rule M1 mri-unsafe-implant cites "Preface-3"
    for each line in order.lines
    when mri_unsafe_implant
    let ct_codes = codes where family is ct and region is line.code.region
                           and contrast in ct_contrast_for(line.code.contrast)
    if line.code.family is mri and ct_codes is not empty then alternative, offer ct_codes
      because "MRI-unsafe implant ({member.implants}): CT with matched contrast ({ct_codes}) may replace MRI"
    else if line.code.family is mri then review
      because "MRI-unsafe implant ({member.implants}) and no CT code for the {line.code.region}: clinical review"
    else if line.code.family in {breast_mri, cardiac_mri, mra, bone_marrow_mri} then review
      because "MRI-unsafe implant ({member.implants}) and {line.code.family} study: clinical review"

  rule M2 ct-to-avoid-sedation cites "Preface-3"
    for each line in order.lines
    when line.code.modality is CT
     and order.replaces.modality is MRI and order.replaces.reason is avoid_sedation
    then not_supported
    because "CT is not a substitute for MRI to avoid sedation"

  rule M3 mri-to-avoid-radiation cites "Preface-3"
    for each line in order.lines
    when line.code.modality is MRI
     and order.replaces.modality is CT and order.replaces.reason is avoid_radiation
     and not member.pregnant and not member.radiation_sensitive
    then not_supported
    because "MRI in place of CT only to avoid radiation is not supported for this member"

  rule M4 ct-for-contraindicated-mri cites "Preface-3"
    for each line in order.lines
    when line.code.modality is CT and order.replaces.modality is MRI and mri_unsafe_implant
    then supported
    because "CT in place of MRI for an MRI-unsafe implant ({member.implants})"

  # ── PET (Preface-3, Preface-5.3) ──

  rule T1 pet-surveillance cites "Preface-3"
    for each line in order.lines
    when line.code.modality in {PET, PET_CT} and order.purpose is surveillance
    then not_supported
    because "PET for surveillance is not supported"

  # An unknown radiotracer pends the line (rules.md, T2): meant.
  # dslcheck: allow(pended-by-unknown)
  rule T2 pet-radiotracer cites "Preface-3"
    for each line in order.lines
    when line.code.modality in {PET, PET_CT}
     and order.radiotracer in {f18_sodium_fluoride, ga68_psma}
    then not_supported
    because "PET with {order.radiotracer} is not supported"

  rule T3 pet-ct-unbundled cites "Preface-3"
    for each line in order.lines
    if line.code.family is pet and any other l in order.lines where l.code.family is ct
      then redirect to codes where family is pet_ct and region is line.code.region
      because "PET and CT ordered separately: request the combined PET/CT code"
    else if line.code.family is ct and any l in order.lines where l.code.family is pet
      then redirect to codes where family is pet_ct
                                and region in {l.code.region for l in order.lines where l.code.family is pet}
      because "CT ordered beside a PET: request the combined PET/CT code"

  rule T4 pet-mri cites "Preface-5.3"
    for each line in order.lines
    when line.code.modality in {PET, PET_CT, MRI}
     and ((any l in order.lines where l.code.modality in {PET, PET_CT})
            and (any l in order.lines where l.code.family is mri)
          or pet_mri in order.indications)
    then not_supported
    because "PET with MRI (PET-MRI) is not supported"

  # ── 3D rendering (Preface-4.1) ──

  rule D1 3d-no-pa cites "Preface-4.1"
    for each line in order.lines
    when line.code is "76376"
    then not_required
    because "3D rendering without an independent workstation needs no prior authorization"

  rule D2 3d-not-with cites "Preface-4.1"
    for each line in order.lines
    when line.code.family is "3d_rendering"
     and any other l in order.lines where l.code.family in THREE_D_CONFLICTS
    then not_supported
    because "3D rendering is not supported together with that study"

  rule D3 3d-not-2d cites "Preface-4.1"
    for each line in order.lines
    when line.code.family is "3d_rendering" and reformatting_2d in order.indications
    then not_supported
    because "3D rendering is not supported for 2D reformatting"

  rule D4 3d-scenarios cites "Preface-4.1"
    for each line in order.lines
    when line.code is "76377"
    if order.indications has any of THREE_D_SCENARIOS
       or (congenital_skull_abnormality in order.indications and member.age < TODDLER_MAX_AGE)
      then supported
      because "3D rendering with an independent workstation for a supported indication"
    else not_supported
      because "3D rendering with an independent workstation without a supported indication"

  # ── Unlisted codes (Preface-4.3) ──

  rule U1 category-iii-first cites "Preface-4.3"
    for each line in order.lines
    when line.code.family is unlisted and order.category_iii_code is present
    then redirect to order.category_iii_code
    because "a Category III code ({order.category_iii_code}) describes the procedure: use it, not the unlisted code"

  rule U2 unlisted-scenarios cites "Preface-4.3"
    for each line in order.lines
    when line.code in {"76497", "76498"} and order.indications has any of UNLISTED_SCENARIOS
    then supported
    because "unlisted code for a supported planning or navigation use"

  rule U3 unlisted-other cites "Preface-4.3"
    for each line in order.lines
    when line.code.family is unlisted
     and not order.category_iii_code is present
     and not (line.code in {"76497", "76498"} and order.indications has any of UNLISTED_SCENARIOS)
     and not (line.code.modality is CT and whole_body_ct)
     and not (line.code.modality is MRI and whole_body_mri)
    then review
    because "unlisted code {line.code}: clinical review"

  # ── Breast MRI (Preface-4.4) ──

  rule B1 bilateral-breast-mri cites "Preface-4.4"
    for each line in order.lines
    when unilateral_breast_mri(line)
     and ((count l in order.lines where unilateral_breast_mri(l)) >= 2 or line.laterality is bilateral)
    if all l in order.lines where not unilateral_breast_mri(l) or l.code.contrast is without
      then redirect to "77047"
      because "both breasts: request the bilateral code without contrast"
    else redirect to "77049"
      because "both breasts: request the bilateral code"

  # ── Limited CT (Preface-4.5) ──

  rule L1 limited-ct-extra-slices cites "Preface-4.5"
    for each line in order.lines
    when line.code is "76380" and any other l in order.lines where l.code.family is ct
    then not_supported
    because "a limited CT is not supported beside a diagnostic CT (extra slices)"

  rule L2 limited-ct-planning cites "Preface-4.5"
    for each line in order.lines
    when line.code is "76380" and order.purpose is treatment_planning
    then not_supported
    because "a limited CT for treatment planning is not supported"

  # ── Whole-body imaging (Preface-5.1, Preface-5.2) ──

  rule W1 wb-ct-screening cites "Preface-5.1"
    for each line in order.lines
    when line.code.modality is CT and whole_body_ct
     and order.purpose is screening and not order.symptomatic
    then not_supported
    because "whole-body CT screening of an asymptomatic member is not supported"

  rule W2 wb-ldct-myeloma cites "Preface-5.1"
    for each line in order.lines
    when line.code.modality is CT and whole_body_ct and order.whole_body
     and multiple_myeloma in member.conditions and order.purpose in {staging, restaging}
    then supported
    because "whole-body low-dose CT for multiple myeloma {order.purpose}"

  rule W3 wbmri-coding cites "Preface-5.2"
    for each line in order.lines
    when whole_body_mri and line.code.modality is MRI and line.code is not "76498"
    then redirect to "76498"
    because "whole-body MRI is requested under 76498, not by body part"

  rule W4 wbmri-predisposition cites "Preface-5.2"
    for each line in order.lines
    when whole_body_mri and order.purpose is screening
     and member.conditions has any of CANCER_PREDISPOSITION and line.code is "76498"
    then supported
    because "whole-body MRI screening for a cancer predisposition syndrome"

  rule W5 wbmri-crmo cites "Preface-5.2"
    for each line in order.lines
    when whole_body_mri and crmo in member.conditions and line.code is "76498"
    then review
    because "whole-body MRI for chronic recurrent multifocal osteomyelitis: clinical review"

  rule W6 wbmri-otherwise cites "Preface-5.2"
    for each line in order.lines
    when whole_body_mri and line.code.modality is MRI
     and not (order.purpose is screening and member.conditions has any of CANCER_PREDISPOSITION)
     and crmo not in member.conditions
    then not_supported
    because "whole-body MRI is not supported for this indication"

  # ── Overutilization (Preface-3) ──

  rule O1 repeat-imaging cites "Preface-3"
    for each line in order.lines
    when any prior in clinical.prior_imaging where
           prior.code is line.code and prior.days_ago <= REPEAT_WINDOW_DAYS
     and not (clinical.progression or clinical.recurrence or clinical.management_change)
    then not_supported
    because "{line.code} was done within {REPEAT_WINDOW_DAYS} days with no progression, recurrence or change in management"

  rule O2 no-management-impact cites "Preface-3"
    for each line in order.lines
    when not clinical.affects_management
    then not_supported
    because "the result would not change management"

  # ── Legislative mandates (Preface-2) ──

  rule X1 texas-calcium-score cites "Preface-2"
    for each line in order.lines
    when member.state is "TX" and line.code is "75571"
    then caution "Texas HB 1290 may mandate coverage of coronary calcium scoring"
    because "Texas member and calcium scoring"
}


# ─────────────────────────── examples ───────────────────────────

# Requests and the decision fields they must show (the contract's scenario
# form), run by `dslcheck`. Together they make every rule fire at least once
# (`dslcheck --coverage policies.dsl`); most are scenarios of
# contract/scenarios.

example "p1-plan-exclusion" {
  request {"member": {"age": 45, "plan": "commercial", "plan_exclusions": ["70551"]},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "citations": ["Instructions"]}
}

example "c1-medicare-authority" {
  request {"member": {"age": 45, "plan": "medicare"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "proceed", "authority": "cms", "citations": ["Preface-2"]}
}

example "c2-cms-trial-beats-investigational" {
  request {"member": {"age": 45, "plan": "medicare"},
           "order": {"lines": [{"code": "78815"}], "purpose": "diagnostic", "investigational": true, "radiotracer": "fdg"},
           "clinical": {"evaluation": "in_person"},
           "trial": {"cms_approved": true}}
  expect {"outcome": "supported", "authority": "cms"}
}

example "g1-pediatric-mri-brain" {
  request {"member": {"age": 12, "plan": "commercial"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "proceed", "guideline": "pediatric"}
}

example "g2-missing-age" {
  request {"member": {"plan": "commercial"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "pend", "guideline": null, "missing": ["member.age"]}
}

example "g3-code-outside-table" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "71046"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "review"}
}

example "e1-investigational" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic", "investigational": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "citations": ["Preface-2"]}
}

example "e2-data-collection-only" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "71260"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"},
           "trial": {"data_collection_only": true}}
  expect {"outcome": "not_supported"}
}

example "i1-no-clinical-evaluation" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "none"}}
  expect {"outcome": "pend", "missing": ["clinical.evaluation"]}
}

example "i2-no-xray-this-episode" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "72148"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person", "xray_current_episode": false}}
  expect {"outcome": "pend", "missing": ["clinical.xray_current_episode"]}
}

example "i3-low-field-mri-hcpcs" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "S8042"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "redirect", "redirect_to": []}
}

example "k1-ct-abdomen-pelvis-double-contrast" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "74178"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "alternative", "alternatives": ["74177"]}
}

example "k2-iodinated-allergy-ct-chest" {
  request {"member": {"age": 45, "plan": "commercial", "allergies": ["iodinated_contrast"]},
           "order": {"lines": [{"code": "71260"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "alternative", "alternatives": ["71250"]}
}

example "k3-pregnant-ct-with-contrast" {
  request {"member": {"age": 45, "plan": "commercial", "pregnant": true},
           "order": {"lines": [{"code": "74177"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "review"}
}

example "k4-breastfeeding-ct-contrast" {
  request {"member": {"age": 45, "plan": "commercial", "breastfeeding": true},
           "order": {"lines": [{"code": "71260"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "proceed", "cautions_nonempty": true}
}

example "k5-pregnant-mri-brain-gadolinium" {
  request {"member": {"age": 45, "plan": "commercial", "pregnant": true},
           "order": {"lines": [{"code": "70553"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "alternative", "alternatives": ["70551"]}
}

example "k6-low-gfr-ct-contrast" {
  request {"member": {"age": 45, "plan": "commercial", "gfr": 25},
           "order": {"lines": [{"code": "71260"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "review", "cautions_nonempty": true}
}

example "k7-diabetes-non-contrast-acceptable" {
  request {"member": {"age": 45, "plan": "commercial", "conditions": ["diabetes"]},
           "order": {"lines": [{"code": "74177"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "proceed", "alternatives": ["74176"]}
}

example "k8-completion-study" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70552"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person", "prior_imaging": [{"code": "70551", "days_ago": 10, "result": "inconclusive"}]}}
  expect {"outcome": "supported"}
}

example "m1-pacemaker-mri-brain-with-and-without" {
  request {"member": {"age": 62, "plan": "commercial", "implants": ["pacemaker"]},
           "order": {"lines": [{"code": "70553"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "alternative", "alternatives": ["70460", "70470"]}
}

example "m2-ct-to-avoid-sedation" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70450"}], "purpose": "diagnostic", "replaces": {"modality": "MRI", "reason": "avoid_sedation"}},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "m3-mri-to-avoid-radiation" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "74181"}], "purpose": "diagnostic", "replaces": {"modality": "CT", "reason": "avoid_radiation"}},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "m4-ct-for-pacemaker" {
  request {"member": {"age": 45, "plan": "commercial", "implants": ["pacemaker"]},
           "order": {"lines": [{"code": "70450"}], "purpose": "diagnostic", "replaces": {"modality": "MRI", "reason": "contraindication"}},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "supported"}
}

example "t1-pet-surveillance" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "78815"}], "purpose": "surveillance", "radiotracer": "fdg"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "t2-psma-not-supported" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "78815"}], "purpose": "staging", "radiotracer": "ga68_psma"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "t3-pet-and-ct-unbundled" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "78812"}, {"code": "74177"}], "purpose": "staging", "radiotracer": "fdg"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "redirect", "redirect_to": ["78815"], "lines": {"78812": "redirect", "74177": "redirect"}}
}

example "t4-pet-with-mri" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "78815"}, {"code": "70553"}], "purpose": "staging", "radiotracer": "fdg"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "citations": ["Preface-5.3"]}
}

example "d1-3d-without-workstation" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76376"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_required"}
}

example "d2-3d-with-cta" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76377"}, {"code": "70496"}], "purpose": "diagnostic", "indications": ["cerebral_angiography"]},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "lines": {"76377": "not_supported", "70496": "proceed"}}
}

example "d3-3d-for-2d-reformatting" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76377"}, {"code": "72192"}], "purpose": "diagnostic", "indications": ["reformatting_2d"]},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "u1-category-iii-first" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76497"}], "purpose": "diagnostic", "category_iii_code": "0042T"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "redirect", "redirect_to": ["0042T"]}
}

example "u2-unlisted-mr-navigation" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76498"}], "purpose": "diagnostic", "indications": ["neurosurgical_navigation"]},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "supported", "citations": ["Preface-4.3"]}
}

example "u3-unlisted-nuclear" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "78999"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "review"}
}

example "b1-two-unilateral-breast-mri" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "77048", "laterality": "left"}, {"code": "77048", "laterality": "right"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "redirect", "redirect_to": ["77049"]}
}

example "l1-limited-ct-with-diagnostic-ct" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76380"}, {"code": "71250"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "lines": {"76380": "not_supported", "71250": "proceed"}}
}

example "l2-limited-ct-for-planning" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "76380"}], "purpose": "treatment_planning"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "w1-whole-body-ct-screening" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70450"}, {"code": "71250"}, {"code": "74176"}], "purpose": "screening", "symptomatic": false},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported", "citations": ["Preface-5.1"]}
}

example "w2-low-dose-ct-myeloma" {
  request {"member": {"age": 45, "plan": "commercial", "conditions": ["multiple_myeloma"]},
           "order": {"lines": [{"code": "76497"}], "purpose": "staging", "whole_body": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "supported"}
}

example "w3-wbmri-coded-by-body-part" {
  request {"member": {"age": 45, "plan": "commercial", "conditions": ["li_fraumeni"]},
           "order": {"lines": [{"code": "70551"}, {"code": "74181"}], "purpose": "screening", "whole_body": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "redirect", "redirect_to": ["76498"]}
}

example "w4-wbmri-li-fraumeni" {
  request {"member": {"age": 9, "plan": "commercial", "conditions": ["li_fraumeni"]},
           "order": {"lines": [{"code": "76498"}], "purpose": "screening", "whole_body": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "supported", "guideline": "pediatric"}
}

example "w5-wbmri-crmo" {
  request {"member": {"age": 11, "plan": "commercial", "conditions": ["crmo"]},
           "order": {"lines": [{"code": "76498"}], "purpose": "diagnostic", "whole_body": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "review"}
}

example "w6-wbmri-staging" {
  request {"member": {"age": 45, "plan": "commercial", "conditions": ["known_malignancy"]},
           "order": {"lines": [{"code": "76498"}], "purpose": "staging", "whole_body": true},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "not_supported"}
}

example "o1-repeat-imaging" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person", "prior_imaging": [{"code": "70551", "days_ago": 30, "result": "normal"}]}}
  expect {"outcome": "not_supported"}
}

example "o2-no-management-impact" {
  request {"member": {"age": 45, "plan": "commercial"},
           "order": {"lines": [{"code": "71250"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person", "affects_management": false}}
  expect {"outcome": "not_supported"}
}

example "x1-texas-calcium-score" {
  request {"member": {"age": 45, "plan": "commercial", "state": "TX"},
           "order": {"lines": [{"code": "75571"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "proceed", "cautions_nonempty": true, "citations": ["Preface-2"]}
}

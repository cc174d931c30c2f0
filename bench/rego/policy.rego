# A Rego port of contract/rules.md (the preface as operational rules).
#
# Input: a request (contract/request.md), already validated by the caller:
# this port reads fields, it does not reject malformed ones.
# Data: data.codes[code] = {modality, contrast, region, site, laterality,
# family}, the rows of codes.csv (empty cells are "").
# Output: data.priorauth.decision, the decision of contract/decision.md
# without `trace`.
#
# Three-valued logic is spelt out per rule: a rule that can be unknown has a
# `u3` entry next to its `s3` entry, naming the fact that is unknown (every
# such rule depends on a single unknown fact).
package priorauth

# ---------------------------------------------------------------------------
# Policy parameters
# ---------------------------------------------------------------------------

adult_age := 18

low_gfr := 30

completion_window_days := 14

repeat_window_days := 90

toddler_max_age := 3

# Outcome ranking, least decisive first (index = rank).
outcome_names := [
	"not_required", "proceed", "supported", "review",
	"alternative", "pend", "redirect", "not_supported",
]

rank := {name: i | some i, name in outcome_names}

pend_rank := rank.pend

proceed_rank := rank.proceed

# ---------------------------------------------------------------------------
# Facts: defaults, and the unknown ones left undefined when absent
# ---------------------------------------------------------------------------

has(obj, key) if _ = obj[key]

member := object.get(input, "member", {})

order := object.get(input, "order", {})

clinical := object.get(input, "clinical", {})

trial := object.get(input, "trial", {})

conditions := {x | some x in object.get(member, "conditions", [])}

allergies := {x | some x in object.get(member, "allergies", [])}

implants := {x | some x in object.get(member, "implants", [])}

indications := {x | some x in object.get(order, "indications", [])}

exclusions := {x | some x in object.get(member, "plan_exclusions", [])}

priors := object.get(clinical, "prior_imaging", [])

pregnant := object.get(member, "pregnant", false)

breastfeeding := object.get(member, "breastfeeding", false)

dialysis := object.get(member, "dialysis", false)

very_elderly := object.get(member, "very_elderly", false)

radiation_sensitive := object.get(member, "radiation_sensitive", false)

symptomatic := object.get(order, "symptomatic", true)

whole_body := object.get(order, "whole_body", false)

investigational := object.get(order, "investigational", false)

setting := object.get(order, "setting", "routine")

trauma := object.get(order, "trauma", false)

scheduled_follow_up := object.get(clinical, "scheduled_follow_up", false)

progression := object.get(clinical, "progression", false)

recurrence := object.get(clinical, "recurrence", false)

management_change := object.get(clinical, "management_change", false)

affects_management := object.get(clinical, "affects_management", true)

need_outweighs_risk := object.get(clinical, "need_outweighs_risk", false)

cms_approved := object.get(trial, "cms_approved", false)

data_collection_only := object.get(trial, "data_collection_only", false)

lines := order.lines

medicare if member.plan in {"medicare", "medicare_advantage"}

unsafe_implants := implants - {"orthopedic_hardware", "dental", "non_ferromagnetic"}

unsafe_implant if count(unsafe_implants) > 0

# The table row of each line in the table, by line index.
row[i] := r if {
	some i, l in lines
	r := data.codes[l.code]
}

enhanced(r) if r.contrast in {"with", "without_and_with"}

# Same-site codes: same modality, site and laterality, the contrast named.
same_site(r, contrast) := sort([c |
	some c, x in data.codes
	x.modality == r.modality
	x.site == r.site
	x.laterality == r.laterality
	x.contrast == contrast
])

# Same-region CT codes (family ct) with the contrast named.
ct_region(region, contrast) := [c |
	some c, x in data.codes
	x.family == "ct"
	x.region == region
	x.contrast == contrast
]

pet_ct_codes(region) := [c |
	some c, x in data.codes
	x.family == "pet_ct"
	x.region == region
]

# An effect is {"line", "rule", "outcome", "cite"} plus, when it has them,
# "alts", "redir", "caution" and "missing"; an annotation has outcome "".
unk(i, rule, outcome, fact) := {"line": i, "rule": rule, "outcome": outcome, "missing": [fact]}

# ---------------------------------------------------------------------------
# Stages 1 and 2
# ---------------------------------------------------------------------------

# P1 plan-exclusion
p1 contains i if {
	some i, l in lines
	l.code in exclusions
}

# C2 cms-approved-trial
c2 if {
	medicare
	cms_approved
}

c2_unknown if {
	not has(member, "plan")
	cms_approved
}

stage3 contains i if {
	some i, _ in lines
	not i in p1
	not c2
}

# D1 3d-no-pa marks the lines on which only not_supported rules apply.
d1 contains i if {
	some i, l in lines
	l.code == "76376"
}

# ---------------------------------------------------------------------------
# Stage 3: intake and routing, coverage, clinical information (Preface-2, -3)
# ---------------------------------------------------------------------------

# G1 guideline-route (annotation)
guideline := "pediatric" if {
	member.age < adult_age
} else := "general" if {
	member.age >= adult_age
} else := null

# C1 cms-authority (annotation)
authority := "cms" if medicare else := "guidelines"

# G2 required-information
g2_missing contains "member.age" if not has(member, "age")

g2_missing contains "member.plan" if not has(member, "plan")

g2_missing contains "order.purpose" if not has(order, "purpose")

s3 contains {"line": i, "rule": "G2", "outcome": "pend", "cite": "Preface-3", "missing": sort(g2_missing)} if {
	count(g2_missing) > 0
	some i, _ in lines
}

# G3 unknown-code
s3 contains {"line": i, "rule": "G3", "outcome": "review", "cite": "Preface-3"} if {
	some i, l in lines
	not data.codes[l.code]
}

# E1 investigational
s3 contains {"line": i, "rule": "E1", "outcome": "not_supported", "cite": "Preface-2"} if {
	investigational
	some i, _ in lines
}

# E2 data-collection-only
s3 contains {"line": i, "rule": "E2", "outcome": "not_supported", "cite": "Preface-2"} if {
	data_collection_only
	some i, _ in lines
}

# I1 clinical-evaluation
s3 contains {"line": i, "rule": "I1", "outcome": "pend", "cite": "Preface-3", "missing": ["clinical.evaluation"]} if {
	clinical.evaluation == "none"
	not scheduled_follow_up
	some i, _ in lines
}

u3 contains unk(i, "I1", "pend", "clinical.evaluation") if {
	not has(clinical, "evaluation")
	not scheduled_follow_up
	some i, _ in lines
}

# I2 msk-xray
msk_regions := {"spine_cervical", "spine_thoracic", "spine_lumbar", "upper_extremity", "lower_extremity"}

i2_lines contains i if {
	some i, r in row
	r.modality in {"CT", "MRI"}
	r.region in msk_regions
}

s3 contains {"line": i, "rule": "I2", "outcome": "pend", "cite": "Preface-3", "missing": ["clinical.xray_current_episode"]} if {
	some i in i2_lines
	clinical.xray_current_episode == false
}

u3 contains unk(i, "I2", "pend", "clinical.xray_current_episode") if {
	some i in i2_lines
	not has(clinical, "xray_current_episode")
}

# I3 nonspecific-hcpcs
s3 contains {"line": i, "rule": "I3", "outcome": "redirect", "cite": "Preface-3"} if {
	some i, r in row
	r.family == "hcpcs_nonspecific"
}

# ---------------------------------------------------------------------------
# Stage 3: contrast (Preface-3)
# ---------------------------------------------------------------------------

# K1 ct-double-contrast
s3 contains {"line": i, "rule": "K1", "outcome": "alternative", "cite": "Preface-3", "alts": same_site(r, "with")} if {
	some i, r in row
	r.family == "ct"
	r.contrast == "without_and_with"
	not "mass_characterization" in indications
	not "vascular_anatomy" in indications
	not "iodinated_contrast" in allergies
}

# K2 iodinated-allergy
s3 contains {"line": i, "rule": "K2", "outcome": "alternative", "cite": "Preface-3", "alts": same_site(r, "without")} if {
	"iodinated_contrast" in allergies
	some i, r in row
	r.family == "ct"
	enhanced(r)
}

s3 contains {"line": i, "rule": "K2", "outcome": "review", "cite": "Preface-3"} if {
	"iodinated_contrast" in allergies
	some i, r in row
	r.family in {"cta", "coronary_cta"}
	enhanced(r)
}

# K3 pregnancy-iodinated
k3_lines contains i if {
	pregnant
	some i, r in row
	r.modality in {"CT", "CTA"}
	enhanced(r)
}

s3 contains {"line": i, "rule": "K3", "outcome": "review", "cite": "Preface-3"} if {
	some i in k3_lines
	not need_outweighs_risk
}

s3 contains {"line": i, "rule": "K3", "outcome": "", "cite": "Preface-3", "caution": "pregnancy: iodinated contrast accepted because the need outweighs the risk"} if {
	some i in k3_lines
	need_outweighs_risk
}

# K4 breastfeeding-iodinated (annotation)
s3 contains {"line": i, "rule": "K4", "outcome": "", "cite": "Preface-3", "caution": "breastfeeding: pump and discard breast milk for 12-24 hours after iodinated contrast"} if {
	breastfeeding
	some i, r in row
	r.modality in {"CT", "CTA"}
	enhanced(r)
}

# K5 pregnancy-gadolinium
k5_lines contains i if {
	pregnant
	some i, r in row
	r.modality in {"MRI", "MRA"}
	enhanced(r)
}

s3 contains {"line": i, "rule": "K5", "outcome": "review", "cite": "Preface-3"} if {
	some i in k5_lines
	need_outweighs_risk
}

s3 contains {"line": i, "rule": "K5", "outcome": "alternative", "cite": "Preface-3", "alts": same_site(row[i], "without")} if {
	some i in k5_lines
	not need_outweighs_risk
	count(same_site(row[i], "without")) > 0
}

s3 contains {"line": i, "rule": "K5", "outcome": "review", "cite": "Preface-3"} if {
	some i in k5_lines
	not need_outweighs_risk
	count(same_site(row[i], "without")) == 0
}

# K6 renal-contrast (GFR only if known)
renal_risk if member.gfr < low_gfr

renal_risk if dialysis

renal_risk if "renal_failure" in conditions

s3 contains {"line": i, "rule": "K6", "outcome": "review", "cite": "Preface-3", "caution": "renal impairment: risk of contrast nephropathy with iodinated contrast"} if {
	renal_risk
	some i, r in row
	r.modality in {"CT", "CTA"}
	enhanced(r)
}

s3 contains {"line": i, "rule": "K6", "outcome": "review", "cite": "Preface-3", "caution": "renal impairment: risk of nephrogenic systemic fibrosis with gadolinium"} if {
	renal_risk
	some i, r in row
	r.modality in {"MRI", "MRA"}
	enhanced(r)
}

# K7 non-contrast-ct-acceptable (annotation with a suggestion)
non_contrast_conditions := {"elevated_bun_creatinine", "renal_insufficiency", "thyroid_disease_i131", "diabetes"}

non_contrast_acceptable if count(conditions & non_contrast_conditions) > 0

non_contrast_acceptable if very_elderly

non_contrast_acceptable if setting in {"urgent", "emergent"}

non_contrast_acceptable if trauma

s3 contains {"line": i, "rule": "K7", "outcome": "", "cite": "Preface-3", "alts": same_site(r, "without")} if {
	non_contrast_acceptable
	some i, r in row
	r.family == "ct"
	enhanced(r)
}

# K8 mri-contrast-only
completion_study(r) if {
	some p in priors
	p.result == "inconclusive"
	p.days_ago <= completion_window_days
	x := data.codes[p.code]
	x.modality == "MRI"
	x.site == r.site
	x.contrast == "without"
}

k8_lines contains i if {
	some i, r in row
	r.family == "mri"
	r.contrast == "with"
}

s3 contains {"line": i, "rule": "K8", "outcome": "supported", "cite": "Preface-3"} if {
	some i in k8_lines
	completion_study(row[i])
}

s3 contains {"line": i, "rule": "K8", "outcome": "review", "cite": "Preface-3"} if {
	some i in k8_lines
	not completion_study(row[i])
}

# ---------------------------------------------------------------------------
# Stage 3: choice of modality (Preface-3)
# ---------------------------------------------------------------------------

# M1 mri-unsafe-implant
mri_to_ct := {"without": ["without"], "without_and_with": ["with", "without_and_with"], "with": ["with"]}

ct_for_mri(r) := sort([c |
	some want in mri_to_ct[r.contrast]
	some c in ct_region(r.region, want)
])

m1_lines contains i if {
	unsafe_implant
	some i, r in row
	r.family == "mri"
}

s3 contains {"line": i, "rule": "M1", "outcome": "alternative", "cite": "Preface-3", "alts": ct_for_mri(row[i])} if {
	some i in m1_lines
	count(ct_for_mri(row[i])) > 0
}

s3 contains {"line": i, "rule": "M1", "outcome": "review", "cite": "Preface-3"} if {
	some i in m1_lines
	count(ct_for_mri(row[i])) == 0
}

s3 contains {"line": i, "rule": "M1", "outcome": "review", "cite": "Preface-3"} if {
	unsafe_implant
	some i, r in row
	r.family in {"breast_mri", "cardiac_mri", "mra", "bone_marrow_mri"}
}

# M2 ct-to-avoid-sedation
s3 contains {"line": i, "rule": "M2", "outcome": "not_supported", "cite": "Preface-3"} if {
	order.replaces.modality == "MRI"
	order.replaces.reason == "avoid_sedation"
	some i, r in row
	r.modality == "CT"
}

# M3 mri-to-avoid-radiation
s3 contains {"line": i, "rule": "M3", "outcome": "not_supported", "cite": "Preface-3"} if {
	order.replaces.modality == "CT"
	order.replaces.reason == "avoid_radiation"
	not pregnant
	not radiation_sensitive
	some i, r in row
	r.modality == "MRI"
}

# M4 ct-for-contraindicated-mri
s3 contains {"line": i, "rule": "M4", "outcome": "supported", "cite": "Preface-3"} if {
	order.replaces.modality == "MRI"
	unsafe_implant
	some i, r in row
	r.modality == "CT"
}

# ---------------------------------------------------------------------------
# Stage 3: PET (Preface-3, Preface-5.3)
# ---------------------------------------------------------------------------

pet_lines contains i if {
	some i, r in row
	r.modality in {"PET", "PET_CT"}
}

# T1 pet-surveillance
s3 contains {"line": i, "rule": "T1", "outcome": "not_supported", "cite": "Preface-3"} if {
	order.purpose == "surveillance"
	some i in pet_lines
}

u3 contains unk(i, "T1", "not_supported", "order.purpose") if {
	not has(order, "purpose")
	some i in pet_lines
}

# T2 pet-radiotracer
s3 contains {"line": i, "rule": "T2", "outcome": "not_supported", "cite": "Preface-3"} if {
	order.radiotracer in {"f18_sodium_fluoride", "ga68_psma"}
	some i in pet_lines
}

u3 contains unk(i, "T2", "not_supported", "order.radiotracer") if {
	not has(order, "radiotracer")
	some i in pet_lines
}

# T3 pet-ct-unbundled
family_pet_lines contains i if {
	some i, r in row
	r.family == "pet"
}

family_ct_lines contains i if {
	some i, r in row
	r.family == "ct"
}

t3_targets := sort({c | some i in family_pet_lines; some c in pet_ct_codes(row[i].region)})

s3 contains {"line": i, "rule": "T3", "outcome": "redirect", "cite": "Preface-3", "redir": pet_ct_codes(row[i].region)} if {
	count(family_ct_lines) > 0
	some i in family_pet_lines
}

s3 contains {"line": i, "rule": "T3", "outcome": "redirect", "cite": "Preface-3", "redir": t3_targets} if {
	count(family_pet_lines) > 0
	some i in family_ct_lines
}

# T4 pet-mri
t4 if {
	count(pet_lines) > 0
	some r in row
	r.family == "mri"
}

t4 if "pet_mri" in indications

s3 contains {"line": i, "rule": "T4", "outcome": "not_supported", "cite": "Preface-5.3"} if {
	t4
	some i, r in row
	r.modality in {"PET", "PET_CT", "MRI"}
}

# ---------------------------------------------------------------------------
# Stage 3: 3D rendering (Preface-4.1)
# ---------------------------------------------------------------------------

# D1 3d-no-pa
s3 contains {"line": i, "rule": "D1", "outcome": "not_required", "cite": "Preface-4.1"} if some i in d1

rendering_lines contains i if {
	some i, r in row
	r.family == "3d_rendering"
}

# D2 3d-not-with
d2_families := {
	"mra", "cta", "coronary_cta", "spect", "pet", "pet_ct", "cardiac_pet", "brain_pet",
	"mammogram", "breast_mri", "breast_us", "ct_colonography", "cardiac_mri", "cardiac_ct",
}

s3 contains {"line": i, "rule": "D2", "outcome": "not_supported", "cite": "Preface-4.1"} if {
	some r in row
	r.family in d2_families
	some i in rendering_lines
}

# D3 3d-not-2d
s3 contains {"line": i, "rule": "D3", "outcome": "not_supported", "cite": "Preface-4.1"} if {
	"reformatting_2d" in indications
	some i in rendering_lines
}

# D4 3d-scenarios: each branch is its own condition.
d4_indications := {
	"complex_joint_fracture", "pelvic_fracture", "spine_fracture", "complex_facial_fracture",
	"complex_surgical_planning", "cerebral_angiography", "uterine_intracavitary_lesion",
	"hydrosalpinx_peritoneal_cyst", "lost_iud", "uterine_anomaly", "infertility", "ct_urogram", "mrcp",
}

d4_listed if count(indications & d4_indications) > 0

d4_supported if d4_listed

d4_supported if {
	"congenital_skull_abnormality" in indications
	member.age < toddler_max_age
}

d4_not_supported if {
	not d4_listed
	not "congenital_skull_abnormality" in indications
}

d4_not_supported if {
	not d4_listed
	"congenital_skull_abnormality" in indications
	member.age >= toddler_max_age
}

d4_unknown if {
	not d4_listed
	"congenital_skull_abnormality" in indications
	not has(member, "age")
}

d4_lines contains i if {
	some i, l in lines
	l.code == "76377"
}

s3 contains {"line": i, "rule": "D4", "outcome": "supported", "cite": "Preface-4.1"} if {
	d4_supported
	some i in d4_lines
}

s3 contains {"line": i, "rule": "D4", "outcome": "not_supported", "cite": "Preface-4.1"} if {
	d4_not_supported
	some i in d4_lines
}

u3 contains unk(i, "D4", branch, "member.age") if {
	d4_unknown
	some i in d4_lines
	some branch in ["supported", "not_supported"]
}

# ---------------------------------------------------------------------------
# Stage 3: unlisted codes (Preface-4.3)
# ---------------------------------------------------------------------------

unlisted_lines contains i if {
	some i, r in row
	r.family == "unlisted"
}

# U1 category-iii-first
s3 contains {"line": i, "rule": "U1", "outcome": "redirect", "cite": "Preface-4.3", "redir": [order.category_iii_code]} if {
	has(order, "category_iii_code")
	some i in unlisted_lines
}

# U2 unlisted-scenarios
u2_lines contains i if {
	some i, l in lines
	l.code in {"76497", "76498"}
	count(indications & {"neurosurgical_navigation", "custom_arthroplasty_planning", "thin_cut_surgical_planning"}) > 0
}

s3 contains {"line": i, "rule": "U2", "outcome": "supported", "cite": "Preface-4.3"} if some i in u2_lines

# U3 unlisted-other
decided_by_whole_body(r) if {
	r.modality == "CT"
	wb_ct
}

decided_by_whole_body(r) if {
	r.modality == "MRI"
	wb_mri
}

s3 contains {"line": i, "rule": "U3", "outcome": "review", "cite": "Preface-4.3"} if {
	some i in unlisted_lines
	not has(order, "category_iii_code")
	not i in u2_lines
	not decided_by_whole_body(row[i])
}

# ---------------------------------------------------------------------------
# Stage 3: breast MRI (Preface-4.4), limited CT (Preface-4.5)
# ---------------------------------------------------------------------------

# B1 bilateral-breast-mri
unilateral_breast contains i if {
	some i, r in row
	r.family == "breast_mri"
	r.laterality == "unilateral"
}

b1 if count(unilateral_breast) >= 2

b1 if {
	count(unilateral_breast) == 1
	some i in unilateral_breast
	lines[i].laterality == "bilateral"
}

b1_any_contrast if {
	some i in unilateral_breast
	row[i].contrast != "without"
}

b1_target := "77049" if b1_any_contrast

b1_target := "77047" if not b1_any_contrast

s3 contains {"line": i, "rule": "B1", "outcome": "redirect", "cite": "Preface-4.4", "redir": [b1_target]} if {
	b1
	some i in unilateral_breast
}

limited_ct_lines contains i if {
	some i, l in lines
	l.code == "76380"
}

# L1 limited-ct-extra-slices
s3 contains {"line": i, "rule": "L1", "outcome": "not_supported", "cite": "Preface-4.5"} if {
	count(family_ct_lines) > 0
	some i in limited_ct_lines
}

# L2 limited-ct-planning
s3 contains {"line": i, "rule": "L2", "outcome": "not_supported", "cite": "Preface-4.5"} if {
	order.purpose == "treatment_planning"
	some i in limited_ct_lines
}

u3 contains unk(i, "L2", "not_supported", "order.purpose") if {
	not has(order, "purpose")
	some i in limited_ct_lines
}

# ---------------------------------------------------------------------------
# Stage 3: whole-body imaging (Preface-5.1, Preface-5.2)
# ---------------------------------------------------------------------------

ct_lines contains i if {
	some i, r in row
	r.modality == "CT"
}

mri_lines contains i if {
	some i, r in row
	r.modality == "MRI"
}

ct_regions := {row[i].region | some i in family_ct_lines}

wb_ct if {
	whole_body
	count(ct_lines) > 0
}

wb_ct if {
	"head" in ct_regions
	"chest" in ct_regions
	"abdomen_pelvis" in ct_regions
}

wb_ct if {
	"head" in ct_regions
	"chest" in ct_regions
	"abdomen" in ct_regions
	"pelvis" in ct_regions
}

wb_mri if {
	whole_body
	count(mri_lines) > 0
}

# W1 wb-ct-screening
s3 contains {"line": i, "rule": "W1", "outcome": "not_supported", "cite": "Preface-5.1"} if {
	wb_ct
	not symptomatic
	order.purpose == "screening"
	some i in ct_lines
}

u3 contains unk(i, "W1", "not_supported", "order.purpose") if {
	wb_ct
	not symptomatic
	not has(order, "purpose")
	some i in ct_lines
}

# W2 wb-ldct-myeloma
w2_base if {
	wb_ct
	whole_body
	"multiple_myeloma" in conditions
}

s3 contains {"line": i, "rule": "W2", "outcome": "supported", "cite": "Preface-5.1"} if {
	w2_base
	order.purpose in {"staging", "restaging"}
	some i in ct_lines
}

u3 contains unk(i, "W2", "supported", "order.purpose") if {
	w2_base
	not has(order, "purpose")
	some i in ct_lines
}

# W3 wbmri-coding
s3 contains {"line": i, "rule": "W3", "outcome": "redirect", "cite": "Preface-5.2", "redir": ["76498"]} if {
	wb_mri
	some i in mri_lines
	lines[i].code != "76498"
}

# W4 wbmri-predisposition
predisposition if count(conditions & {"li_fraumeni", "hereditary_paraganglioma_pheochromocytoma", "cmmrd"}) > 0

w4 if {
	wb_mri
	predisposition
	order.purpose == "screening"
}

w4_unknown if {
	wb_mri
	predisposition
	not has(order, "purpose")
}

unlisted_mr_lines contains i if {
	some i, l in lines
	l.code == "76498"
}

s3 contains {"line": i, "rule": "W4", "outcome": "supported", "cite": "Preface-5.2"} if {
	w4
	some i in unlisted_mr_lines
}

u3 contains unk(i, "W4", "supported", "order.purpose") if {
	w4_unknown
	some i in unlisted_mr_lines
}

# W5 wbmri-crmo
w5 if {
	wb_mri
	"crmo" in conditions
}

s3 contains {"line": i, "rule": "W5", "outcome": "review", "cite": "Preface-5.2"} if {
	w5
	some i in unlisted_mr_lines
}

# W6 wbmri-otherwise
s3 contains {"line": i, "rule": "W6", "outcome": "not_supported", "cite": "Preface-5.2"} if {
	wb_mri
	not w4
	not w4_unknown
	not w5
	some i in mri_lines
}

u3 contains unk(i, "W6", "not_supported", "order.purpose") if {
	w4_unknown
	not w5
	some i in mri_lines
}

# ---------------------------------------------------------------------------
# Stage 3: overutilization (Preface-3), legislative mandates (Preface-2)
# ---------------------------------------------------------------------------

# O1 repeat-imaging
s3 contains {"line": i, "rule": "O1", "outcome": "not_supported", "cite": "Preface-3"} if {
	not progression
	not recurrence
	not management_change
	some i, l in lines
	some p in priors
	p.code == l.code
	p.days_ago <= repeat_window_days
}

# O2 no-management-impact
s3 contains {"line": i, "rule": "O2", "outcome": "not_supported", "cite": "Preface-3"} if {
	affects_management == false
	some i, _ in lines
}

# X1 texas-calcium-score (annotation)
s3 contains {"line": i, "rule": "X1", "outcome": "", "cite": "Preface-2", "caution": "Texas HB 1290 may mandate coverage of a coronary calcium score"} if {
	member.state == "TX"
	some i, l in lines
	l.code == "75571"
}

# ---------------------------------------------------------------------------
# Combining effects
# ---------------------------------------------------------------------------

# Lines on which every stage-3 rule applies (not decided by P1 or C2, not
# marked by D1), and lines on which only not_supported rules (and D1 itself)
# apply.
open_lines := stage3 - d1

restricted_lines := stage3 & d1

fired contains h if {
	some h in s3
	h.line in open_lines
}

fired contains h if {
	some h in s3
	h.line in restricted_lines
	h.outcome in {"not_supported", "not_required"}
}

fired contains {"line": i, "rule": "P1", "outcome": "not_supported", "cite": "Instructions"} if some i in p1

fired contains {"line": i, "rule": "C2", "outcome": "supported", "cite": "Preface-2"} if {
	c2
	some i, _ in lines
	not i in p1
}

unknown contains u if {
	some u in u3
	u.line in open_lines
}

unknown contains u if {
	some u in u3
	u.line in restricted_lines
	u.outcome == "not_supported"
}

# C2 is stage 2: D1's restriction does not reach it.
unknown contains unk(i, "C2", "supported", "member.plan") if {
	c2_unknown
	some i, _ in lines
	not i in p1
}

# The effects and the unknown rules of each line, by line index.
line_fired[i] := [h | some h in fired; h.line == i] if some i, _ in lines

line_unknown[i] := [u | some u in unknown; u.line == i] if some i, _ in lines

# The most decisive outcome among `ranks`, or proceed if there is none.
most_decisive(ranks) := max(ranks) if count(ranks) > 0

else := proceed_rank

fired_rank[i] := most_decisive({rank[h.outcome] | some h in hits; h.outcome != ""}) if {
	some i, hits in line_fired
}

pending[i] := [u | some u in line_unknown[i]; rank[u.outcome] > fired_rank[i]] if some i, _ in lines

# Unknown rules that rank above what fired make the line pend.
with_pending(base, pending_rules) := pend_rank if {
	count(pending_rules) > 0
	base < pend_rank
} else := base

line_rank[i] := with_pending(base, pending[i]) if some i, base in fired_rank

line_decisions := [d |
	some i, l in lines
	hits := line_fired[i]
	d := {
		"code": l.code,
		"outcome": outcome_names[line_rank[i]],
		"alternatives": sort({c | some h in hits; some c in object.get(h, "alts", [])}),
		"redirect_to": sort({c | some h in hits; some c in object.get(h, "redir", [])}),
		"citations": sort({h.cite | some h in hits}),
	}
]

outcome := "pend" if {
	not has(order, "lines")
} else := outcome_names[max({r | some r in line_rank})]

missing contains "order.lines" if not has(order, "lines")

missing contains x if {
	not has(order, "lines")
	some x in g2_missing
}

missing contains x if {
	some h in fired
	some x in object.get(h, "missing", [])
}

missing contains x if {
	some us in pending
	some u in us
	some x in u.missing
}

citations contains "Preface-3" if has(member, "age") # G1

citations contains "Preface-2" if has(member, "plan") # C1

citations contains "Preface-3" if not has(order, "lines") # G2

citations contains h.cite if some h in fired

decision := {
	"id": object.get(input, "id", null),
	"outcome": outcome,
	"guideline": guideline,
	"authority": authority,
	"lines": line_decisions,
	"alternatives": sort({c | some d in line_decisions; some c in d.alternatives}),
	"redirect_to": sort({c | some d in line_decisions; some c in d.redirect_to}),
	"missing": sort(missing),
	"cautions": sort({h.caution | some h in fired; h.caution}),
	"citations": sort(citations),
}

policy "Lint corpus"

enum plan { commercial, medicare, medicaid }
enum purpose { diagnostic, screening, surveillance }
enum evaluation { in_person, telehealth, none }
enum condition { diabetes, renal_failure, pregnancy }
enum modality { CT, MRI, PET, PET_CT, "3D", US }
enum contrast { without, with, without_and_with }
enum region { head, chest, any, limb }
enum family { ct, mri, pet, pet_ct, "3d_rendering", us }

text code matching "^[0-9]{5}$"

table codes from "codes.csv" {
  key code: code
  modality: modality
  contrast: contrast may be absent
  region: region
  family: family
}

record line {
  code: code
}

facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
  member.conditions: list of condition default {}
  member.gfr: number at least 0 may be unknown
  member.pregnant: bool default false
  order.lines: non-empty list of line required
  order.purpose: purpose required
  clinical.evaluation: evaluation may be unknown
}

outcomes not_supported > redirect > pend > alternative > review > supported > proceed
  default proceed
  pending pend

sections "S1", "S2"

lines order.lines shown by code

const ADULT_AGE = 18
const LOW_GFR = 30
set RENAL of condition = { renal_failure, diabetes }

define adult = member.age >= ADULT_AGE
define contrast_enhanced(l: line) = l.code.contrast in {with, without_and_with}

stage main {

  rule G0 required-information cites "S1"
    when member.age is not known or member.plan is not known or order.purpose is not known
    then pend, missing unknown among member.age, member.plan, order.purpose
    because "the request lacks information every decision needs"

  rule K1 renal-contrast cites "S1"
    for each line in order.lines
    when contrast_enhanced(line)
     and (member.gfr < LOW_GFR if known or member.conditions has any of RENAL)
    if line.code.modality is CT then review
      because "iodinated contrast and impaired renal function"
    else review
      because "gadolinium and impaired renal function"

  rule K2 pregnancy-contrast cites "S1"
    for each line in order.lines
    when member.pregnant and contrast_enhanced(line) and line.code.family is ct
    then alternative, offer codes where family is ct and region is line.code.region and contrast is without
    because "pregnant: the same CT without contrast"

  rule T1 pet-screening cites "S2"
    for each line in order.lines
    when line.code.modality in {PET, PET_CT} and order.purpose is surveillance
    then not_supported
    because "PET for surveillance is not supported"

  rule I1 clinical-evaluation cites "S2"
    for each line in order.lines
    when clinical.evaluation is none or clinical.evaluation is not known
    then pend, missing clinical.evaluation
    because "no clinical evaluation"

  rule A1 adult-medicaid-screening cites "S2"
    for each line in order.lines
    when adult and member.plan is medicaid and order.purpose is screening and line.code.region is chest
    then not_supported
    because "not covered"
}

example "contrast in pregnancy" {
  request {"member": {"age": 30, "plan": "commercial", "pregnant": true},
           "order": {"lines": [{"code": "70460"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "in_person"}}
  expect {"outcome": "alternative", "alternatives": ["70450"]}
}

example "low GFR" {
  request {"member": {"age": 70, "plan": "medicare", "gfr": 20},
           "order": {"lines": [{"code": "70552"}], "purpose": "diagnostic"},
           "clinical": {"evaluation": "telehealth"}}
  expect {"outcome": "review", "citations": ["S1"]}
}

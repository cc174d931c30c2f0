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

facts {
  order.note: text may be absent
}

const ADULT_AGE = 18
const UNUSED_LIMIT = 99
# Used only by an unused definition: counted as used.
const OLD_AGE = 65
set RENAL of condition = { renal_failure, diabetes }
set UNUSED_CONDITIONS of condition = { pregnancy }

define adult = member.age >= ADULT_AGE
define renal = member.conditions has any of RENAL
# Used only by an unused definition: unused too.
define contrast_enhanced(l: line) = l.code.contrast in {with, without_and_with}
define senior_contrast(l: line) = member.age >= OLD_AGE and contrast_enhanced(l)

stage main {

  rule U1 adult-renal cites "S1"
    for each line in order.lines
    when adult and renal and line.code.family is ct
    then review
    because "renal risk"

  rule U2 screening cites "S1"
    when order.purpose is screening and member.plan is medicaid
    then not_supported
    because "no screening"

  rule U3 no-evaluation cites "S2"
    when clinical.evaluation is none and member.gfr < 30 if known and not member.pregnant
    then pend, missing clinical.evaluation
    because "no evaluation"
}

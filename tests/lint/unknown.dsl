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

stage main {

  rule G0 required-information cites "S1"
    when member.age is not known or member.plan is not known or order.purpose is not known
    then pend, missing unknown among member.age, member.plan, order.purpose
    because "the request lacks information every decision needs"

  # An unknown GFR pends every CT line: probably `if known` was meant.
  rule K1 low-gfr cites "S1"
    for each line in order.lines
    when line.code.family is ct and member.gfr < 30
    then review
    because "low GFR"

  # Through a definition, in an `if` branch.
  rule K2 evaluation cites "S1"
    for each line in order.lines
    when line.code.family is mri
    if told_none then not_supported
      because "no evaluation"

  # Fine: `if known` never pends.
  rule F1 low-gfr-if-known cites "S2"
    for each line in order.lines
    when line.code.family is mri and member.gfr < 30 if known
    then review
    because "low GFR"

  # Fine: the rule pends on purpose, and says which fact is missing.
  rule F2 no-evaluation cites "S2"
    when clinical.evaluation is none or clinical.evaluation is not known
    then pend, missing clinical.evaluation
    because "no evaluation"

  # Fine: required facts pend by design (G0 reports them).
  rule F3 child cites "S2"
    for each line in order.lines
    when member.age < 18 and order.purpose is screening and member.plan is medicaid and member.pregnant
    and diabetes in member.conditions
    then not_supported
    because "no screening for children"

  # Fine: an outcome below the default cannot pend anything.
  rule F4 evaluated cites "S2"
    for each line in order.lines
    when clinical.evaluation is in_person
    then proceed
    because "seen in person"
}

define told_none = clinical.evaluation is none

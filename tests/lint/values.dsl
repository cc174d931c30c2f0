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

  # Ages run from 0 to 150.
  rule V1 very-old cites "S1"
    when member.age > 200
    then review
    because "never"

  # A code the table does not have (70460 was meant).
  rule V2 typo-code cites "S1"
    for each line in order.lines
    when line.code is "70406"
    then review
    because "a typo"

  # No row of the table is an ultrasound.
  rule V3 no-such-family cites "S1"
    for each line in order.lines
    when line.code.family in {pet, us}
    then review
    because "ultrasound"

  # A lookup no row can match, offered as alternatives.
  rule V4 offer-nothing cites "S2"
    for each line in order.lines
    when line.code.family is mri and member.gfr < 30 if known
    then alternative, offer codes where family is ct and region is limb
    because "offer a CT"

  # Fine: values the facts and the table can hold.
  rule F1 elderly cites "S2"
    when member.age >= 90 and member.plan is medicare
    then review
    because "very elderly"

  rule F2 head-ct cites "S2"
    for each line in order.lines
    when line.code in {"70450", "70460"} and order.purpose is screening
    then not_supported
    because "no screening head CT"

  rule F3 unknown-evaluation cites "S2"
    when clinical.evaluation is none and diabetes in member.conditions and not member.pregnant
    then pend, missing clinical.evaluation
    because "no evaluation"
}

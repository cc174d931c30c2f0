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

set UNUSED_PLANS of plan = { medicaid }   # dslcheck: allow(unused-set)

stage main {

  # Kept as documentation of a case the guideline names.
  # dslcheck: allow(rule-never-fires)
  rule S1 child-and-senior cites "S1"
    when member.age < 18 and member.age > 65
    then review
    because "never"

  rule S2 uncited # dslcheck: allow(missing-citation, unused-facts)
    when member.plan is medicaid and order.purpose is screening and member.pregnant
      and diabetes in member.conditions and member.gfr < 30 if known
      and clinical.evaluation is none if known
    then not_supported
    because "no screening"

  # A suppression two lines above does not reach.
  # dslcheck: allow(missing-citation)

  rule S3 uncited-too
    for each line in order.lines
    when line.code.family is ct and line.code.contrast is with and line.code.region is head
      and line.code.modality is CT
    then review
    because "review"

  # dslcheck: allow rule-never-fires
  rule S4 two-plans cites "S2"
    when member.plan is medicare and member.plan is medicaid
    then not_supported
    because "never"
}

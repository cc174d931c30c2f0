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

  rule E1 screening cites "S1"
    for each line in order.lines
    when order.purpose is screening
    then not_supported
    because "no screening"

  rule E2 ct-contrast cites "S2"
    for each line in order.lines
    when line.code.family is ct and line.code.contrast is with and member.pregnant
    then review
    because "pregnant"

  rule E3 never-exercised cites "S2"
    for each line in order.lines
    when line.code.family is mri and diabetes in member.conditions and member.gfr < 30 if known
      and clinical.evaluation is in_person if known and member.plan is medicare
      and line.code.region is head and line.code.modality is MRI
    then alternative, offer "70450"
    because "renal risk"
}

example "screening is not supported" {
  request {"member": {"age": 40, "plan": "commercial"}, "order": {"lines": [{"code": "70450"}], "purpose": "screening"}}
  expect {"outcome": "not_supported", "citations": ["S1"]}
}

example "pregnant and contrast" {
  request {"member": {"age": 30, "plan": "commercial", "pregnant": true},
           "order": {"lines": [{"code": "70460"}, {"code": "70450"}], "purpose": "diagnostic"}}
  expect {"outcome": "review", "lines": {"70460": "review", "70450": "proceed"}}
}

example "a wrong expectation" {
  request {"member": {"age": 30, "plan": "commercial", "pregnant": true},
           "order": {"lines": [{"code": "70460"}], "purpose": "diagnostic"}}
  expect {"outcome": "supported", "missing": [], "cautions_nonempty": true}
}

example "a bad request" {
  request {"member": {"age": -3, "plan": "commercial"}, "order": {"lines": [{"code": "70460"}], "purpose": "diagnostic"}}
  expect {"outcome": "proceed"}
}

example "missing age" {
  request {"member": {"plan": "commercial"}, "order": {"lines": [{"code": "70460"}], "purpose": "diagnostic"}}
  expect {"outcome": "pend", "missing": ["member.age"]}
}

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

define adult = member.age >= 18

stage main {

  # Contradictory comparisons on one fact.
  rule N1 child-and-senior cites "S1"
    for each line in order.lines
    when member.age < 18 and member.age > 65
    then review
    because "never"

  # A vocabulary fact equal to two values.
  rule N2 two-plans cites "S1"
    when member.plan is medicare and member.plan is medicaid
    then not_supported
    because "never"

  # Columns no row of the table combines.
  rule N3 ct-mri cites "S1"
    for each line in order.lines
    when line.code.family is ct and line.code.modality is MRI
    then review
    because "never"

  # A lookup that can have no match: no PET/CT code of the head.
  rule N4 no-pet-ct-head cites "S1"
    for each line in order.lines
    when line.code.family is pet and (codes where family is pet_ct and region is head) is not empty
    then redirect
    because "never"

  # A code whose row says it is not a CT.
  rule N5 mri-code-as-ct cites "S1"
    for each line in order.lines
    when line.code is "70551" and line.code.modality is CT
    then review
    because "never"

  # The second branch repeats the first: it can never apply.
  rule N6 dead-branch cites "S1"
    for each line in order.lines
    when line.code.family is mri
    if member.age < 18 then review
      because "a child"
    else if member.age < 10 then supported
      because "never"
    else supported
      because "an adult"

  # Through a definition.
  rule N7 adult-child cites "S1"
    when adult and member.age < 12
    then review
    because "never"

  # `if known` never pends, and is never true when unknown.
  rule N8 known-and-unknown cites "S2"
    when member.gfr < 30 if known and member.gfr is not known
    then review
    because "never"

  # Fine: these can hold.
  rule F1 senior cites "S2"
    for each line in order.lines
    when member.age >= 65 and line.code.family is ct and line.code.contrast is with
    then review
    because "a senior and contrast"

  rule F2 outside-table cites "S2"
    for each line in order.lines
    when line.code.family is absent
    then review
    because "not in the table"

  rule F3 pet-ct-chest cites "S2"
    for each line in order.lines
    when line.code.family is pet and (codes where family is pet_ct and region is line.code.region) is not empty
    then redirect to codes where family is pet_ct and region is line.code.region
    because "combined code"

  rule F4 unknown-evaluation cites "S2"
    when clinical.evaluation is not known or clinical.evaluation is none
    then pend, missing clinical.evaluation
    because "no evaluation"
}

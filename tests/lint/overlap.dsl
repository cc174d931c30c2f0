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

define child = member.age < 18

stage cms decides alone {

  rule C1 medicare-pet cites "S1"
    for each line in order.lines
    when member.plan is medicare and line.code.family is pet
    then supported
    because "CMS covers it"
}

stage main {

  # Reports the required facts whenever they are missing.
  rule G0 required-information cites "S1"
    when member.age is not known or member.plan is not known or order.purpose is not known
    then pend, missing unknown among member.age, member.plan, order.purpose
    because "the request lacks information every decision needs"

  rule R1 screening cites "S1"
    for each line in order.lines
    when order.purpose is screening
    then not_supported
    because "no screening"

  # The same condition and outcome as R1, written differently.
  rule R2 screening-again cites "S1"
    for each line in order.lines
    when not (order.purpose != screening)
    then not_supported
    because "no screening, again"

  # Narrower than R1 (screening and a child), and less decisive.
  rule R3 child-screening cites "S1"
    for each line in order.lines
    when child and order.purpose is screening
    then review
    because "a child's screening"

  # A code fixes its columns: 70460 is a CT with contrast.
  rule R4 ct-contrast cites "S2"
    for each line in order.lines
    when line.code.family is ct and line.code.contrast in {with, without_and_with}
    then review
    because "CT contrast"

  rule R5 ct-head-contrast cites "S2"
    for each line in order.lines
    when line.code is "70460"
    then review
    because "this code"

  # A request-level rule that decides every line covers a line rule.
  rule R6 no-evaluation cites "S2"
    when clinical.evaluation is none
    then pend, missing clinical.evaluation
    because "no evaluation"

  rule R7 no-evaluation-line cites "S2"
    for each line in order.lines
    when clinical.evaluation is none and line.code.modality is MRI
    then review
    because "no evaluation for an MRI"

  # Not redundant: R8 offers alternatives R1 does not.
  rule R8 screening-offer cites "S2"
    for each line in order.lines
    when order.purpose is screening and line.code is "70470"
    then not_supported, offer "70460"
    because "offer the single-contrast study"

  # Not redundant: R9 is more decisive than R4, which it implies.
  rule R9 ct-with cites "S2"
    for each line in order.lines
    when line.code is "70460" and member.pregnant
    then not_supported
    because "pregnant"

  # Not redundant: R10 reads an unknown fact R1 does not, so it can pend
  # a line where R1 decides nothing.
  rule R10 screening-low-gfr cites "S2"
    for each line in order.lines
    when order.purpose is screening and member.gfr < 30
    then review
    because "low GFR"

  # Not redundant: C1's stage decides alone, and R11 is in another stage.
  rule R11 medicare-pet-review cites "S2"
    for each line in order.lines
    when member.plan is medicare and line.code.family is pet
    then review
    because "review"

  # Conflicting: the same condition as R12, another outcome.
  rule R12 diabetes-review cites "S2"
    for each line in order.lines
    when diabetes in member.conditions and line.code.contrast is with
    then review
    because "diabetes"

  rule R13 diabetes-supported cites "S2"
    for each line in order.lines
    when line.code.contrast is with and diabetes in member.conditions
    then supported
    because "diabetes, supported"
}

# A small pharmacy-benefit policy: other facts, other outcomes, another table.
# It proves the engine knows nothing of imaging.
policy "Pharmacy benefit (test)"

enum tier { generic, brand, specialty }
enum drug_class { analgesic, biologic, antibiotic }
enum channel { retail, mail }
enum verdict { pay, pay_with_note, ask, refuse }

text ndc matching "^[0-9]{5}-[0-9]{4}$"

table formulary from "formulary.csv" {
  key ndc: ndc
  tier: tier
  class: drug_class
  controlled: bool
}

record fill {
  ndc: ndc
  days_supply: integer from 1 to 90
}

facts {
  id: text may be absent
  patient.age: number from 0 to 130 required
  patient.prior_auth: bool may be unknown
  rx.fills: non-empty list of fill required
  rx.channel: channel default retail
}

const MAX_CONTROLLED_DAYS = 30

outcomes refuse > ask > pay_with_note > pay
  default pay
  pending ask

annotation route: channel default retail

sections "§1", "§2"

lines rx.fills shown by ndc

stage plan {
  rule F1 off-formulary cites "§1"
    for each f in rx.fills
    when f.ndc.tier is absent
    then refuse because "{f.ndc} is not on the formulary"

  rule F2 specialty-needs-pa cites "§1"
    for each f in rx.fills
    when f.ndc.tier is specialty and not patient.prior_auth
    then ask because "specialty drug without prior authorization"

  rule F3 controlled-supply cites "§2"
    for each f in rx.fills
    when f.ndc.controlled and f.days_supply > MAX_CONTROLLED_DAYS
    then refuse because "controlled substance over {MAX_CONTROLLED_DAYS} days"

  rule F4 mail-brand cites "§2"
    for each f in rx.fills
    when rx.channel is mail and f.ndc.tier is brand
    then pay_with_note, caution "brand by mail: check generic availability"

  # A code outside the table, named by the rule itself.
  rule F5 recalled cites "§1"
    for each f in rx.fills
    when rx.channel is retail and f.ndc is "99999-0001"
    then refuse because "{f.ndc} is recalled"

  rule R1 routing cites "§2"
    if rx.channel is mail then set route = mail
}

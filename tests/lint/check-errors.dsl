policy "Check errors"

enum plan { commercial, medicare, medicaid }
text code matching "^[0-9]{5}$"

table codes from "bad-codes.csv" {
  key code: code
  family: plan
}

record line {
  code: code
}

facts {
  member.plan: plan required
  member.age: number from 0 to 150 required
  order.lines: non-empty list of line required
}

outcomes not_supported > pend > review > proceed
  default proceed
  pending pend

sections "S1"

lines order.lines shown by code

stage main {

  rule E1 typo cites "S1"
    when member.plan is medicar
    then review
    because "a typo in a value"

  rule E2 unknown-fact cites "S2"
    when member.agee < 18
    then revue
    because "typos in a fact, a section and an outcome"

  # Lints do not run on a policy with errors, except those that need no
  # checked policy.
  rule E3 uncited
    when member.age < 18 and member.age > 65
    then review
    because "a contradiction"
}

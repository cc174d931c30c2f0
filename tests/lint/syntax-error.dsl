policy "A syntax error"

enum plan { commercial, medicare }

facts {
  member.plan: plan required
}

stage main {
  rule P1 broken cites "S1"
    when member.plan is
    then review
}

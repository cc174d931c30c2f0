enum plan { commercial, medicare }
enum verdict { deny, pend, approve }
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
}
outcomes deny > pend > approve default approve pending pend
sections "S1"
stage s {
  rule A1 medicare cites "S1"
    when member.plan is medicar then deny
}

enum plan { commercial, medicare }
enum verdict { deny, pend, approve }
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
}
outcomes deny > pend > approve default approve pending pend
sections "S1"
define old = member.age > 90 and very_old
define very_old = old
stage s {
  rule A1 cycle cites "S1" when old then deny
}

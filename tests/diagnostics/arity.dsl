enum plan { commercial, medicare }
enum verdict { deny, pend, approve }
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
}
outcomes deny > pend > approve default approve pending pend
sections "S1"
define older_than(n: number) = member.age > n
stage s {
  rule A1 arity cites "S1" when older_than(18, 19) then deny
}

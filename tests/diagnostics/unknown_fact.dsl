enum plan { commercial, medicare }
enum verdict { deny, pend, approve }
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
}
outcomes deny > pend > approve default approve pending pend
sections "S1"
stage s {
  rule A1 adult cites "S1"
    when member.agee >= 18 then approve
}

enum plan { commercial, medicare }
enum verdict { deny, pend, approve }
facts {
  member.age: number from 0 to 150 required
  member.plan: plan required
}
outcomes deny > pend > approve default approve pending pend
sections "S1"
enum modality { CT, MRI }
text code matching "^[0-9]{5}$"
table codes from "bad_value.csv" {
  key code: code
  modality: modality
}

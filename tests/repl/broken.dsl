# A policy with mistakes, for the REPL's `:load` test: it must not replace
# the policy that is loaded.
policy "broken"

enum plan { commercial, medicare }

facts {
  member.plan: plan required
  member.age: number at least 0 required
}

define adult = member.age >= "18"
define medicare_member = member.plan is medicar

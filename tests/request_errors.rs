//! Request binding: bad input is an error that names the path and what was
//! expected; absent fields follow their kind.

use policy_dsl::Policy;

fn error(json: &str) -> String {
    let policy = Policy::embedded().unwrap();
    match policy.bind(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e.message,
    }
}

const BASE: &str = r#""order": {"lines": [{"code": "70551"}], "purpose": "diagnostic"}"#;

fn with_member(member: &str) -> String {
    format!(r#"{{"member": {member}, {BASE}}}"#)
}

#[test]
fn a_misspelt_vocabulary_value_gets_did_you_mean() {
    assert_eq!(
        error(&with_member(
            r#"{"age": 60, "plan": "commercial", "implants": ["dental", "pacemakr"]}"#
        )),
        r#"member.implants[1]: "pacemakr" is not an implant; did you mean "pacemaker"?"#
    );
}

#[test]
fn an_unknown_field_is_rejected_not_ignored() {
    assert_eq!(
        error(&with_member(r#"{"age": 60, "plann": "commercial"}"#)),
        r#"member.plann: unknown field; did you mean "plan"?"#
    );
    assert_eq!(
        error(r#"{"membre": {}}"#),
        r#"membre: unknown field; did you mean "member"?"#
    );
}

#[test]
fn a_wrong_type_names_what_was_expected() {
    assert_eq!(
        error(&with_member(r#"{"age": "sixty"}"#)),
        r#"member.age: expected a number, found "sixty""#
    );
    assert_eq!(
        error(&with_member(r#"{"age": 60, "pregnant": "yes"}"#)),
        r#"member.pregnant: expected true or false, found "yes""#
    );
    assert_eq!(
        error(&with_member(r#"{"age": null}"#)),
        "member.age: expected a number, found null"
    );
}

#[test]
fn numbers_out_of_range() {
    assert_eq!(
        error(&with_member(r#"{"age": -1}"#)),
        "member.age: -1 is below the minimum 0"
    );
    assert_eq!(
        error(&with_member(r#"{"age": 151}"#)),
        "member.age: 151 is above the maximum 150"
    );
    let prior = r#"{"member": {"age": 1}, "clinical": {"prior_imaging": [{"code": "70551", "days_ago": 2.5, "result": "normal"}]}}"#;
    assert_eq!(
        error(prior),
        "clinical.prior_imaging[0].days_ago: expected a whole number, found 2.5"
    );
}

#[test]
fn malformed_codes_and_formats() {
    assert_eq!(
        error(r#"{"order": {"lines": [{"code": "7055"}]}}"#),
        r#"order.lines[0].code: "7055" is not a valid code (expected text matching ^([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$)"#
    );
    assert_eq!(
        error(r#"{"member": {"state": "Texas"}}"#),
        r#"member.state: "Texas" is not a valid state (expected text matching ^[A-Z]{2}$)"#
    );
}

#[test]
fn duplicate_keys_are_an_error_not_last_one_wins() {
    assert_eq!(
        error(r#"{"member": {"age": 60, "age": 61}}"#),
        "member.age: duplicate key"
    );
    assert_eq!(
        error(r#"{"order": {"lines": [{"code": "70551", "code": "70552"}]}}"#),
        "order.lines[0].code: duplicate key"
    );
}

#[test]
fn records_need_their_fields_and_lists_their_items() {
    assert_eq!(
        error(r#"{"order": {"lines": [{"laterality": "left"}]}}"#),
        r#"order.lines[0]: missing field "code""#
    );
    assert_eq!(
        error(r#"{"order": {"lines": []}}"#),
        "order.lines: expected at least one item, found an empty list"
    );
    assert_eq!(
        error(r#"{"order": {"replaces": {"modality": "PET", "reason": "other"}}}"#),
        r#"order.replaces.modality: "PET" is not a replaced_modality; expected one of "CT", "MRI""#
    );
}

#[test]
fn bad_json_says_where() {
    let policy = Policy::embedded().unwrap();
    let e = policy.bind("{\"member\": {\"age\": 60,}}").unwrap_err();
    assert!(
        e.message.starts_with("malformed JSON: trailing comma"),
        "{}",
        e.message
    );
    assert_eq!((e.line, e.column), (1, 23));
    let e = policy.bind("[1]").unwrap_err();
    assert_eq!(e.message, "request: expected an object, found a list");
}

#[test]
fn absent_fields_follow_their_kind() {
    let policy = Policy::embedded().unwrap();
    // Nothing at all: every required fact unknown, so the request pends.
    let d = policy.decide(&policy.bind("{}").unwrap());
    assert_eq!(d.outcome, "pend");
    assert_eq!(
        d.missing,
        ["member.age", "member.plan", "order.lines", "order.purpose"]
    );
    assert!(d.lines.is_empty());
    assert_eq!(
        d.annotations[0].1,
        serde_json::Value::Null,
        "unknown age: no guideline"
    );
    assert_eq!(
        d.annotations[1].1, "guidelines",
        "authority defaults to guidelines"
    );
}

#[test]
fn the_same_request_gives_the_same_bytes() {
    let policy = Policy::embedded().unwrap();
    let json = r#"{"member": {"age": 62, "plan": "medicare", "implants": ["pacemaker", "icd"], "conditions": ["diabetes"]}, "order": {"lines": [{"code": "70553"}, {"code": "74178"}], "purpose": "diagnostic"}}"#;
    let first = policy.decide_json(json).unwrap();
    for _ in 0..5 {
        assert_eq!(policy.decide_json(json).unwrap(), first);
    }
}

/// The facts a request binds to, to compare two ways of writing it.
fn facts(json: &str) -> String {
    let policy = Policy::embedded().unwrap();
    match policy.bind(json) {
        Ok(f) => format!("{f:?}"),
        Err(e) => panic!("{json}: {}", e.message),
    }
}

#[test]
fn a_request_binds_the_same_however_it_is_written() {
    let compact = r#"{"id":"req-7","date_of_service":"2025-03-04","member":{"age":62,"plan":"medicare","state":"TX","implants":["pacemaker"],"plan_exclusions":["70553"]},"order":{"lines":[{"code":"70553"},{"code":"A9999","laterality":"left"}],"purpose":"diagnostic","category_iii_code":"0042T"},"clinical":{"prior_imaging":[{"code":"70551","days_ago":3,"result":"normal"}]}}"#;
    // No string in it holds `,`, `:`, `{` or `[`.
    let spaced = compact
        .replace(',', ",\n  ")
        .replace(':', " :\t")
        .replace('{', "{ ")
        .replace('[', "[\r\n");
    let escaped = compact
        .replace(r#""plan""#, r#""pl\u0061n""#)
        .replace(r#""pacemaker""#, r#""p\u0061cemaker""#)
        .replace(r#""req-7""#, r#""req\u002d7""#)
        .replace(r#""70551""#, r#""7\u0030551""#);
    let numbers = compact
        .replace(r#""age":62"#, r#""age":6.2e1"#)
        .replace(r#""days_ago":3"#, r#""days_ago":3.0"#);
    let expected = facts(compact);
    for other in [&spaced, &escaped, &numbers, &format!(" \t\r\n{compact}\n")] {
        assert_eq!(facts(other), expected, "{other}");
    }
}

#[test]
fn escaped_and_spaced_values_are_checked_as_plain_ones() {
    assert_eq!(
        error(&with_member(
            r#"{"age": 60, "implants": ["p\u0061cemakr"]}"#
        )),
        r#"member.implants[0]: "pacemakr" is not an implant; did you mean "pacemaker"?"#
    );
    assert_eq!(
        error(&with_member(r#"{ "age" : 60 , "plann" : "commercial" }"#)),
        r#"member.plann: unknown field; did you mean "plan"?"#
    );
    assert_eq!(
        error(r#"{"order": {"lines": [{"code": "7055\u0031X"}]}}"#),
        r#"order.lines[0].code: "70551X" is not a valid code (expected text matching ^([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$)"#
    );
    // A vocabulary value is not a code, though both are known texts.
    assert_eq!(
        error(r#"{"order": {"lines": [{"code": "pacemaker"}]}}"#),
        r#"order.lines[0].code: "pacemaker" is not a valid code (expected text matching ^([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$)"#
    );
}

#[test]
fn numbers_are_read_as_json_says() {
    let policy = Policy::embedded().unwrap();
    let age = |n: &str| {
        let f = policy
            .bind(&with_member(&format!(r#"{{"age": {n}, "plan": "other"}}"#)))
            .unwrap();
        format!("{:?}", f.slots)
    };
    assert_eq!(age("62"), age("6.2e1"));
    assert_eq!(age("62"), age("62.0"));
    assert_eq!(age("0"), age("0.0"));
    assert_eq!(age("0.5"), age("5e-1"));
    for bad in ["01", "1.", ".5", "+1", "1e", "--1", "1e400"] {
        let e = policy
            .bind(&with_member(&format!(r#"{{"age": {bad}}}"#)))
            .unwrap_err();
        assert!(
            e.message.starts_with("malformed JSON"),
            "{bad}: {}",
            e.message
        );
    }
}

//! Typed values become the request's JSON, guided by the fact declarations
//! (so `{code: 70553}` gives the code as a text); the request object is
//! edited at a path; and values are printed in the REPL's short form.
//!
//! Whether a value fits its fact is left to [`crate::Policy::bind`], so
//! `:set` reports exactly the errors `policy eval` does.

use serde_json::{Map, Value as Json};

use super::read::{Seg, Val};
use crate::eval::Eval;
use crate::eval::program::{Program, Type, Value, ValueSpec};

/// What the declarations say a place in the request holds.
#[derive(Clone, Copy, Debug)]
pub enum Shape<'p> {
    /// A fact, or a part of one.
    Spec(&'p ValueSpec),
    /// An object of facts (`member`), named by its dotted path.
    Prefix(&'p str),
    /// Nothing declared: bare words keep their JSON reading.
    Free,
}

/// The declared shape at a path of the request.
pub fn shape_at<'p>(program: &'p Program, path: &[Seg]) -> Shape<'p> {
    let mut dotted = String::new();
    for (i, seg) in path.iter().enumerate() {
        let Seg::Key(k) = seg else {
            return Shape::Free;
        };
        if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(k);
        if let Some(&slot) = program.fact_slots.get(&dotted) {
            let Some(fact) = program.facts.get(slot as usize) else {
                return Shape::Free;
            };
            return within(program, &fact.spec, &path[i + 1..]);
        }
    }
    match program.facts.iter().find(|f| {
        f.path
            .strip_prefix(dotted.as_str())
            .is_some_and(|rest| rest.starts_with('.'))
    }) {
        Some(f) => Shape::Prefix(&f.path[..dotted.len()]),
        None => Shape::Free,
    }
}

fn within<'p>(program: &'p Program, spec: &'p ValueSpec, path: &[Seg]) -> Shape<'p> {
    let Some((first, rest)) = path.split_first() else {
        return Shape::Spec(spec);
    };
    match (first, &spec.ty) {
        (Seg::Index(_), Type::List(_)) => match &spec.item {
            Some(item) => within(program, item, rest),
            None => Shape::Free,
        },
        (Seg::Key(k), Type::Record(r)) => {
            match program
                .records
                .get(*r as usize)
                .and_then(|rec| rec.fields.iter().find(|f| &f.name == k))
            {
                Some(field) => within(program, &field.spec, rest),
                None => Shape::Free,
            }
        }
        _ => Shape::Free,
    }
}

/// A bare word read as JSON would read it: `true`, `null`, `17`, or a text.
fn bare_json(word: &str) -> Json {
    match word {
        "true" => Json::Bool(true),
        "false" => Json::Bool(false),
        "null" => Json::Null,
        _ => match serde_json::from_str::<serde_json::Number>(word) {
            Ok(n) => Json::Number(n),
            Err(_) => Json::String(word.to_string()),
        },
    }
}

/// The JSON of a typed value at a place of the given shape: a bare word is
/// a text where the declaration wants a text or a vocabulary value (so
/// `{code: 70553}` works), and is read as JSON elsewhere.
pub fn to_json(program: &Program, v: &Val, shape: Shape) -> Json {
    match v {
        Val::Bare(word) => match shape {
            Shape::Spec(spec) => match &spec.ty {
                Type::Text(_) | Type::Enum(_) if word != "null" => Json::String(word.clone()),
                _ => bare_json(word),
            },
            _ => bare_json(word),
        },
        Val::Str(s) => Json::String(s.clone()),
        Val::List(items) => {
            let item_shape = match shape {
                Shape::Spec(spec) => spec.item.as_deref().map_or(Shape::Free, Shape::Spec),
                _ => Shape::Free,
            };
            Json::Array(
                items
                    .iter()
                    .map(|i| to_json(program, i, item_shape))
                    .collect(),
            )
        }
        Val::Object(members) => {
            if let Shape::Spec(ValueSpec {
                ty: Type::List(_), ..
            }) = shape
                && members.is_empty()
            {
                return Json::Array(Vec::new());
            }
            let mut map = Map::new();
            for (key, value) in members {
                let member_shape = match shape {
                    Shape::Spec(spec) => within(program, spec, &[Seg::Key(key.clone())]),
                    Shape::Prefix(p) => {
                        let path: Vec<Seg> = p
                            .split('.')
                            .map(|s| Seg::Key(s.to_string()))
                            .chain([Seg::Key(key.clone())])
                            .collect();
                        shape_at(program, &path)
                    }
                    Shape::Free => Shape::Free,
                };
                map.insert(key.clone(), to_json(program, value, member_shape));
            }
            Json::Object(map)
        }
    }
}

/// The JSON at a path of the request, if it is there.
pub fn get<'a>(root: &'a Map<String, Json>, path: &[Seg]) -> Option<&'a Json> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(k) = first else {
        return None;
    };
    let mut at = root.get(k)?;
    for seg in rest {
        at = match seg {
            Seg::Key(k) => at.as_object()?.get(k)?,
            Seg::Index(i) => at.as_array()?.get(*i)?,
        };
    }
    Some(at)
}

/// Sets the JSON at a path, making the objects on the way. An index must
/// name an item of a list that is there, or the one just past its end.
pub fn set(root: &mut Map<String, Json>, path: &[Seg], value: Json) -> Result<(), String> {
    let Some((Seg::Key(first), rest)) = path.split_first() else {
        return Err("a path starts with a name".into());
    };
    if rest.is_empty() {
        root.insert(first.clone(), value);
        return Ok(());
    }
    let child = root
        .entry(first.clone())
        .or_insert_with(|| Json::Object(Map::new()));
    set_in(child, first, rest, value)
}

fn set_in(at: &mut Json, where_: &str, path: &[Seg], value: Json) -> Result<(), String> {
    let Some((seg, rest)) = path.split_first() else {
        *at = value;
        return Ok(());
    };
    match seg {
        Seg::Key(k) => {
            let Json::Object(map) = at else {
                return Err(format!("`{where_}` is not an object, so it has no `{k}`"));
            };
            let here = format!("{where_}.{k}");
            if rest.is_empty() {
                map.insert(k.clone(), value);
                return Ok(());
            }
            let child = map
                .entry(k.clone())
                .or_insert_with(|| Json::Object(Map::new()));
            set_in(child, &here, rest, value)
        }
        Seg::Index(i) => {
            let Json::Array(items) = at else {
                return Err(format!("`{where_}` is not a list that is set"));
            };
            let here = format!("{where_}[{i}]");
            if *i == items.len() {
                if rest.is_empty() {
                    items.push(value);
                    return Ok(());
                }
                items.push(Json::Object(Map::new()));
            }
            let len = items.len();
            match items.get_mut(*i) {
                Some(child) => set_in(child, &here, rest, value),
                None => Err(format!(
                    "`{where_}` has {len} item{}; `[{i}]` is past its end",
                    if len == 1 { "" } else { "s" }
                )),
            }
        }
    }
}

/// Removes the JSON at a path, and the objects it leaves empty. Whether
/// there was anything to remove.
pub fn unset(root: &mut Map<String, Json>, path: &[Seg]) -> bool {
    let Some((Seg::Key(first), rest)) = path.split_first() else {
        return false;
    };
    if rest.is_empty() {
        return root.remove(first).is_some();
    }
    let Some(child) = root.get_mut(first) else {
        return false;
    };
    let removed = unset_in(child, rest);
    if child.as_object().is_some_and(Map::is_empty) {
        root.remove(first);
    }
    removed
}

fn unset_in(at: &mut Json, path: &[Seg]) -> bool {
    let Some((seg, rest)) = path.split_first() else {
        return false;
    };
    match (seg, at) {
        (Seg::Key(k), Json::Object(map)) => {
            if rest.is_empty() {
                return map.remove(k).is_some();
            }
            let Some(child) = map.get_mut(k) else {
                return false;
            };
            let removed = unset_in(child, rest);
            if child.as_object().is_some_and(Map::is_empty) {
                map.remove(k);
            }
            removed
        }
        (Seg::Index(i), Json::Array(items)) => {
            if rest.is_empty() {
                if *i < items.len() {
                    items.remove(*i);
                    return true;
                }
                return false;
            }
            items.get_mut(*i).is_some_and(|child| unset_in(child, rest))
        }
        _ => false,
    }
}

/// Whether a text can be written bare and read back as the same text.
fn bare_ok(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !matches!(s, "true" | "false" | "null")
}

/// A JSON value in the REPL's short form: `[pacemaker]`, `{code: "70553"}`.
/// What it prints, `:set` reads back.
pub fn friendly(v: &Json) -> String {
    match v {
        Json::String(s) if bare_ok(s) => s.clone(),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(friendly).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    let key = if bare_ok(k) {
                        k.clone()
                    } else {
                        Json::String(k.clone()).to_string()
                    };
                    format!("{key}: {}", friendly(v))
                })
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        other => other.to_string(),
    }
}

/// A value of the evaluator as JSON (`None` for unknown or absent).
pub fn value_json(ev: &Eval, v: Value) -> Option<Json> {
    Some(match v {
        Value::Unknown | Value::Absent => return None,
        Value::Bool(b) => Json::Bool(b),
        Value::Num(n) => serde_json::Number::from_f64(n).map_or(Json::Null, |num| {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                Json::Number((n as i64).into())
            } else {
                Json::Number(num)
            }
        }),
        Value::Sym(s) => Json::String(ev.text(s).to_string()),
        Value::List(id) => Json::Array(
            ev.list_items(id)
                .into_iter()
                .filter_map(|i| value_json(ev, i))
                .collect(),
        ),
        Value::Rec(_) => Json::String(ev.show(v)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::read::{read_path, read_value};

    #[test]
    fn edits_paths() {
        let mut root = Map::new();
        let path = read_path("member.age").unwrap();
        set(&mut root, &path, Json::from(17)).unwrap();
        assert_eq!(
            Json::Object(root.clone()).to_string(),
            r#"{"member":{"age":17}}"#
        );
        let lines = read_path("order.lines").unwrap();
        set(&mut root, &lines, serde_json::json!([{"code": "70553"}])).unwrap();
        set(
            &mut root,
            &read_path("order.lines[1]").unwrap(),
            serde_json::json!({"code": "70551"}),
        )
        .unwrap();
        set(
            &mut root,
            &read_path("order.lines[0].laterality").unwrap(),
            "left".into(),
        )
        .unwrap();
        assert!(set(&mut root, &read_path("order.lines[5]").unwrap(), Json::Null).is_err());
        assert_eq!(
            get(&root, &read_path("order.lines[0].laterality").unwrap()),
            Some(&Json::from("left"))
        );
        assert!(unset(&mut root, &path));
        assert!(!unset(&mut root, &path));
        assert!(!root.contains_key("member"), "an emptied object goes too");
    }

    #[test]
    fn friendly_round_trips() {
        let v = serde_json::json!([{"code": "70553", "laterality": "left"}]);
        assert_eq!(friendly(&v), r#"[{code: "70553", laterality: left}]"#);
        let back = read_value(&friendly(&v)).unwrap();
        assert_eq!(to_json(&Program::default(), &back, Shape::Free), v);
        assert_eq!(friendly(&serde_json::json!("true")), r#""true""#);
    }
}

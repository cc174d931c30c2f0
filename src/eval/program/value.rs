//! Values and types: what an expression computes and what a fact holds.

/// An interned string: a vocabulary value, a code, a text from the policy.
pub type Sym = u32;

/// A value at run time. `Unknown` and `Absent` are values too: the three
/// kinds of absence of `request.md` meet the logic here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// Absent with no default: unknown (Kleene's third truth value).
    Unknown,
    /// Known to be absent: comparisons with it are false.
    Absent,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A vocabulary value or a text.
    Sym(Sym),
    /// A list: a constant list of the program, a list of the request
    /// (`crate::eval::FACT_LIST` set) or one made while evaluating.
    List(u32),
    /// A record of a request list, by the offset of its first field.
    Rec(u32),
}

/// A type of the language.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number` and `integer`
    Number,
    /// Text, maybe of a declared format (index into [`Program::formats`]).
    Text(Option<u32>),
    /// A vocabulary (index into [`Program::enums`]).
    Enum(u32),
    /// A list or set.
    List(Box<Type>),
    /// A record (index into [`Program::records`]).
    Record(u32),
    /// The item type of `{}`: fits any list.
    Any,
}

/// What a value must be to be accepted from a request.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueSpec {
    /// The type.
    pub ty: Type,
    /// Lowest number allowed.
    pub min: Option<f64>,
    /// Highest number allowed.
    pub max: Option<f64>,
    /// Whole numbers only.
    pub integer: bool,
    /// A list needs at least one item.
    pub non_empty: bool,
    /// The item spec of a list.
    pub item: Option<Box<ValueSpec>>,
}

/// What an absent fact or field means.
#[derive(Clone, Debug, PartialEq)]
pub enum FactKind {
    /// Unknown, and the contract calls it required.
    Required,
    /// Unknown.
    Unknown,
    /// Known to be absent.
    Absent,
    /// This value.
    Default(Value),
}

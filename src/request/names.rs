//! The name table behind every lookup binding makes: keys to fields and
//! facts, text values to vocabulary values and symbols. [`Schema`] builds
//! one per object, record type and vocabulary, and one of the program's
//! symbols, once per policy; both readers look up each key and text value
//! of a request in them.
//!
//! [`Schema`]: super::Schema

/// Names to what they stand for, for the lookups binding makes for every
/// key and every text value. Open addressing; a name is hashed from its
/// length and its first and last eight bytes, which for a name of at most
/// 16 bytes (field names, vocabulary values, codes) is all of it, so that
/// those compare as three words and the hash costs the same for any length.
#[derive(Clone, Debug)]
pub(super) struct Names<T> {
    /// At least twice as many as the names, a power of two.
    slots: Vec<Option<Entry<T>>>,
    /// The names, to compare those longer than a probe.
    names: Vec<Box<str>>,
    /// 64 - log2(slots).
    shift: u32,
}

#[derive(Clone, Copy, Debug)]
struct Entry<T> {
    probe: Probe,
    /// Index into `names`.
    name: u32,
    value: T,
}

impl<T: Copy> Default for Names<T> {
    fn default() -> Self {
        Names::new(std::iter::empty())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Probe {
    len: usize,
    head: u64,
    tail: u64,
}

impl Probe {
    #[inline]
    fn new(name: &str) -> Self {
        let b = name.as_bytes();
        let (head, tail) = match (b.first_chunk::<8>(), b.last_chunk::<8>()) {
            (Some(h), Some(t)) => (u64::from_le_bytes(*h), u64::from_le_bytes(*t)),
            _ => match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
                (Some(h), Some(t)) => {
                    (u32::from_le_bytes(*h).into(), u32::from_le_bytes(*t).into())
                }
                _ => (b.iter().fold(0, |w, &c| w << 8 | u64::from(c)), 0),
            },
        };
        Probe {
            len: b.len(),
            head,
            tail,
        }
    }

    /// Whether the probe alone tells the name (see [`Names`]).
    #[inline]
    fn is_whole(&self) -> bool {
        self.len <= 16
    }

    #[inline]
    fn slot(&self, shift: u32) -> usize {
        let h = self.head ^ self.tail.rotate_left(31) ^ self.len as u64;
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }
}

impl<T: Copy> Names<T> {
    /// The table of `pairs`; of names given twice, the first counts.
    pub(super) fn new<'s>(pairs: impl Iterator<Item = (&'s str, T)>) -> Self {
        let pairs: Vec<(&str, T)> = pairs.collect();
        let size = (pairs.len() * 2).max(2).next_power_of_two();
        let mut names = Names {
            slots: vec![None; size],
            names: Vec::with_capacity(pairs.len()),
            shift: 64 - size.trailing_zeros(),
        };
        for (name, value) in pairs {
            if names.get(name).is_some() {
                continue;
            }
            let probe = Probe::new(name);
            let mask = size - 1;
            let mut i = probe.slot(names.shift);
            while let Some(Some(_)) = names.slots.get(i & mask) {
                i += 1;
            }
            if let Some(slot) = names.slots.get_mut(i & mask) {
                *slot = Some(Entry {
                    probe,
                    name: names.names.len() as u32,
                    value,
                });
                names.names.push(name.into());
            }
        }
        names
    }

    #[inline(always)]
    pub(super) fn get(&self, name: &str) -> Option<T> {
        let probe = Probe::new(name);
        let mask = self.slots.len().wrapping_sub(1);
        let first = probe.slot(self.shift);
        // Never more probes than slots: at least half of them are empty.
        for i in first..first + self.slots.len() {
            let entry = self.slots.get(i & mask)?.as_ref()?;
            if entry.probe == probe
                && (probe.is_whole()
                    || self
                        .names
                        .get(entry.name as usize)
                        .is_some_and(|n| **n == *name))
            {
                return Some(entry.value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn names_find_every_name_and_nothing_else() {
        let names = [
            "",
            "a",
            "id",
            "abc",
            "code",
            "plan_x",
            "purpose_",
            "symptomatic",
            "scheduled_follow_up",
            "aaaaaaaa_x_bbbbbbbb",
            "aaaaaaaa_y_bbbbbbbb",
            "aaaaaaaa_xy_bbbbbbbb",
        ];
        let table = Names::new((0u32..).zip(names).map(|(i, n)| (n, i)));
        for (i, n) in (0u32..).zip(names) {
            assert_eq!(table.get(n), Some(i), "{n:?}");
        }
        for n in [
            "b",
            "ID",
            "cod",
            "codes",
            "aaaaaaaa_z_bbbbbbbb",
            "aaaaaaaa",
            "bbbbbbbb",
        ] {
            assert_eq!(table.get(n), None, "{n:?}");
        }
        let twice = Names::new([("x", 1), ("x", 2)].into_iter());
        assert_eq!(twice.get("x"), Some(1));
        assert_eq!(Names::<u32>::default().get(""), None);
    }
}

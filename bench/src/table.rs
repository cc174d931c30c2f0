//! The imaging code table (`codes.csv`), built once and indexed.
//!
//! Stage: data. Owns the embedded copy of the table (`bench/data/codes.csv`)
//! and, for the native baseline, the per-code answers the rules ask of it
//! (same-site codes, the CT codes that may replace an MRI, the PET/CT code of
//! a PET region), so that deciding a request never scans the table.

use std::sync::OnceLock;

use crate::request::Code;

/// The embedded copy of `codes.csv`.
pub const CODES_CSV: &str = include_str!("../data/codes.csv");

/// A code's `modality` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Modality {
    Ct,
    Cta,
    Mri,
    Mra,
    Pet,
    PetCt,
    Nm,
    Mammo,
    Us,
    ThreeD,
}

/// A code's `contrast` column (`Unspecified` for an empty cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Contrast {
    Unspecified,
    Without,
    With,
    WithoutAndWith,
}

/// A code's `laterality` column (`Unspecified` for an empty cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TableLaterality {
    Unspecified,
    Unilateral,
    Bilateral,
}

/// A code's `family` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Family {
    Ct,
    CtColonography,
    CardiacCt,
    CoronaryCta,
    Cta,
    LimitedCt,
    Unlisted,
    Mri,
    BreastMri,
    CardiacMri,
    BoneMarrowMri,
    Mra,
    Pet,
    PetCt,
    CardiacPet,
    BrainPet,
    Spect,
    Mammogram,
    BreastUs,
    Rendering3d,
    HcpcsNonspecific,
}

/// One row of the table, with the lookups the rules need precomputed.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// `modality`.
    pub modality: Modality,
    /// `contrast`.
    pub contrast: Contrast,
    /// `region`.
    pub region: &'static str,
    /// `site`.
    pub site: &'static str,
    /// `laterality`.
    pub laterality: TableLaterality,
    /// `family`.
    pub family: Family,
    /// Same-site codes (same modality, site and laterality) `with` contrast.
    pub same_site_with: Vec<Code>,
    /// Same-site codes `without` contrast.
    pub same_site_without: Vec<Code>,
    /// M1: the family-`ct` codes of this region whose contrast matches this
    /// (MRI) code's contrast.
    pub ct_for_mri: Vec<Code>,
    /// T3: the family-`pet_ct` codes of this region.
    pub pet_ct: Vec<Code>,
}

impl CodeInfo {
    /// Contrast-enhanced: `with` or `without_and_with`.
    pub fn enhanced(&self) -> bool {
        matches!(self.contrast, Contrast::With | Contrast::WithoutAndWith)
    }
}

/// The table, sorted by code.
#[derive(Debug)]
pub struct Table {
    rows: Vec<CodeInfo>,
}

impl Table {
    /// The row of `code`, if the table has it.
    pub fn get(&self, code: Code) -> Option<&CodeInfo> {
        self.rows
            .binary_search_by(|row| row.code.cmp(&code))
            .ok()
            .map(|i| &self.rows[i])
    }

    /// All rows, sorted by code.
    pub fn rows(&self) -> &[CodeInfo] {
        &self.rows
    }
}

/// The table, built on first use.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| build(CODES_CSV))
}

fn build(csv: &'static str) -> Table {
    let mut rows: Vec<CodeInfo> = csv.lines().skip(1).filter_map(parse_row).collect();
    rows.sort_by_key(|row| row.code);
    let derived: Vec<Derived> = rows.iter().map(|row| derive(&rows, row)).collect();
    for (row, d) in rows.iter_mut().zip(derived) {
        row.same_site_with = d.same_site_with;
        row.same_site_without = d.same_site_without;
        row.ct_for_mri = d.ct_for_mri;
        row.pet_ct = d.pet_ct;
    }
    Table { rows }
}

/// The lookups precomputed for one row.
struct Derived {
    same_site_with: Vec<Code>,
    same_site_without: Vec<Code>,
    ct_for_mri: Vec<Code>,
    pet_ct: Vec<Code>,
}

fn derive(rows: &[CodeInfo], row: &CodeInfo) -> Derived {
    let select = |pred: &dyn Fn(&CodeInfo) -> bool| -> Vec<Code> {
        rows.iter().filter(|r| pred(r)).map(|r| r.code).collect()
    };
    let same_site = |want| {
        select(&|r| {
            r.modality == row.modality
                && r.site == row.site
                && r.laterality == row.laterality
                && r.contrast == want
        })
    };
    let ct =
        |want| select(&|r| r.family == Family::Ct && r.region == row.region && r.contrast == want);
    let ct_for_mri = match row.contrast {
        Contrast::Without => ct(Contrast::Without),
        Contrast::WithoutAndWith => {
            let mut codes = ct(Contrast::With);
            codes.extend(ct(Contrast::WithoutAndWith));
            codes.sort();
            codes
        }
        Contrast::With => ct(Contrast::With),
        Contrast::Unspecified => Vec::new(),
    };
    Derived {
        same_site_with: same_site(Contrast::With),
        same_site_without: same_site(Contrast::Without),
        ct_for_mri,
        pet_ct: select(&|r| r.family == Family::PetCt && r.region == row.region),
    }
}

fn parse_row(line: &'static str) -> Option<CodeInfo> {
    let mut cells = line.split(',');
    let mut next = || cells.next();
    let code = Code::new(next()?)?;
    let modality = match next()? {
        "CT" => Modality::Ct,
        "CTA" => Modality::Cta,
        "MRI" => Modality::Mri,
        "MRA" => Modality::Mra,
        "PET" => Modality::Pet,
        "PET_CT" => Modality::PetCt,
        "NM" => Modality::Nm,
        "MAMMO" => Modality::Mammo,
        "US" => Modality::Us,
        "3D" => Modality::ThreeD,
        _ => return None,
    };
    let contrast = match next()? {
        "" => Contrast::Unspecified,
        "without" => Contrast::Without,
        "with" => Contrast::With,
        "without_and_with" => Contrast::WithoutAndWith,
        _ => return None,
    };
    let region = next()?;
    let site = next()?;
    let laterality = match next()? {
        "" => TableLaterality::Unspecified,
        "unilateral" => TableLaterality::Unilateral,
        "bilateral" => TableLaterality::Bilateral,
        _ => return None,
    };
    let family = match next()? {
        "ct" => Family::Ct,
        "ct_colonography" => Family::CtColonography,
        "cardiac_ct" => Family::CardiacCt,
        "coronary_cta" => Family::CoronaryCta,
        "cta" => Family::Cta,
        "limited_ct" => Family::LimitedCt,
        "unlisted" => Family::Unlisted,
        "mri" => Family::Mri,
        "breast_mri" => Family::BreastMri,
        "cardiac_mri" => Family::CardiacMri,
        "bone_marrow_mri" => Family::BoneMarrowMri,
        "mra" => Family::Mra,
        "pet" => Family::Pet,
        "pet_ct" => Family::PetCt,
        "cardiac_pet" => Family::CardiacPet,
        "brain_pet" => Family::BrainPet,
        "spect" => Family::Spect,
        "mammogram" => Family::Mammogram,
        "breast_us" => Family::BreastUs,
        "3d_rendering" => Family::Rendering3d,
        "hcpcs_nonspecific" => Family::HcpcsNonspecific,
        _ => return None,
    };
    Some(CodeInfo {
        code,
        modality,
        contrast,
        region,
        site,
        laterality,
        family,
        same_site_with: Vec::new(),
        same_site_without: Vec::new(),
        ct_for_mri: Vec::new(),
        pet_ct: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[Code]) -> Vec<&str> {
        list.iter().map(Code::as_str).collect()
    }

    fn row(code: &str) -> &'static CodeInfo {
        table().get(Code::new(code).unwrap()).unwrap()
    }

    #[test]
    fn every_row_is_read() {
        assert_eq!(table().rows().len(), CODES_CSV.lines().count() - 1);
    }

    #[test]
    fn lookups() {
        assert_eq!(codes(&row("74178").same_site_with), ["74177"]);
        assert_eq!(codes(&row("75561").same_site_without), ["75557", "75559"]);
        assert_eq!(codes(&row("77048").same_site_without), ["77046"]);
        assert_eq!(codes(&row("70553").ct_for_mri), ["70460", "70470"]);
        assert!(row("70543").ct_for_mri.is_empty());
        assert_eq!(codes(&row("78812").pet_ct), ["78815"]);
        assert!(table().get(Code::new("71046").unwrap()).is_none());
    }
}

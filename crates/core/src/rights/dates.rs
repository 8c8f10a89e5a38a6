//! Authors' dates as catalogers write them in 100/700 $d (and 542 $b): `1890-1969`,
//! `d. 1969`, `1890-` (living, or death unknown), `fl. 1920`, `ca. 1900-ca. 1960`, `1945?`,
//! `mất 1969`. Only a death year is read; anything else gives none, never a guess.

/// A death year read from a date string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeathYear {
    pub year: i32,
    /// Written as approximate (`ca.`, `?`, `khoảng`).
    pub approximate: bool,
}

fn is_approximate(s: &str) -> bool {
    s.contains("ca.")
        || s.contains("ca ")
        || s.contains("circa")
        || s.contains("approximately")
        || s.contains("khoảng")
        || s.contains('?')
}

/// The first run of 1 to 4 digits, as a year (`B.C.` makes it negative).
fn year_in(s: &str) -> Option<i32> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let digits: String = s[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.len() > 4 {
        return None;
    }
    let rest = &s[start + digits.len()..];
    // `19--` or `196-`: a decade or century, not a year.
    if digits.len() < 4 && rest.starts_with('-') && !s.contains("b.c") {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    Some(if s.contains("b.c") || s.contains("tcn") {
        -year
    } else {
        year
    })
}

/// The death year in `$d`, if it gives one.
pub fn death_year(dates: &str) -> Option<DeathYear> {
    let s = dates
        .trim()
        .trim_matches(|c: char| c == '(' || c == ')' || c == ',' || c == '.' || c.is_whitespace())
        .to_lowercase()
        .replace(['–', '—'], "-");
    if s.is_empty() || s.contains("fl.") || s.contains("flourished") || s.contains("hoạt động")
    {
        return None;
    }
    for prefix in ["d.", "died", "mất", "m."] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return year_in(rest).map(|year| DeathYear {
                year,
                approximate: is_approximate(rest),
            });
        }
    }
    if s.starts_with("b.") || s.starts_with("born") || s.starts_with("sinh") {
        return None;
    }
    // `birth-death`: the death is after the last hyphen that follows a year or a space.
    let (_, death) = s.split_once('-')?;
    let death = death.trim();
    if death.is_empty() {
        // `1890-`: living, or the death year is not known.
        return None;
    }
    year_in(death).map(|year| DeathYear {
        year,
        approximate: is_approximate(death),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(year: i32) -> Option<DeathYear> {
        Some(DeathYear {
            year,
            approximate: false,
        })
    }

    #[test]
    fn the_forms_catalogers_write() {
        assert_eq!(death_year("1890-1969"), exact(1969));
        assert_eq!(death_year("1890-1969."), exact(1969));
        assert_eq!(death_year("(1765-1820)"), exact(1820));
        assert_eq!(death_year("d. 1969"), exact(1969));
        assert_eq!(death_year("mất 1951"), exact(1951));
        assert_eq!(death_year("ca. 1765-1820"), exact(1820));
        assert_eq!(death_year("1920–2014"), exact(2014));
        assert_eq!(
            death_year("ca. 1900-ca. 1960"),
            Some(DeathYear {
                year: 1960,
                approximate: true
            })
        );
        assert_eq!(
            death_year("1890-1945?"),
            Some(DeathYear {
                year: 1945,
                approximate: true
            })
        );
        assert_eq!(death_year("551-479 B.C."), exact(-479));
    }

    #[test]
    fn no_death_year_is_made_up() {
        assert_eq!(death_year("1890-"), None);
        assert_eq!(death_year("b. 1890"), None);
        assert_eq!(death_year("fl. 1920"), None);
        assert_eq!(death_year("1920"), None);
        assert_eq!(death_year("19th cent."), None);
        assert_eq!(death_year("1890-19--"), None);
        assert_eq!(death_year(""), None);
    }
}

use super::{Field, FieldError};

/// The name a user is greeted by: at most 50 characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// A short text about the user: at most 500 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(String);

/// Where the user says they are: at most 60 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location(String);

impl DisplayName {
    /// Most characters a display name may have.
    pub const MAX_CHARS: usize = 50;

    /// Parses a display name; surrounding spaces are dropped.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        single_line(Field::DisplayName, raw, Self::MAX_CHARS, "Display names").map(Self)
    }

    /// The text itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Bio {
    /// Most characters a bio may have.
    pub const MAX_CHARS: usize = 500;

    /// Parses a bio; line endings become `\n`, surrounding spaces are dropped.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let text = raw.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(FieldError::new(
                Field::Bio,
                "Bios may not contain invisible control characters.",
            ));
        }
        refuse_deceptive(Field::Bio, text, "Bios")?;
        check_len(Field::Bio, text, Self::MAX_CHARS, "Bios")?;
        Ok(Self(text.to_string()))
    }

    /// The text itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Location {
    /// Most characters a location may have.
    pub const MAX_CHARS: usize = 60;

    /// Parses a location; surrounding spaces are dropped.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        single_line(Field::Location, raw, Self::MAX_CHARS, "Locations").map(Self)
    }

    /// The text itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A complete, valid change to a profile's editable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    /// The new display name.
    pub display_name: DisplayName,
    /// The new bio.
    pub bio: Bio,
    /// The new location.
    pub location: Location,
}

impl ProfileUpdate {
    /// Parses all three fields, reporting every invalid one at once.
    pub fn parse(display_name: &str, bio: &str, location: &str) -> Result<Self, Vec<FieldError>> {
        let display_name = DisplayName::parse(display_name);
        let bio = Bio::parse(bio);
        let location = Location::parse(location);
        match (display_name, bio, location) {
            (Ok(display_name), Ok(bio), Ok(location)) => Ok(Self {
                display_name,
                bio,
                location,
            }),
            (d, b, l) => Err([d.err(), b.err(), l.err()].into_iter().flatten().collect()),
        }
    }
}

pub(super) fn single_line(
    field: Field,
    raw: &str,
    max: usize,
    what: &str,
) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("{what} must be one line without control characters."),
        ));
    }
    refuse_deceptive(field, text, what)?;
    check_len(field, text, max, what)?;
    Ok(text.to_string())
}

/// Characters that change how the text around them reads without showing
/// themselves: the bidi embeddings, overrides and isolates that reorder it
/// ("Trojan Source"; a display name could turn the nav's greeting around),
/// and the invisible ones that make a name look empty or like another.
fn is_deceptive(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2066}'..='\u{2069}' // bidi isolates
        | '\u{200B}' // zero-width space
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{FEFF}' // zero-width no-break space
        | '\u{00AD}' // soft hyphen
        | '\u{180E}' // Mongolian vowel separator
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
    )
}

/// Refuses deceptive characters. The zero-width joiner and non-joiner stay
/// allowed where they do their work, between two visible characters (emoji
/// sequences such as 👩‍💻, and Persian or Indic words); anywhere else they
/// only hide.
fn refuse_deceptive(field: Field, text: &str, what: &str) -> Result<(), FieldError> {
    let chars: Vec<char> = text.chars().collect();
    let visible = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| !c.is_whitespace() && !is_joiner(*c) && !is_deceptive(*c))
    };
    let hides = chars.iter().enumerate().any(|(i, &c)| {
        is_deceptive(c) || (is_joiner(c) && !(visible(i.checked_sub(1)) && visible(Some(i + 1))))
    });
    if hides {
        return Err(FieldError::new(
            field,
            format!("{what} may not contain invisible or text-direction characters."),
        ));
    }
    Ok(())
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

fn check_len(field: Field, text: &str, max: usize, what: &str) -> Result<(), FieldError> {
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{what} are at most {max} characters."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_profiles_and_trims_them() {
        let update =
            ProfileUpdate::parse("  Ada Lovelace ", "Counts.\r\nComputes.", " London ").unwrap();
        assert_eq!(update.display_name.as_str(), "Ada Lovelace");
        assert_eq!(update.bio.as_str(), "Counts.\nComputes.");
        assert_eq!(update.location.as_str(), "London");
    }

    #[test]
    fn allows_every_field_empty() {
        assert!(ProfileUpdate::parse("", "", "").is_ok());
    }

    #[test]
    fn reports_every_invalid_field_at_once() {
        let errors = ProfileUpdate::parse(&"n".repeat(51), &"b".repeat(501), "a\nb").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::DisplayName, Field::Bio, Field::Location]);
        assert_eq!(
            errors[0].message,
            "Display names are at most 50 characters."
        );
        assert_eq!(errors[1].message, "Bios are at most 500 characters.");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(DisplayName::parse(&"é".repeat(50)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(51)).is_err());
    }

    #[test]
    fn refuses_control_characters_but_lets_bios_break_lines() {
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(Location::parse("a\u{1b}[31mb").is_err());
        assert!(Bio::parse("line one\nline two\ttabbed").is_ok());
        assert!(Bio::parse("bell\u{7}").is_err());
    }

    #[test]
    fn keeps_html_looking_text_as_plain_text() {
        let name = DisplayName::parse("<b>bold</b>").unwrap();
        assert_eq!(name.as_str(), "<b>bold</b>");
    }

    #[test]
    fn direction_overrides_and_invisible_characters_are_refused() {
        for deceptive in [
            "\u{202E}nimda",               // shows as "admin" reversed
            "ada\u{2066}lovelace\u{2069}", // an isolate
            "ad\u{200B}min",               // zero-width space
            "\u{200D}",                    // a joiner alone: looks empty
            "admin\u{200D}",               // a trailing joiner
            "a\u{200C}\u{200C}b",          // joiners in a row
            "\u{3164}",                    // a Hangul filler: looks empty
            "soft\u{AD}hyphen",
            "\u{FEFF}bom",
        ] {
            for field in [
                DisplayName::parse(deceptive).err(),
                Location::parse(deceptive).err(),
                Bio::parse(deceptive).err(),
            ] {
                let error = field.unwrap_or_else(|| panic!("{deceptive:?} accepted"));
                assert!(
                    error.message.contains("invisible or text-direction"),
                    "{}",
                    error.message
                );
            }
        }
        // What they are for still works: emoji sequences, Persian words,
        // right-to-left names and their marks.
        for fine in ["👩‍💻 Ada", "می‌خواهم", "שלום עולם", "Ada \u{200F}(she)", "Zoë"]
        {
            assert!(DisplayName::parse(fine).is_ok(), "{fine}");
            assert!(Location::parse(fine).is_ok(), "{fine}");
        }
    }
}

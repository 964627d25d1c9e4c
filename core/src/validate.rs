//! The field rules every input path shares: control YAML import, the
//! desktop app's forms (which ask core before they save, see
//! [`check_fields`]), and `Workspace` methods that write. Each rule returns
//! the value as core stores it, or the one message a user sees for it,
//! whichever door the value came in by.
use crate::model::ControlStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest control id: ids appear in file names, PDFs and URLs.
pub const MAX_CONTROL_ID: usize = 64;
/// Names (organisation, person, owner, category) and titles are one line;
/// longer text belongs in the description.
pub const MAX_NAME: usize = 200;
/// The longest title, in characters: enough for any one-line name of a
/// document; the rest belongs in the description.
pub const MAX_TITLE: usize = 500;

/// A control id: letters, digits, `-`, `_` and `.`; 64 at most.
pub fn control_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    if id.is_empty() {
        return Err("a control needs an id, e.g. ENC-01".into());
    }
    let ok = id.len() <= MAX_CONTROL_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(format!("control id `{id}` may use only letters, digits, `-`, `_` and `.` ({MAX_CONTROL_ID} at most), e.g. ENC-01"));
    }
    Ok(id.to_string())
}

/// A title: not empty, one line.
pub fn title(text: &str, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} needs a title"));
    }
    if t.contains('\n') {
        return Err("a title is one line; put the rest in the description".into());
    }
    if t.chars().count() > MAX_TITLE {
        return Err(format!(
            "the title is longer than {MAX_TITLE} characters; put the rest in the description"
        ));
    }
    Ok(t.to_string())
}

/// A web address for link evidence: a full http:// or https:// URL.
pub fn url(text: &str) -> Result<String, String> {
    crate::text::web_address(text).map(str::to_string)
}

/// A calendar date written YYYY-MM-DD.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    crate::dates::parse_date(text)
}

/// A period like 90d, 12w, 6m or 1y, in days.
pub fn duration(text: &str) -> Result<u32, String> {
    crate::dates::parse_days(text)
}

/// A one-line name (organisation, person, owner): not empty.
pub fn name(text: &str, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if t.contains('\n') || t.chars().count() > MAX_NAME {
        return Err(format!(
            "{what} is one line of {MAX_NAME} characters at most"
        ));
    }
    Ok(t.to_string())
}

/// Who collected a piece of evidence, when a form or an edit names them:
/// one line, not empty (an edit cannot leave the collector blank).
pub fn collector(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("collected by cannot be empty; name who gathered the evidence".into());
    }
    name(text, "collected by")
}

/// Any text that must not be empty.
pub fn non_empty(text: &str, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    Ok(t.to_string())
}

/// A control status as written in YAML and forms.
pub fn control_status(text: &str) -> Result<ControlStatus, String> {
    let s = text.trim();
    ControlStatus::parse(s).ok_or_else(|| {
        let hint = crate::text::closest(s, ControlStatus::NAMES.iter().copied())
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        format!(
            "status `{s}` is not allowed; {hint}use one of: {}",
            ControlStatus::NAMES.join(", ")
        )
    })
}

/// Which rule a form field follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// [`control_id`]: letters, digits, `-`, `_`, `.`; 64 at most.
    ControlId,
    /// [`title`]: one line of at most [`MAX_TITLE`] characters.
    Title,
    /// [`url`]: a full `http://` or `https://` address.
    Url,
    /// [`date`]: `YYYY-MM-DD`, a real calendar date.
    Date,
    /// [`duration`]: `90d`, `12w`, `6m`, `1y`; stored as days.
    Duration,
    /// [`name`]: one line of at most [`MAX_NAME`] characters.
    Name,
    /// [`non_empty`]: any text but blank.
    NonEmpty,
    /// [`control_status`]: one of the [`ControlStatus`] names.
    ControlStatus,
}

/// One field of a form to check. An empty value of an optional field passes.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct FieldInput {
    /// The form's name for the field, returned as is in [`FieldResult::field`].
    pub field: String,
    /// The rule the value must follow.
    pub rule: Rule,
    /// The value as typed.
    pub value: String,
    /// Whether an empty value fails; default false.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub required: bool,
    /// How the message names the thing, e.g. "the organisation name".
    #[serde(default)]
    pub label: Option<String>,
}

/// The verdict on one field: the stored form of the value, or the message.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct FieldResult {
    /// The field the verdict is about, as the form named it.
    pub field: String,
    /// Whether the value passes.
    pub ok: bool,
    /// When it fails: the one message to show beside the field. None when ok.
    pub message: Option<String>,
    /// The value as core would store it: trimmed text, the date, or a
    /// duration as a number of days.
    pub value: Option<String>,
}

/// Checks a form's fields with the same rules import and save apply.
pub fn check_fields(fields: &[FieldInput]) -> Vec<FieldResult> {
    fields
        .iter()
        .map(|f| {
            let what = f.label.as_deref().unwrap_or("this field");
            let outcome = if f.value.trim().is_empty() && !f.required {
                Ok(String::new())
            } else {
                match f.rule {
                    Rule::ControlId => control_id(&f.value),
                    Rule::Title => title(&f.value, f.label.as_deref().unwrap_or("this")),
                    Rule::Url => url(&f.value),
                    Rule::Date => date(&f.value).map(|d| d.to_string()),
                    Rule::Duration => duration(&f.value).map(|d| d.to_string()),
                    Rule::Name => name(&f.value, what),
                    Rule::NonEmpty => non_empty(&f.value, what),
                    Rule::ControlStatus => control_status(&f.value).map(|s| s.to_string()),
                }
            };
            match outcome {
                Ok(v) => FieldResult {
                    field: f.field.clone(),
                    ok: true,
                    message: None,
                    value: Some(v),
                },
                Err(m) => FieldResult {
                    field: f.field.clone(),
                    ok: false,
                    message: Some(m),
                    value: None,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rule: Rule, value: &str, required: bool) -> FieldInput {
        FieldInput {
            field: "f".into(),
            rule,
            value: value.into(),
            required,
            label: None,
        }
    }

    #[test]
    fn control_ids() {
        assert_eq!(control_id(" ENC-01 ").unwrap(), "ENC-01");
        assert!(control_id("").unwrap_err().contains("needs an id"));
        assert!(control_id("bad id").unwrap_err().contains("may use only"));
        assert!(control_id(&"A".repeat(65)).is_err());
        assert!(control_id(&"A".repeat(64)).is_ok());
        assert!(control_id("ENC/01").is_err(), "a slash would break paths");
    }

    #[test]
    fn urls_need_scheme_and_host() {
        assert!(url("https://example.com/x").is_ok());
        assert!(url("http://a.b").is_ok());
        for bad in [
            "example.com",
            "https://",
            "https:///x",
            "ftp://x.y",
            "https://a b.c",
            "",
        ] {
            // Each refusal names what is wrong (text::web_address's messages).
            assert!(url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn dates_durations_names_titles() {
        assert!(date("2026-02-30")
            .unwrap_err()
            .contains("real calendar date"));
        assert!(date("02/03/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(date("2026-1").is_err(), "a half-typed date");
        assert_eq!(duration("12w").unwrap(), 84);
        assert!(duration("90").is_err());
        assert!(name("  ", "the organisation name")
            .unwrap_err()
            .contains("cannot be empty"));
        assert!(name(&"x".repeat(201), "a name").is_err());
        assert!(title("", "a control")
            .unwrap_err()
            .contains("a control needs a title"));
        assert!(title("a\nb", "x").is_err());
        assert!(control_status("planed")
            .unwrap_err()
            .contains("did you mean `planned`"));
    }

    #[test]
    fn fields_report_each_message_and_the_stored_value() {
        let out = check_fields(&[
            input(Rule::Duration, "1y", true),
            input(Rule::Date, "", false),
            input(Rule::Date, "", true),
            input(Rule::Url, "www.example.com", true),
        ]);
        assert_eq!(out[0].value.as_deref(), Some("365"));
        assert!(out[1].ok, "an empty optional field passes");
        assert!(!out[2].ok, "an empty required date does not");
        assert!(out[3]
            .message
            .as_deref()
            .unwrap()
            .contains("not a web address"));
    }
}

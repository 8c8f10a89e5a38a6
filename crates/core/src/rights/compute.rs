//! The computation: from a record's inputs, a jurisdiction's rules and a day, the status, the
//! public-domain date, the rule applied and an explanation in both languages.
//!
//! It never guesses: an input the rule needs that is missing (a named author without a death
//! year, who may be alive; no publication year) or two inputs that disagree (008 and 264 more
//! than a year apart) give `UND` with the reason; a record that is not one work (a serial, a
//! kit) or whose type the record does not tell gives `CNE` or `UND`.

use time::{Date, Month};

use super::jurisdiction::{Jurisdiction, Measure, Rule};
use crate::api::{RightsBasis, RightsInputs, RightsStatus, WorkType};

/// What the rules say about one work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: RightsStatus,
    pub public_domain_from: Option<Date>,
    pub rule: String,
    pub basis: RightsBasis,
    pub citation: String,
    pub explanation_vi: String,
    pub explanation_en: String,
}

/// 1 January of `year`.
fn new_year(year: i32) -> Option<Date> {
    Date::from_calendar_date(year, Month::January, 1).ok()
}

fn undetermined(
    j: &Jurisdiction,
    rule: &str,
    basis: RightsBasis,
    vi: String,
    en: String,
) -> Outcome {
    Outcome {
        status: RightsStatus::Und,
        public_domain_from: None,
        rule: rule.to_string(),
        basis,
        citation: j.law.clone(),
        explanation_vi: vi,
        explanation_en: en,
    }
}

/// A record that is not one work: `CNE`, with the reason.
pub fn not_evaluated(j: &Jurisdiction, why_vi: &str, why_en: &str) -> Outcome {
    Outcome {
        status: RightsStatus::Cne,
        public_domain_from: None,
        rule: "not_one_work".into(),
        basis: RightsBasis::NotEvaluated,
        citation: j.law.clone(),
        explanation_vi: why_vi.to_string(),
        explanation_en: why_en.to_string(),
    }
}

/// The last year of protection and the words for how it was reached.
struct Term {
    last_year: i32,
    basis: RightsBasis,
    vi: String,
    en: String,
}

enum Step {
    Done(Term),
    /// The input this measure needs is missing: (Vietnamese, English).
    Missing(String, String),
    Contradiction(String, String),
}

fn by_death(j: &Jurisdiction, inputs: &RightsInputs, years: i32) -> Step {
    let unknown: Vec<&str> = inputs
        .authors
        .iter()
        .filter(|a| a.death_year.is_none())
        .map(|a| a.name.as_str())
        .collect();
    if inputs.authors.is_empty() {
        return Step::Missing(
            "Không có tác giả là cá nhân được ghi trong biểu ghi (100/700), và tác phẩm không được ghi là khuyết danh.".into(),
            "No personal author is recorded (100/700), and the work is not recorded as anonymous.".into(),
        );
    }
    if !unknown.is_empty() {
        let names = unknown.join("; ");
        return Step::Missing(
            format!("Không biết năm mất của tác giả {names}: tác giả có thể còn sống."),
            format!("The death year of {names} is not known: the author may be alive."),
        );
    }
    // Joint works: the term runs from the last surviving author's death. An approximate year
    // counts as the latest plausible one.
    let Some((last, year)) = inputs
        .authors
        .iter()
        .filter_map(|a| {
            a.death_year.map(|y| {
                let y = if a.death_year_approximate {
                    y + j.circa_margin_years
                } else {
                    y
                };
                (a, y)
            })
        })
        .max_by_key(|(_, y)| *y)
    else {
        return Step::Missing(String::new(), String::new());
    };
    let end = year + years;
    let approx_vi = if last.death_year_approximate {
        format!(
            " (năm mất ghi gần đúng, tính muộn nhất thêm {} năm)",
            j.circa_margin_years
        )
    } else {
        String::new()
    };
    let approx_en = if last.death_year_approximate {
        format!(
            " (an approximate year, counted {} years later)",
            j.circa_margin_years
        )
    } else {
        String::new()
    };
    let (who_vi, who_en) = if inputs.authors.len() > 1 {
        (
            format!("đồng tác giả cuối cùng, {}, mất năm {year}", last.name),
            format!(
                "the last surviving co-author, {}, died in {year}",
                last.name
            ),
        )
    } else {
        (
            format!("tác giả {} mất năm {year}", last.name),
            format!("{} died in {year}", last.name),
        )
    };
    Step::Done(Term {
        last_year: end,
        basis: RightsBasis::AuthorDeath,
        vi: format!("{who_vi}{approx_vi}; {years} năm sau là hết năm {end}"),
        en: format!("{who_en}{approx_en}; {years} years later is the end of {end}"),
    })
}

fn by_publication(inputs: &RightsInputs, years: i32) -> Step {
    if let (Some(a), Some(b)) = (inputs.publication_year_008, inputs.publication_year_264)
        && (a - b).abs() > 1
    {
        return Step::Contradiction(
            format!("Năm xuất bản không thống nhất: 008 ghi {a}, 264/260 ghi {b}."),
            format!("The publication year disagrees: 008 gives {a}, 264/260 gives {b}."),
        );
    }
    match inputs.publication_year {
        Some(p) => Step::Done(Term {
            last_year: p + years,
            basis: RightsBasis::Publication,
            vi: format!(
                "công bố lần đầu năm {p}; {years} năm sau là hết năm {}",
                p + years
            ),
            en: format!(
                "first published in {p}; {years} years later is the end of {}",
                p + years
            ),
        }),
        None => Step::Missing(
            "Không biết năm công bố lần đầu (008/07-10, 264/260 $c, 542 $i).".into(),
            "The year of first publication is not known (008/07-10, 264/260 $c, 542 $i).".into(),
        ),
    }
}

fn by_creation(inputs: &RightsInputs, years: i32, latest: bool) -> Step {
    let year = if latest {
        inputs.publication_year
    } else {
        inputs.creation_year
    };
    match year {
        Some(c) if latest => Step::Done(Term {
            last_year: c + years,
            basis: RightsBasis::Publication,
            vi: format!(
                "không biết năm làm ra; năm công bố {c} là năm làm ra muộn nhất; {years} năm sau là hết năm {}",
                c + years
            ),
            en: format!(
                "the year of making is not known; publication in {c} is the latest it can be; {years} years later is the end of {}",
                c + years
            ),
        }),
        Some(c) => Step::Done(Term {
            last_year: c + years,
            basis: RightsBasis::Creation,
            vi: format!(
                "làm ra (định hình) năm {c}; {years} năm sau là hết năm {}",
                c + years
            ),
            en: format!(
                "made (fixed) in {c}; {years} years later is the end of {}",
                c + years
            ),
        }),
        None => Step::Missing(
            "Không biết năm làm ra tác phẩm (542 $j, 264 chỉ thị 2 là 0).".into(),
            "The year the work was made is not known (542 $j, 264 second indicator 0).".into(),
        ),
    }
}

fn measure(j: &Jurisdiction, inputs: &RightsInputs, m: Measure, years: i32) -> Step {
    match m {
        Measure::Death => by_death(j, inputs, years),
        Measure::Publication => by_publication(inputs, years),
        Measure::Creation => by_creation(inputs, years, false),
    }
}

fn apply(j: &Jurisdiction, rule: &Rule, inputs: &RightsInputs) -> Step {
    // Not published within N years of making (or not published at all, as far as the record
    // says): the term runs from the making instead.
    if let Some(alt) = &rule.unpublished_alternative
        && let Some(c) = inputs.creation_year
        && inputs
            .publication_year
            .is_none_or(|p| p - c > alt.within_years)
    {
        return match measure(j, inputs, alt.measure, alt.years) {
            Step::Done(mut term) => {
                term.vi = format!(
                    "chưa công bố trong {} năm kể từ khi làm ra; {}",
                    alt.within_years, term.vi
                );
                term.en = format!(
                    "not published within {} years of making; {}",
                    alt.within_years, term.en
                );
                Step::Done(term)
            }
            other => other,
        };
    }
    match measure(j, inputs, rule.measure, rule.years) {
        Step::Missing(vi, en) => match &rule.when_missing {
            Some(f) => match f.measure {
                Measure::Publication if rule.measure == Measure::Creation => {
                    by_creation(inputs, f.years, true)
                }
                other => match measure(j, inputs, other, f.years) {
                    Step::Missing(..) => Step::Missing(vi, en),
                    step => step,
                },
            },
            None => Step::Missing(vi, en),
        },
        step => step,
    }
}

/// The determination the rules give for `inputs` on `as_of`. `work_type` is `None` when the
/// record does not tell which kind of work it is.
pub fn compute(
    j: &Jurisdiction,
    inputs: &RightsInputs,
    work_type: Option<WorkType>,
    as_of: Date,
) -> Outcome {
    // A licence or permission stated in the record is not something the term rules can
    // reach; it stands as stated. A stated public domain or in-copyright is checked instead.
    if let Some(stated) = inputs.stated_status
        && !matches!(
            stated,
            RightsStatus::PublicDomain | RightsStatus::InC | RightsStatus::Und | RightsStatus::Cne
        )
    {
        return Outcome {
            status: stated,
            public_domain_from: None,
            rule: "record_statement".into(),
            basis: RightsBasis::RecordStatement,
            citation: "MARC 542/540".into(),
            explanation_vi: format!(
                "Biểu ghi nêu tình trạng \"{}\" (542/540); giữ nguyên như đã nêu.",
                stated.label_vi()
            ),
            explanation_en: format!(
                "The record states \"{}\" (542/540); kept as stated.",
                stated.label_en()
            ),
        };
    }
    let Some(work_type) = work_type else {
        return undetermined(
            j,
            "unknown_work_type",
            RightsBasis::MissingInput,
            format!(
                "Biểu ghi không cho biết đây là loại tác phẩm nào ({}); ví dụ tài liệu đồ hoạ không có trường 007 thì không biết là ảnh hay tranh.",
                inputs.work_type_source
            ),
            format!(
                "The record does not tell what kind of work this is ({}); a graphic without a 007, for instance, may be a photograph or a painting.",
                inputs.work_type_source
            ),
        );
    };
    if inputs.corporate_only && work_type == WorkType::General {
        return undetermined(
            j,
            "corporate_author",
            RightsBasis::MissingInput,
            "Chỉ có tác giả là tổ chức (110/710): thời hạn tính theo năm mất của các tác giả là cá nhân, mà biểu ghi không nêu.".into(),
            "Only corporate bodies are named (110/710): the term runs from the deaths of the natural-person authors, whom the record does not name.".into(),
        );
    }
    let Some(rule) = j.rule_for(work_type, inputs.anonymous) else {
        return undetermined(
            j,
            "no_rule",
            RightsBasis::MissingInput,
            format!(
                "Quy tắc của {} không có điều khoản cho loại tác phẩm này ({}).",
                j.name_vi,
                work_type.as_str()
            ),
            format!(
                "The {} rules have no provision for this kind of work ({}).",
                j.name_en,
                work_type.as_str()
            ),
        );
    };
    let step = apply(j, rule, inputs);
    let term = match step {
        Step::Done(term) => term,
        Step::Contradiction(vi, en) => {
            return undetermined(
                j,
                &rule.id,
                RightsBasis::ContradictoryInput,
                format!(
                    "{vi} Cần kiểm tra biểu ghi trước khi xác định ({}).",
                    rule.name_vi
                ),
                format!("{en} Check the record before deciding ({}).", rule.name_en),
            );
        }
        Step::Missing(vi, en) => {
            if let (Some(after), Some(p)) = (
                j.presumed_public_domain_after_publication_years,
                inputs.publication_year,
            ) && as_of.year() - p > after
            {
                let from = new_year(p + after + 1);
                return Outcome {
                    status: RightsStatus::PublicDomain,
                    public_domain_from: from,
                    rule: format!("{}.presumption", j.id),
                    basis: RightsBasis::Publication,
                    citation: j.law.clone(),
                    explanation_vi: format!(
                        "{vi} Tác phẩm công bố năm {p}, đã hơn {after} năm: theo quy định của {}, coi là thuộc phạm vi công cộng.",
                        j.name_vi
                    ),
                    explanation_en: format!(
                        "{en} Published in {p}, more than {after} years ago: under the {} rules it is presumed in the public domain.",
                        j.name_en
                    ),
                };
            }
            return undetermined(
                j,
                &rule.id,
                RightsBasis::MissingInput,
                format!("{vi} Không thể áp dụng: {}.", rule.name_vi),
                format!("{en} Cannot apply: {}.", rule.name_en),
            );
        }
    };
    let from_year = term.last_year + 1;
    let from = new_year(from_year);
    let free = from.is_some_and(|d| as_of >= d);
    let (status, tail_vi, tail_en) = if free {
        (
            RightsStatus::PublicDomain,
            format!("thuộc phạm vi công cộng từ ngày 01/01/{from_year}"),
            format!("in the public domain since 1 January {from_year}"),
        )
    } else {
        (
            RightsStatus::InC,
            format!(
                "còn bảo hộ đến hết ngày 31/12/{}, thuộc phạm vi công cộng từ ngày 01/01/{from_year}",
                term.last_year
            ),
            format!(
                "protected until the end of 31 December {}, in the public domain from 1 January {from_year}",
                term.last_year
            ),
        )
    };
    Outcome {
        status,
        public_domain_from: from,
        rule: rule.id.clone(),
        basis: term.basis,
        citation: format!("{}; {}", rule.citation, j.term_ends_citation),
        explanation_vi: format!("{}: {}; {tail_vi}.", rule.name_vi, term.vi),
        explanation_en: format!("{}: {}; {tail_en}.", rule.name_en, term.en),
    }
}

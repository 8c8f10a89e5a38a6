//! How text becomes search terms: one tokenizer, three forms of each word.
//!
//! Every form starts the same way: the text is put in NFC (so a decomposed `Hà Nội` from an old
//! MARC file or a keyboard splits into the same words as a composed one — in NFD the combining
//! marks are not letters and would cut words apart) and split on anything that is not a letter
//! or digit. Then each word is turned into:
//! - **folded**: [`crate::text::fold`] — lowercase, tone and vowel marks removed, `đ` → `d`;
//!   this is what `ha noi` and `nguyen du` match against;
//! - **exact**: lowercase NFC, diacritics kept, so a query typed with them can rank the exact
//!   word (`đường`) above its folded neighbours (`dương`, `dường`, `duong`);
//! - **english**: folded then stemmed (Snowball English), only for English records.

use tantivy::tokenizer::{
    Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

use crate::text;

pub(crate) const FOLDED: &str = "shelfmark_folded";
pub(crate) const EXACT: &str = "shelfmark_exact";
pub(crate) const ENGLISH: &str = "shelfmark_english";

/// Which form a word takes once it is split out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Folded,
    Exact,
}

/// Splits NFC text into words and gives each its [`Form`].
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    form: Form,
    tokens: Vec<Token>,
}

impl WordTokenizer {
    pub(crate) fn new(form: Form) -> Self {
        WordTokenizer {
            form,
            tokens: Vec::new(),
        }
    }
}

/// The words of `text` in the given form, as the index stores them; queries use the same.
pub(crate) fn words(text: &str, form: Form) -> Vec<String> {
    let mut out = Vec::new();
    split(text, form, |_, _, word| out.push(word));
    out
}

fn split(text: &str, form: Form, mut emit: impl FnMut(usize, usize, String)) {
    let nfc = text::nfc(text);
    let mut start = None;
    let mut flush = |from: usize, to: usize| {
        let word = &nfc[from..to];
        let formed = match form {
            Form::Folded => text::fold(word),
            Form::Exact => word.chars().flat_map(char::to_lowercase).collect(),
        };
        emit(from, to, formed);
    };
    for (i, c) in nfc.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                flush(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        flush(s, nfc.len());
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        split(text, self.form, |from, to, word| {
            let position = tokens.len();
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: word,
                position_length: 1,
            });
        });
        WordStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

pub(crate) struct WordStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The stemmed form of each folded word of `text`, as the English field stores them.
pub(crate) fn english_words(text: &str) -> Vec<String> {
    let mut analyzer = english();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn english() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::new(Form::Folded))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers the three analyzers under the names the schema uses.
pub(crate) fn register(manager: &TokenizerManager) {
    manager.register(FOLDED, TextAnalyzer::from(WordTokenizer::new(Form::Folded)));
    manager.register(EXACT, TextAnalyzer::from(WordTokenizer::new(Form::Exact)));
    manager.register(ENGLISH, english());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_words_drop_marks_and_d_stroke_even_from_nfd() {
        assert_eq!(words("Hà Nội", Form::Folded), ["ha", "noi"]);
        assert_eq!(
            words("Ha\u{300} No\u{323}\u{302}i", Form::Folded),
            ["ha", "noi"]
        );
        assert_eq!(
            words("ĐƯỜNG Kách-Mệnh", Form::Folded),
            ["duong", "kach", "menh"]
        );
    }

    #[test]
    fn exact_words_keep_marks_in_nfc() {
        assert_eq!(words("ĐƯỜNG", Form::Exact), ["đường"]);
        assert_eq!(
            words("Đu\u{031B}o\u{031B}\u{300}ng", Form::Exact),
            ["đường"]
        );
    }

    #[test]
    fn english_words_are_stemmed() {
        assert_eq!(english_words("Gardening Libraries"), ["garden", "librari"]);
    }

    #[test]
    fn the_tokenizer_gives_positions_in_order() {
        let mut t = WordTokenizer::new(Form::Folded);
        let mut s = t.token_stream("Truyện  Kiều");
        let mut seen = Vec::new();
        while s.advance() {
            seen.push((s.token().text.clone(), s.token().position));
        }
        assert_eq!(seen, [("truyen".to_string(), 0), ("kieu".to_string(), 1)]);
    }
}

//! The `quotes` stage and its config.
//!
//! ```toml
//! [stages.quotes]
//! type = "quotes"
//! inputs = ["entities"]
//! # indirect = true
//! # markless = true
//! # min_words = 3
//! ```

use byline_core::{Article, Flow, Layer, Stage, StageError};
use serde::Deserialize;

use crate::attribution::{Rules, extract};
use crate::view::ArticleView;

/// Config of the `quotes` stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuotesConfig {
    /// Also find reported speech ("X said (that) …", "according to X, …") and thoughts
    /// ("X believes …"), as `indirect` or `mixed` quotes. Default `true`.
    pub indirect: bool,
    /// Also find quotations whose quotation marks were lost in conversion: "<clause>,
    /// <speaker> <speech verb>." at the end of a sentence. Default `true`.
    pub markless: bool,
    /// The fewest words a passage in quotation marks needs to be a quote when it does
    /// not end in punctuation; shorter ones are scare quotes or titles. Default 3.
    pub min_words: usize,
    /// Also read "<name or pronoun> <verb> …" sentences whose verb is not a speech or
    /// belief cue as the subject's stance (PolNeAR's broad notion of attribution).
    /// Default `false`.
    pub stances: bool,
}

impl Default for QuotesConfig {
    fn default() -> Self {
        QuotesConfig {
            indirect: true,
            markless: true,
            min_words: 3,
            stances: false,
        }
    }
}

/// Finds quotes and their speakers; requires the `entities` layer.
#[derive(Debug, Clone)]
pub struct QuotesStage {
    rules: Rules,
}

impl QuotesStage {
    pub fn new(config: QuotesConfig) -> QuotesStage {
        QuotesStage {
            rules: Rules {
                indirect: config.indirect,
                markless: config.markless,
                min_words: config.min_words.max(1),
                stances: config.stances,
                min_stance_words: 1,
            },
        }
    }
}

impl Default for QuotesStage {
    fn default() -> Self {
        QuotesStage::new(QuotesConfig::default())
    }
}

impl Stage for QuotesStage {
    fn provides(&self) -> Vec<Layer> {
        vec![Layer::QUOTES]
    }

    /// English only: its speech cues, pronouns and attribution patterns are English.
    fn languages(&self) -> Option<&[&str]> {
        Some(&["en"])
    }

    fn requires(&self) -> Vec<Layer> {
        vec![Layer::TOKENS, Layer::ENTITIES]
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        let quotes = {
            let view = ArticleView::new(article.text(), article.analysis(), &article.entities);
            extract(&view, self.rules)
        };
        tracing::trace!(id = %article.id, quotes = quotes.len(), "quotes found");
        article.quotes = quotes;
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{BuildContext, Entity, EntityLabel, QuoteKind, RawConfig, Registry};

    /// An article with entities given as (surface, label, canonical name); every
    /// occurrence of each surface is tagged.
    fn article(text: &str, entities: &[(&str, EntityLabel, &str)]) -> Article {
        let mut a = Article::new("t", text);
        for (surface, label, name) in entities {
            for (start, _) in text.match_indices(surface) {
                let end = start + surface.len();
                if a.entities.iter().any(|e| e.start < end && start < e.end) {
                    continue;
                }
                a.entities.push(Entity {
                    start,
                    end: start + surface.len(),
                    text: surface.to_string(),
                    label: *label,
                    name: name.to_string(),
                });
            }
        }
        a.entities.sort_by_key(|e| e.start);
        a
    }

    /// (quote text, kind, speaker text, speaker name) of every quote found.
    fn quotes(
        text: &str,
        entities: &[(&str, EntityLabel, &str)],
    ) -> Vec<(String, QuoteKind, String, String)> {
        let mut a = article(text, entities);
        let result = QuotesStage::default().process(&mut a);
        assert_eq!(result, Ok(Flow::Continue));
        a.quotes
            .iter()
            .map(|q| {
                assert_eq!(&text[q.start..q.end], q.text);
                let (st, sn) = q
                    .speaker
                    .as_ref()
                    .map_or((String::new(), String::new()), |s| {
                        (s.text.clone(), s.name.clone())
                    });
                (q.text.clone(), q.kind, st, sn)
            })
            .collect()
    }

    const PER: EntityLabel = EntityLabel::Person;
    const ORG: EntityLabel = EntityLabel::Organization;

    fn q(
        text: &str,
        kind: QuoteKind,
        speaker: &str,
        name: &str,
    ) -> (String, QuoteKind, String, String) {
        (text.into(), kind, speaker.into(), name.into())
    }

    #[test]
    fn speaker_after_the_quote_with_curly_marks() {
        let text = "Mara Voss spoke first.\n\n“The harbour will reopen in May,” Voss said.";
        let found = quotes(
            text,
            &[("Mara Voss", PER, "Mara Voss"), ("Voss", PER, "Mara Voss")],
        );
        assert_eq!(
            found,
            [q(
                "The harbour will reopen in May",
                QuoteKind::Direct,
                "Voss",
                "Mara Voss"
            )]
        );
    }

    #[test]
    fn inverted_speaker_with_straight_marks() {
        let text = "\"We expect a long winter for the fleet,\" said Ilse Brandt.";
        let found = quotes(text, &[("Ilse Brandt", PER, "Ilse Brandt")]);
        assert_eq!(
            found,
            [q(
                "We expect a long winter for the fleet",
                QuoteKind::Direct,
                "Ilse Brandt",
                "Ilse Brandt"
            )]
        );
    }

    #[test]
    fn speaker_before_the_quote_with_single_marks() {
        let text = "Tomas Greer said: 'The bridge is safe to cross again.'";
        let found = quotes(text, &[("Tomas Greer", PER, "Tomas Greer")]);
        assert_eq!(
            found,
            [q(
                "The bridge is safe to cross again.",
                QuoteKind::Direct,
                "Tomas Greer",
                "Tomas Greer"
            )]
        );
    }

    #[test]
    fn split_quote_gives_two_pieces_one_speaker() {
        let text = "Anna Kovac arrived late. “We will win,” she said, “and soon.”";
        let found = quotes(text, &[("Anna Kovac", PER, "Anna Kovac")]);
        assert_eq!(
            found,
            [
                q("We will win", QuoteKind::Direct, "she", "Anna Kovac"),
                q("and soon.", QuoteKind::Direct, "she", "Anna Kovac"),
            ]
        );
    }

    #[test]
    fn multi_paragraph_quote_keeps_its_speaker() {
        let text = "Leo Marsh told the council: “The budget is tight this year.\n\n\
                    “We will cut the festival and keep the libraries open.”\n\nThe vote is Monday.";
        let found = quotes(text, &[("Leo Marsh", PER, "Leo Marsh")]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .all(|f| f.3 == "Leo Marsh" && f.1 == QuoteKind::Direct)
        );
        assert_eq!(
            found[1].0,
            "We will cut the festival and keep the libraries open."
        );
    }

    #[test]
    fn according_to_before_and_after() {
        let text = "According to Dana Reyes, the mill will close next spring. \
                    The union will fight the closure, according to Acme Workers Union.";
        let found = quotes(
            text,
            &[
                ("Dana Reyes", PER, "Dana Reyes"),
                ("Acme Workers Union", ORG, "Acme Workers Union"),
            ],
        );
        assert_eq!(
            found,
            [
                q(
                    "the mill will close next spring",
                    QuoteKind::Indirect,
                    "Dana Reyes",
                    "Dana Reyes"
                ),
                q(
                    "The union will fight the closure",
                    QuoteKind::Indirect,
                    "Acme Workers Union",
                    "Acme Workers Union"
                ),
            ]
        );
    }

    #[test]
    fn markless_quote_in_an_article_without_marks_is_direct() {
        let text = "Envoy Pia Lund arrived in the capital.\n\n\
                    We believe there is room for a deal, Lund said. Talks resume Friday.";
        let found = quotes(
            text,
            &[("Pia Lund", PER, "Pia Lund"), ("Lund", PER, "Pia Lund")],
        );
        assert_eq!(
            found,
            [q(
                "We believe there is room for a deal",
                QuoteKind::Direct,
                "Lund",
                "Pia Lund"
            )]
        );
    }

    #[test]
    fn markless_quote_with_addressee_and_participle_tail() {
        let text = "Omar Haddad spoke on Monday.\n\nThe decision was rushed and it shows, \
                    he told parliament this week, adding that he had warned the cabinet.";
        let found = quotes(text, &[("Omar Haddad", PER, "Omar Haddad")]);
        assert_eq!(
            found[0],
            q(
                "The decision was rushed and it shows",
                QuoteKind::Direct,
                "he",
                "Omar Haddad"
            )
        );
        assert_eq!(
            found[1],
            q(
                "that he had warned the cabinet",
                QuoteKind::Indirect,
                "he",
                "Omar Haddad"
            )
        );
    }

    #[test]
    fn plain_narrative_is_not_a_quote() {
        let text = "The storm passed, the river rose and the town slept.\n\n\
                    After the vote, the council went home early.";
        assert_eq!(quotes(text, &[]), []);
    }

    #[test]
    fn indirect_speech_with_that_and_addressee() {
        let text = "Governor Ruth Adler said on Tuesday that the roads would reopen. \
                    Adler told reporters the repairs were finished.";
        let found = quotes(
            text,
            &[
                ("Ruth Adler", PER, "Ruth Adler"),
                ("Adler", PER, "Ruth Adler"),
            ],
        );
        assert_eq!(
            found,
            [
                q(
                    "that the roads would reopen",
                    QuoteKind::Indirect,
                    "Ruth Adler",
                    "Ruth Adler"
                ),
                q(
                    "the repairs were finished",
                    QuoteKind::Indirect,
                    "Adler",
                    "Ruth Adler"
                ),
            ]
        );
    }

    #[test]
    fn warnings_and_beliefs_are_indirect_quotes() {
        let text = "Nordbank warned that rates would rise. Its chief economist believes inflation has peaked.";
        let found = quotes(text, &[("Nordbank", ORG, "Nordbank")]);
        assert_eq!(
            found[0],
            q(
                "that rates would rise",
                QuoteKind::Indirect,
                "Nordbank",
                "Nordbank"
            )
        );
        assert_eq!(found[1].0, "inflation has peaked");
        assert_eq!(found[1].2, "Its chief economist");
    }

    #[test]
    fn partial_marks_make_a_mixed_quote() {
        let text = "Ravi Shah said the plan was “a gift to polluters” and would fail.";
        let found = quotes(text, &[("Ravi Shah", PER, "Ravi Shah")]);
        assert_eq!(
            found,
            [q(
                "the plan was “a gift to polluters” and would fail",
                QuoteKind::Mixed,
                "Ravi Shah",
                "Ravi Shah"
            )]
        );
    }

    #[test]
    fn role_description_linked_by_apposition() {
        let text = "Ines Ortega, the health minister, opened the clinic.\n\n\
                    “Every village will have a nurse by June,” the minister said.";
        let found = quotes(text, &[("Ines Ortega", PER, "Ines Ortega")]);
        assert_eq!(
            found,
            [q(
                "Every village will have a nurse by June",
                QuoteKind::Direct,
                "the minister",
                "Ines Ortega"
            )]
        );
    }

    #[test]
    fn unlinked_role_description_keeps_its_text() {
        let text = "“We are reviewing the recall,” a spokesperson for Acme Corp said.";
        let found = quotes(text, &[("Acme Corp", ORG, "Acme Corp")]);
        assert_eq!(
            found,
            [q(
                "We are reviewing the recall",
                QuoteKind::Direct,
                "a spokesperson for Acme Corp",
                "a spokesperson for Acme Corp"
            )]
        );
    }

    #[test]
    fn paragraph_run_of_quotes_keeps_the_last_named_speaker() {
        let text = "Kofi Mensah met Lena Berg on Friday. “Trade is up,” Berg said.\n\n\
                    “Exports to the north doubled in a single year.”";
        let found = quotes(
            text,
            &[
                ("Kofi Mensah", PER, "Kofi Mensah"),
                ("Lena Berg", PER, "Lena Berg"),
                ("Berg", PER, "Lena Berg"),
            ],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].3, "Lena Berg");
    }

    #[test]
    fn pronoun_in_a_run_of_quotes_takes_the_last_named_speaker() {
        let text = "“Prices will fall,” Mia Holt said, pointing to Jon Park's report.\n\n\
                    “People will feel it by winter,” she added.";
        let found = quotes(
            text,
            &[("Mia Holt", PER, "Mia Holt"), ("Jon Park", PER, "Jon Park")],
        );
        assert_eq!(found.last().map(|f| f.3.as_str()), Some("Mia Holt"));
    }

    #[test]
    fn scare_quotes_and_titles_are_not_quotes() {
        let text = "The so-called “peace plan” was mocked. His memoir, “The Long Road Home,” sold well. \
                    The bookmakers' odds looked 'silly' to fans.";
        assert_eq!(quotes(text, &[]), []);
    }

    #[test]
    fn apostrophes_never_derail_later_quotes() {
        let text = "The ’90s were Qatar’s decade and the bookmakers' favourite era.\n\n\
                    “It was a golden age for us,” said Sami Nasser.";
        let found = quotes(
            text,
            &[
                ("Sami Nasser", PER, "Sami Nasser"),
                ("Qatar", EntityLabel::Location, "Qatar"),
            ],
        );
        assert_eq!(
            found,
            [q(
                "It was a golden age for us",
                QuoteKind::Direct,
                "Sami Nasser",
                "Sami Nasser"
            )]
        );
    }

    #[test]
    fn relative_pronoun_is_the_mention_and_its_antecedent_the_name() {
        let text = "The vote went to Nadia Petrov, who said the tax would be scrapped.";
        let found = quotes(text, &[("Nadia Petrov", PER, "Nadia Petrov")]);
        assert_eq!(
            found,
            [q(
                "the tax would be scrapped",
                QuoteKind::Indirect,
                "who",
                "Nadia Petrov"
            )]
        );
    }

    #[test]
    fn time_phrase_between_subject_and_cue_is_skipped() {
        let text = "The crowd cheered Carl Bremer, who on Tuesday warned that the dam was unsafe.";
        let found = quotes(text, &[("Carl Bremer", PER, "Carl Bremer")]);
        let warning = found.iter().find(|f| f.0 == "that the dam was unsafe");
        assert_eq!(
            warning.map(|f| f.3.as_str()),
            Some("Carl Bremer"),
            "{found:?}"
        );
    }

    #[test]
    fn long_apposition_after_the_quote_keeps_the_name() {
        let text = "“The bridge will not open before spring,” Anne Roe, an adviser to the \
                    mayor on transport and housing, said on Monday.";
        let found = quotes(text, &[("Anne Roe", PER, "Anne Roe")]);
        assert_eq!(
            found,
            [q(
                "The bridge will not open before spring",
                QuoteKind::Direct,
                "Anne Roe",
                "Anne Roe"
            )]
        );
    }

    #[test]
    fn nested_attribution_gets_its_own_speaker() {
        let text = "Mayor Jo Lind said Eriksen believes the budget is too small.";
        let found = quotes(
            text,
            &[("Jo Lind", PER, "Jo Lind"), ("Eriksen", PER, "Eriksen")],
        );
        assert_eq!(
            found,
            [
                q(
                    "Eriksen believes the budget is too small",
                    QuoteKind::Indirect,
                    "Jo Lind",
                    "Jo Lind"
                ),
                q(
                    "the budget is too small",
                    QuoteKind::Indirect,
                    "Eriksen",
                    "Eriksen"
                ),
            ]
        );
    }

    /// The quote whose text starts with `start`, as (text, speaker text, speaker name).
    fn quote_starting<'f>(
        found: &'f [(String, QuoteKind, String, String)],
        start: &str,
    ) -> Option<(&'f str, &'f str, &'f str)> {
        found
            .iter()
            .find(|f| f.0.starts_with(start))
            .map(|f| (f.0.as_str(), f.2.as_str(), f.3.as_str()))
    }

    #[test]
    fn coordinated_attribution_ends_the_earlier_content() {
        let text = "Ivo Brandt agreed that the ferry was late, but he said the crew had done \
                    its best.";
        let found = quotes(text, &[("Ivo Brandt", PER, "Ivo Brandt")]);
        assert_eq!(
            quote_starting(&found, "that the ferry"),
            Some(("that the ferry was late", "Ivo Brandt", "Ivo Brandt")),
            "{found:?}"
        );
        assert_eq!(
            quote_starting(&found, "the crew"),
            Some(("the crew had done its best", "he", "Ivo Brandt")),
            "{found:?}"
        );
    }

    #[test]
    fn according_to_a_document_by_an_organisation_credits_the_organisation() {
        let text = "The vote was close, according to a count by the Harbour Gazette.";
        let found = quotes(text, &[("the Harbour Gazette", ORG, "Harbour Gazette")]);
        assert_eq!(
            found,
            [q(
                "The vote was close",
                QuoteKind::Indirect,
                "the Harbour Gazette",
                "Harbour Gazette"
            )]
        );
    }

    #[test]
    fn paragraph_opened_by_a_name_and_a_colon_is_that_speaker_s_line() {
        let text = "The panel met on Friday.\n\nNora Quist: The tunnel is safe and it will \
                    stay open all winter.\n\nThe meeting ended at noon.";
        let found = quotes(text, &[("Nora Quist", PER, "Nora Quist")]);
        assert_eq!(
            found,
            [q(
                "The tunnel is safe and it will stay open all winter",
                QuoteKind::Direct,
                "Nora Quist",
                "Nora Quist"
            )]
        );
    }

    #[test]
    fn transcript_speaker_in_capitals_gets_the_line() {
        let text = "The interview went on.\n\nHOLM: Do you think the harbour can reopen by \
                    May?\n\nThe answer came quickly.";
        let found = quotes(text, &[]);
        assert_eq!(
            found,
            [q(
                "Do you think the harbour can reopen by May",
                QuoteKind::Direct,
                "HOLM",
                "HOLM"
            )]
        );
    }

    #[test]
    fn wire_dateline_is_not_the_subject() {
        let text = "BRIGHTPORT (Wire) - Mayor Ann Lee toured the flooded streets and said \
                    the town would need help from the state.";
        let found = quotes(
            text,
            &[
                ("BRIGHTPORT", ORG, "Brightport"),
                ("Ann Lee", PER, "Ann Lee"),
            ],
        );
        assert_eq!(
            quote_starting(&found, "the town").map(|f| f.2),
            Some("Ann Lee"),
            "{found:?}"
        );
    }

    #[test]
    fn where_something_was_said_is_not_who_said_it() {
        let text = "Tomas Vik in a long blog post said the league should expand.";
        let found = quotes(text, &[("Tomas Vik", PER, "Tomas Vik")]);
        assert_eq!(
            quote_starting(&found, "the league").map(|f| f.2),
            Some("Tomas Vik"),
            "{found:?}"
        );
    }

    #[test]
    fn unattributed_quote_belongs_to_the_name_opening_its_sentence() {
        let text = "Ruth Adler spoke for an hour.\n\nLater, Sven Dahl thanked the volunteers \
                    and ended with a line of his own, “We owe this bridge to all of you.”";
        let found = quotes(
            text,
            &[
                ("Ruth Adler", PER, "Ruth Adler"),
                ("Sven Dahl", PER, "Sven Dahl"),
            ],
        );
        assert_eq!(
            quote_starting(&found, "We owe").map(|f| f.2),
            Some("Sven Dahl"),
            "{found:?}"
        );
    }

    #[test]
    fn speaker_who_goes_on_to_say_is_the_subject() {
        let text = "Ella Moss praised the plan. She went on to say the costs were too high.";
        let found = quotes(text, &[("Ella Moss", PER, "Ella Moss")]);
        assert_eq!(
            quote_starting(&found, "the costs").map(|f| (f.1, f.2)),
            Some(("She", "Ella Moss")),
            "{found:?}"
        );
    }

    #[test]
    fn learned_stance_cue_needs_its_content_right_after_it() {
        let found = quotes(
            "Vera Holm lambasted the new parking rules.",
            &[("Vera Holm", PER, "Vera Holm")],
        );
        assert_eq!(
            found,
            [q(
                "the new parking rules",
                QuoteKind::Indirect,
                "Vera Holm",
                "Vera Holm"
            )]
        );
        let found = quotes(
            "Vera Holm learned of the plan from a neighbour.",
            &[("Vera Holm", PER, "Vera Holm")],
        );
        assert_eq!(found, []);
    }

    #[test]
    fn speaker_after_the_quote_with_a_verb_outside_the_lexicon() {
        let text = "The ferry was late again.\n\n“Nobody told us a thing,” Ilse Brandt grumbled.";
        let found = quotes(text, &[("Ilse Brandt", PER, "Ilse Brandt")]);
        assert_eq!(
            found,
            [q(
                "Nobody told us a thing",
                QuoteKind::Direct,
                "Ilse Brandt",
                "Ilse Brandt"
            )]
        );
    }

    #[test]
    fn unattributed_quote_takes_the_speaker_named_after_it_not_the_previous_paragraph() {
        let text = "“The dam is safe,” said Omar Reyes.\n\n\
                    Downstream the mood was different. “We have sandbags on every porch \
                    and nobody sleeps at night any more,” Lena Ortiz, who runs the bakery, \
                    wrote in a letter to the council.";
        let found = quotes(
            text,
            &[
                ("Omar Reyes", PER, "Omar Reyes"),
                ("Lena Ortiz", PER, "Lena Ortiz"),
            ],
        );
        let second = found
            .iter()
            .find(|f| f.0.starts_with("We have sandbags"))
            .unwrap_or_else(|| panic!("second quote not found: {found:?}"));
        assert_eq!(second.3, "Lena Ortiz");
    }

    #[test]
    fn quantities_and_loose_groups_can_say_things() {
        let text = "One in five voters in the valley say the new bridge came too late.";
        let found = quotes(text, &[]);
        assert_eq!(
            found,
            [q(
                "the new bridge came too late",
                QuoteKind::Indirect,
                "One in five voters in the valley",
                "One in five voters in the valley"
            )]
        );
    }

    #[test]
    fn registers_and_builds_from_config() {
        let mut registry = Registry::new();
        crate::register(&mut registry);
        let factory = registry
            .stage("quotes")
            .unwrap_or_else(|| panic!("not registered"));
        let raw = RawConfig::from_toml("indirect = false\nmin_words = 4\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let stage = factory
            .build(raw, &BuildContext::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stage.requires(), [Layer::TOKENS, Layer::ENTITIES]);
        assert_eq!(stage.provides(), [Layer::QUOTES]);
        let raw = RawConfig::from_toml("colour = 1\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(factory.build(raw, &BuildContext::default()).is_err());
    }
}

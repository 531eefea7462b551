//! The whole output of the stage on one article of our own, as JSON.

use byline_core::{Article, Entity, EntityLabel, Stage};
use byline_quotes::QuotesStage;

const ARTICLE: &str = "Ferry operator cuts winter timetable\n\n\
Island Ferries, the only operator on the route, said on Monday that it would run two \
crossings a day from November.\n\n\
“We cannot run empty boats all winter,” chief executive Hanna Moe said. “The islanders \
deserve honesty, and this is the honest timetable.”\n\n\
Councillor Per Dahl called the cuts “a slow goodbye to the islands” and said he would \
raise them with the transport minister.\n\n\
The islanders' association, which the so-called “ferry forum” represents, was not consulted, \
according to its chair, Liv Aas. She said the forum had learned of the cuts from a newspaper.\n\n\
We will fight this at every meeting, Dahl said.";

fn entity(text: &str, surface: &str, nth: usize, label: EntityLabel, name: &str) -> Entity {
    let start = text
        .match_indices(surface)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{surface} #{nth} not in the article"));
    Entity {
        start,
        end: start + surface.len(),
        text: surface.to_string(),
        label,
        name: name.to_string(),
    }
}

#[test]
fn whole_article_quotes() {
    let mut article = Article::new("ferry", ARTICLE);
    article.entities = vec![
        entity(
            ARTICLE,
            "Island Ferries",
            0,
            EntityLabel::Organization,
            "Island Ferries",
        ),
        entity(ARTICLE, "Hanna Moe", 0, EntityLabel::Person, "Hanna Moe"),
        entity(ARTICLE, "Per Dahl", 0, EntityLabel::Person, "Per Dahl"),
        entity(ARTICLE, "Liv Aas", 0, EntityLabel::Person, "Liv Aas"),
        entity(ARTICLE, "Dahl", 1, EntityLabel::Person, "Per Dahl"),
    ];
    article.entities.sort_by_key(|e| e.start);
    QuotesStage::default()
        .process(&mut article)
        .expect("the stage processes the article");
    insta::assert_json_snapshot!(article.to_json().quotes);
}

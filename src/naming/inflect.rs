//! English plural and singular of one lowercase word, from tables of suffix rules.
//!
//! The rules are those of the `pluralize` npm package (as the `pluralizer` crate had them) for
//! the nouns a schema uses, written as plain suffixes: that crate compiled several hundred
//! regular expressions on first use, which was most of the time `scaffold resource` took.
//! Every step leaves a word that is already in the asked number as it is.

/// Whole words whose two forms no suffix rule gives (singular, plural).
const IRREGULAR: &[(&str, &str)] = &[
    ("auntie", "aunties"),
    ("axe", "axes"),
    ("calorie", "calories"),
    ("canvas", "canvases"),
    ("carve", "carves"),
    ("collie", "collies"),
    ("cutie", "cuties"),
    ("die", "dice"),
    ("dingo", "dingoes"),
    ("dogma", "dogmata"),
    ("eave", "eaves"),
    ("echo", "echoes"),
    ("foodie", "foodies"),
    ("foot", "feet"),
    ("genie", "genies"),
    ("genus", "genera"),
    ("goose", "geese"),
    ("groove", "grooves"),
    ("groupie", "groupies"),
    ("hippie", "hippies"),
    ("hoodie", "hoodies"),
    ("human", "humans"),
    ("junkie", "junkies"),
    ("lemma", "lemmata"),
    ("lie", "lies"),
    ("life", "lives"),
    ("louse", "lice"),
    ("money", "monies"),
    ("mouse", "mice"),
    ("necktie", "neckties"),
    ("ox", "oxen"),
    ("pickaxe", "pickaxes"),
    ("pie", "pies"),
    ("proof", "proofs"),
    ("quiz", "quizzes"),
    ("schema", "schemata"),
    ("selfie", "selfies"),
    ("smiley", "smilies"),
    ("specimen", "specimens"),
    ("stigma", "stigmata"),
    ("stoma", "stomata"),
    ("thief", "thieves"),
    ("tie", "ties"),
    ("tooth", "teeth"),
    ("tornado", "tornadoes"),
    ("torpedo", "torpedoes"),
    ("valve", "valves"),
    ("veggie", "veggies"),
    ("volcano", "volcanoes"),
];

/// Whole words with one form for both numbers.
#[rustfmt::skip]
const UNCOUNTABLE: &[&str] = &[
    "adulthood", "advice", "agenda", "aid", "aircraft", "alcohol", "ammo", "analytics", "anime",
    "athletics", "audio", "bison", "blood", "bream", "buffalo", "butter", "carp", "cash",
    "chassis", "chess", "clothing", "cod", "commerce", "cooperation", "corps", "debris",
    "diabetes", "digestion", "elk", "energy", "equipment", "excretion", "expertise", "feedback",
    "firmware", "flounder", "fun", "gallows", "garbage", "graffiti", "hardware", "headquarters",
    "health", "herpes", "highjinks", "homework", "housework", "information", "jeans", "justice",
    "kudos", "labour", "literature", "machinery", "mackerel", "mail", "manga", "media", "metadata",
    "mews", "moose", "mud", "music", "news", "personnel", "pike", "plankton", "pliers", "police",
    "pollution", "premises", "rain", "research", "rice", "salmon", "scissors", "series", "sewage",
    "shambles", "shrimp", "software", "species", "staff", "swine", "tennis", "traffic",
    "transportation", "trout", "tuna", "wealth", "welfare", "whiting", "wildebeest", "wildlife",
];

/// A word that ends in `suffix` becomes the word with `replacement` in its place.
struct Rule {
    suffix: &'static str,
    /// When not empty, the rule needs a letter before `suffix`, and one not among these.
    not_after: &'static str,
    replacement: &'static str,
}

impl Rule {
    const fn new(suffix: &'static str, replacement: &'static str) -> Rule {
        Rule {
            suffix,
            not_after: "",
            replacement,
        }
    }

    /// The word ending in `suffix` is already in the asked number.
    const fn keep(suffix: &'static str) -> Rule {
        Rule::new(suffix, suffix)
    }

    const fn not_after(self, letters: &'static str) -> Rule {
        Rule {
            not_after: letters,
            ..self
        }
    }

    fn apply(&self, word: &str) -> Option<String> {
        let stem = word.strip_suffix(self.suffix)?;
        if !self.not_after.is_empty() {
            let before = *stem.as_bytes().last()?;
            if self.not_after.as_bytes().contains(&before) {
                return None;
            }
        }
        Some(format!("{stem}{}", self.replacement))
    }
}

/// Endings of words with one form for both numbers: reindeer, starfish, famous, smallpox, chinese.
const UNCOUNTABLE_ENDINGS: &[Rule] = &[
    Rule::keep("deer"),
    Rule::keep("fish"),
    Rule::keep("measles"),
    Rule::keep("ois"),
    Rule::keep("ous"),
    Rule::keep("pox"),
    Rule::keep("sheep"),
    Rule::keep("ese").not_after("aeiou"),
];

/// Endings that inflect both ways (singular, plural), before the rules of either direction.
const SUFFIX_PAIRS: &[(&str, &str)] = &[
    ("man", "men"),
    ("child", "children"),
    ("person", "people"),
    ("matrix", "matrices"),
    ("appendix", "appendices"),
    ("codex", "codices"),
    ("index", "indices"),
    ("vertex", "vertices"),
    ("alga", "algae"),
    ("alumna", "alumnae"),
    ("vertebra", "vertebrae"),
    ("automaton", "automata"),
    ("criterion", "criteria"),
    ("hedron", "hedra"),
    ("phenomenon", "phenomena"),
    ("addendum", "addenda"),
    ("bacterium", "bacteria"),
    ("curriculum", "curricula"),
    ("datum", "data"),
    ("erratum", "errata"),
    ("millennium", "millennia"),
    ("ovum", "ova"),
    ("quorum", "quora"),
    ("stratum", "strata"),
    ("symposium", "symposia"),
    ("alumnus", "alumni"),
    ("bacillus", "bacilli"),
    ("cactus", "cacti"),
    ("focus", "foci"),
    ("fungus", "fungi"),
    ("locus", "loci"),
    ("nucleus", "nuclei"),
    ("radius", "radii"),
    ("stimulus", "stimuli"),
    ("stratus", "strati"),
    ("syllabus", "syllabi"),
    ("terminus", "termini"),
    ("uterus", "uteri"),
    ("virus", "viri"),
    ("testis", "testes"),
    ("analysis", "analyses"),
    ("crisis", "crises"),
    ("diagnosis", "diagnoses"),
    ("emphasis", "emphases"),
    ("nesis", "neses"),
    ("parenthesis", "parentheses"),
    ("prognosis", "prognoses"),
    ("synopsis", "synopses"),
    ("thesis", "theses"),
];

/// Singular endings to plural ones; the first rule that applies wins.
const TO_PLURAL: &[Rule] = &[
    Rule::new("x", "xes"),
    Rule::new("ch", "ches"),
    Rule::new("ss", "sses"),
    Rule::new("sh", "shes"),
    Rule::new("zz", "zzes"),
    Rule::new("quy", "quies"),
    Rule::new("y", "ies").not_after("aeiouy"),
    Rule::new("knife", "knives"),
    Rule::new("life", "lives"),
    Rule::new("wife", "wives"),
    Rule::new("arf", "arves"),
    Rule::new("lf", "lves"),
    Rule::new("eaf", "eaves"),
    Rule::new("eof", "eoves"),
    Rule::new("oaf", "oaves"),
    Rule::new("hoof", "hooves"),
    Rule::new("sis", "ses"),
    // Not the other way: `axes` is the plural of `axe`, `taxes` of `tax`.
    Rule::new("axis", "axes"),
    Rule::new("hero", "heroes"),
    Rule::new("ato", "atoes"),
    Rule::new("gro", "groes"),
    // Menus and emus, not menuses.
    Rule::keep("emus"),
    Rule::keep("enus"),
    Rule::new("alias", "aliases"),
    Rule::new("us", "uses").not_after("aou"),
    Rule::new("tlas", "tlases"),
    Rule::new("tmas", "tmases"),
    Rule::new("gas", "gases"),
    Rule::new("ris", "rises"),
    Rule::keep("s"),
    Rule::new("", "s"),
];

/// Plural endings to singular ones; the first rule that applies wins.
const TO_SINGULAR: &[Rule] = &[
    // Movies, not movy; abuses, not abus; caches, not cach.
    Rule::new("movies", "movie"),
    Rule::new("twelves", "twelve"),
    Rule::new("abuses", "abuse"),
    Rule::new("excuses", "excuse"),
    Rule::new("fuses", "fuse"),
    Rule::new("caches", "cache"),
    Rule::new("niches", "niche"),
    Rule::new("emus", "emu"),
    Rule::new("enus", "enu"),
    Rule::new("xes", "x"),
    Rule::new("ches", "ch"),
    Rule::new("sses", "ss"),
    Rule::new("shes", "sh"),
    Rule::new("zzes", "zz"),
    Rule::new("ttoes", "tto"),
    Rule::new("goes", "go"),
    Rule::new("choes", "cho"),
    Rule::new("heroes", "hero"),
    Rule::new("atoes", "ato"),
    Rule::new("groes", "gro"),
    Rule::new("aliases", "alias"),
    Rule::keep("alias"),
    Rule::new("uses", "us").not_after("aou"),
    Rule::keep("us").not_after("aou"),
    Rule::new("tlases", "tlas"),
    Rule::keep("tlas"),
    Rule::new("tmases", "tmas"),
    Rule::keep("tmas"),
    Rule::new("gases", "gas"),
    Rule::keep("gas"),
    Rule::new("irises", "iris"),
    Rule::keep("iris"),
    // Cookies and zombies, not cooky and zomby.
    Rule::new("dgies", "dgie"),
    Rule::new("ssies", "ssie"),
    Rule::new("oisies", "oisie"),
    Rule::new("lkies", "lkie"),
    Rule::new("okies", "okie"),
    Rule::new("wnies", "wnie"),
    Rule::new("mbies", "mbie"),
    Rule::new("thies", "thie"),
    Rule::new("chies", "chie"),
    Rule::new("ecies", "ecie"),
    Rule::new("oalies", "oalie"),
    Rule::new("isies", "isie"),
    Rule::new("ckies", "ckie"),
    Rule::new("ixies", "ixie"),
    Rule::new("sseries", "sserie"),
    Rule::new("tsies", "tsie"),
    Rule::new("wbies", "wbie"),
    Rule::new("ies", "y"),
    Rule::new("arves", "arf"),
    Rule::new("wolves", "wolf"),
    Rule::new("alves", "alf"),
    Rule::new("elves", "elf"),
    Rule::new("eaves", "eaf"),
    Rule::new("eoves", "eof"),
    Rule::new("oaves", "oaf"),
    Rule::new("ooves", "oof"),
    Rule::new("knives", "knife"),
    Rule::new("wives", "wife"),
    Rule::keep("ss"),
    // Every -sis noun (basis, oasis), where `pluralize` knew only a few and made the rest -si.
    Rule::keep("sis"),
    Rule::new("s", ""),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Number {
    Singular,
    Plural,
}

pub fn plural(word: &str) -> String {
    inflect(word, Number::Plural)
}

pub fn singular(word: &str) -> String {
    inflect(word, Number::Singular)
}

fn inflect(word: &str, to: Number) -> String {
    // (from, into) in the asked direction.
    let toward = |(singular, plural): (&'static str, &'static str)| match to {
        Number::Plural => (singular, plural),
        Number::Singular => (plural, singular),
    };
    if word.is_empty() || UNCOUNTABLE.contains(&word) {
        return word.to_string();
    }
    for &pair in IRREGULAR {
        let (from, into) = toward(pair);
        if word == into {
            return word.to_string();
        }
        if word == from {
            return into.to_string();
        }
    }
    if UNCOUNTABLE_ENDINGS
        .iter()
        .any(|rule| rule.apply(word).is_some())
    {
        return word.to_string();
    }
    for &pair in SUFFIX_PAIRS {
        let (from, into) = toward(pair);
        if word.ends_with(into) {
            return word.to_string();
        }
        if let Some(stem) = word.strip_suffix(from) {
            return format!("{stem}{into}");
        }
    }
    let rules = match to {
        Number::Plural => TO_PLURAL,
        Number::Singular => TO_SINGULAR,
    };
    rules
        .iter()
        .find_map(|rule| rule.apply(word))
        .unwrap_or_else(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (singular, plural): each form comes from the other, and stays when asked for again.
    const WORDS: &[(&str, &str)] = &[
        // Regular, and -es after a hiss.
        ("project", "projects"),
        ("invoice", "invoices"),
        ("house", "houses"),
        ("database", "databases"),
        ("purchase", "purchases"),
        ("response", "responses"),
        ("box", "boxes"),
        ("tax", "taxes"),
        ("match", "matches"),
        ("batch", "batches"),
        ("wish", "wishes"),
        ("address", "addresses"),
        ("class", "classes"),
        ("business", "businesses"),
        // -y after a consonant, not after a vowel.
        ("category", "categories"),
        ("company", "companies"),
        ("activity", "activities"),
        ("reply", "replies"),
        ("soliloquy", "soliloquies"),
        ("day", "days"),
        ("key", "keys"),
        ("journey", "journeys"),
        ("money", "monies"),
        // -ie stays -ie.
        ("movie", "movies"),
        ("cookie", "cookies"),
        ("calorie", "calories"),
        ("selfie", "selfies"),
        // -us, -is, -as.
        ("status", "statuses"),
        ("bonus", "bonuses"),
        ("campus", "campuses"),
        ("bus", "buses"),
        ("menu", "menus"),
        ("alias", "aliases"),
        ("atlas", "atlases"),
        ("gas", "gases"),
        ("canvas", "canvases"),
        ("iris", "irises"),
        ("analysis", "analyses"),
        ("crisis", "crises"),
        ("hypothesis", "hypotheses"),
        ("excuse", "excuses"),
        ("cache", "caches"),
        // -f and -fe: the usual few take -ves.
        ("leaf", "leaves"),
        ("knife", "knives"),
        ("life", "lives"),
        ("wife", "wives"),
        ("half", "halves"),
        ("shelf", "shelves"),
        ("wolf", "wolves"),
        ("roof", "roofs"),
        ("chief", "chiefs"),
        ("belief", "beliefs"),
        ("proof", "proofs"),
        ("thief", "thieves"),
        // -o.
        ("hero", "heroes"),
        ("potato", "potatoes"),
        ("tomato", "tomatoes"),
        ("echo", "echoes"),
        ("photo", "photos"),
        ("video", "videos"),
        ("logo", "logos"),
        // Irregular, also as the last part of a word.
        ("person", "people"),
        ("salesperson", "salespeople"),
        ("child", "children"),
        ("grandchild", "grandchildren"),
        ("man", "men"),
        ("woman", "women"),
        ("human", "humans"),
        ("mouse", "mice"),
        ("goose", "geese"),
        ("tooth", "teeth"),
        ("foot", "feet"),
        ("ox", "oxen"),
        ("quiz", "quizzes"),
        // Latin and Greek.
        ("datum", "data"),
        ("criterion", "criteria"),
        ("phenomenon", "phenomena"),
        ("curriculum", "curricula"),
        ("bacterium", "bacteria"),
        ("cactus", "cacti"),
        ("radius", "radii"),
        ("focus", "foci"),
        ("matrix", "matrices"),
        ("index", "indices"),
        ("vertex", "vertices"),
        ("appendix", "appendices"),
        ("alga", "algae"),
        ("schema", "schemata"),
        // One form for both.
        ("equipment", "equipment"),
        ("information", "information"),
        ("news", "news"),
        ("series", "series"),
        ("species", "species"),
        ("sheep", "sheep"),
        ("fish", "fish"),
        ("starfish", "starfish"),
        ("deer", "deer"),
        ("metadata", "metadata"),
        ("feedback", "feedback"),
        ("media", "media"),
        ("software", "software"),
        ("staff", "staff"),
        ("chassis", "chassis"),
        ("chinese", "chinese"),
    ];

    #[test]
    fn inflects_both_ways_and_keeps_a_word_already_in_the_asked_number() {
        for (one, many) in WORDS {
            assert_eq!(plural(one), *many, "plural of {one}");
            assert_eq!(plural(many), *many, "plural of {many}");
            assert_eq!(singular(many), *one, "singular of {many}");
            assert_eq!(singular(one), *one, "singular of {one}");
        }
    }

    #[test]
    fn a_word_no_rule_knows_takes_s() {
        for (word, want) in [("item0", "item0s"), ("0", "0s"), ("", "")] {
            assert_eq!(plural(word), want, "plural of {word:?}");
        }
    }
}

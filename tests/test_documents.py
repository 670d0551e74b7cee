"""Document citations (citegraph.documents) on the seeds and on real corpus texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from citegraph.extract.documents import DocumentVocabulary, find_documents
from citegraph.errors import ConfigError
from citegraph.extract.gazetteer import Gazetteer
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article, Citation, CitationKind, DocType
from citegraph.extract.sentences import sentences

from conftest import CORPORA, DATA, need_shared


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _read(path: Path) -> Article:
    (article,) = [a for a in iter_articles([path], ReadOptions()) if isinstance(a, Article)]
    return article


def _docs(article: Article, gaz: Gazetteer) -> list[Citation]:
    return find_documents(article, sentences(article.body), gaz)


@pytest.fixture(scope="module")
def seeds(gaz) -> dict[str, tuple[Article, list[Citation]]]:
    out = {}
    for article in iter_articles([DATA], ReadOptions()):
        assert isinstance(article, Article), article
        out[article.id[:3]] = (article, _docs(article, gaz))
    return out


def _one(docs: list[Citation], doc_type: DocType, word: str) -> Citation:
    found = [d for d in docs if d.doc_type is doc_type and word.lower() in (d.name + " " + (d.issuer or "")).lower()]
    assert len(found) == 1, (doc_type, word, [(d.doc_type.value, d.name, d.issuer) for d in docs])
    return found[0]


# ------------------------------------------------------------------ seeds

# (seed, every document as (type, via), in order of first mention)
SEED_DOCUMENTS = [
    ("000", []),
    (
        "001",
        [
            (DocType.LETTER, "The New York Times"),
            (DocType.LETTER, None),
            (DocType.CABLE, None),  # "the State Department dissent cables" (optional in the gold)
            (DocType.COURT_FILING, None),
            (DocType.MEMO, "Axios"),
            (DocType.CABLE, "CNN"),
            (DocType.CABLE, None),
        ],
    ),
    ("002", [(DocType.RESOLUTION, None), (DocType.STATEMENT, None)]),
    ("003", [(DocType.SOCIAL_POST, None)]),
    ("004", [(DocType.RESOLUTION, None), (DocType.RESOLUTION, None)]),
]


@pytest.mark.parametrize("seed, expected", SEED_DOCUMENTS)
def test_seed_document_types_and_via(seeds, seed, expected):
    _, docs = seeds[seed]
    assert [(d.doc_type, d.via) for d in docs] == expected
    assert all(d.kind is CitationKind.DOCUMENT for d in docs)


# (seed, type, a word of label or issuer that picks one document, issuer words, label words, date)
SEED_DETAILS = [
    ("001", DocType.LETTER, "President Biden", "400 political appointees", "letter to President Biden", "2023-11-14"),
    ("001", DocType.LETTER, "open letter", "US Agency for International Development", "open letter", None),
    ("001", DocType.MEMO, "dissent", "State Department", "State Department dissent memo", "2023-11-13"),
    ("001", DocType.CABLE, "Oman", "US Embassy in Oman", "cable from the US Embassy in Oman", None),
    ("001", DocType.CABLE, "Cairo", "US embassy in Cairo", "cable from the US embassy in Cairo", None),
    ("001", DocType.COURT_FILING, "complaint", "Center for Constitutional Rights", "complaint in federal court", None),
    ("002", DocType.RESOLUTION, "UNSC", "UNSC", "UNSC vote on Gaza", "2024-03-25"),
    ("002", DocType.STATEMENT, "office", "Netanyahu", "statement from his office", None),
    ("004", DocType.RESOLUTION, "Security Council", "UN Security Council", "calling for a ceasefire", "2024-11-20"),
]


@pytest.mark.parametrize("seed, doc_type, pick, issuer, label, date", SEED_DETAILS)
def test_seed_document_details(seeds, seed, doc_type, pick, issuer, label, date):
    doc = _one(seeds[seed][1], doc_type, pick)
    assert issuer in (doc.issuer or "")
    assert label in doc.name
    if date is not None:
        assert doc.date == date


# (seed, type, pick, how many sentences mention it): repeated mentions are one document
SEED_MENTIONS = [
    ("001", DocType.LETTER, "President Biden", 6),  # "The letter urges ...", "reviewed the letter", ...
    ("001", DocType.MEMO, "dissent", 5),  # "a copy of the memo", "The memo, organized by ...", ...
    ("001", DocType.CABLE, "Oman", 3),  # "a diplomatic cable obtained by CNN", "The cable from ...", "The cable, which ..."
    ("001", DocType.CABLE, "Cairo", 1),  # "Another cable ..." is a new one
    ("002", DocType.STATEMENT, "office", 2),  # "The statement added ..."
    ("004", DocType.RESOLUTION, "Security Council", 6),  # "voted on a resolution proposed by ...", ...
]


@pytest.mark.parametrize("seed, doc_type, pick, n", SEED_MENTIONS)
def test_seed_mentions_merge_into_one_document(seeds, seed, doc_type, pick, n):
    assert len(_one(seeds[seed][1], doc_type, pick).evidence) == n


def test_via_goes_to_the_letter_the_outlet_reviewed(seeds):
    article, docs = seeds["001"]
    letter = _one(docs, DocType.LETTER, "President Biden")
    assert any(e.text.startswith("The New York Times reviewed the letter") for e in letter.evidence)
    assert _one(docs, DocType.LETTER, "open letter").via is None


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_evidence_indexes_the_body_and_output_is_stable(seeds, gaz, seed):
    article, docs = seeds[seed]
    for doc in docs:
        assert doc.article == article.id
        assert doc.evidence == tuple(sorted(doc.evidence, key=lambda e: e.start))
        for ev in doc.evidence:
            assert article.body[ev.start : ev.end] == ev.text
    assert _docs(article, gaz) == docs


@pytest.mark.parametrize(
    "seed, words",
    [
        ("004", "diplomatic resolution"),  # a way out, not a UN text
        ("003", "reportedly"),  # an adverb
        ("001", "Dept memo demand"),  # a related-article headline
        ("002", "goes ballistic"),
    ],
)
def test_seed_lines_that_are_not_document_citations(seeds, seed, words):
    article, docs = seeds[seed]
    assert words in article.body  # the trap is really there
    assert not [e.text for d in docs for e in d.evidence if words in e.text]


# ------------------------------------------------------------------ constructed negatives


@pytest.mark.parametrize(
    "text",
    [
        "Experts in conflict resolution met in Geneva on Monday.",
        "Officials hope for a peaceful resolution of the dispute.",
        "He said the talks had reportedly stalled.",
        "Cable news networks covered the vote all night.",
        "According to news reports, the talks stalled.",
        "He did not respond to any statement from the ministry.",
        "She read the Drudge Report every morning.",
        "The strike was reported by the Washington Post.",
        "A copy of the memo is seen on a desk in Washington, Nov. 8, 2023. (AP Photo/Jane Doe)",
        "Read more: Memo warns of delays at the border",
        "Leaked memo reveals plan to close the border",
        "He made a statement to reporters outside the court.",
        "According to a report in The Washington Post, the talks stalled.",
        "Axios reported that the talks stalled. The report said officials were angry.",
        "He was listening to certain cable shows all day.",
        # documents that do not exist (yet): wished for, awaited, refused, done without
        "The minister said the strike would be unlawful without a second Security Council resolution.",
        "The union wants a full report into the collapse before the vote.",
        "The company has yet to release a statement about the outage.",
        "The mayor declined to issue a statement on Friday.",
        # words that are no document here
        "Judges follow the letter of the Constitution, she said.",
        "Turn left at the letter B on the map.",
        "He will report to the chief of staff from Monday.",
        "Diplomats are working toward a resolution to the conflict.",
    ],
)
def test_ordinary_words_are_not_documents(gaz, text):
    article = Article(id="t.txt", title="", body=text)
    assert _docs(article, gaz) == []


@pytest.mark.parametrize(
    "text, doc_type, name, issuer",
    [
        ("Netanyahu wrote on X that the talks had failed.", DocType.SOCIAL_POST, "post on X", "Netanyahu"),
        ("The UN Security Council adopted Resolution 2728 on Monday.", DocType.RESOLUTION, "Resolution 2728", "UN Security Council"),
        ("The Israeli military said in a statement that it struck 40 targets.", DocType.STATEMENT,
         "statement by Israeli military", "Israeli military"),
        ("The draft resolution was vetoed by the United States.", DocType.RESOLUTION, "draft resolution", None),
    ],
)
def test_cue_grammar(gaz, text, doc_type, name, issuer):
    (doc,) = _docs(Article(id="t.txt", title="", body=text), gaz)
    assert (doc.doc_type, doc.name, doc.issuer) == (doc_type, name, issuer)


def test_an_outlets_own_report_is_not_a_document(gaz):
    body = "A report by Reuters said the talks had stalled. A CNN report said so too."
    assert _docs(Article(id="t.txt", title="", body=body), gaz) == []


def test_vocabulary_errors_say_how_to_fix():
    with pytest.raises(ConfigError, match="documents.toml"):
        DocumentVocabulary.load("[types.memo]\n")


# ------------------------------------------------------------------ real corpus texts


def test_wikinews_leaked_letter_seen_by_an_outlet(gaz):
    path = need_shared(CORPORA / "gum-wikinews" / "text" / "GUM_news_questionnaire.txt")
    (letter,) = _docs(_read(path), gaz)
    assert letter.doc_type is DocType.LETTER
    assert letter.via == "Sky News"
    assert letter.issuer == "Home Office"  # "The Home Office letter reads ..." is the same letter
    assert len(letter.evidence) == 2


def test_wikinews_statements_keep_their_issuers_apart(gaz):
    path = need_shared(CORPORA / "gum-wikinews" / "text" / "GUM_news_nasa.txt")
    docs = _docs(_read(path), gaz)
    assert [(d.doc_type, d.issuer) for d in docs] == [
        (DocType.STATEMENT, "U.S. Senator John Cornyn"),
        (DocType.STATEMENT, "Governor of Washington Chris Gregoire"),
    ]
    assert len(docs[0].evidence) == 2  # "issued a statement", then "Cornyn's statement added"


@pytest.mark.parametrize(
    "path, doc_type, issuer, via",
    [
        ("polnear/train/text/politico_2016-04-08_families-of-mass-shooting-victim.txt", DocType.COURT_FILING, None, None),
        ("polnear/train/text/wash-post_2016-01-07_ig-report-state-was-inaccurate-o.txt",
         DocType.REPORT, "State Department's inspector general", None),
        ("polnear/train/text/breitbart_2016-01-01_jeb-bush-super-pac-chief-praises.txt",
         DocType.OTHER, "Center for Responsive Politics", None),
        ("polnear/train/text/usa-today_2016-04-29_right-wing-parties-threaten-to-j.txt",
         DocType.SOCIAL_POST, "Matteo Salvini", None),  # "... wrote on Facebook"
        ("polnear/train/text/huff-post_2016-04-27_why-does-israel-refuse-to-recogn.txt",
         DocType.RESOLUTION, "European Parliament", None),  # the parliament passed it
        ("polnear/train/text/nyt_2016-08-02_how-an-aide-to-trump-held-sway-i.txt", DocType.CABLE, "State Department", None),
        ("bbc-fulltext/bbc/tech/211.txt", DocType.REPORT, "telecoms giant BT", None),
        ("bbc-fulltext/bbc/entertainment/151.txt", DocType.STATEMENT, "BBC", None),
    ],
)
def test_corpus_documents(gaz, path, doc_type, issuer, via):
    full = need_shared(CORPORA / path.split("/")[0]).parent / path
    docs = _docs(_read(full), gaz)
    assert any(d.doc_type is doc_type and d.issuer == issuer and d.via == via for d in docs), [
        (d.doc_type.value, d.name, d.issuer, d.via) for d in docs
    ]


def test_endless_sentence_is_read_in_bounded_pieces(gaz):
    body = "Officials said the memo was real and " * 400 + "the memo said so."
    docs = _docs(Article(id="t.txt", title="", body=body), gaz)
    evidence = [e for d in docs for e in d.evidence]
    assert evidence and all(body[e.start : e.end] == e.text and len(e.text) <= 1500 for e in evidence)


# ------------------------------------------------------------------ polls, studies, posts, statements
# Sentences written for these tests (not from any corpus article).


def _found(body: str, gaz: Gazetteer) -> list[tuple[str, str | None, str | None]]:
    """(type, issuer, via) of each document found in ``body``."""
    docs = _docs(Article(id="t.txt", title="", body=body), gaz)
    return [(d.doc_type.value, d.issuer, d.via) for d in docs]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("A new Reuters poll shows the mayor trailing by six points.", [("report", None, "Reuters")]),
        ("According to a poll conducted by Ipsos for the council, most residents oppose the plan.",
         [("report", "Ipsos for the council", None)]),
        ("A Washington Post-ABC News poll released Sunday found the race tied.",
         [("report", "Washington Post-ABC News", None)]),  # a joint poll: no one outlet is its via
        ("A study published in the journal Nature on Monday found that the glacier is thinning faster.",
         [("report", None, None)]),
        ("Research by the Brookings Institution suggests the tax cut mostly helped high earners.",
         [("report", "Brookings Institution", None)]),
        ("According to data from the Labor Department, hiring slowed in March.",
         [("report", "Labor Department", None)]),
        ("The lender said in a note to investors that rates would stay high.", [("report", "lender", None)]),
        # an outlet's poll named by its possessive or with modifiers first; the outlet is its via, not its issuer
        ("Sky News's latest poll puts the mayor six points ahead.", [("report", None, "Sky News")]),
        ("Ipsos's latest poll gives the mayor a narrow lead.", [("report", "Ipsos", None)]),
        ("The mayor trails by six points, a new Bloomberg poll shows.", [("report", None, "Bloomberg News")]),
        ("According to the latest Washington Post survey, most commuters drive to work.",
         [("report", None, "The Washington Post")]),
        ("Early polls showed him ahead.", []),
        # an outlet that reports is no document; a job named after research or a poll is none either
        ("Reuters reports that the mill will close.", []),
        ("Dr Lena Ortiz, a Harbour Institute research fellow, said the data were clear.", []),
        ("Sam Reid, the Marist poll director, said turnout was key.", []),
        ("The wardens report to the harbour master.", []),
        ("The wardens' report to the harbour master said the pier was unsafe.", [("report", "wardens", None)]),
        # a document not yet published is not cited
        ("The statistics office will publish its next inflation figures on Monday.", []),
        ("The council is due to release a report on the floods in May.", []),
        ("The council released a report on Monday showing the floods cost millions.", [("report", "council", None)]),
    ],
)
def test_polls_studies_and_data_are_reports(body, expected, gaz):
    assert _found(body, gaz) == expected


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Voters went to the polls on Tuesday.", []),
        ("Carson leads in many Republican polls.", []),
        ("Students study late before the exam.", []),
        ("The senator asked for more data before the vote.", []),
        ("The bill reached its report stage in the Lords.", []),
        ("Referee Graham Poll sent him off.", []),
    ],
)
def test_words_that_are_no_report(body, expected, gaz):
    assert _found(body, gaz) == expected


@pytest.mark.parametrize(
    "body, issuers",
    [
        ("“We will not back down,” Mayor Lina Ortiz tweeted on Friday.", ["Mayor Lina Ortiz"]),
        ("The minister took to Instagram to share photos of the flood.", ["minister"]),
        ("Councillor Dee Marsh wrote on Facebook that the vote was rigged.", ["Councillor Dee Marsh"]),
        ("On Twitter, the coach Pat Lowry explained the decision.", ["Pat Lowry"]),
        ("Ortiz tweeted at noon. Ortiz later tweeted an apology.", ["Ortiz", "Ortiz"]),  # two posts
        ("The ad was widely criticized on Twitter.", []),  # passive: nobody's post
        ("“I am sorry whoever tweeted that was upset,” she said.", []),
    ],
)
def test_social_posts_named_by_their_authors_act(body, issuers, gaz):
    found = _found(body, gaz)
    assert [t for t, _, _ in found] == ["social_post"] * len(issuers)
    assert [i for _, i, _ in found] == issuers


def test_an_embedded_post_is_the_post_its_author_was_said_to_write(gaz):
    body = ("“The river is rising fast and we need sandbags now,” Mayor Lina Ortiz tweeted.\n\n"
            "The city opened two shelters.\n\n"
            "The river is rising fast and we need sandbags now. pic.twitter.com/abc — Lina Ortiz (@MayorOrtiz) "
            "March 3, 2024\n\nA second embed follows. — Pat Lowry (@patlowry) March 4, 2024")
    found = _found(body, gaz)
    assert [t for t, _, _ in found] == ["social_post", "social_post"]
    assert found[1][1] == "Pat Lowry (@patlowry)"


def test_statements_of_different_issuers_are_different_documents(gaz):
    body = ("The union said in a statement that it would strike. "
            "Hours later the airline, which employs 9,000 people, said in a statement that talks would go on. "
            "The statement added that flights would run.")
    found = _found(body, gaz)
    assert [t for t, _, _ in found] == ["statement", "statement"]


def test_via_from_told_in_a_statement_and_an_outlets_review(gaz):
    assert _found("The senator told The Guardian in a written statement that he had resigned.", gaz) == [
        ("statement", "senator", "The Guardian")]  # the speaker is its author, the outlet its via
    assert _found("According to a ProPublica review of federal court records, the company was sued 40 times.", gaz)[0][2] \
        == "ProPublica"


@pytest.mark.parametrize(
    "body, expected",
    [
        # a statement given to an outlet, its author named between them
        ("In a written statement, Ilse Varga told Reuters that the contract had been honoured.",
         [("statement", "Ilse Varga", "Reuters")]),
        ("In a statement, a spokesman for the ferry company told The Guardian that it would appeal.",
         [("statement", "spokesman for the ferry company", "The Guardian")]),
        ("In a statement, the harbour board said the pier would reopen. Its chair later told CNN she was sorry.",
         [("statement", "harbour board", None)]),
        # a court noun read as a document: "a copy of the filing", "according to the complaint"
        ("According to a copy of the filing obtained by Politico, the builder owes $3 million.",
         [("court_filing", None, "Politico")]),
        ("According to the complaint, the landlord ignored the leak for a year.", [("court_filing", None, None)]),
        ("The filing season for farm subsidies ends in April.", []),
        ("She made a complaint about the noise from the bar.", []),
        ("According to the opinion of two engineers, the bridge is safe.", []),
        # plural documents named by who released or reviewed them
        ("Emails released by the harbour inquiry show that the board knew of the cracks.",
         [("other", "harbour inquiry", None)]),
        ("Text messages reviewed by the committee show that the aide knew of the plan.", [("other", None, None)]),
        ("Emails sent by fans poured in after the match.", []),
        # statements of different issuers are different documents
        ("The Pellona Rail Board and the drivers' union issued separate statements on Sunday.",
         [("statement", "Pellona Rail Board", None), ("statement", "drivers' union", None)]),
        ("In a statement, the rail board blamed the snow. The Pellona Drivers Guild disputed that in a statement of "
         "its own.", [("statement", "rail board", None), ("statement", "Pellona Drivers Guild", None)]),
        ("The club and the league issued a joint statement.", [("statement", "club and the league", None)]),
        # a poll made by two outlets has no one via; a university's poll with one outlet has that outlet's
        ("According to a joint survey by Reuters and Sky News, most drivers back the toll.",
         [("report", "Reuters", None)]),
        ("A new Sky News/Reuters poll found that most drivers back the toll.", [("report", "Sky News/Reuters", None)]),
        ("The Pellona University/Reuters tracking poll has the mayor ahead.",
         [("report", "Pellona University/Reuters", "Reuters")]),
        # a resolution named by who passed it; posts named by the act of posting
        ("A resolution passed by the harbour council on Monday calls for a ban on jet skis.",
         [("resolution", "harbour council", None)]),
        ("The bill passed the Senate on Monday.", []),
        ("Ilse Varga posted a photo of the signed lease on Instagram on Friday.", [("social_post", "Ilse Varga", None)]),
        ("Writing on Facebook, Ilse Varga apologised for the queues.", [("social_post", "Ilse Varga", None)]),
        # "of the call" between a document and its verb; an account of a call is a statement
        ("The transcript of the hearing shows that the witness changed her account.", [("other", None, None)]),
        ("A Downing Street readout of the meeting said the two leaders agreed on tariffs.",
         [("statement", "Downing Street", None)]),
        ("A study of the Confederate States took the festival's top prize.", []),  # a film: "States" is no verb
        # a coordinated subject issues separate statements, a name last too
        ("The nurses' union and the Pellona Health Board issued separate statements on Friday.",
         [("statement", "nurses' union", None), ("statement", "Pellona Health Board", None)]),
        # a document named by where it was sent from, or by the people it passed between
        ("A memo sent from the harbour authority on Monday warns of cracks in the pier.",
         [("memo", "harbour authority", None)]),
        ("Voicemails between the two brokers, released by the regulator, show that they fixed the price.",
         [("other", None, None)]),
        ("The gap between the two statements is small.", []),
        # a paper named by the journal it was published in
        ("Geologists reported in Nature on Wednesday that the fault had moved.", [("report", None, None)]),
        ("The team described its results in the journal Marine Ecology Progress that week.", [("report", None, None)]),
        ("The seeds were found in Nature Park 4, near the lake.", []),
        ("She wrote in The Wall Street Journal that rates would rise.", []),
        # a statement issued by someone named is theirs, not one mentioned before by no one named
        ("The decision drew a sharp reply: the ferry line's parent said in a statement that it regretted the delay. "
         "Hours later the Pellona Harbour Board issued a statement saying the port would reopen.",
         [("statement", "ferry line's parent", None), ("statement", "Pellona Harbour Board", None)]),
        ("The ferry line, founded in 1990, said in a statement that sailings would stop. Hours later the Pellona "
         "Harbour Board issued a statement saying the port would reopen.",
         [("statement", None, None), ("statement", "Pellona Harbour Board", None)]),
        # the speaker named beside a description: a name set off by commas, not a job or a description
        ("The ferry operator's parent, the Pellona Shipping Group, said in a statement that it regretted the delay.",
         [("statement", "Pellona Shipping Group", None)]),
        ("Ines Alder, a spokeswoman for the Pellona Shipping Group, said in a statement that the ships were safe.",
         [("statement", "Ines Alder", None)]),
        ("Senator Ruth Okafor, a Pellona Democrat, said in a statement that the port must reopen.",
         [("statement", "Senator Ruth Okafor", None)]),
        # a pronoun names no issuer
        ("In a survey, it found that fares had doubled.", [("report", None, None)]),
        # a post named by its author's act with no platform named; "to the letter" as an idiom
        ("The clip Ilse Varga shared showed the queue at the quay.", [("social_post", "Ilse Varga", None)]),
        ("The crew carried out the captain's orders to the letter, the inquiry found.", []),
        ("The harbour master replied to the letter on Monday.", [("letter", None, None)]),
        # an idiom with a court noun
        ("The quarrel will be judged in the court of public opinion.", []),
        # a body's finding named by its act: a report by that body, one per body
        ("The Pellona Trade Office reported last month that exports fell by a fifth.",
         [("report", "Pellona Trade Office", None)]),
        ("Separately, the Harbour Development Fund estimates that the quay will cost $40m.",
         [("report", "Harbour Development Fund", None)]),
        ("The Pellona Tax Institute estimates that fares will rise. The Pellona Tax Council estimates that they "
         "will fall.", [("report", "Pellona Tax Institute", None), ("report", "Pellona Tax Council", None)]),
        ("The Pellona Energy Agency released a report on Monday. The Pellona Energy Agency found that demand fell.",
         [("report", "Pellona Energy Agency", None)]),
        ("A survey by the Pellona Institute of Economics found that fares doubled.",
         [("report", "Pellona Institute of Economics", None)]),
        ("The Pellona Police Department reported that a man was hurt.", []),
        ("The Pellona Development Bank has found itself at the centre of the row.", []),
        ("A spokesman for the Pellona Trade Office reported that exports fell.", []),
        ('The minister said: "The Pellona Audit Board concluded that the fees were unlawful."', []),
        ("Yonhap News Agency reported that the talks had ended.", []),
        # a capitalised document noun before a body's head word is the body's name
        ("According to the Pellona Statistics Office, exports fell.", []),
        ("The Mobile Data Association counted 2 billion texts in May.", []),
        # an expert's writing named by the act of writing it, quoted: an analysis by the writer
        ('"Loud footsteps upstairs could shake the races below," veteran analyst Carl Brandt wrote this week, '
         'adding that the race was close.', [("report", "Carl Brandt", None)]),
        ('"The duty is paid at the border by a broker," Ivo Marsh, a senior fellow at the Pellona Tax Center, '
         'has written.', [("report", "Ivo Marsh", None)]),
        ('"Making the fuel would be a stretch for them," Jonas Weir of the Pellona Center for Arms Studies wrote '
         'in December.', [("report", "Jonas Weir", None)]),
        ('"We went to a steakhouse downtown that night," Dale wrote.', []),  # no expert: a family's words
        ('"It is over for the mayor now," economist Carl Brandt wrote in a blog post.',
         [("social_post", "Carl Brandt", None)]),  # the document its noun names, not a second one
        ('"It is over for the mayor now," the analyst Carl Brandt wrote in the Pellona Gazette.', []),
        # posts named by their authors' acts: one per author; an aside between the author and the verb
        ("Ines Alder and Ruth Okafor tweeted their approval of the vote.",
         [("social_post", "Ines Alder", None), ("social_post", "Ruth Okafor", None)]),
        ("Sen. Ruth Okafor (D-Pel.), who is running for governor, tweeted a warning.",
         [("social_post", "Sen. Ruth Okafor", None)]),
        ('"Join us in speaking out," the ferry company tweeted. Mayoral contenders Ines Alder and Ivo Marsh, and '
         'Gov. Ruth Okafor, tweeted their approval.', [("social_post", "ferry company", None), ("social_post", None, None)]),
        ('"The pier is open," Ivo Marsh tweeted. He retweeted it an hour later.', [("social_post", "Ivo Marsh", None)]),
        # the speaker of a statement another released, named again later: the same statement
        ("Ivo Marsh said in a statement released by the Pellona Ferry Company that the pier was safe. Ivo Marsh "
         "said in the statement that the fares would stay.", [("statement", "Pellona Ferry Company", None)]),
        # "a recent report by X" is X's report, though "recent reports say" is hearsay
        ("A recent report by the Pellona Energy Agency found that solar costs fell.",
         [("report", "Pellona Energy Agency", None)]),
        ("Recent reports say the pier is closed.", []),
        ("Writing in the journal Nature Geoscience, the team said the fault had moved.", [("report", None, None)]),
        # court papers by other names; a motion is not the court file it asks to open
        ("Lawyers for the ferry line said in legal papers filed Monday that the claim was baseless.",
         [("court_filing", None, None)]),
        ("Ivo Marsh wrote in a court file that the loan was repaid.", [("court_filing", "Ivo Marsh", None)]),
        ("He keeps his legal papers in a drawer.", []),
        ("The judge sealed the court file on the harbour sale. Two papers filed a motion to unseal it.",
         [("court_filing", None, None), ("court_filing", None, None)]),
        ("The vote set in motion a new inquiry.", []),
        # a series of posts is one thread of them; "tweets" after "of" is no verb
        ("In a series of tweets, the harbour master said the pier would close.",
         [("social_post", "harbour master", None)]),
        ("The harbour master posted a string of tweets on Monday.", [("social_post", "harbour master", None)]),
        ("He wrote in a Tumblr post that the show was over.", [("social_post", None, None)]),
        # a bare "release" is a press release only when someone speaks in it
        ("Ivo Marsh said in a release that the pier would reopen.", [("statement", "Ivo Marsh", None)]),
        ("The film is due for release on May 19.", []),
        ("He has not been seen since his release from prison.", []),
        # an assessment a body issued is a report; someone's judgement is not
        ("According to the grid operator's 2019 resource assessment, demand will rise.",
         [("report", "operator", None)]),
        ("His assessment of the race was grim.", []),
        # a speaker between the verb and "in", an object, a possessor's article
        ('"Sales rose," said chief executive Ann Bell in the company\'s news release.',
         [("statement", "company", None)]),
        ('"We will reopen the pier," said Harbour Master Ivo Marsh in a statement.', [("statement", None, None)]),
        ("The ferry line confirmed this in a statement on Monday.", [("statement", "ferry line", None)]),
        ("The harbour board announced the closure on Friday. According to the release, the pier is unsafe.",
         [("statement", None, None)]),
        # a famous remark, figures who are people, data a device collects
        ("The show takes its name from the famous statement by the poet that the medium is the message.", []),
        ("The G40 figures are cabinet ministers who backed the vice president.", []),
        ("The monitor collects data from devices connected to the patient.", []),
        # an outlet given the document: "provided to CNN a memo", "gave Reuters a copy of the memo"
        ("A harbour board source provided to Reuters a memo laying out the repairs.", [("memo", None, "Reuters")]),
        ("An aide gave The Guardian a copy of the letter on Monday.", [("letter", None, "The Guardian")]),
        ("He gave Reuters an interview about the memo.", [("memo", None, None)]),
        # records in the name of a request, a lawsuit or a law are no records cited
        ("The group filed a public records request with the harbour board.", []),
        ("Dozens of pending public records lawsuits await a ruling.", []),
        ("Public records show the pier was sold in 2010.", [("other", None, None)]),
        # a date after "from" names no issuer; two outlets' poll written as a title
        ("A Reuters/Ipsos poll from June showed the mayor ahead.", [("report", None, "Reuters")]),
        ("An Ipsos/ Sky News Poll from June showed the mayor ahead.", [("report", None, "Sky News")]),
        ("Referee Graham Poll sent him off.", []),
        # a body that released reports; a body's summary of its work
        ("The harbour board's inspector general released two highly critical reports on Monday.",
         [("report", "harbour board's inspector general", None)]),
        ("Reports say the pier is closed.", []),
        ("According to an FBI summary of its investigation, the aide used one device.", [("report", "FBI", None)]),
        ('"In summary, the pier is safe," the engineer said.', []),
        # a paper named by the journal it appeared in, and its author after "by"
        ("Together with a third paper in Nature by Ivo Marsh of the Pellona Institute, the studies show the same.",
         [("report", "Ivo Marsh", None)]),
        ("In a paper in the British Medical Journal last month, Ines Alder warned that the virus could spread.",
         [("report", "Ines Alder", None)]),
        ("He keeps a paper in his hand.", []),
        # "in a public statement" after an opening clause
        ("Discussing his concern in a public statement, the prime minister, Ana Ruiz, said the camps would close.",
         [("statement", None, None)]),
    ],
)
def test_statements_given_court_papers_read_and_records_released(body, expected, gaz):
    assert _found(body, gaz) == expected


_PORTUGUESE = ("A prefeitura da cidade anunciou ontem que as escolas municipais vão abrir mais cedo no próximo ano, e os "
               "pais poderão fazer a matrícula pela internet. Segundo a secretaria de educação, cerca de dez mil alunos "
               "serão atendidos nas novas turmas, que terão professores contratados por concurso público no início do "
               "semestre.")


def test_a_page_in_another_language_gets_no_documents_from_english_nouns(gaz):
    """The nouns and cues are English: in a Portuguese page "Receba em seu email" ("get it in your email") names
    no email. The same line in an English page is read as it always was."""
    promo = "Assine agora e Receba em seu email a nossa newsletter semanal com as melhores dicas. "
    assert _found(promo + _PORTUGUESE, gaz) == []
    english = ("The harbour board voted on Tuesday to close the old pier for a year, and the ferry will stop at the new "
               "quay instead. In a statement, the board said that the work would start in the spring and that the "
               "fares would not change while the pier is closed, as it had promised the town in the summer. ")
    assert _found(english + promo, gaz) == [("statement", "board", None), ("other", "Receba", None)]

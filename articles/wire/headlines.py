"""The headline a wire story gets until an editor writes one: its first sentence, and
when that is long, the sentence cut where a clause ends, never inside a name.

A sentence of up to 100 characters stays whole; a longer one is condensed (an opening
phrase, a description after a name left out) and cut to at most 90. A cut comes, in
order of preference, at a clause mark (a comma, a semicolon, a colon, a dash), before a
word that opens a clause ("after", "while", "which" ...), or else at the last word that
fits; never inside a name of the vocabulary or a capitalised name of several words
("External Affairs Minister S. Jaishankar", "Bank of England").
"""

import re

HEADLINE_MAX = 90
# A whole sentence a little longer is kept whole: a cut would lose more than it saves.
WHOLE_SENTENCE_MAX = 100
# A cut shorter than this says too little: a later kind of boundary is tried instead.
HEADLINE_MIN = 30
SENTENCE_END_RE = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
# Words after which a full stop does not end the sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "gen", "lt", "col", "sgt", "capt", "cmdr",
    "adm", "maj", "prof", "rev", "hon", "sen", "rep", "gov", "pres", "amb", "no", "nos",
    "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig", "vol", "art",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
})
CLAUSE_MARK_RE = re.compile(r"\s*[,;:]\s|\s+[–—-]+\s|\s+\(")
CLAUSE_WORDS = frozenset({
    "after", "although", "amid", "as", "because", "before", "but", "despite",
    "following", "saying", "since", "though", "until", "when", "where", "whereas",
    "which", "while", "who", "whose", "yet",
})
CLAUSE_WORD_RE = re.compile(r"\s+(?=([A-Za-z]+)\b)")
# A cut headline should not end on "on", "the", "and" or "would".
DANGLING_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "on", "in", "at", "to", "for", "with", "by",
    "from", "as", "that", "his", "her", "its", "their", "who", "which", "is", "was", "has",
    "have", "had", "be", "been", "are", "were", "will", "would", "could", "should", "may",
    "might", "not", "than", "into", "over", "about", "after", "before", "this", "these",
    "through", "via", "towards", "against", "between", "among", "across", "during",
    "within", "without", "under", "up", "said", "says", "told", "if", "while", "when",
})
# Words that open a sentence's introductory phrase ("At a meeting in Moscow, ...").
INTRO_WORDS = frozenset({"at", "in", "after", "during", "on", "following", "amid",
                         "despite", "with", "speaking", "addressing", "before", "ahead"})
# A description set off by commas after a name (", the 28-year-old president of X,").
APPOSITIVE_RE = re.compile(r", ((?:the|a|an|who|whose|which|now|then|also|a former)\b[^,;:]*?), ")
APPOSITIVE_WORDS_MAX = 10
# Lower-case words that stay inside a capitalised name ("Bank of England").
NAME_JOINERS = frozenset({"of", "de", "da", "del", "der", "van", "von", "la", "le", "al",
                          "bin", "el", "the", "for"})
TRIM = " ,;:–—-("


def first_sentence(paragraph):
    """The paragraph's first sentence, whole; initials and titles do not end it."""
    for match in SENTENCE_END_RE.finditer(paragraph):
        word = paragraph[: match.start()].rsplit(None, 1)[-1] if match.start() else ""
        word = word.lstrip("\"“‘'([")
        bare = word.replace(".", "")
        # "S." and "U.S." are initials; "Mr." is a title: the sentence goes on.
        if len(bare) <= 1 or (len(bare) <= 3 and "." in word) or bare.lower() in ABBREVIATIONS:
            continue
        return paragraph[: match.start() + 1].strip()
    return paragraph.strip()


def derive_headline(paragraph, *, vocabulary=None):
    """The first sentence (whole up to 100 characters), else cut where a clause ends to
    at most 90, never inside a name (``vocabulary``'s, when given, or a capitalised one)."""
    sentence = first_sentence(paragraph)
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    if len(sentence) <= WHOLE_SENTENCE_MAX:
        return sentence
    sentence = condensed(sentence)
    if len(sentence) <= WHOLE_SENTENCE_MAX:
        return sentence
    names = name_spans(sentence, vocabulary)

    def fits(at):
        return at <= HEADLINE_MAX and not any(start < at < end for start, end in names)

    marks = [m.start() for m in CLAUSE_MARK_RE.finditer(sentence)]
    clause_words = [m.start() for m in CLAUSE_WORD_RE.finditer(sentence)
                    if m.group(1).lower() in CLAUSE_WORDS]
    for boundaries in (marks, clause_words):
        cuts = [at for at in boundaries if at >= HEADLINE_MIN and fits(at)]
        if cuts:
            return _tidy(sentence[: max(cuts)])
    spaces = [m.start() for m in re.finditer(r"\s", sentence) if fits(m.start())]
    return _tidy(sentence[: max(spaces)] if spaces else sentence[:HEADLINE_MAX])


def condensed(sentence):
    """The sentence without what a headline leaves out: an introductory phrase ("At a
    meeting in Moscow, Lavrov ..."), a description after a name ("Bardella, the party's
    president, said"), the commas around a name ("its minister, Ilia Darchiashvili,")."""
    first, _, rest = sentence.partition(", ")
    if (rest and first.split(" ", 1)[0].lower() in INTRO_WORDS
            and len(rest) >= HEADLINE_MIN and "," not in first):
        sentence = rest[:1].upper() + rest[1:]
    sentence = APPOSITIVE_RE.sub(_without_description, sentence, count=1)
    for start, end in capitalised_names(sentence):
        if (sentence[start - 2:start] == ", " and sentence[end:end + 2] == ", "
                and sentence[:start - 2].count(",") == 0):
            return sentence[:start - 2] + " " + sentence[start:end] + " " + sentence[end + 2:]
    return sentence


def _without_description(match):
    """Drop a short description that follows a name; keep anything else."""
    before = match.string[: match.start()].rsplit(" ", 1)[-1]
    if not before[:1].isupper() or len(match.group(1).split()) > APPOSITIVE_WORDS_MAX:
        return match.group(0)
    return " "


def _tidy(cut):
    """No trailing punctuation, no dangling word ("on", "the") at the end, and no
    quotation left open."""
    words = cut.rstrip(TRIM).split(" ")
    while len(words) > 3 and words[-1].lower().strip(TRIM) in DANGLING_WORDS:
        words.pop()
    headline = " ".join(words).rstrip(TRIM)
    # A quotation cut short is closed: “Not a slogan” rather than “Not a slogan.
    if headline.count("“") > headline.count("”"):
        headline += "”"
    if headline.count('"') % 2:
        headline += '"'
    return headline


def name_spans(text, vocabulary=None):
    """[start, end) of each name in ``text`` that a cut must not split."""
    spans = capitalised_names(text)
    if vocabulary is not None:
        for suggestions in vocabulary.tag(headline=text).values():
            spans += [(evidence.offset, evidence.offset + len(evidence.phrase))
                      for suggestion in suggestions for evidence in suggestion.evidence
                      if evidence.field == "headline"]
    return spans


def capitalised_names(text):
    """Runs of two or more capitalised words, joined by "of", "de" and the like."""
    spans, run = [], []  # run: (start, end) of the capitalised words so far
    tokens = list(re.finditer(r"\S+", text))
    for index, token in enumerate(tokens):
        word = token.group().lstrip("\"“‘'(")
        following = tokens[index + 1].group().lstrip("\"“‘'(") if index + 1 < len(tokens) else ""
        capitalised = word[:1].isupper()
        joins = (run and word.lower() in NAME_JOINERS and following[:1].isupper())
        if capitalised or joins:
            if capitalised and token.group()[:1] in "\"“‘'(":
                run = _close(run, spans)
            run.append((token.start(), token.start() + len(token.group().rstrip(TRIM + "\"”’')"))))
            if token.group()[-1:] in ",;:)\"”’":
                run = _close(run, spans)
        else:
            run = _close(run, spans)
    _close(run, spans)
    return spans


def _close(run, spans):
    """End a run of capitalised words: a name if it holds two or more."""
    if len(run) >= 2:
        spans.append((run[0][0], run[-1][1]))
    return []

"""The Learn pages: cited content as data, a loader that refuses bad data, and pages anyone can read."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from nightcramp.knowledge import KnowledgeError, education
from nightcramp.knowledge.loader import HERE

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = education.load()
SLUGS = [p.slug for p in SHIPPED.pages]
CLIENTS = ["anon_client", "owner_client"]


# ---- the shipped data -----------------------------------------------------------------------------

def test_the_shipped_pages_load_once_and_cover_the_issue() -> None:
    assert education.load() is SHIPPED
    assert {"why-cramps-happen", "what-makes-them-more-likely", "signs-of-something-else",
            "bedtime-stretching", "magnesium", "quinine", "during-a-cramp"} <= set(SLUGS)
    assert len(set(SLUGS)) == len(SLUGS)
    for page in SHIPPED.pages:
        assert page.title and page.summary and page.group, page.slug
        assert page.sections and all(s.claims for s in page.sections), page.slug


def test_every_claim_rests_on_known_verified_or_secondary_sources() -> None:
    count = 0
    for page in SHIPPED.pages:
        for claim in page.claims:
            assert claim.text and claim.sources, (page.slug, claim.text)
            for sid in claim.sources:
                assert sid in SHIPPED.sources, (page.slug, sid)
                assert SHIPPED.sources[sid].status in ("verified", "secondary"), (page.slug, sid)
            count += 1
    assert count > 50


def test_the_pages_carry_the_key_figures_of_the_evidence() -> None:
    def text(slug: str) -> str:
        return " ".join(c.text for c in SHIPPED.page(slug).claims)

    stretching = text("bedtime-stretching")
    assert "1.2 fewer cramps a night" in stretching and "give it 6 weeks" in stretching
    assert "one small trial" in stretching
    assert "0.18 fewer a week" in text("magnesium")
    quinine = text("quinine")
    assert "2.45 fewer" in quinine and "every 3 months" in quinine and "4-week" in quinine
    assert SHIPPED.page("signs-of-something-else").action == "health_check"


# ---- the loader refuses bad data, naming the entry ------------------------------------------------

GOOD = '''
[[page]]
slug = "a-page"
title = "A page"
group = "About"
summary = "A summary."

[[page.section]]
id = "one"
heading = "One"

[[page.section.claim]]
text = "A first claim."
sources = ["S1"]

[[page.section.claim]]
text = "A second claim."
sources = ["S3", "S33"]
'''

UNVERIFIED = '''

[[source]]
id = "S99"
short = "Somebody, somewhere"
citation = "A source nobody has checked."
status = "unverified"
'''


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(HERE / "bibliography.toml", tmp_path / "bibliography.toml")
    return tmp_path


def _write(folder: Path, text: str) -> Path:
    (folder / "education.toml").write_text(text, encoding="utf-8")
    return folder


def _edit(old: str, new: str) -> str:
    assert old in GOOD, f"test setup: {old!r} not in GOOD"
    return GOOD.replace(old, new, 1)


def test_a_small_good_file_loads_with_its_references_in_order(folder: Path) -> None:
    loaded = education.load_from(_write(folder, GOOD))
    page = loaded.page("a-page")
    assert [c.sources for c in page.claims] == [("S1",), ("S3", "S33")]
    assert page.source_ids() == ("S1", "S3", "S33")
    assert page.sections[0].style == "paragraphs" and page.sections[0].popular == ""


def test_the_shipped_file_loads_from_a_copy(folder: Path) -> None:
    for name in ("education.toml", "screening_rules.toml", "medicines.toml"):
        shutil.copy(HERE / name, folder / name)
    assert [p.slug for p in education.load_from(folder).pages] == SLUGS


# ---- claims that state screening rules name them, and the names must exist ------------------------

def test_a_claim_names_the_rules_it_states_and_pages_without_rules_need_no_rules_file(folder: Path) -> None:
    assert all(c.rules == () for c in education.load_from(_write(folder, GOOD)).page("a-page").claims)
    for name in ("screening_rules.toml", "medicines.toml"):
        shutil.copy(HERE / name, folder / name)
    loaded = education.load_from(_write(folder, _edit('sources = ["S1"]',
                                                      'sources = ["S1"]\nrules = ["calf_clot_signs"]')))
    assert loaded.page("a-page").claims[0].rules == ("calf_clot_signs",)


@pytest.mark.parametrize(("rules", "message"), [
    ('["no_such_rule"]', "unknown screening rule 'no_such_rule' (not in screening_rules.toml)"),
    ('["calf_clot_signs", "calf_clot_signs"]', "lists the same rule twice"),
    ("[]", "leave the field out rather than list no rules"),
    ('"calf_clot_signs"', "must be a list of non-empty strings"),
])
def test_a_claim_naming_a_rule_that_does_not_exist_is_refused(folder: Path, rules: str, message: str) -> None:
    for name in ("screening_rules.toml", "medicines.toml"):
        shutil.copy(HERE / name, folder / name)
    with pytest.raises(KnowledgeError) as caught:
        education.load_from(_write(folder, _edit('sources = ["S1"]', f'sources = ["S1"]\nrules = {rules}')))
    assert f"education.toml: page 'a-page': section 'one': claim #1: rules: {message}" in str(caught.value)


# ---- words that depend on the country are placeholders, filled for display ------------------------

def test_placeholders_are_filled_with_the_generic_words_and_kept_as_written(folder: Path) -> None:
    text = _edit('text = "A first claim."', 'text = "Call {emergency_number} now, or {out_of_hours}."')
    text = text.replace('heading = "One"', 'heading = "Call {emergency_number} if"')
    text = text.replace('summary = "A summary."', 'summary = "When to call {emergency_number}."')
    page = education.load_from(_write(folder, text)).page("a-page")
    claim = page.claims[0]
    assert claim.template == "Call {emergency_number} now, or {out_of_hours}."
    assert claim.text == ("Call your local emergency number now, or your doctor's out-of-hours service.")
    assert page.sections[0].heading == "Call your local emergency number if"
    assert page.sections[0].heading_template == "Call {emergency_number} if"
    assert (page.summary, page.summary_template) == ("When to call your local emergency number.",
                                                     "When to call {emergency_number}.")
    assert page.claims[1].template == page.claims[1].text == "A second claim."


@pytest.mark.parametrize(("old", "new", "where"), [
    ('text = "A first claim."', 'text = "Call {ambulance} now."', "section 'one': claim #1: text"),
    ('text = "A second claim."', 'text = "A {lone brace."', "section 'one': claim #2: text"),
    ('heading = "One"', 'heading = "Call {999}"', "section 'one': heading"),
    ('summary = "A summary."', 'summary = "Call {nhs_111}."', "page 'a-page': summary"),
])
def test_an_unknown_placeholder_is_refused_naming_page_section_and_claim(
    folder: Path, old: str, new: str, where: str
) -> None:
    with pytest.raises(KnowledgeError) as caught:
        education.load_from(_write(folder, _edit(old, new)))
    message = str(caught.value)
    assert message.startswith("education.toml: page 'a-page'") and where in message
    assert "{emergency_number}" in message and "{out_of_hours}" in message


def test_the_shown_pages_never_show_a_placeholder_or_one_countrys_numbers(anon_client: Client) -> None:
    signs = SHIPPED.page("signs-of-something-else")
    assert any("{emergency_number}" in s.heading_template for s in signs.sections)
    assert any("{out_of_hours}" in c.template for c in signs.claims)
    for slug in SLUGS:
        text = _text_of(anon_client.get(reverse("learn_page", args=[slug])).content.decode())
        assert not re.search(r"\{\w+\}", text), slug
        said = text.split(" References ", 1)[0]  # the citations name their pages as they are
        assert not re.search(r"\b(?:999|911|112|111)\b|NHS 111", said), slug
    text = _text_of(anon_client.get(reverse("learn_page", args=["signs-of-something-else"])).content.decode())
    assert "Call your local emergency number now if" in text
    assert "If your doctor's practice is closed, contact your doctor's out-of-hours service." in text


@pytest.mark.parametrize(("bad", "message"), [
    pytest.param(_edit('text = "A first claim."\nsources = ["S1"]\n', 'text = "A first claim."\n'),
                 "education.toml: page 'a-page': section 'one': claim #1: sources: every claim needs",
                 id="missing-sources"),
    pytest.param(_edit('sources = ["S1"]', "sources = []"),
                 "page 'a-page': section 'one': claim #1: sources: every claim needs", id="empty-sources"),
    pytest.param(_edit('sources = ["S3", "S33"]', 'sources = ["S3", "S404"]'),
                 "page 'a-page': section 'one': claim #2: sources: unknown source id 'S404'",
                 id="unknown-id"),
    pytest.param(GOOD + GOOD, "education.toml: page 'a-page': slug: duplicate", id="duplicate-slug"),
    pytest.param(GOOD + "[[page.section]]" + GOOD.split("[[page.section]]", 1)[1],
                 "page 'a-page': section 'one': id: duplicate", id="duplicate-section"),
    pytest.param(_edit('text = "A first claim."', 'text = "  "'),
                 "page 'a-page': section 'one': claim #1: text: must be a non-empty string", id="empty-text"),
    pytest.param(_edit('summary = "A summary."\n', ""), "page 'a-page': summary: must be a non-empty string",
                 id="missing-summary"),
    pytest.param(_edit('slug = "a-page"', 'slug = "A Page"'), "page 'A Page': slug: must be lowercase",
                 id="bad-slug"),
    pytest.param(_edit('heading = "One"', 'heading = "One"\nstyle = "table"'),
                 "page 'a-page': section 'one': style: 'table' is not one of", id="bad-style"),
    pytest.param(_edit('summary = "A summary."', 'summary = "A summary."\naction = "buy_now"'),
                 "page 'a-page': action: 'buy_now' is not one of", id="bad-action"),
    pytest.param(_edit('sources = ["S1"]', 'sources = ["S1"]\nnote = "unsourced aside"'),
                 "page 'a-page': section 'one': claim #1: note: unknown field", id="unknown-field"),
    pytest.param(_edit('sources = ["S1"]', 'sources = ["S1", "S1"]'),
                 "claim #1: sources: lists the same source twice", id="repeated-source"),
    pytest.param(GOOD.split("[[page.section.claim]]", 1)[0],
                 "page 'a-page': section 'one': claim: needs at least one", id="section-without-claims"),
])
def test_bad_data_is_refused_with_a_message_naming_the_entry(folder: Path, bad: str, message: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        education.load_from(_write(folder, bad))
    assert message in str(caught.value)


@pytest.mark.parametrize("ids", [["S99"], ["S1", "S99"]], ids=["only-unverified", "with-a-verified-one"])
def test_an_unverified_source_is_refused(folder: Path, ids: list[str]) -> None:
    with (folder / "bibliography.toml").open("a", encoding="utf-8") as fh:
        fh.write(UNVERIFIED)
    quoted = ", ".join(f'"{i}"' for i in ids)
    with pytest.raises(KnowledgeError) as caught:
        education.load_from(_write(folder, _edit('sources = ["S1"]', f"sources = [{quoted}]")))
    assert "page 'a-page': section 'one': claim #1: sources: 'S99' is unverified" in str(caught.value)


def test_a_missing_file_and_broken_toml_are_reported(folder: Path) -> None:
    with pytest.raises(KnowledgeError, match=r"education\.toml: file not found"):
        education.load_from(folder)
    with pytest.raises(KnowledgeError, match=r"education\.toml: not valid TOML"):
        education.load_from(_write(folder, "[[page]\n"))


def test_the_package_stays_free_of_django() -> None:
    code = ("import sys; from nightcramp.knowledge import education; education.load(); "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


def test_the_pages_are_loaded_at_start_up(tmp_path: Path) -> None:
    code = ("import sys, django; django.setup(); from nightcramp.knowledge import education; "
            "sys.exit(0 if education.load.cache_info().currsize == 1 else 1)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "NIGHTCRAMP_DATA_DIR": str(tmp_path)}
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=False).returncode == 0


# ---- the pages ------------------------------------------------------------------------------------

def _text_of(body: str) -> str:
    """What a reader sees in <main>: tags dropped, entities decoded, spaces folded."""
    main = body.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def _section(body: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="sec-{section_id}">(.*?)</section>', body, re.S)
    assert match, section_id
    return match.group(1)


@pytest.mark.parametrize("who", CLIENTS)
def test_the_index_lists_every_page_for_anyone(request: pytest.FixtureRequest, who: str) -> None:
    client: Client = request.getfixturevalue(who)
    response = client.get(reverse("learn"))
    assert response.status_code == 200
    body = response.content.decode()
    for page in SHIPPED.pages:
        assert f'href="{reverse("learn_page", args=[page.slug])}"' in body
        assert escape(page.title) in body and escape(page.summary) in body
    assert f'<a href="{reverse("learn")}" aria-current="page">Learn</a>' in body


@pytest.mark.parametrize("who", CLIENTS)
def test_the_learn_link_is_in_the_main_nav_elsewhere_too(request: pytest.FixtureRequest, who: str) -> None:
    client: Client = request.getfixturevalue(who)
    other_page = reverse("login") if who == "anon_client" else reverse("tonight")
    body = client.get(other_page).content.decode()
    nav = body.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("learn")}" >Learn</a>' in nav


@pytest.mark.parametrize("who", CLIENTS)
@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_shows_each_claim_with_its_numbered_sources(
    request: pytest.FixtureRequest, who: str, slug: str
) -> None:
    client: Client = request.getfixturevalue(who)
    response = client.get(reverse("learn_page", args=[slug]))
    assert response.status_code == 200
    body = response.content.decode()
    page = SHIPPED.page(slug)
    assert f"<h1>{escape(page.title)}</h1>" in body

    order: list[str] = []
    for claim in page.claims:
        order += [s for s in claim.sources if s not in order]
    number = {sid: n for n, sid in enumerate(order, start=1)}

    for section in page.sections:
        assert escape(section.heading) in body
        for claim in section.claims:
            at = body.find(escape(claim.text))
            assert at >= 0, claim.text
            cite = body[at:].split('<span class="cite">', 1)[1].split("]</span>", 1)[0]
            assert [int(n) for n in re.findall(r'href="#ref-(\d+)"', cite)] == sorted(
                number[s] for s in claim.sources), claim.text
    for sid, n in number.items():
        ref = re.search(rf'<li id="ref-{n}" value="{n}">(.*?)</li>', body, re.S)
        assert ref, (slug, n)
        source = SHIPPED.sources[sid]
        assert f"<cite>{escape(source.citation)}</cite>" in ref.group(1)
        assert f"[{sid}]" in ref.group(1)
        if source.doi:
            assert f'href="https://doi.org/{source.doi}"' in ref.group(1)
        assert "secondary report" not in ref.group(1)  # how a source was read is ours, not the reader's
        if source.note:
            assert escape(source.note) not in ref.group(1)
    assert f'id="ref-{len(number) + 1}"' not in body


def test_an_unknown_page_is_not_found(anon_client: Client) -> None:
    assert anon_client.get(reverse("learn_page", args=["no-such-page"])).status_code == 404


def test_the_signs_page_links_to_the_health_check(anon_client: Client) -> None:
    body = anon_client.get(reverse("learn_page", args=["signs-of-something-else"])).content.decode()
    assert f'href="{reverse("screening:questionnaire")}"' in body


def test_the_popular_view_and_the_evidence_are_set_side_by_side() -> None:
    quads = next(s for s in SHIPPED.page("bedtime-stretching").sections if s.id == "quadriceps")
    assert "quads" in quads.popular
    assert any("no stretch for the front of the thigh" in c.text for c in quads.claims)
    assert any("not part of the routine that was tested" in c.text for c in quads.claims)
    vitamin_d = next(s for s in SHIPPED.page("why-cramps-happen").sections if s.id == "vitamin-d")
    assert "vitamin D" in vitamin_d.popular
    assert any("We found no good evidence" in c.text for c in vitamin_d.claims)


@pytest.mark.parametrize(("slug", "section_id", "evidence"), [
    ("bedtime-stretching", "quadriceps", "It had no stretch for the front of the thigh."),
    ("why-cramps-happen", "vitamin-d", "We found no good evidence that vitamin D causes night cramps"),
])
def test_the_popular_view_boxes_are_shown(
    anon_client: Client, slug: str, section_id: str, evidence: str
) -> None:
    body = anon_client.get(reverse("learn_page", args=[slug])).content.decode()
    box = _section(body, section_id)
    popular = next(s.popular for s in SHIPPED.page(slug).sections if s.id == section_id)
    assert "The popular view" in box and escape(popular) in box
    assert box.index("The popular view") < box.index("What the evidence says") < box.index(escape(evidence))


# ---- never quinine as self-treatment --------------------------------------------------------------

_NEGATION = re.compile(r"\b(?:not|never|no|don't|do not|nobody)\b")
_ADVICE = [
    # an order at the start of a sentence or clause: "Take quinine", "if stretching fails, try quinine"
    re.compile(r"(?:^|[,;:(]\s*)(?:please\s+)?(?:take|try|use|buy|start|get|order)\s+"
               r"(?:some\s+|a course of\s+)?quinine\b"),
    # "ask (your doctor) for quinine"
    re.compile(r"\bask\s+(?:\w+\s+){0,3}for\s+(?:some\s+)?quinine\b"),
    # "you should / could / can ... take quinine"
    re.compile(r"\byou\s+(?:should|could|can|may|might|ought to|need to|want to)\s+(?:\w+\s+)?"
               r"(?:take|try|use|buy|start|get)\s+(?:some\s+)?quinine\b"),
    # "consider quinine", "worth trying quinine", "we recommend quinine"
    re.compile(r"\b(?:worth|consider|recommends?|recommended|suggests?|suggested)\s+(?:\w+\s+){0,2}quinine\b"),
    # "quinine is safe / worth a try / a good option"
    re.compile(r"\bquinine\s+(?:is|can be|may be)\s+(?:a\s+|an\s+)?"
               r"(?:good|safe|worth|the best|helpful|option)"),
]


def advises_quinine(sentence: str) -> bool:
    """True when a sentence tells the reader to take quinine (a negated form such as "never take" is not)."""
    s = " ".join(sentence.lower().split())
    for pattern in _ADVICE:
        for match in pattern.finditer(s):
            before = " ".join(s[: match.start()].split()[-3:])
            if not _NEGATION.search(before) and not _NEGATION.search(match.group(0)):
                return True
    return False


@pytest.mark.parametrize("sentence", [
    "Take quinine at bedtime.", "If stretching fails, try quinine.", "You could ask your doctor for quinine.",
    "You should take quinine every night.", "It is worth trying quinine.", "Quinine is worth a try.",
    "We recommend quinine for bad cramps.", "Buy some quinine from the chemist.", "Consider quinine.",
])
def test_the_detector_catches_advice_to_take_quinine(sentence: str) -> None:
    assert advises_quinine(sentence)


@pytest.mark.parametrize("sentence", [
    "If you already take quinine, ask for a regular review.", "Never use quinine on your own.",
    "Do not take quinine to treat cramps.", "Quinine is not a medicine to use on your own for cramps.",
    "People who take quinine should have regular reviews.", "Regulators do not recommend quinine for cramps.",
    "Quinine is not safe for routine use.", "You take quinine and get bruises you cannot explain.",
])
def test_the_detector_leaves_warnings_and_descriptions_alone(sentence: str) -> None:
    assert not advises_quinine(sentence)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_page_advises_taking_quinine(anon_client: Client, slug: str) -> None:
    text = _text_of(anon_client.get(reverse("learn_page", args=[slug])).content.decode())
    advising = [s for s in re.split(r"(?<=[.!?])\s+", text) if "quinine" in s.lower() and advises_quinine(s)]
    assert advising == []


def test_the_quinine_page_warns_against_self_treatment_and_asks_for_reviews(anon_client: Client) -> None:
    text = _text_of(anon_client.get(reverse("learn_page", args=["quinine"])).content.decode())
    assert "Quinine is not a medicine to use on your own for cramps." in text
    assert "Never as self-treatment" in text
    assert "ask for a review of whether you still need it about every 3 months" in text
    assert "a break about every 3 months" in text
    assert "do not change how you take it on your own" in text


def test_for_people_already_taking_quinine_the_warning_signs_come_first_and_say_stop() -> None:
    """What the rules and the regulators say: on these signs, stop quinine and get advice today; otherwise
    do not change it alone. The section used to open with "Do not change how you take it on your own" and
    never said to stop."""
    section = next(s for s in SHIPPED.page("quinine").sections if s.id == "already-taking")
    first = section.claims[0]
    assert first.text.startswith("Stop taking quinine and get medical advice today if")
    for sign in ("bruises", "bleeding", "racing or uneven heartbeat", "fainting", "sight or hearing",
                 "confusion"):
        assert sign in first.text, sign
    assert set(first.rules) == {"quinine_bleeding", "quinine_heart_vision_hearing"}
    assert {"S22", "S22a", "S23"} <= set(first.sources)
    texts = [c.text for c in section.claims]
    keep = next(i for i, t in enumerate(texts) if "do not change how you take it on your own" in t)
    assert keep > 0 and texts[keep].startswith("Otherwise")


def test_no_page_says_never_to_stop_quinine_on_its_warning_signs(anon_client: Client) -> None:
    """The closing note of every page used to say "Never stop a medicine a doctor prescribed without asking
    them first", which contradicts the one case where the rules say to stop: quinine's warning signs."""
    for slug in ("quinine", "signs-of-something-else"):
        text = _text_of(anon_client.get(reverse("learn_page", args=[slug])).content.decode())
        assert "Never stop a medicine" not in text
        assert "The one exception is quinine with one of its warning signs" in text
    body = anon_client.get(reverse("learn")).content.decode()
    assert f'href="{reverse("learn_page", args=["quinine"])}#sec-already-taking"' in body


# ---- the seasons: proxies of cramps doubled, not counted cramps ------------------------------------

def test_what_is_said_of_summer_rests_on_signs_of_cramps_not_on_counted_cramps() -> None:
    """Section 2 of the evidence: new quinine prescriptions and searches about doubled; nobody counted
    cramps. Every claim on the seasons study that gives a size says what was measured."""
    season_claims = [c for p in SHIPPED.pages for c in p.claims if "S1" in c.sources]
    assert len(season_claims) >= 6
    for claim in season_claims:
        text = claim.text.lower()
        if re.search(r"twice|doubl", text):
            assert re.search(r"signs of cramps|prescriptions|searches", text), claim.text
        assert not re.search(r"\b(?:found|are|were) (?:about twice as common|more cramps)", text), claim.text
        assert not text.startswith("cramps also change with the seasons"), claim.text


# ---- sections that state rules of one tier look like the health check's findings ------------------

@pytest.mark.parametrize(("slug", "section_id", "tier", "name"), [
    ("signs-of-something-else", "emergency", "emergency", "Emergency"),
    ("signs-of-something-else", "same-day", "same_day", "Today"),
    ("signs-of-something-else", "soon", "soon", "Within about two weeks"),
    ("signs-of-something-else", "routine", "routine", "At your next appointment"),
    ("during-a-cramp", "get-help", "same_day", "Today"),
])
def test_a_section_of_one_tier_says_the_tier_in_words_and_colour(
    anon_client: Client, slug: str, section_id: str, tier: str, name: str
) -> None:
    body = anon_client.get(reverse("learn_page", args=[slug])).content.decode()
    opening = re.search(rf'<section class="([^"]*)" aria-labelledby="sec-{section_id}">', body)
    assert opening and f"tier-{tier}" in opening.group(1).split()
    assert f'<p class="tier-name">{name}</p>' in _section(body, section_id)


@pytest.mark.parametrize(("slug", "section_id"), [
    ("bedtime-stretching", "routine"),  # named like a tier, but it states no rules
    ("quinine", "already-taking"),  # rules of two tiers
    ("what-makes-them-more-likely", "pregnancy"),  # one claim of three states a rule
])
def test_other_sections_are_plain(anon_client: Client, slug: str, section_id: str) -> None:
    body = anon_client.get(reverse("learn_page", args=[slug])).content.decode()
    assert f'<section class="learn-section" aria-labelledby="sec-{section_id}">' in body
    assert "tier-name" not in _section(body, section_id)

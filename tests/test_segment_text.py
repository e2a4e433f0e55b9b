"""Segmentation of text dumps: block kinds in several languages, and robustness."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.flows.sources import RECORD_COLUMNS
from dateline.transforms import schema
from dateline.transforms.assembly.articles import build_article_tables
from dateline.transforms.text.blocks import add_block_features, count_link_gaps
from dateline.transforms.text.classify import CLASSIFIER_OUTPUTS, classify_blocks
from dateline.transforms.text.segment import segment_text, split_blocks, strip_header_date
from tests.conftest import SAMPLES_DIR, examples

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _kinds(text: str) -> list[tuple[str, str]]:
    docs = pl.DataFrame({"doc_id": [0], "text": [text]})
    blocks = segment_text(strip_header_date(docs))
    return list(zip(blocks["kind"].to_list(), blocks["text"].to_list(), strict=True))


def _tables(*texts: str):
    records = pl.DataFrame(
        {
            "source_uri": [f"/tmp/doc{i}.txt" for i in range(len(texts))],
            "source_path": [f"/tmp/doc{i}.txt" for i in range(len(texts))],
            "source_format": ["text"] * len(texts),
            "text": list(texts),
        }
    ).with_columns(
        pl.lit(None, pl.String).alias(c)
        for c in RECORD_COLUMNS
        if c not in ("source_uri", "source_path", "source_format", "text")
    )
    return build_article_tables(records.select(list(RECORD_COLUMNS)), run_id="t", ingested_at=STAMP)


# One dump per language: (text, title, byline line, subheadline, tags).
DUMPS = [
    (
        "es",
        "date 2025-05-26\nPolítica\nEl Congreso aprueba la nueva ley de vivienda tras meses de debate\n"
        "Por Laura Gómez\n26 de mayo de 2025\nCompartir\n"
        "El Congreso aprobó este lunes la nueva ley de vivienda con el apoyo de la mayoría parlamentaria, tras meses de negociaciones.\n"
        "La norma limita los precios del alquiler en las zonas tensionadas y amplía el parque público de viviendas.\n"
        "Reacciones de la oposición\n"
        "Los partidos de la oposición anunciaron que recurrirán la ley ante el Tribunal Constitucional en las próximas semanas.\n"
        "Etiquetas\nVivienda\nCongreso\n",
        "El Congreso aprueba la nueva ley de vivienda tras meses de debate",
        "Por Laura Gómez",
        "Reacciones de la oposición",
        ["Vivienda", "Congreso"],
    ),
    (
        "en",
        "date 2025-06-02\nWorld\nHarbour workers end week-long strike after pay deal\nBy Sarah O'Neill\n"
        "June 2, 2025 4:30 PM\nShare\nAdvertisement\n"
        "Harbour workers returned to their posts on Monday after a week-long strike ended with an agreement on pay.\n"
        "The deal raises wages by 6 percent this year and a further 4 percent next year, according to the union.\n"
        "Ships delayed for days\n"
        "More than 40 container ships waited outside the port during the strike, the port authority said on Monday.\n"
        "Tags\nLabour\nShipping\n",
        "Harbour workers end week-long strike after pay deal",
        "By Sarah O'Neill",
        "Ships delayed for days",
        ["Labour", "Shipping"],
    ),
    (
        "de",
        "date 2025-03-12\nStartseite\nStadtrat beschließt neues Radwegenetz für die Innenstadt\n"
        "12.03.2025, 18:40 Uhr • Lesezeit: 3 Minuten\nVon Anna Becker\nAnzeige\n"
        "Der Stadtrat hat am Mittwochabend mit großer Mehrheit ein neues Radwegenetz für die Innenstadt beschlossen.\n"
        "Die Entscheidung fiel nach einer mehr als dreistündigen Debatte über die wegfallenden Parkplätze.\n"
        "Kritik aus dem Einzelhandel\n"
        "Vertreter des Einzelhandels warnten vor sinkenden Umsätzen, wenn Kunden nicht mehr vor den Geschäften parken.\n"
        "Themen\nVerkehr\nStadtrat\n",
        "Stadtrat beschließt neues Radwegenetz für die Innenstadt",
        "Von Anna Becker",
        "Kritik aus dem Einzelhandel",
        ["Verkehr", "Stadtrat"],
    ),
    (
        "fr",
        "date 2025-09-20\nÉconomie\nLes vendanges commencent tôt après un été très chaud\nPar Claire Dubois\n"
        "Publié le 19/09/2025 à 08h15\nPartager\n"
        "Les vendanges ont commencé avec près de deux semaines d'avance dans plusieurs régions viticoles cette année.\n"
        "Les producteurs s'attendent à une récolte plus faible en volume, mais de bonne qualité selon les syndicats.\n"
        "Des vendangeurs difficiles à recruter\n"
        "Dans de nombreux domaines, le recrutement de saisonniers reste difficile malgré des salaires en hausse cette année.\n"
        "Mots-clés\nViticulture\nClimat\n",
        "Les vendanges commencent tôt après un été très chaud",
        "Par Claire Dubois",
        "Des vendangeurs difficiles à recruter",
        ["Viticulture", "Climat"],
    ),
    (
        "pt",
        "date 2025-01-15\nBrasil\nChuvas fortes deixam cidades em alerta no Sudeste do país\nPor João Silva\n"
        "15 de janeiro de 2025\nCompartilhar\n"
        "As chuvas intensas que atingiram a região Sudeste nesta quarta-feira deixaram várias cidades em estado de alerta.\n"
        "Em algumas áreas, o volume de chuva em poucas horas superou a média prevista para todo o mês de janeiro.\n"
        "Escolas fechadas na região\n"
        "As aulas foram suspensas em dezenas de escolas, e as autoridades recomendaram que a população evite sair de casa.\n"
        "Tags\nChuvas\nDefesa Civil\n",
        "Chuvas fortes deixam cidades em alerta no Sudeste do país",
        "Por João Silva",
        "Escolas fechadas na região",
        ["Chuvas", "Defesa Civil"],
    ),
    (
        "it",
        "date 2025-04-10\nCultura\nIl museo civico riapre dopo tre anni di restauri\nDi Giulia Rossi\n10 aprile 2025\nCondividi\n"
        "Il museo civico ha riaperto le sue porte al pubblico dopo tre anni di lavori di restauro dell'intero edificio.\n"
        "I visitatori potranno ammirare di nuovo le collezioni permanenti, arricchite da alcune opere dei depositi.\n"
        "Un nuovo percorso di visita\n"
        "Il nuovo allestimento propone un percorso cronologico, con sale dedicate alla storia della città e ai suoi artisti.\n"
        "Argomenti\nMusei\nRestauro\n",
        "Il museo civico riapre dopo tre anni di restauri",
        "Di Giulia Rossi",
        "Un nuovo percorso di visita",
        ["Musei", "Restauro"],
    ),
]


# The label printed above each dump's headline ("Startseite" is navigation, not a section).
SECTIONS = {
    "es": "Política",
    "en": "World",
    "de": None,
    "fr": "Économie",
    "pt": "Brasil",
    "it": "Cultura",
}


@pytest.mark.parametrize(
    ("language", "text", "title", "byline", "subheadline", "tags"), DUMPS, ids=[d[0] for d in DUMPS]
)
def test_block_kinds(language, text, title, byline, subheadline, tags) -> None:
    kinds = _kinds(text)
    by_kind: dict[str, list[str]] = {}
    for kind, block in kinds:
        by_kind.setdefault(kind, []).append(block)
    assert by_kind["title"] == [title]
    assert by_kind["byline"] == [byline]
    assert by_kind["subheadline"] == [subheadline]
    assert by_kind["tag"] == tags
    assert len(by_kind["paragraph"]) == 3
    assert len(by_kind["date"]) == 1
    assert "boilerplate" in by_kind
    tables = _tables(text)
    article = tables.articles.row(0, named=True)
    assert article["language"] == language
    assert article["title"] == title
    assert (
        article["published_date"] is not None and "date_from_header" not in article["quality_flags"]
    )
    assert tables.article_tags["tag"].to_list() == tags
    assert article["section"] == SECTIONS[language]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El presidente chino, , y su homólogo", 1),
        ("La alianza entre y Rusia es un factor", 1),
        ("the talks between and Russia, , said", 2),
        ("Gespräche zwischen und Russland ( ) gestern", 2),
        ("Une phrase tout à fait normale, et complète.", 0),
        ("Una frase normal, sin huecos, y completa.", 0),
    ],
)
def test_count_link_gaps(text: str, expected: int) -> None:
    counted = pl.select(count_link_gaps(pl.lit(text))).item()
    assert counted == expected


def test_caption_printed_twice_is_one_image() -> None:
    caption = "Firefighters at the scene on Monday. (Photo by Jane Roe / AFP)"
    text = (
        f"{caption}\n{caption}\nBy John Smith\n"
        "Firefighters fought a large blaze in the old town on Monday, officials said, and no one was hurt.\n"
        "The cause of the fire is not yet known, according to a statement released by the city on Monday evening.\n"
    )
    tables = _tables(text)
    assert tables.article_images["caption"].to_list() == ["Firefighters at the scene on Monday."]
    assert tables.image_credits.select("role", "name").rows() == [
        ("photographer", "Jane Roe"),
        ("agency", "AFP"),
    ]


def test_related_blocks() -> None:
    text = (
        "Title of a story about the economy today\nBy Ann Lee\n"
        "The economy grew faster than expected in the third quarter, the statistics office said on Tuesday.\n"
        "READ MORE: Inflation slows for a third month\n"
        "Exports rose by four percent, driven by strong demand for machinery and cars from abroad this year.\n"
        "You may also like\nMarkets rally on rate hopes\nOil prices fall again\n"
    )
    tables = _tables(text)
    assert tables.related_links.select("kind", "title").rows() == [
        ("read_also", "Inflation slows for a third month"),
        ("recommended", "Markets rally on rate hopes"),
        ("recommended", "Oil prices fall again"),
    ]


def test_reader_notice_ends_the_article() -> None:
    text = (
        "A headline about the harbour\n"
        "The harbour reopened on Monday after a week of repairs, the port authority said in a statement.\n"
        "Dear reader\nWe ask you not to copy our articles without permission from the publisher.\n"
    )
    body = _tables(text).articles["body_text"][0]
    assert "copy our articles" not in body


def test_tables_match_the_contract() -> None:
    tables = _tables(*(d[1] for d in DUMPS))
    for table in schema.ARTICLE_TABLES:
        assert tables.by_table()[table.name].schema == table.polars_schema
    assert tables.articles["article_id"].n_unique() == len(DUMPS)


def test_only_boilerplate_is_a_reject() -> None:
    tables = _tables("Home\nShare\nFacebook\nAdvertisement\n")
    assert tables.articles.height == 0
    assert tables.rejects["reason"].to_list() == ["no_article_text"]


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=400), min_size=1, max_size=4))
def test_never_raises_on_arbitrary_unicode(texts: list[str]) -> None:
    tables = _tables(*texts)
    assert tables.articles.height + tables.rejects.height == len(texts)
    for table in schema.ARTICLE_TABLES:
        assert tables.by_table()[table.name].schema == table.polars_schema


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([d[1] for d in DUMPS] + ["", "\n\n", "x"]), min_size=1, max_size=5))
def test_keeps_document_order_and_is_deterministic(texts: list[str]) -> None:
    first = _tables(*texts)
    second = _tables(*texts)
    assert first.articles.equals(second.articles)
    uris = first.articles["source_uri"].to_list()
    assert uris == sorted(uris, key=lambda u: int(u.removeprefix("/tmp/doc").removesuffix(".txt")))


@pytest.mark.parametrize(
    ("notice", "holder"),
    [
        (
            "Prohibida su reproducción sin autorización previa y expresa de Editorial Ejemplo S.A.",
            "Editorial Ejemplo S.A.",
        ),
        (
            "No part may be reproduced without the written permission of Example News Ltd.",
            "Example News Ltd",
        ),
        ("Vervielfältigung nur mit Genehmigung der Beispiel Verlag GmbH.", "Beispiel Verlag GmbH"),
        (
            "Toute reproduction interdite sans autorisation préalable de Groupe Exemple.",
            "Groupe Exemple",
        ),
        ("Proibida a reprodução sem autorização prévia da Editora Exemplo.", "Editora Exemplo"),
        (
            "Riproduzione vietata senza autorizzazione scritta della Società Esempio.",
            "Società Esempio",
        ),
        ("© 2025 Example Media Group. All rights reserved.", "Example Media Group"),
    ],
)
def test_rights_holder_from_notices(notice: str, holder: str) -> None:
    text = (
        "A headline about the harbour\n"
        "The harbour reopened on Monday after a week of repairs, the port authority said in a statement.\n"
        f"{notice}\n"
    )
    assert _tables(text).articles["rights_holder"].to_list() == [holder]


def test_photo_copyright_inside_the_body_is_no_rights_holder() -> None:
    text = (
        "A headline about the harbour\n"
        "The harbour reopened on Monday after a week of repairs, the port authority said in a statement.\n"
        "Cranes at the harbour on Monday.\n© Jane Roe\n"
        "Traffic is expected to return to normal levels by the end of the month, officials said on Monday.\n"
    )
    assert _tables(text).articles["rights_holder"].to_list() == [None]


def _author_names(text: str) -> list[str]:
    return _tables(text).article_authors.sort("position")["name"].to_list()


# Paragraphs per language, long enough to be prose: (language, first, second, third, fourth).
PROSE = {
    "es": (
        "El Gobierno aprobó este martes un nuevo plan de ayudas para los agricultores afectados por la sequía.",
        "Las ayudas llegarán a más de veinte mil explotaciones antes de que termine el verano, según el ministerio.",
        "Las organizaciones agrarias celebraron la medida, aunque reclamaron que los pagos se hagan con rapidez.",
        "La oposición criticó que el plan llegue tarde y pidió que se amplíe a los ganaderos de la meseta.",
    ),
    "en": (
        "The government approved a new aid plan on Tuesday for farmers hit hard by the long summer drought.",
        "The payments will reach more than twenty thousand farms before the end of the summer, the ministry said.",
        "Farming groups welcomed the plan, although they asked for the money to be paid out as quickly as possible.",
        "The opposition said the plan came too late and asked for it to be extended to livestock farmers as well.",
    ),
    "de": (
        "Die Regierung hat am Dienstag ein neues Hilfspaket für die von der Dürre betroffenen Landwirte beschlossen.",
        "Die Zahlungen sollen noch vor dem Ende des Sommers mehr als zwanzigtausend Betriebe erreichen, hieß es.",
        "Die Bauernverbände begrüßten das Paket, forderten aber, dass das Geld möglichst schnell ausgezahlt wird.",
        "Die Opposition kritisierte, das Paket komme zu spät, und verlangte eine Ausweitung auf die Tierhalter.",
    ),
    "fr": (
        "Le gouvernement a adopté mardi un nouveau plan d'aide pour les agriculteurs touchés par la sécheresse.",
        "Les aides doivent atteindre plus de vingt mille exploitations avant la fin de l'été, selon le ministère.",
        "Les syndicats agricoles ont salué la mesure, tout en demandant que les paiements soient versés rapidement.",
        "L'opposition a jugé que le plan arrivait trop tard et a demandé son extension aux éleveurs de la région.",
    ),
    "pt": (
        "O Governo aprovou nesta terça-feira um novo plano de ajuda para os agricultores afetados pela seca.",
        "Os apoios vão chegar a mais de vinte mil explorações antes do fim do verão, segundo o ministério.",
        "As associações agrícolas saudaram a medida, mas pediram que os pagamentos sejam feitos com rapidez.",
        "A oposição criticou o atraso do plano e pediu que seja alargado também aos criadores de gado do interior.",
    ),
    "it": (
        "Il governo ha approvato martedì un nuovo piano di aiuti per gli agricoltori colpiti dalla siccità estiva.",
        "I pagamenti raggiungeranno più di ventimila aziende agricole prima della fine dell'estate, ha detto il ministero.",
        "Le associazioni agricole hanno accolto il piano, chiedendo però che i soldi arrivino il prima possibile.",
        "L'opposizione ha criticato il ritardo del piano e ha chiesto di estenderlo anche agli allevatori del sud.",
    ),
}
HEADLINES = {
    "es": "El Gobierno aprueba un plan de ayudas contra la sequía",
    "en": "Government approves an aid plan for drought-hit farmers",
    "de": "Regierung beschließt Hilfspaket für Landwirte nach der Dürre",
    "fr": "Le gouvernement adopte un plan d'aide contre la sécheresse",
    "pt": "Governo aprova plano de ajuda contra a seca no interior",
    "it": "Il governo approva un piano di aiuti contro la siccità",
}
# (language, author printed first, joiner line, second author as printed, its name)
SPLIT_BYLINE_CASES = [
    ("es", "Laura Gómez", ",", "Pedro Ruiz", "Pedro Ruiz"),
    ("en", "Sarah Miller", "and", "John Carter", "John Carter"),
    ("de", "Konstantin Furrer", ",", "Anna Schneider", "Anna Schneider"),
    ("fr", "Claire Dubois", "et", "Julien Martin", "Julien Martin"),
    ("pt", "Ana Costa", "e", "Pedro Santos", "Pedro Santos"),
    ("it", "Marco Rossi", "e", "Giulia Bianchi", "Giulia Bianchi"),
]


@pytest.mark.parametrize(
    ("language", "first", "joiner", "second", "name"),
    SPLIT_BYLINE_CASES,
    ids=[c[0] for c in SPLIT_BYLINE_CASES],
)
def test_byline_split_over_lines_keeps_every_author(language, first, joiner, second, name) -> None:
    p1, p2, p3, _ = PROSE[language]
    text = f"{HEADLINES[language]}\n{p1}\nBy\n{first}\n{joiner}\n{second}\n{p2}\n{p3}\n"
    names = _author_names(text)
    assert first in names
    assert name in names


# (language, person in the photo, photo credit line, author)
CAPTION_NAME_CASES = [
    ("es", "Pedro Sánchez", "Foto: EFE/Juan Pérez", "Laura Gómez"),
    ("en", "Keir Starmer", "Photo: Reuters/Toby Melville", "Sarah Miller"),
    ("de", "Friedrich Merz", "Foto: REUTERS/Nadja Wohlleben", "Piotr Jendroszczyk"),
    ("fr", "Emmanuel Macron", "Photo: AFP/Ludovic Marin", "Claire Dubois"),
    ("pt", "Luís Montenegro", "Foto: Lusa/Tiago Petinga", "Ana Costa"),
    ("it", "Giorgia Meloni", "Foto: ANSA/Fabio Frustaci", "Marco Rossi"),
]


@pytest.mark.parametrize(
    ("language", "pictured", "credit", "author"),
    CAPTION_NAME_CASES,
    ids=[c[0] for c in CAPTION_NAME_CASES],
)
def test_name_over_a_photo_credit_is_no_byline(language, pictured, credit, author) -> None:
    p1, p2, p3, _ = PROSE[language]
    text = f"Politik\n{HEADLINES[language]}\n{p1}\n{pictured}\n{credit}\n{author}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]


# (language, the article's byline, a teaser's byline after four paragraphs)
LATE_BYLINE_CASES = [
    ("es", "Por Laura Gómez", "Por Pedro Ruiz"),
    ("en", "By Sarah Miller", "By John Carter"),
    ("de", "Von Christian Unger", "Von Birgitta Stauber"),
    ("fr", "Par Claire Dubois", "Par Julien Martin"),
    ("pt", "Por Ana Costa", "Por Pedro Santos"),
    ("it", "Di Marco Rossi", "Di Giulia Bianchi"),
]


@pytest.mark.parametrize(
    ("language", "byline", "late"), LATE_BYLINE_CASES, ids=[c[0] for c in LATE_BYLINE_CASES]
)
def test_byline_after_four_paragraphs_signs_something_else(language, byline, late) -> None:
    p1, p2, p3, p4 = PROSE[language]
    filler = "\n".join(f"{i}" for i in range(12))
    text = f"{HEADLINES[language]}\n{byline}\n{p1}\n{p2}\n{p3}\n{p4}\n{late}\n{p1} {p2}\n{filler}\n"
    assert _author_names(text) == [byline.split(" ", 1)[1]]


# (language, sign-off line at the end of the article, authors)
SIGN_OFF_CASES = [
    ("de", "Autorin/Autor Roman Goncharenko", ["Roman Goncharenko"]),
    ("de", "Autor/Autorin Anna Schneider", ["Anna Schneider"]),
    ("zh", "(责编：牛镛、岳弘彬)", ["牛镛", "岳弘彬"]),
    ("zh", "（责任编辑：王小明）", ["王小明"]),
    ("fr", "Auteur : Kossivi Tiassou", ["Kossivi Tiassou"]),
]


@pytest.mark.parametrize(
    ("language", "line", "authors"), SIGN_OFF_CASES, ids=[c[1] for c in SIGN_OFF_CASES]
)
def test_sign_off_at_the_end_signs_the_article(language, line, authors) -> None:
    p1, p2, p3, p4 = PROSE["de"]
    filler = "\n".join(["Mehr zum Thema", "Impressum", "Datenschutz", "Kontakt"] * 3)
    text = f"{HEADLINES['de']}\n{p1}\n{p2}\n{p3}\n{p4}\n{filler}\n{line}\n"
    assert _author_names(text) == authors


# (language, name with outlet and date stamp, author) inside a list of links.
STAMPED_BYLINE_CASES = [
    ("es", "Laura Gómez / DIARIO.ES / 2 sep 2024, 17:07", "Laura Gómez"),
    ("en", "Aashish Saxena / TIMESOFINDIA.COM / Sep 2, 2024, 17:07 IST", "Aashish Saxena"),
    ("de", "Anna Schneider / NEWS.DE / 02.09.2024, 17:07", "Anna Schneider"),
    ("fr", "Claire Dubois / INFO.FR / 2 septembre 2024, 17:07", "Claire Dubois"),
    ("pt", "Ana Costa / JORNAL.PT / 02.09.2024 17:07", "Ana Costa"),
    ("it", "Marco Rossi / NOTIZIE.IT / 2 settembre 2024, 17:07", "Marco Rossi"),
]


@pytest.mark.parametrize(
    ("language", "line", "author"), STAMPED_BYLINE_CASES, ids=[c[0] for c in STAMPED_BYLINE_CASES]
)
def test_stamped_byline_inside_a_link_list(language, line, author) -> None:
    p1, p2, p3, _ = PROSE[language]
    headline = HEADLINES[language]
    text = f"Trending\nMarkets\nWeather\n{headline}\n{line}\nShare\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]


def test_a_caption_beside_its_credit_is_not_the_title() -> None:
    text = "\n".join(
        [
            "Foto: APA/KEYSTONE/Cyril Zingaro",
            "The mayor of the town admitted failures in public",
            "Foto: APA/KEYSTONE/Cyril Zingaro",
            "Town admits failures after the fire",
            "The town council admitted serious failures after the fire on New Year's night. "
            "Inspections had not taken place for five years, the mayor said on Tuesday.",
            "By Anna Berg",
            "The fire broke out shortly after midnight in the basement of the bar, "
            "where more than a hundred people were celebrating the new year together.",
        ]
    )
    titles = [block for kind, block in _kinds(text) if kind == "title"]
    assert titles == ["Town admits failures after the fire"]


def _shuffled(blocks: pl.DataFrame) -> pl.DataFrame:
    return blocks.sample(fraction=1.0, shuffle=True, seed=7)


def _shuffled_within_documents(blocks: pl.DataFrame) -> pl.DataFrame:
    return _shuffled(blocks).sort("doc_id", maintain_order=True)


@pytest.mark.parametrize("reorder", [_shuffled, _shuffled_within_documents])
def test_block_kinds_do_not_depend_on_row_order(reorder):
    """Neighbour features read adjacent rows: blocks handed over out of document order
    (documents mixed, or each document's blocks out of order) get the same kinds as in order."""
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    docs = strip_header_date(
        pl.DataFrame(
            {"doc_id": range(len(samples)), "text": [p.read_text("utf-8") for p in samples]}
        )
    )
    blocks = split_blocks(docs).pipe(add_block_features)
    in_order = classify_blocks(blocks).select("doc_id", "block_no", "kind")
    out_of_order = classify_blocks(reorder(blocks)).select("doc_id", "block_no", "kind")
    assert len(samples) >= 3
    assert out_of_order.sort("doc_id", "block_no").equals(in_order)


def test_the_classifier_hands_on_its_input_and_its_promised_columns() -> None:
    """The stages' working columns stay inside: later code reads only what is promised."""
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    docs = pl.DataFrame(
        {"doc_id": range(len(samples)), "text": [p.read_text("utf-8") for p in samples]}
    )
    blocks = split_blocks(strip_header_date(docs)).pipe(add_block_features)
    classified = classify_blocks(blocks)
    added = [name for name in CLASSIFIER_OUTPUTS if name not in blocks.columns]
    assert classified.columns == blocks.columns + added
    assert added == ["has_inline_credit", "segment_kind", "title_no", "in_header", "kind"]
    assert classified.select("doc_id", "block_no", "text").equals(
        blocks.select("doc_id", "block_no", "text")
    )


@pytest.mark.parametrize(
    ("language", "heading", "name"),
    [
        ("en", "About the author", "Jane Roe"),
        ("de", "Über den Autor", "Anna Schneider"),
        ("ru", "Подписывайтесь на автора:", "Иван Петров"),
    ],
)
def test_name_under_an_about_the_author_heading_is_the_author(language, heading, name) -> None:
    # The article's language does not matter here: the heading cue does.
    p1, p2, p3, _ = PROSE["en"]
    text = f"{HEADLINES['en']}\n{p1}\n{p2}\n{p3}\n{heading}\n{name}\n"
    assert _author_names(text) == [name]


# (language, a heading or button shaped like a name, the article's author)
INTERFACE_HEADING_CASES = [
    ("de", "Noch Keine Kommentare", "Anna Schneider"),
    ("en", "Recent Comments", "Sarah Miller"),
    ("es", "Contenido Exclusivo", "Laura Gómez"),
    ("fr", "Articles Récents", "Claire Dubois"),
    ("it", "Ultime Notizie", "Marco Rossi"),
]


@pytest.mark.parametrize(
    ("language", "heading", "author"),
    INTERFACE_HEADING_CASES,
    ids=[c[0] for c in INTERFACE_HEADING_CASES],
)
def test_a_heading_shaped_like_a_name_does_not_sign_the_article(language, heading, author) -> None:
    p1, p2, p3, _ = PROSE[language]
    text = f"{HEADLINES[language]}\nPolitik\n{heading}\n{author}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]


def test_a_desk_word_alone_in_a_menu_is_no_byline() -> None:
    p1, p2, p3, _ = PROSE["de"]
    text = f"Politik\nRedaktion\nKontakt\n{HEADLINES['de']}\nVon Anna Schneider\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == ["Anna Schneider"]


def test_a_short_caption_in_a_script_without_spaces_keeps_its_credit() -> None:
    p1, p2, p3, _ = PROSE["en"]
    caption = "尹大統領の発言をテレビで見る国民（ソウルで、３日）＝ＡＰ"
    text = f"{HEADLINES['en']}\n{p1}\n{caption}\n{p2}\n{p3}\n"
    images = _tables(text).article_images.select("caption", "credit_raw").rows()
    assert images == [("尹大統領の発言をテレビで見る国民（ソウルで、３日）", "ＡＰ")]


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "This website uses cookies to improve your experience while you navigate."),
        ("de", "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern."),
        ("es", "Utilizamos cookies propias y de terceros para mejorar nuestros servicios."),
        ("fr", "Ce site utilise des cookies pour améliorer votre expérience de navigation."),
        ("pt", "Este site utiliza cookies para melhorar a sua experiência de navegação."),
        ("it", "Questo sito utilizza cookie tecnici e di profilazione per migliorare il servizio."),
    ],
)
def test_a_cookie_notice_after_the_story_closes_it(language, notice) -> None:
    p1, p2, p3, p4 = PROSE[language]
    table = "\n".join(
        f"cookie_{n} 11 months This cookie is set by the consent plugin to record the user "
        "consent for the cookies in this category and to remember it on later visits."
        for n in range(8)
    )
    text = f"{HEADLINES[language]}\n{p1}\n{p2}\n{p3}\n{notice}\n{table}\n"
    body = _tables(text).articles["body_text"][0]
    assert p3 in body and notice not in body and "consent plugin" not in body


# (language, a date line that carries the article's author, the author)
DATE_LINE_AUTHOR_CASES = [
    ("de", "22. Dezember 2019 von Peter Addor", "Peter Addor"),
    ("de", "Veröffentlicht am 12. Juni 2017 von gizzmo", "gizzmo"),
    ("en", "Posted on September 21, 2020 by Adi Tzlil", "Adi Tzlil"),
    ("en", "By Alissa Wilkinson@alissamarie Updated Jul 24, 2018, 2:15pm EDT", "Alissa Wilkinson"),
    ("fr", "jeudi 13 juin 2019, par Loïc Le Clerc", "Loïc Le Clerc"),
    ("de", "Evgenia Karp Zuletzt geändert am 06.11.2023", "Evgenia Karp"),
    ("de", "25.10.2022 - Reiner Nagel", "Reiner Nagel"),
]


@pytest.mark.parametrize(
    ("language", "line", "author"),
    DATE_LINE_AUTHOR_CASES,
    ids=[c[1] for c in DATE_LINE_AUTHOR_CASES],
)
def test_author_on_the_date_line(language, line, author) -> None:
    p1, p2, p3, _ = PROSE[language]
    text = f"{HEADLINES[language]}\n{line}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]


def test_the_signature_of_an_embedded_post_is_no_author() -> None:
    p1, p2, p3, _ = PROSE["en"]
    line = "— Jane Roe (@janeroe) March 16, 2020"
    text = f"{HEADLINES['en']}\n{line}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == []


def _published_dates(text: str) -> list:
    return [str(day) for day in _tables(text).articles["published_date"].to_list()]


def test_a_dump_dated_only_below_its_body_takes_its_first_date_line() -> None:
    p1, p2, p3, p4 = PROSE["de"]
    menu = "\n".join(["Startseite", "Themen", "Kontakt", "Impressum"])
    text = f"{menu}\n{HEADLINES['de']}\n{p1}\n{p2}\n{p3}\n{p4}\n10.11.2021\nTeilen\n{menu}\n03.01.2022\n"
    assert _published_dates(text) == ["2021-11-10"]


def test_the_scraper_stamp_comes_before_a_date_line_below_the_body() -> None:
    p1, p2, p3, p4 = PROSE["de"]
    menu = "\n".join(["Startseite", "Themen", "Kontakt", "Impressum"])
    text = (
        f"date 2021-11-12\n{menu}\n{HEADLINES['de']}\n{p1}\n{p2}\n{p3}\n{p4}\n10.11.2021\nTeilen\n"
    )
    assert _published_dates(text) == ["2021-11-12"]


def test_a_sign_off_in_the_first_half_of_a_long_dump_signs_the_article() -> None:
    p1, p2, p3, p4 = PROSE["de"]
    menu = "\n".join(["Mehr zum Thema", "Impressum", "Datenschutz", "Kontakt", "Anzeige"] * 6)
    text = f"{HEADLINES['de']}\n{p1}\n{p2}\n{p3}\n{p4}\nAutor: Fritz Imhof\n{menu}\n"
    assert _author_names(text) == ["Fritz Imhof"]


# (a head line that holds a date among more words, the author its byline prefix opens)
STAMPED_HEAD_LINE_CASES = [
    ("27. Januar 2014 by Barbara Russ / Kategorien: Event, Fashion", ["Barbara Russ"]),
    ("Telecom Italia hacked by Anonymous, 30,000 sets stolen", []),
]


@pytest.mark.parametrize(
    ("line", "authors"), STAMPED_HEAD_LINE_CASES, ids=[c[0] for c in STAMPED_HEAD_LINE_CASES]
)
def test_a_prefixed_author_on_a_dated_head_line(line, authors) -> None:
    p1, p2, p3, _ = PROSE["de"]
    text = f"{HEADLINES['de']}\n{line}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == authors


# (a headline printed after its breadcrumb trail, the title)
BREADCRUMB_TITLE_CASES = [
    (
        "Time 4 talks » Blog Archiv » Weitere Digitalisierung der Schweizer Kinos",
        "Weitere Digitalisierung der Schweizer Kinos",
    ),
    (
        "Forum>iPhone>Kein App Store mehr über mobile Daten mit iOS 13",
        "Kein App Store mehr über mobile Daten mit iOS 13",
    ),
    (
        "home / Politik / Regierung beschließt Hilfspaket für 20.000 Landwirte",
        "Regierung beschließt Hilfspaket für 20.000 Landwirte",
    ),
]


@pytest.mark.parametrize(
    ("line", "title"), BREADCRUMB_TITLE_CASES, ids=[c[1] for c in BREADCRUMB_TITLE_CASES]
)
def test_the_title_drops_the_breadcrumb_trail_before_it(line, title) -> None:
    p1, p2, p3, _ = PROSE["de"]
    text = f"{line}\n{p1}\n{p2}\n{p3}\n"
    assert _tables(text).articles["title"].to_list() == [title]


def test_furniture_printed_twice_does_not_outrank_the_headline() -> None:
    """A line the page prints twice earns less than a headline the lead repeats: the
    repeated line here is a link between paragraphs, not the story's title."""
    text = "\n".join(
        [
            "Supported by",
            "Harbour sale leaves the city council with little say",
            "Continue reading the main story",
            "Share",
            "Continue reading the main story",
            "The harbour sale agreed on Monday is a complicated deal, and it shows how the "
            "structure of a sale decides who gets a say in it.",
            "First, what the sale is not. It is not a sale of the harbour company itself but "
            "of the land it owns, which the council leases to it.",
            "The council will vote on the lease next month, but the sale itself needs no vote "
            "of the city council at all, the mayor said.",
            "Continue reading the main story",
            "Critics of the harbour sale say the council should have been asked before the "
            "deal was signed, and that the lease is worth less now.",
        ]
    )
    titles = [block for kind, block in _kinds(text) if kind == "title"]
    assert titles == ["Harbour sale leaves the city council with little say"]


# (language, a label alone on its line, the name on the next line, the author)
BYLINE_LABEL_CASES = [
    ("de", "Autor*in", "Anna Schneider (Medizinredakteurin. M.A. Kommunikation)", "Anna Schneider"),
    ("de", "Autor:in", "Anna Schneider", "Anna Schneider"),
    ("de", "Autor:innen", "Anna Schneider", "Anna Schneider"),
    ("en", "Published by", "Sarah Miller", "Sarah Miller"),
    ("en", "Posted by", "Sarah Miller", "Sarah Miller"),
    ("fr", "Auteur(s) :", "Claire Dubois", "Claire Dubois"),
]


@pytest.mark.parametrize(
    ("language", "label", "name", "author"),
    BYLINE_LABEL_CASES,
    ids=[c[1] for c in BYLINE_LABEL_CASES],
)
def test_a_name_under_a_label_alone_is_the_author(language, label, name, author) -> None:
    p1, p2, p3, p4 = PROSE[language]
    text = f"{HEADLINES[language]}\n{p1}\n{p2}\n{p3}\n{p4}\n{label}\n{name}\nTeilen\n"
    assert _author_names(text) == [author]


# (language, a button or standfirst between the name and the date line, the date line)
NAME_ABOVE_DATE_CASES = [
    ("en", "Follow", "Oct 18, 2019 · 8 min read"),
    ("de", "—", "31. Oktober 2023"),
    ("de", None, "26 Jan, 2022 09:22 Uhr"),
]


@pytest.mark.parametrize(
    ("language", "between", "date"),
    NAME_ABOVE_DATE_CASES,
    ids=[c[2] for c in NAME_ABOVE_DATE_CASES],
)
def test_a_name_under_the_title_two_lines_above_the_date_signs(language, between, date) -> None:
    p1, p2, p3, p4 = PROSE[language]
    author = "Sarah Miller" if language == "en" else "Anna Schneider"
    # Without a line between, the standfirst stands between the name and the date.
    between = p1 if between is None else between
    text = f"{HEADLINES[language]}\n{author}\n{between}\n{date}\n{p2}\n{p3}\n{p4}\n"
    assert _author_names(text) == [author]


# (language, a byline under the last paragraph of a page whose head prints none, authors)
CLOSING_BYLINE_CASES = [
    ("de", "Text: Anna Schneider", ["Anna Schneider"]),
    ("de", "Von Anna Schneider", ["Anna Schneider"]),
    ("en", "Posted by Sarah Miller", ["Sarah Miller"]),
    ("es", "Por Laura Gómez", ["Laura Gómez"]),
]


@pytest.mark.parametrize(
    ("language", "line", "authors"), CLOSING_BYLINE_CASES, ids=[c[1] for c in CLOSING_BYLINE_CASES]
)
def test_a_byline_under_the_last_paragraph_signs_the_article(language, line, authors) -> None:
    p1, p2, p3, p4 = PROSE[language]
    filler = "\n".join(["Impressum", "Datenschutz", "Kontakt"])
    text = f"{filler}\n{HEADLINES[language]}\n{p1}\n{p2}\n{p3}\n{p4}\n{line}\n{filler}\n"
    assert _author_names(text) == authors


@pytest.mark.parametrize(
    "line",
    [
        # a comment's stamp
        "John Carter 12.03.2024, 10:15",
        # a sentence that opens with a name and a job title
        "Tribune reporter Jane Roe says the decision marks a turning point:",
    ],
)
def test_a_stamp_or_sentence_under_the_last_paragraph_does_not_sign(line) -> None:
    p1, p2, p3, p4 = PROSE["en"]
    text = f"{HEADLINES['en']}\n{p1}\n{p2}\n{p3}\n{p4}\n{line}\nGreat read.\n"
    assert _author_names(text) == []


# (language, a bare name, the job title or newsroom on the line under it)
NAME_OVER_ROLE_CASES = [
    ("de", "Anna Schneider", "Chefredakteurin"),
    ("fr", "Claire Dubois", "Equipe de rédaction, La Presse"),
    ("en", "Sarah Miller", "Political Editor"),
]


@pytest.mark.parametrize(
    ("language", "name", "role"), NAME_OVER_ROLE_CASES, ids=[c[2] for c in NAME_OVER_ROLE_CASES]
)
def test_a_name_over_its_job_title_signs_the_article(language, name, role) -> None:
    p1, p2, p3, p4 = PROSE[language]
    text = f"{HEADLINES[language]}\n{p1}\n{p2}\n{p3}\n{p4}\n{name}\n{role}\nImpressum\n"
    assert _author_names(text) == [name]


@pytest.mark.parametrize(
    "lines", ["Business Magazin\nBusiness Directory", "Rechtsanwalt Berlin\nRechtsanwalt Hamburg"]
)
def test_a_menu_of_names_and_titles_does_not_sign(lines) -> None:
    p1, p2, p3, p4 = PROSE["de"]
    text = f"{HEADLINES['de']}\n{p1}\n{p2}\n{p3}\n{p4}\n{lines}\nImpressum\n"
    assert _author_names(text) == []


# (language, the date line beside the name above the headline)
NAME_ABOVE_TITLE_CASES = [("en", "9/11/13 10:00AM"), ("de", "2. Okt. 2022")]


@pytest.mark.parametrize(
    ("language", "date"), NAME_ABOVE_TITLE_CASES, ids=[c[1] for c in NAME_ABOVE_TITLE_CASES]
)
def test_a_name_beside_a_date_above_the_title_signs(language, date) -> None:
    p1, p2, p3, _ = PROSE[language]
    author = "Sarah Miller" if language == "en" else "Anna Schneider"
    text = f"{author}\n{date}\n{HEADLINES[language]}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]


def test_a_name_beside_a_date_far_above_the_title_does_not_sign() -> None:
    p1, p2, p3, _ = PROSE["en"]
    menu = "\n".join(["Markets", "Weather", "Sports", "Opinion", "Video", "Travel"])
    text = f"Top Gainer\nSep 2, 2024\n{menu}\n{HEADLINES['en']}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == []


@pytest.mark.parametrize(
    ("language", "line", "author"),
    [("de", "von Kathrin", "Kathrin"), ("en", "By oradmin", "oradmin")],
)
def test_a_prefix_and_one_name_under_the_title_signs(language, line, author) -> None:
    p1, p2, p3, _ = PROSE[language]
    text = f"{HEADLINES[language]}\n{line}\n{p1}\n{p2}\n{p3}\n"
    assert _author_names(text) == [author]

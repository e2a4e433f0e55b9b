"""Captions and photo credits: the seed, real-world credit forms per language, caption
splitting, credit-line detection, properties and a corpus measurement."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.flows.evaluation import CREDIT_STOP
from dateline.transforms.fields import credits as credits_module
from dateline.transforms.fields.credits import (
    is_credit_line,
    parse_photo_credits,
    split_caption_credit,
)
from dateline.transforms.schema import IMAGE_CREDITS
from tests.conftest import examples

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CORPUS_DIR = Path(
    os.environ.get("DATELINE_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)


def _parse(credit: str | None) -> list[tuple[str, str]]:
    images = pl.DataFrame(
        {"article_id": ["a"], "position": [0], "credit_raw": [credit]},
        schema={"article_id": pl.String, "position": pl.Int32, "credit_raw": pl.String},
    )
    out = parse_photo_credits(images)
    assert out["position"].to_list() == list(range(out.height))
    return list(zip(out["role"].to_list(), out["name"].to_list(), strict=True))


def _split(text: str | None) -> tuple[str | None, str | None, str | None]:
    frame = split_caption_credit(pl.DataFrame({"text": [text]}, schema={"text": pl.String}))
    row = frame.row(0, named=True)
    return row["caption"], row["credit_raw"], row["caption_label"]


# --- the seed -------------------------------------------------------------------------

SEED_CREDITS = [
    (
        "Photo by Vincent Thian and Brendan SMIALOWSKI / various sources / AFP",
        [
            ("photographer", "Vincent Thian"),
            ("photographer", "Brendan Smialowski"),
            ("source", "various sources"),
            ("agency", "AFP"),
        ],
    ),
    (
        "Photo by Vyacheslav PROKOFYEV / POOL / AFP",
        [("photographer", "Vyacheslav Prokofyev"), ("pool", "POOL"), ("agency", "AFP")],
    ),
]


@pytest.mark.parametrize(("credit", "expected"), SEED_CREDITS)
def test_seed_credits(credit: str, expected: list[tuple[str, str]]) -> None:
    assert _parse(credit) == expected


def test_seed_gold_images() -> None:
    gold_path = SEED_DIR / "000_87e5fbe07bd337ee.gold.json"
    if not gold_path.exists():
        pytest.skip(f"seed gold not found at {gold_path}")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    lines = (SEED_DIR / "000_87e5fbe07bd337ee.txt").read_text(encoding="utf-8").splitlines()
    for image in gold["images"]:
        line = next(x for x in lines if x.startswith(image["caption"][:60]))
        caption, credit, label = _split(line)
        assert caption == image["caption"]
        assert credit == image["credit_raw"]
        assert label == image["caption_label"]
        expected = [(c["role"], c["name"]) for c in image["credits"]]
        assert _parse(credit) == expected


# --- credit forms per language family -----------------------------------------------

CREDIT_FORMS = {
    "es": [
        ("EFE/ Chema Moya", [("agency", "EFE"), ("photographer", "Chema Moya")]),
        (
            "Álex Cámara - Europa Press / Europa Press",
            [("photographer", "Álex Cámara"), ("agency", "Europa Press")],
        ),
        ("Foto: Agencia EFE", [("agency", "EFE")]),
        (
            "Emergencias Andalucía/EFE",
            [("source", "Emergencias Andalucía"), ("agency", "EFE")],
        ),
        (
            "Fotos: Juan Pérez y María López / AFP",
            [("photographer", "Juan Pérez"), ("photographer", "María López"), ("agency", "AFP")],
        ),
        ("(Foto: Reuters)", [("agency", "Reuters")]),
        ("EFE/Archivo", [("agency", "EFE")]),
        ("Foto de archivo: Kiko Huesca/EFE", [("photographer", "Kiko Huesca"), ("agency", "EFE")]),
        (
            "Cedida por la 'Plataforma por unas Fiestas de San Isidro Respetuosas'",
            [("source", "Plataforma por unas Fiestas de San Isidro Respetuosas")],
        ),
        (
            "@Plan_INFOCA via X / Reuters",
            [("other", "@Plan_INFOCA"), ("source", "X"), ("agency", "Reuters")],
        ),
    ],
    "en": [
        ("AP Photo/Evan Vucci", [("agency", "AP"), ("photographer", "Evan Vucci")]),
        ("AFP via Getty Images", [("agency", "AFP"), ("agency", "Getty Images")]),
        (
            "Niall Carson/PA Images via Getty Images",
            [("photographer", "Niall Carson"), ("agency", "PA"), ("agency", "Getty Images")],
        ),
        ("Photograph: Eva Manez/Reuters", [("photographer", "Eva Manez"), ("agency", "Reuters")]),
        ("Credit: PA", [("agency", "PA")]),
        (
            "Tom Brenner for The Washington Post via Getty Images",
            [
                ("photographer", "Tom Brenner"),
                ("source", "The Washington Post"),
                ("agency", "Getty Images"),
            ],
        ),
        ("Photo by - /AFP via Getty Images", [("agency", "AFP"), ("agency", "Getty Images")]),
        (
            "Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
            [("photographer", "Frank Franklin II"), ("agency", "AP")],
        ),
        (
            "Handout/English Montreal School Board/AFP via Getty Images",
            [
                ("source", "Handout"),
                ("source", "English Montreal School Board"),
                ("agency", "AFP"),
                ("agency", "Getty Images"),
            ],
        ),
        ("Northumbria Police / SWNS", [("source", "Northumbria Police"), ("agency", "SWNS")]),
        ("Xinhua/Li Xueren", [("agency", "Xinhua"), ("photographer", "Li Xueren")]),
    ],
    "de": [
        (
            "Zac Goodwin/Press Association/dpa/Archiv",
            [("photographer", "Zac Goodwin"), ("agency", "PA"), ("agency", "dpa")],
        ),
        ("© dpa | Jens Kalaene", [("agency", "dpa"), ("photographer", "Jens Kalaene")]),
        (
            "picture alliance / ASSOCIATED PRESS",
            [("agency", "picture alliance"), ("agency", "AP")],
        ),
        ("Foto: Privat", [("source", "Privat")]),
        ("IMAGO/Sven Simon", [("agency", "imago"), ("photographer", "Sven Simon")]),
        ("Quelle: Truth Social", [("source", "Truth Social")]),
        ("Uncredited/AP/dpa", [("agency", "AP"), ("agency", "dpa")]),
        (
            "Philipp von Ditfurth/dpa",
            [("photographer", "Philipp von Ditfurth"), ("agency", "dpa")],
        ),
        (
            "Bild: SN/APA/KEYSTONE/CYRIL ZINGARO",
            [
                ("other", "SN"),
                ("agency", "APA"),
                ("agency", "Keystone"),
                ("photographer", "Cyril Zingaro"),
            ],
        ),
        (
            "imago/Marius Schwarz | IMAGO/Marius Schwarz",
            [("agency", "imago"), ("photographer", "Marius Schwarz")],
        ),
    ],
    "fr": [
        ("HANDOUT / AFP", [("source", "HANDOUT"), ("agency", "AFP")]),
        ("Photo : Ludovic MARIN / AFP", [("photographer", "Ludovic Marin"), ("agency", "AFP")]),
        ("Tous droits réservés Euronews", [("other", "Euronews")]),
        ("Fred Scheiber/SIPA", [("photographer", "Fred Scheiber"), ("agency", "SIPA")]),
        (
            "Crédit photo : Stéphane de Sakutin / AFP",
            [("photographer", "Stéphane de Sakutin"), ("agency", "AFP")],
        ),
        ("© Thomas Samson / AFP", [("photographer", "Thomas Samson"), ("agency", "AFP")]),
        (
            "Photographie : Jean-Claude Coutausse pour Le Monde",
            [("photographer", "Jean-Claude Coutausse"), ("source", "Le Monde")],
        ),
        (
            "STEPHANE DE SAKUTIN / AFP",
            [("photographer", "Stephane de Sakutin"), ("agency", "AFP")],
        ),
        (
            "(c) Maxppp - Christophe Morin",
            [("agency", "MAXPPP"), ("photographer", "Christophe Morin")],
        ),
    ],
    "pt": [
        ("Foto: Ricardo Stuckert/PR", [("photographer", "Ricardo Stuckert"), ("source", "PR")]),
        (
            "Foto: Marcelo Camargo/Agência Brasil",
            [("photographer", "Marcelo Camargo"), ("agency", "Agência Brasil")],
        ),
        (
            "Crédito: João Silva e Ana Costa",
            [("photographer", "João Silva"), ("photographer", "Ana Costa")],
        ),
        (
            "Fotografia de Tiago Petinga / Lusa",
            [("photographer", "Tiago Petinga"), ("agency", "Lusa")],
        ),
        (
            "Imagem: Reuters/Adriano Machado",
            [("agency", "Reuters"), ("photographer", "Adriano Machado")],
        ),
        ("Foto: Divulgação", [("source", "Divulgação")]),
        ("© Lusa", [("agency", "Lusa")]),
        ("Créditos: Arquivo pessoal", [("source", "Arquivo pessoal")]),
    ],
    "it": [
        ("Foto ANSA/Ettore Ferrari", [("agency", "ANSA"), ("photographer", "Ettore Ferrari")]),
        ("ANSA/ANGELO CARCONI", [("agency", "ANSA"), ("photographer", "Angelo Carconi")]),
        (
            "Foto di Roberto Monaldo / LaPresse",
            [("photographer", "Roberto Monaldo"), ("agency", "LaPresse")],
        ),
        ("Credito: Getty Images", [("agency", "Getty Images")]),
        ("(Foto: Imagoeconomica)", [("agency", "Imagoeconomica")]),
        ("Foto: Ufficio stampa", [("source", "Ufficio stampa")]),
        (
            "Immagine: Reuters/Remo Casilli",
            [("agency", "Reuters"), ("photographer", "Remo Casilli")],
        ),
        (
            "Foto LaPresse - Mourad Balti Touati",
            [("agency", "LaPresse"), ("photographer", "Mourad Balti Touati")],
        ),
    ],
    "other scripts": [
        ("潟沼義樹撮影", [("photographer", "潟沼義樹")]),
        ("ＡＰ", [("agency", "AP")]),
        ("김혜진 기자", [("photographer", "김혜진")]),
        ("연합뉴스", [("agency", "Yonhap")]),
    ],
}


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        pytest.param(credit, expected, id=f"{language}: {credit}")
        for language, forms in CREDIT_FORMS.items()
        for credit, expected in forms
    ],
)
def test_parse_credit_forms(credit: str, expected: list[tuple[str, str]]) -> None:
    assert _parse(credit) == expected


@pytest.mark.parametrize("credit", [None, "", "   ", "-", "Archiv", "All rights reserved."])
def test_parse_empty_credits_give_no_rows(credit: str | None) -> None:
    assert _parse(credit) == []


def test_parse_keeps_image_order_and_schema() -> None:
    images = pl.DataFrame(
        {
            "article_id": ["b", "a", "a", "a"],
            "position": [0, 2, 0, 1],
            "credit_raw": ["dpa", "EFE/Chema Moya", "AFP via Getty Images", None],
        }
    )
    out = parse_photo_credits(images)
    assert out.schema == IMAGE_CREDITS.polars_schema
    assert out.select("article_id", "image_position", "position", "name").rows() == [
        ("b", 0, 0, "dpa"),
        ("a", 2, 0, "EFE"),
        ("a", 2, 1, "Chema Moya"),
        ("a", 0, 0, "AFP"),
        ("a", 0, 1, "Getty Images"),
    ]


# --- captions -------------------------------------------------------------------------

CAPTIONS = [
    # en
    (
        "India launched missiles into Pakistan and Kashmir Wednesday. Photo by Kevin S. Vineys /AP",
        "India launched missiles into Pakistan and Kashmir Wednesday.",
        "Photo by Kevin S. Vineys /AP",
        None,
    ),
    (
        "Should she win, Connolly will succeed Michael D. Higgins. | Niall Carson/PA Images",
        "Should she win, Connolly will succeed Michael D. Higgins.",
        "Niall Carson/PA Images",
        None,
    ),
    (
        "Rebecca Cooke supporting Phil Foden at the Qatar World CupCredit: PA",
        "Rebecca Cooke supporting Phil Foden at the Qatar World Cup",
        "Credit: PA",
        None,
    ),
    (
        "Gumb in The Silence of the Lambs film(Image: Strong Heart Productions/Orion Pictures)",
        "Gumb in The Silence of the Lambs film",
        "Image: Strong Heart Productions/Orion Pictures",
        None,
    ),
    (
        "FILES - Supporters gather in Caracas. (Photo by Juan BARRETO / AFP)",
        "FILES - Supporters gather in Caracas.",
        "Photo by Juan BARRETO / AFP",
        "FILES",
    ),
    ("Getty Images/Juanmonino", None, "Getty Images/Juanmonino", None),
    # es
    (
        "Verstappen y Russell, durante la primera vuelta del GP de Qatar.AFP",
        "Verstappen y Russell, durante la primera vuelta del GP de Qatar.",
        "AFP",
        None,
    ),
    (
        "Cientos de personas en Madrid (España).Gustavo Valiente / Europa Press",
        "Cientos de personas en Madrid (España).",
        "Gustavo Valiente / Europa Press",
        None,
    ),
    (
        "Arnaldo Báez intenta marcharse de un defensor. (Edu Luque)",
        "Arnaldo Báez intenta marcharse de un defensor.",
        "Edu Luque",
        None,
    ),
    (
        "ARCHIVO: El presidente habla en Madrid. EFE/ Chema Moya",
        "ARCHIVO: El presidente habla en Madrid.",
        "EFE/ Chema Moya",
        "ARCHIVO",
    ),
    ("Una foto del presidente - Europa Press", "Una foto del presidente", "Europa Press", None),
    # de
    (
        "Das Wohn- und Pflegeheim in Nußdorf-Debant © Gemeinde Nußdorf-Debant",
        "Das Wohn- und Pflegeheim in Nußdorf-Debant",
        "Gemeinde Nußdorf-Debant",
        None,
    ),
    (
        "Die Ex-Außenministerin tritt ihren neuen Job an. (Archivbild) © AP/dpa | Richard Drew",
        "Die Ex-Außenministerin tritt ihren neuen Job an. (Archivbild)",
        "AP/dpa | Richard Drew",
        None,
    ),
    (
        "Kawasaki wie 2024 wird es 2025 nicht mehr geben, Foto: LAT Images",
        "Kawasaki wie 2024 wird es 2025 nicht mehr geben",
        "Foto: LAT Images",
        None,
    ),
    (
        "Ein Mitglied bei einer Kundgebung. (Archivbild) (Quelle: IMAGO/Mahmoud Issa)",
        "Ein Mitglied bei einer Kundgebung. (Archivbild)",
        "Quelle: IMAGO/Mahmoud Issa",
        None,
    ),
    (
        "Mario Voigt (CDU) und Björn Höcke (AfD)",
        "Mario Voigt (CDU) und Björn Höcke (AfD)",
        None,
        None,
    ),
    (
        "Welche Folgen der Zinsentscheid hat. (Symbolfoto)",
        "Welche Folgen der Zinsentscheid hat. (Symbolfoto)",
        None,
        None,
    ),
    ("(ARCHIV) Der Reichstag in Berlin", "(ARCHIV) Der Reichstag in Berlin", None, "ARCHIV"),
    # fr
    (
        "Des pompiers ukrainiens à Dnipro en Ukraine. HANDOUT / AFP",
        "Des pompiers ukrainiens à Dnipro en Ukraine.",
        "HANDOUT / AFP",
        None,
    ),
    (
        "Une légère hausse (+1,3 %) au premier semestre. (Fred Scheiber/SIPA)",
        "Une légère hausse (+1,3 %) au premier semestre.",
        "Fred Scheiber/SIPA",
        None,
    ),
    (
        "Le président Macron à l'Élysée. Photographie : Ludovic Marin / AFP",
        "Le président Macron à l'Élysée.",
        "Photographie : Ludovic Marin / AFP",
        None,
    ),
    # pt
    (
        "O presidente Lula durante cerimônia em Brasília. Foto: Ricardo Stuckert/PR",
        "O presidente Lula durante cerimônia em Brasília.",
        "Foto: Ricardo Stuckert/PR",
        None,
    ),
    (
        "Incêndio atinge a serra da Estrela | Foto: Paulo Novais/Lusa",
        "Incêndio atinge a serra da Estrela",
        "Foto: Paulo Novais/Lusa",
        None,
    ),
    # it
    (
        "Il presidente Mattarella al Quirinale. (Foto ANSA/Ettore Ferrari)",
        "Il presidente Mattarella al Quirinale.",
        "Foto ANSA/Ettore Ferrari",
        None,
    ),
    (
        "(COMBO) Il premier e il ministro a Roma. Credito: Getty Images",
        "(COMBO) Il premier e il ministro a Roma.",
        "Credito: Getty Images",
        "COMBO",
    ),
    # ja / ko
    (
        "移送のため警視庁を出る岩本絹子容疑者＝13日、東京・霞ケ関で（潟沼義樹撮影）",
        "移送のため警視庁を出る岩本絹子容疑者＝13日、東京・霞ケ関で",
        "潟沼義樹撮影",
        None,
    ),
    (
        "尹大統領の発言をテレビで見る国民（ソウルで、３日）＝ＡＰ",
        "尹大統領の発言をテレビで見る国民（ソウルで、３日）",
        "ＡＰ",
        None,
    ),
    ("후보가 연설하고 있다. 연합뉴스", "후보가 연설하고 있다.", "연합뉴스", None),
    # A label written with "=", as Korean captions do.
    (
        "후보가 유세하는 모습. [사진 출처 = 선거 캠프]",
        "후보가 유세하는 모습.",
        "사진 출처 = 선거 캠프",
        None,
    ),
    (
        "시민들이 광장에 모여 있다. [사진=연합뉴스]",
        "시민들이 광장에 모여 있다.",
        "사진=연합뉴스",
        None,
    ),
    # nothing
    (
        "Nur ein normaler Satz ohne Bildnachweis.",
        "Nur ein normaler Satz ohne Bildnachweis.",
        None,
        None,
    ),
    ("", None, None, None),
    (None, None, None, None),
]


@pytest.mark.parametrize(("text", "caption", "credit", "label"), CAPTIONS)
def test_split_caption_credit(
    text: str | None, caption: str | None, credit: str | None, label: str | None
) -> None:
    assert _split(text) == (caption, credit, label)


# Credits without a cue, known by their shape, and the parties they give: a name working
# for an outlet, a name with a dated copyright notice (AP style), a name with a title in a
# script without case.
CREDIT_SHAPES = {
    "name for outlet": [
        (
            "A sign for the Etlaq spaceport along a desert road south of Duqm. "
            "Tara Atkinson for Rest of World",
            "A sign for the Etlaq spaceport along a desert road south of Duqm.",
            "Tara Atkinson for Rest of World",
            [("photographer", "Tara Atkinson"), ("source", "Rest of World")],
        ),
        (
            "Waiting at the border crossing near El Paso. "
            "Tom Brenner for The Washington Post via Getty Images",
            "Waiting at the border crossing near El Paso.",
            "Tom Brenner for The Washington Post via Getty Images",
            [
                ("photographer", "Tom Brenner"),
                ("source", "The Washington Post"),
                ("agency", "Getty Images"),
            ],
        ),
        (
            "Le président arrive à l'Élysée. Jean-Claude Coutausse pour Le Monde",
            "Le président arrive à l'Élysée.",
            "Jean-Claude Coutausse pour Le Monde",
            [("photographer", "Jean-Claude Coutausse"), ("source", "Le Monde")],
        ),
        (
            "Protesta frente al Congreso en Madrid. Juan Carlos Pérez para El País",
            "Protesta frente al Congreso en Madrid.",
            "Juan Carlos Pérez para El País",
            [("photographer", "Juan Carlos Pérez"), ("source", "El País")],
        ),
    ],
    "name/copyright": [
        (
            "Der Sicherheitsrat tagt am Montag, 5. Januar 2026 im UN-Hauptquartier "
            "Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
            "Der Sicherheitsrat tagt am Montag, 5. Januar 2026 im UN-Hauptquartier",
            "Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
            [("photographer", "Frank Franklin II"), ("agency", "AP")],
        ),
        (
            "Michael Waltz spricht vor dem Sicherheitsrat. "
            "Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
            "Michael Waltz spricht vor dem Sicherheitsrat.",
            "Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
            [("photographer", "Frank Franklin II"), ("agency", "AP")],
        ),
        (
            "Tausende bei einer Kundgebung in Tiflis. - "
            "Copyright Shakh Aivazov/Copyright 2024 The AP. All rights reserved",
            "Tausende bei einer Kundgebung in Tiflis.",
            "Copyright Shakh Aivazov/Copyright 2024 The AP. All rights reserved",
            [("photographer", "Shakh Aivazov"), ("agency", "AP")],
        ),
        (
            "Supporters wave flags in Caracas. J. Scott Applewhite/© 2025 AP",
            "Supporters wave flags in Caracas.",
            "J. Scott Applewhite/© 2025 AP",
            [("photographer", "J. Scott Applewhite"), ("agency", "AP")],
        ),
    ],
    "name and title": [
        (
            "순천 시민들에게 큰절을 올리고 있다. 고영권 기자",
            "순천 시민들에게 큰절을 올리고 있다.",
            "고영권 기자",
            [("photographer", "고영권")],
        ),
        (
            "한동훈 전 대표 제명 결정에 대한 입장을 밝히고 있다. 민경석 사진기자",
            "한동훈 전 대표 제명 결정에 대한 입장을 밝히고 있다.",
            "민경석 사진기자",
            [("photographer", "민경석")],
        ),
        (
            "記者会見に臨む首相＝首相官邸で。山田太郎撮影",
            "記者会見に臨む首相＝首相官邸で。",
            "山田太郎撮影",
            [("photographer", "山田太郎")],
        ),
    ],
}


@pytest.mark.parametrize(
    ("text", "caption", "credit", "parties"),
    [
        pytest.param(*case, id=f"{shape}: {case[2]}")
        for shape, cases in CREDIT_SHAPES.items()
        for case in cases
    ],
)
def test_split_credit_shapes(
    text: str, caption: str, credit: str, parties: list[tuple[str, str]]
) -> None:
    assert _split(text) == (caption, credit, None)
    assert _parse(credit) == parties


# Look-alikes of those shapes that are captions or prose without a credit.
NOT_CREDIT_SHAPES = [
    # no sentence end before the name, or a sentence after the outlet
    "Einer rief: Anna Weber für Die Zeit",
    # German capitalises nouns: "für" after two of them is a phrase, not an employer
    "Demonstration vor dem Kanzleramt. Tausende Menschen für Klimaschutz",
    "He waved. Tara Atkinson for Rest of World.",
    # one name word, or an outlet in lower case
    "The march reached the capital. Votes for Women",
    "The team trained hard. Coach Smith for the Lions",
    # a copyright notice without a name before it, or without a year
    "Die Bühne im Theater. Copyright 2024 The AP. All rights reserved.",
    "Die Bühne im Theater Frank Franklin/Copyright The AP",
    # a title without a name, or a name inside the sentence
    "회견이 열렸다. 기자",
    "민경석 기자가 현장을 취재하고 있다.",
]


@pytest.mark.parametrize("text", NOT_CREDIT_SHAPES)
def test_split_leaves_look_alikes_of_credit_shapes(text: str) -> None:
    assert _split(text)[1] is None


def test_split_caption_credit_keeps_rows_and_columns() -> None:
    frame = pl.DataFrame({"id": [1, 2], "body": ["A caption. © dpa", "No credit"]})
    out = split_caption_credit(frame, text="body")
    assert out.columns == ["id", "body", "caption", "credit_raw", "caption_label"]
    assert out["id"].to_list() == [1, 2]


# --- credit lines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Future Publishing/Getty Images",
        "Mike Marsland/Getty Images",
        "© dpa",
        "Foto: Reuters",
        "AP Photo/Evan Vucci",
        "Xinhua/Li Xueren",
        "picture alliance / ASSOCIATED PRESS",
        "Álex Cámara - Europa Press",
        "AFP via Getty Images",
        "Bild: Max Muster",
        "Tous droits réservés Euronews",
        "IMAGO/Sven Simon",
        "Foto: dpa",
        "Crédito: Gustavo Valiente",
        "EFE/Chema Moya",
        "Photo : Ludovic Marin / AFP",
        "Foto: Marcelo Camargo/Agência Brasil",
        "Foto ANSA/Ettore Ferrari",
        "(Foto: Reuters)",
        "Courtesy of the artist",
        "Crédit photo : Thomas Samson / AFP",
    ],
)
def test_is_credit_line_true(line: str) -> None:
    assert pl.select(is_credit_line(pl.lit(line))).item() is True


@pytest.mark.parametrize(
    "line",
    [
        "By Amanda Krause",
        "Redacción Gestión",
        "Reuters",  # an agency alone is a byline as often as a credit
        "El presidente habló ayer en Madrid.",
        "Por Juan Pérez",
        "Der Kanzler reist nach Paris und Brüssel.",
        "Von Anna Schmidt",
        "Die Grünen/EFA fordern mehr Geld für Klimaschutz",
        "Le gouvernement annonce une réforme des retraites",
        "O presidente Lula visitou a fábrica.",
        "Il governo approva la manovra",
        "Why the photo went viral",
        "Trump/Putin: what the summit means for Europe",
        "Alianza China-Rusia",
        "LEA TAMBIÉN",
        "",
    ],
)
def test_is_credit_line_false(line: str) -> None:
    assert pl.select(is_credit_line(pl.lit(line))).item() is False


def test_is_credit_line_null_is_false() -> None:
    frame = pl.DataFrame({"t": [None]}, schema={"t": pl.String})
    assert frame.select(is_credit_line(pl.col("t"))).item() is False


# --- properties -----------------------------------------------------------------------

# Text built from credit-like pieces, so that the cue paths are exercised, not only noise.
CREDITISH = st.lists(
    st.sampled_from(list("aBcÉ /|-()©:.,ＡП潟 ") + ["AFP", "Foto:", " via ", " and ", "Photo by "]),
    max_size=20,
).map("".join)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), CREDITISH), max_size=6))
def test_functions_never_raise(values: list[str | None]) -> None:
    frame = pl.DataFrame({"text": values}, schema={"text": pl.String})
    split = split_caption_credit(frame)
    assert split.height == frame.height
    lines = frame.select(is_credit_line(pl.col("text")))
    assert lines.height == frame.height
    images = split.select(
        pl.lit("a").alias("article_id"),
        pl.int_range(pl.len(), dtype=pl.Int32).alias("position"),
        pl.coalesce("credit_raw", "text").alias("credit_raw"),
    )
    credits = parse_photo_credits(images)
    assert credits.schema == IMAGE_CREDITS.polars_schema
    # image order kept, positions contiguous per image
    assert credits["image_position"].to_list() == sorted(credits["image_position"].to_list())
    for _, group in credits.group_by("image_position"):
        assert group["position"].to_list() == list(range(group.height))


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.one_of(st.text(), CREDITISH), max_size=6))
def test_split_caption_credit_is_idempotent_on_captions(values: list[str]) -> None:
    once = split_caption_credit(pl.DataFrame({"text": values}, schema={"text": pl.String}))
    without_credit = once.filter(pl.col("credit_raw").is_null())
    again = split_caption_credit(without_credit.select("text"))
    assert again["credit_raw"].null_count() == again.height


# --- corpus ---------------------------------------------------------------------------

# METRICS.md, "credits": stop words removed from credit tokens (one list, the scorer's).
CREDIT_TOKEN = re.compile(r"[^\W\d_]{2,}")
MIN_CORPUS_SHARE_WITH_CREDIT = 0.97
MIN_CORPUS_CREDIT_F1 = 0.93


def _credit_tokens(strings: list[str]) -> set[str]:
    tokens: set[str] = set()
    for text in strings:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        tokens |= set(CREDIT_TOKEN.findall(stripped))
    return tokens - CREDIT_STOP


@pytest.mark.corpus
def test_corpus_credit_strings() -> None:
    fundus = CORPUS_DIR / "fundus"
    gold_files = sorted(fundus.glob("*/*.gold.json"))
    if not gold_files:
        pytest.skip(f"gold corpus not found under {fundus} (set DATELINE_CORPUS_DIR)")
    rows: list[tuple[str, int, str]] = []
    for path in gold_files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        for image_index, image in enumerate(gold.get("images") or []):
            for credit_index, credit in enumerate(image.get("credits") or []):
                rows.append((gold["id"], image_index * 1000 + credit_index, credit))
    images = pl.DataFrame(
        rows,
        schema={"article_id": pl.String, "position": pl.Int32, "credit_raw": pl.String},
        orient="row",
    )
    names = parse_photo_credits(images).group_by("article_id", "image_position").agg("name")
    predicted = {(a, p): n for a, p, n in names.iter_rows()}

    non_empty = [r for r in rows if r[2].strip()]
    share = sum((a, p) in predicted for a, p, _ in non_empty) / len(non_empty)

    by_article: dict[str, list[tuple[int, str]]] = {}
    for article_id, position, credit in rows:
        by_article.setdefault(article_id, []).append((position, credit))
    tp = fp = fn = 0
    for article_id, credits in by_article.items():
        gold_tokens = _credit_tokens([c for _, c in credits])
        if not gold_tokens:
            continue
        predicted_tokens = _credit_tokens(
            [n for p, _ in credits for n in predicted.get((article_id, p), [])]
        )
        tp += len(gold_tokens & predicted_tokens)
        fp += len(predicted_tokens - gold_tokens)
        fn += len(gold_tokens - predicted_tokens)
    f1 = 2 * tp / (2 * tp + fp + fn)
    print(
        f"\ncorpus credits: {len(non_empty)} strings, {share:.3f} give >= 1 credit; "
        f"credit-token micro F1 {f1:.3f} (TP {tp}, FP {fp}, FN {fn})"
    )
    assert share >= MIN_CORPUS_SHARE_WITH_CREDIT
    assert f1 >= MIN_CORPUS_CREDIT_F1


# --- pre-screens ----------------------------------------------------------------------
# The costly checks run only on values that pass cheap pre-screens; a screen may let
# through values the check then rejects, but it must never drop one the check accepts.

SCREEN_PIECES = st.one_of(
    CREDITISH,
    st.sampled_from(
        ["ＡＦＰ", "ＡＰ", "\u00a0", "\u3000", "\u200b", "AFP\u0301", "©2024AFP", "copyrightEFE",
         "Tous droits réservésAFP", "Foto ANSA", " / ", " | ", " - ", "（共同）", "＝ＡＰ", "Getty\u00a0Images",
         "Reuters.", "x", "X", "dr.", "DR", "Dr. Müller", "pool", "zvg.", "s.a.", "(c)", "（ｃ）",
         "İbn", "ſ", "Kelvin K", "Photo: ", "Crédito: ", "Bild: ", "EFE", "dpa", "Ana Gil", ".",
         "Handout", "via", "Instagram", "@user", "Golem.de", "-", "撮影", "연합뉴스", "\n",
         "Duqm.", "Tara Atkinson", "for", "für", "Rest of World", "II/Copyright 2026", "The AP",
         "있다.", "민경석", "기자"]
    ),
)  # fmt: skip
SCREEN_TEXTS = st.lists(SCREEN_PIECES, min_size=1, max_size=8).map(" ".join) | st.lists(
    SCREEN_PIECES, min_size=1, max_size=6
).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "ＡＦＰ / Reuters",  # full-width letters meet the lexicon after NFKC
        "Getty\u00a0Images / AFP",  # no-break space inside an alias
        "©2024AFP",  # copyright year glued to the agency
        "Tous droits réservésEuronews / AFP",  # rights notice glued to the party
        "Foto ANSA/Ettore Ferrari",  # label word before the agency
        "Álex Cámara - Europa Press",
        "尹大統領の発言をテレビで見る国民（ソウルで、３日）＝ＡＰ",
        "Der Präsident spricht in Berlin. Foto: dpa",
        "Un día de lluvia en Madrid (EFE/Chema Moya)",
        "Il presidente al Senato.ANSA",
        "Chuva forte em São Paulo | Agência Brasil",
        "A road south of Duqm. Tara Atkinson for Rest of World",
        "Im UN-Hauptquartier Frank Franklin II/Copyright 2026 The AP. All rights reserved.",
        "큰절을 올리고 있다. 고영권 기자",
    ],
)
def test_pre_screens_keep_credits(text: str) -> None:
    source = pl.Series("t", [text]).str.strip_chars()
    assert credits_module._may_hold_credit(source).item()
    found = credits_module._found_credits(source)
    assert found["credit_raw"].item() is not None


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), SCREEN_TEXTS), max_size=8))
def test_pre_screens_never_drop_what_the_checks_accept(texts: list[str | None]) -> None:
    values = pl.Series("t", texts, dtype=pl.String)
    frame = values.to_frame()
    value = pl.col("t")
    may_anchor = credits_module._may_hold_anchor(values)
    # Without the screen: the part checks and the agency lookup on every value.
    joined = credits_module._joined_credit_flags(values.fill_null(""))
    agency = frame.select(credits_module._is_agency_text(value))["t"]
    assert not (joined & ~may_anchor).any()
    assert not (agency & ~may_anchor).any()
    sources = values.str.strip_chars()
    may_credit = credits_module._may_hold_credit(sources)
    found = credits_module._found_credits(sources)
    assert not (found["credit_raw"].is_not_null() & ~may_credit).any()

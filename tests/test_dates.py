"""Tests for transforms.dates: date, instant, zone and role parsing, and date-line detection."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dateline.transforms.fields import dates as dates_module
from dateline.transforms.fields.dates import (
    PARSED_COLUMNS,
    is_date_line,
    is_labelled_date_line,
    parse_dates,
    parse_iso_date,
)
from tests.conftest import examples

UTC = dt.UTC
CORPUS_DIR = Path(
    os.environ.get("DATELINE_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
# Share of fundus pages whose first date line gives the gold calendar date: measured 102/148
# (0.689); the floor leaves a margin of about three pages.
CORPUS_MIN_DATE_SHARE = 0.66


def _parse_one(text: str | None, language: str | None) -> dict:
    frame = pl.DataFrame(
        {"text": [text], "language": [language]}, schema={"text": pl.String, "language": pl.String}
    )
    return parse_dates(frame).row(0, named=True)


def _utc(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=UTC)


# (text, language, date_value, date_instant in UTC or None)
LANGUAGE_CASES = [
    # es
    ("4 de febrero de 2026", "es", "2026-02-04", None),
    ("Publicado el 02/12/2024 a las 10:30", "es", "2024-12-02", "2024-12-02T10:30"),
    ("Actualizado Lunes, 2 diciembre 2024 - 02:24", "es", "2024-12-02", "2024-12-02T02:24"),
    ("13/01/2025 10:22 Actualizado a 13/01/2025 15:43", "es", "2025-01-13", "2025-01-13T10:22"),
    ("Madrid-29/05/2025 20:00", "es", "2025-05-29", "2025-05-29T20:00"),
    ("1º de mayo de 2024", "es", "2024-05-01", None),
    ("Miércoles 15 ene. 2025, 18:05 CET", "es", "2025-01-15", "2025-01-15T17:05"),
    ("12 sept 2023", "es", "2023-09-12", None),
    ("02/12/2024", "es", "2024-12-02", None),
    # en
    ("February 04, 2026", "en", "2026-02-04", None),
    ("Feb. 4, 2026 4:30 p.m. EST", "en", "2026-02-04", "2026-02-04T21:30"),
    ("02/12/2024", "en", "2024-02-12", None),
    ("13/12/2024", "en", "2024-12-13", None),
    ("Friday 22 November 2024 08:49 GMT", "en", "2024-11-22", "2024-11-22T08:49"),
    ("Published: 22:04, 22 Apr 2024", "en", "2024-04-22", "2024-04-22T22:04"),
    ("June 26, 2023 5 AM PT", "en", "2023-06-26", "2023-06-26T12:00"),
    ("March 7, 20247:55 AM UTCUpdated ago", "en", "2024-03-07", "2024-03-07T07:55"),
    ("2 minute readApril 25, 20232:26 PM GMT+2", "en", "2023-04-25", "2023-04-25T12:26"),
    ("4th of July 2024", "en", "2024-07-04", None),
    ("2024-02-14T16:15:30Z", "en", "2024-02-14", "2024-02-14T16:15:30"),
    # de
    ("4. Februar 2026", "de", "2026-02-04", None),
    ("16.05.2024, 11:26 Uhr • Lesezeit: 5 Minuten", "de", "2024-05-16", "2024-05-16T09:26"),
    ("Stand: 28.04.2023 17:23 Uhr", "de", "2023-04-28", "2023-04-28T15:23"),
    ("Veröffentlicht am 27.04.24 um 07:39 Uhr", "de", "2024-04-27", "2024-04-27T05:39"),
    ("22.11.2024 07.57", "de", "2024-11-22", "2024-11-22T06:57"),
    ("06. 01. 2026, 14:59 Uhr Lesedauer: 4 Minuten", "de", "2026-01-06", "2026-01-06T13:59"),
    ("Zuerst veröffentlicht am 06/01/2026 - 14:02 MEZ", "de", "2026-01-06", "2026-01-06T13:02"),
    ("Publiziert17. Dezember 2024, 12:17", "de", "2024-12-17", "2024-12-17T11:17"),
    ("25.4.24", "de", "2024-04-25", None),
    ("9. September 2025 um 15:46 Uhr", "de", "2025-09-09", "2025-09-09T13:46"),
    ("Sendung: 25.04.2024, 10.45 Uhr", "de", "2024-04-25", "2024-04-25T08:45"),
    # fr
    ("4 février 2026", "fr", "2026-02-04", None),
    (
        "Publié le 30/04/2024 - 16:00 • Mis à jour 01/05/2024",
        "fr",
        "2024-04-30",
        "2024-04-30T14:00",
    ),
    (
        "Publié le 18 juil. 2024 à 08:01Mis à jour le 18 juil. 2024 à 09:06",
        "fr",
        "2024-07-18",
        "2024-07-18T06:01",
    ),
    ("1er mai 2024", "fr", "2024-05-01", None),
    ("Publié le 06/01/2026 - 14:16 UTC+1", "fr", "2026-01-06", "2026-01-06T13:16"),
    ("mardi 3 décembre 2024 à 10h30", "fr", "2024-12-03", "2024-12-03T09:30"),
    ("Mis à jour le 12/03/2024 à 18h", "fr", "2024-03-12", "2024-03-12T17:00"),
    ("le 5 août 2024 à 20:56", "fr", "2024-08-05", "2024-08-05T18:56"),
    # pt
    ("4 de fevereiro de 2026", "pt", "2026-02-04", None),
    ("Publicado em 03/02/2025 às 14:30", "pt", "2025-02-03", "2025-02-03T14:30"),
    ("Atualizado 1º de março de 2024, 09h15", "pt", "2024-03-01", "2024-03-01T09:15"),
    ("31 Jan 2025, 20:02", "pt", "2025-01-31", "2025-01-31T20:02"),
    ("15 de outubro de 2023", "pt", "2023-10-15", None),
    ("terça-feira, 5 de novembro de 2024 - 17:45 BRT", "pt", "2024-11-05", "2024-11-05T20:45"),
    ("05.06.2024", "pt", "2024-06-05", None),
    ("2024-11-20 08:00:00", "pt", "2024-11-20", "2024-11-20T08:00"),
    # it
    ("4 febbraio 2026", "it", "2026-02-04", None),
    ("Marco Pizzorno 4 Febbraio 2025 - 14:41", "it", "2025-02-04", "2025-02-04T13:41"),
    ("Pubblicato il 12/03/2024 alle 18:30", "it", "2024-03-12", "2024-03-12T17:30"),
    ("Aggiornato il 1 agosto 2024, 09:00", "it", "2024-08-01", "2024-08-01T07:00"),
    ("15 ott 2023", "it", "2023-10-15", None),
    ("mercoledì 3 luglio 2024 ore 22:10", "it", "2024-07-03", "2024-07-03T20:10"),
    ("21/06/2024 - 7:05", "it", "2024-06-21", "2024-06-21T05:05"),
    ("31 dic. 2023", "it", "2023-12-31", None),
    # other languages, where cheap
    ("Publisert 05.08.2024, kl. 13.05", "no", "2024-08-05", "2024-08-05T11:05"),
    ("Publicerad 23 okt 2025 kl 10.23", "sv", "2025-10-23", "2025-10-23T08:23"),
    ("Aktualizacja: 02.02.2025 23:49", "pl", "2025-02-02", "2025-02-02T22:49"),
    ("Giriş: 03.07.2024 - 18:24", "tr", "2024-07-03", "2024-07-03T15:24"),
    ("2025年1月14日 01時28分", "ja", "2025-01-14", "2025-01-13T16:28"),
    ("입력 2026.07.12 22:09", "ko", "2026-07-12", "2026-07-12T13:09"),
    ("17:41 JST, October 13, 2024", "ja", "2024-10-13", "2024-10-13T08:41"),
]

# Month names with their case forms, other scripts' digits and CJK forms, per language:
# (text, language, date_value, date_instant in UTC or None).
MONTH_NAME_CASES = [
    # ar: Arabic-Indic digits, Egyptian/Gulf and Levantine month names, the Arabic comma
    ("١٢ مارس ٢٠٢٤", "ar", "2024-03-12", None),
    ("٥ كانون الثاني ٢٠٢٤", "ar", "2024-01-05", None),
    ("نشر في ١٢ مارس ٢٠٢٤، ١٠:٣٠ GMT", "ar", "2024-03-12", "2024-03-12T10:30"),
    ("الخميس 3 أغسطس 2023", "ar", "2023-08-03", None),
    ("۱۲ تموز ۲۰۲۴", "ar", "2024-07-12", None),
    # ru: genitive and nominative
    ("12 марта 2024 г.", "ru", "2024-03-12", None),
    ("1 сентября 2023 г., 10:15", "ru", "2023-09-01", "2023-09-01T07:15"),
    ("Опубликовано 5 дек 2024", "ru", "2024-12-05", None),
    # uk
    ("12 березня 2024", "uk", "2024-03-12", None),
    ("Оновлено 3 листопада 2023 р., 14:05", "uk", "2023-11-03", "2023-11-03T12:05"),
    ("28 лютого 2025", "uk", "2025-02-28", None),
    # pl
    ("12 marca 2024", "pl", "2024-03-12", None),
    ("3 października 2023 o godz. 10:30", "pl", "2023-10-03", "2023-10-03T08:30"),
    ("1 grudnia 2024 r.", "pl", "2024-12-01", None),
    # nl
    ("12 maart 2024", "nl", "2024-03-12", None),
    ("Gepubliceerd op 3 okt 2023 om 14:05", "nl", "2023-10-03", "2023-10-03T12:05"),
    # sv
    ("12 mars 2024", "sv", "2024-03-12", None),
    ("Publicerad 3 augusti 2023 kl. 08.15", "sv", "2023-08-03", "2023-08-03T06:15"),
    # da
    ("12. marts 2024", "da", "2024-03-12", None),
    ("Opdateret 1. december 2023 kl. 10.00", "da", "2023-12-01", "2023-12-01T09:00"),
    # no
    ("12. mars 2024", "no", "2024-03-12", None),
    ("Publisert 5. desember 2024 kl. 07.30", "no", "2024-12-05", "2024-12-05T06:30"),
    # tr
    ("12 Mart 2024 Salı", "tr", "2024-03-12", None),
    ("Güncelleme: 7 Ağustos 2023 14:20", "tr", "2023-08-07", "2023-08-07T11:20"),
    ("31 aralık 2024", "tr", "2024-12-31", None),
    # ja, zh, ko: year/month/day characters
    ("2024年3月12日", "ja", "2024-03-12", None),
    ("2024年3月12日 10時30分", "ja", "2024-03-12", "2024-03-12T01:30"),
    ("发布时间：2024年03月12日 10:30", "zh", "2024-03-12", "2024-03-12T02:30"),
    ("2024-03-12 10:30:00", "zh", "2024-03-12", "2024-03-12T02:30"),
    ("2024년 3월 12일", "ko", "2024-03-12", None),
    ("입력 2024.03.12. 22:30", "ko", "2024-03-12", "2024-03-12T13:30"),
    # The half of the day before the time: 오후/午後/下午 (afternoon), 오전/午前/上午.
    ("입력 2024.03.12. 오후 3:30", "ko", "2024-03-12", "2024-03-12T06:30"),
    ("2024년 3월 12일 오전 9시 5분", "ko", "2024-03-12", "2024-03-12T00:05"),
    ("2024.03.12 오전 12:10", "ko", "2024-03-12", "2024-03-11T15:10"),
    ("2024年3月12日 午後3時30分", "ja", "2024-03-12", "2024-03-12T06:30"),
    ("2024年03月12日 下午 3:30", "zh", "2024-03-12", "2024-03-12T07:30"),
    # hi: Devanagari digits and month names
    ("१२ मार्च २०२४", "hi", "2024-03-12", None),
    ("प्रकाशित: 5 सितंबर 2023, 10:30 IST", "hi", "2023-09-05", "2023-09-05T05:00"),
    ("12 फ़रवरी 2024", "hi", "2024-02-12", None),
    # id
    ("12 Maret 2024", "id", "2024-03-12", None),
    ("Senin, 5 Agustus 2024 pukul 10.30 WIB", "id", "2024-08-05", "2024-08-05T03:30"),
    ("3 Des 2023", "id", "2023-12-03", None),
    # vi
    ("ngày 12 tháng 3 năm 2024", "vi", "2024-03-12", None),
    ("Thứ ba, 12/3/2024, 10:30 (GMT+7)", "vi", "2024-03-12", "2024-03-12T03:30"),
    ("12 tháng 11, 2023", "vi", "2023-11-12", None),
    # el, fi, ro, hr, sr, sk, sl, bg, ca, he, fa, ms, et: day first
    ("12 Μαρτίου 2024", "el", "2024-03-12", None),
    ("12. maaliskuuta 2024", "fi", "2024-03-12", None),
    ("12 martie 2024, 10:30", "ro", "2024-03-12", "2024-03-12T08:30"),
    ("12. ožujka 2024.", "hr", "2024-03-12", None),
    ("12. марта 2024.", "sr", "2024-03-12", None),
    ("5. januara 2024.", "sr", "2024-01-05", None),
    ("12. marca 2024", "sk", "2024-03-12", None),
    ("3. julija 2023", "sl", "2023-07-03", None),
    ("12 март 2024 г.", "bg", "2024-03-12", None),
    ("12 de març de 2024", "ca", "2024-03-12", None),
    ("12 במרץ 2024", "he", "2024-03-12", None),
    ("۱۲ مارس ۲۰۲۴", "fa", "2024-03-12", None),
    ("12 Mac 2024", "ms", "2024-03-12", None),
    ("12. märts 2024", "et", "2024-03-12", None),
    # hu, lt, lv: year first
    ("2024. március 12.", "hu", "2024-03-12", None),
    ("2024. márc. 12. 10:30", "hu", "2024-03-12", "2024-03-12T09:30"),
    ("2024 m. kovo 12 d.", "lt", "2024-03-12", None),
    ("2024. gada 12. marts", "lv", "2024-03-12", None),
    # bn, ur, sw, tl, az, kk, ka, hy, sq, mk, be, is, ta, mr, gl
    ("১২ মার্চ ২০২৪, ১৪:০৫", "bn", "2024-03-12", "2024-03-12T14:05"),
    ("১ জানুয়ারী ২০২৪", "bn", "2024-01-01", None),
    ("12 مارچ 2024", "ur", "2024-03-12", None),
    ("Ijumaa, 12 Machi 2024", "sw", "2024-03-12", None),
    ("Marso 12, 2024", "tl", "2024-03-12", None),
    ("12 avqust 2024", "az", "2024-08-12", None),
    ("12 наурыз 2024", "kk", "2024-03-12", None),
    ("12 მარტი 2024", "ka", "2024-03-12", None),
    ("12 մարտի 2024 թ.", "hy", "2024-03-12", None),
    ("2024 թ. մարտի 12", "hy", "2024-03-12", None),
    ("12 qershor 2024", "sq", "2024-06-12", None),
    ("12 октомври 2024", "mk", "2024-10-12", None),
    ("12 сакавіка 2024", "be", "2024-03-12", None),
    ("12. ágúst 2024", "is", "2024-08-12", None),
    ("12 மார்ச் 2024", "ta", "2024-03-12", None),
    ("१२ ऑगस्ट २०२४", "mr", "2024-08-12", None),
    ("12 de xuño de 2024", "gl", "2024-06-12", None),
    # th (Buddhist-era years: 2566 is 2023), lo, km, my, af, eu, cy, ga, uz, ne, pa, gu,
    # te, kn, ml, si
    ("15 ธันวาคม 2566", "th", "2023-12-15", None),
    ("วันที่ 15 ธ.ค. 2566 เวลา 10:30 น.", "th", "2023-12-15", "2023-12-15T03:30"),
    ("15 ธันวาคม พ.ศ. 2566", "th", "2023-12-15", None),
    ("๑๕ มีนาคม ๒๕๖๗", "th", "2024-03-15", None),
    ("15 ທັນວາ 2023", "lo", "2023-12-15", None),
    ("១៥ ធ្នូ ២០២៣", "km", "2023-12-15", None),
    ("၁၅ ဒီဇင်ဘာ ၂၀၂၃", "my", "2023-12-15", None),
    ("15 Desember 2023", "af", "2023-12-15", None),
    ("2023ko abenduaren 15", "eu", "2023-12-15", None),
    ("15 Rhagfyr 2023", "cy", "2023-12-15", None),
    ("15 Nollaig 2023", "ga", "2023-12-15", None),
    ("15 dekabr 2023", "uz", "2023-12-15", None),
    ("१५ डिसेम्बर २०२३", "ne", "2023-12-15", None),
    ("੧੫ ਦਸੰਬਰ ੨੦੨੩", "pa", "2023-12-15", None),
    ("૧૫ ડિસેમ્બર ૨૦૨૩", "gu", "2023-12-15", None),
    ("15 డిసెంబర్ 2023", "te", "2023-12-15", None),
    ("15 ಡಿಸೆಂಬರ್ 2023", "kn", "2023-12-15", None),
    ("15 ഡിസംബർ 2023", "ml", "2023-12-15", None),
    ("2023 දෙසැම්බර් 15", "si", "2023-12-15", None),
    # fa: Solar Hijri dates are the Gregorian day they name (1 Farvardin 1402 = 21 March 2023)
    ("۱۶ آذر ۱۴۰۲ - ۱۰:۳۰", "fa", "2023-12-07", "2023-12-07T07:00"),
    ("سه‌شنبه ۱ فروردین ۱۴۰۲", "fa", "2023-03-21", None),
    ("۱ فروردین ۱۴۰۳", "fa", "2024-03-20", None),
    ("30 مهر 1402", "fa", "2023-10-22", None),
    ("۲۹ اسفند ۱۴۰۲", "fa", "2024-03-19", None),
    ("1402/09/16", "fa", "2023-12-07", None),
    # Era years (ja: Reiwa, Heisei; zh: the Republic of China)
    ("令和5年12月15日 10時30分", "ja", "2023-12-15", "2023-12-15T01:30"),
    ("令和元年5月1日", "ja", "2019-05-01", None),
    ("平成31年4月30日", "ja", "2019-04-30", None),
    ("民國112年12月15日", "zh", "2023-12-15", None),
    # hr reads "listopad" as October; pl and cs as November
    ("15. listopada 2023.", "hr", "2023-10-15", None),
    ("15 listopada 2023", "pl", "2023-11-15", None),
    ("15. listopadu 2023", "cs", "2023-11-15", None),
    # A slash or dash around a month name
    ("29 / Dezember / 2022", "de", "2022-12-29", None),
    ("29-Dec-2022 10:30", "en", "2022-12-29", "2022-12-29T10:30"),
    ("05/mar/2024", "es", "2024-03-05", None),
    ("Dec-29-2022", "en", "2022-12-29", None),
    ("2022/Dezember/29", "de", "2022-12-29", None),
]


@pytest.mark.parametrize(("text", "language", "date_value", "instant"), MONTH_NAME_CASES)
def test_parse_dates_month_names_and_scripts(text, language, date_value, instant):
    row = _parse_one(text, language)
    assert row["date_value"] == dt.date.fromisoformat(date_value)
    assert row["date_instant"] == _utc(instant)


@pytest.mark.parametrize(("text", "language"), [(case[0], case[1]) for case in MONTH_NAME_CASES])
def test_month_name_dates_make_date_lines(text, language):
    assert pl.Series([text]).to_frame("line").select(is_date_line(pl.col("line"))).item()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # A number after a year and a month name is no day when it runs on.
        ("In 2024 May 123 people came", "en"),
        ("2023 März 2024", "de"),
    ],
)
def test_month_name_lookalikes_are_no_dates(text, language):
    assert _parse_one(text, language)["date_value"] is None


@pytest.mark.parametrize(("text", "language", "date_value", "instant"), LANGUAGE_CASES)
def test_parse_dates_by_language(text, language, date_value, instant):
    row = _parse_one(text, language)
    assert row["date_value"] == dt.date.fromisoformat(date_value)
    assert row["date_instant"] == _utc(instant)


# (text, language, instant in UTC or None, zone assumed)
ZONE_CASES = [
    ("2024-02-14T16:15:30+01:00", "en", "2024-02-14T15:15:30", False),
    ("2024-02-14T16:15:30+0100", "de", "2024-02-14T15:15:30", False),
    ("2024-02-14T16:15:30.250Z", "ja", "2024-02-14T16:15:30.250", False),
    ("2024-07-01 12:00 UTC", "de", "2024-07-01T12:00", False),
    ("2024-07-01 12:00 CEST", "es", "2024-07-01T10:00", False),
    ("2024-07-01 12:00 MESZ", "de", "2024-07-01T10:00", False),
    ("2024-01-10 12:00 CET", "en", "2024-01-10T11:00", False),
    ("2024-07-01 12:00 EDT", "en", "2024-07-01T16:00", False),
    ("2024-01-10 12:00 EST", "en", "2024-01-10T17:00", False),
    ("2024-01-10 12:00 PST", "en", "2024-01-10T20:00", False),
    ("2024-07-01 12:00 BST", "en", "2024-07-01T11:00", False),
    ("2024-07-01 12:00 ET", "en", "2024-07-01T16:00", False),
    ("2024-07-01 12:00 GMT-3", "es", "2024-07-01T15:00", False),
    ("2024-07-01 12:00", "de", "2024-07-01T10:00", True),
    ("2024-07-01 12:00", "de-AT", "2024-07-01T10:00", True),
    ("2024-07-01 12:00", "fr", "2024-07-01T10:00", True),
    ("2024-07-01 12:00", "ja", "2024-07-01T03:00", True),
    ("2024-07-01 12:00", "ko", "2024-07-01T03:00", True),
    ("2024-07-01 12:00", "tr", "2024-07-01T09:00", True),
    ("2024-07-01 12:00", "sv", "2024-07-01T10:00", True),
    ("2024-07-01 12:00", "es", "2024-07-01T12:00", True),
    ("2024-07-01 12:00", "en", "2024-07-01T12:00", True),
    ("2024-07-01 12:00", None, "2024-07-01T12:00", True),
    # Ambiguous wall time at the end of summer time: the earlier instant.
    ("2024-10-27 02:30", "de", "2024-10-27T00:30", True),
    # Non-existent wall time at the start of summer time: no instant.
    ("2024-03-31 02:30", "de", None, None),
    ("2024-07-01", "de", None, None),
]


@pytest.mark.parametrize(("text", "language", "instant", "assumed"), ZONE_CASES)
def test_zone_handling(text, language, instant, assumed):
    row = _parse_one(text, language)
    assert row["date_instant"] == _utc(instant)
    assert row["date_zone_assumed"] is assumed


@pytest.mark.parametrize(
    ("text", "language", "offset"),
    [
        ("2024-01-10 12:00 EST", "en", -300),
        ("2024-07-01 12:00 BST", "en", 60),
        ("2024-07-01 12:00 GMT-3", "es", -180),
        ("2024-07-01T12:00:00+05:30", None, 330),
        ("2024-07-01T12:00:00Z", "de", 0),
        ("2024-07-01 12:00", "de", 120),
        ("2024-01-10 12:00", "de", 60),
        ("2024-07-01 12:00", "ja", 540),
        ("2024-07-01 12:00", "en", 0),
        ("2024-07-01", "de", None),
    ],
)
def test_offset_is_the_written_time_less_the_instant(text, language, offset):
    row = _parse_one(text, language)
    assert row["date_offset_minutes"] == offset
    if offset is not None:
        written = row["date_instant"].replace(tzinfo=None) + dt.timedelta(minutes=offset)
        assert written.date() == row["date_value"]


def test_date_is_as_written_not_converted():
    row = _parse_one("2024-07-01 00:30", "de")
    assert row["date_value"] == dt.date(2024, 7, 1)
    assert row["date_instant"] == dt.datetime(2024, 6, 30, 22, 30, tzinfo=UTC)


ROLE_CASES = [
    ("Publié le 30/04/2024 - 16:00 • Mis à jour 01/05/2024", "fr", "published"),
    ("Mis à jour le 01/05/2024 à 10:00", "fr", "updated"),
    ("Modifié le 01/05/2024", "fr", "updated"),
    ("Actualizado 02/12/2024", "es", "updated"),
    ("Publicado el 02/12/2024", "es", "published"),
    ("25/04/2026 Actualizado a las 15:10h.", "es", None),
    ("Last updated February 4, 2026", "en", "updated"),
    ("Posted Feb. 4, 2026", "en", "published"),
    ("Published: 22:04, 22 Apr 2024", "en", "published"),
    ("Aktualisiert am 07.01.2026 - 18:50 Uhr", "de", "updated"),
    ("Stand: 28.04.2023 17:23 Uhr", "de", "updated"),
    ("Veröffentlicht am 27.04.24 um 07:39 Uhr", "de", "published"),
    ("Atualizado em 05/02/2024", "pt", "updated"),
    ("Publicado em 05/02/2024", "pt", "published"),
    ("Aggiornato il 1 agosto 2024", "it", "updated"),
    ("Pubblicato il 1 agosto 2024", "it", "published"),
    ("Aktualizacja: 02.02.2025 23:49 Publikacja: 02.02.2025 21:52", "pl", "updated"),
    ("Päivitetty 19.2.2020 klo 10.12", "fi", "updated"),
    ("Julkaistu 19.2.2019", "fi", "published"),
    ("Ενημερώθηκε 19.02.2020", "el", "updated"),
    ("Frissítve: 2020. február 19.", "hu", "updated"),
    ("Actualizat 19.02.2020", "ro", "updated"),
    ("Ažurirano 19.02.2020.", "hr", "updated"),
    ("עודכן 19.02.2020", "he", "updated"),
    ("อัปเดต 19 ก.พ. 2563", "th", "updated"),
    ("04/02/2026", "es", None),
]


@pytest.mark.parametrize(("text", "language", "role"), ROLE_CASES)
def test_role_cues(text, language, role):
    assert _parse_one(text, language)["date_role"] == role


IMPOSSIBLE_DATES = [
    ("31/02/2024", "es"),
    ("30.02.2023", "de"),
    ("29/02/2023", "fr"),
    ("2024-13-01", "en"),
    ("2024-04-31", "en"),
    ("00/01/2024", "it"),
    ("32 de enero de 2024", "es"),
    ("31 avril 2024", "fr"),
    # Solar Hijri: the seventh month has 30 days; a year-first Solar Hijri number is read
    # only on the pages of the languages that write it.
    ("31 مهر 1402", "fa"),
    ("1402/09/16", "ar"),
]


def test_a_lunar_hijri_number_does_not_hide_the_gregorian_date_after_it():
    assert _parse_one("1445/05/20 - 2023/12/04", "ar")["date_value"] == dt.date(2023, 12, 4)


@pytest.mark.parametrize(("text", "language"), IMPOSSIBLE_DATES)
def test_impossible_dates_are_null(text, language):
    row = _parse_one(text, language)
    assert row["date_value"] is None
    assert row["date_instant"] is None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("29/02/2024", "es", dt.date(2024, 2, 29)),
        ("29.02.2000", "de", dt.date(2000, 2, 29)),
        # The only possible reading wins over the language's habit.
        ("04/30/2024", "es", dt.date(2024, 4, 30)),
        ("30/04/2024", "en", dt.date(2024, 4, 30)),
        # Dots are day-first even on English pages.
        ("05.06.2024", "en", dt.date(2024, 6, 5)),
        # Slashes are month-first in English without a region and in the US; other
        # English-writing regions put the day first.
        ("02/10/2020", "en", dt.date(2020, 2, 10)),
        ("02/10/2020", "en-us", dt.date(2020, 2, 10)),
        ("02/10/2020", "en-gb", dt.date(2020, 10, 2)),
        ("02/10/2020", "en_IN", dt.date(2020, 10, 2)),
        ("4.4.18", "de", dt.date(2018, 4, 4)),
        ("1.1.85", "de", dt.date(1985, 1, 1)),
    ],
)
def test_numeric_readings(text, language, expected):
    assert _parse_one(text, language)["date_value"] == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Stand: 20:03 Uhr | Lesedauer: 4 Minuten", "de"),
        ("Hamburg-Marathon 2024", "de"),
        ("3-3", "es"),
        ("Score 1/12", "en"),
        ("", "en"),
        (None, None),
    ],
)
def test_no_date(text, language):
    row = _parse_one(text, language)
    assert row["date_value"] is None
    assert row["date_instant"] is None


def test_first_date_wins():
    row = _parse_one("Xi visitó Moscú el 4 de febrero de 2026; el 1/3/2026 volvió", "es")
    assert row["date_value"] == dt.date(2026, 2, 4)


def test_frame_shape_columns_and_order_are_kept():
    frame = pl.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "line": ["16.05.2024", None, "May 3, 2024 10:00 EDT"],
            "lang": ["de", "de", "en"],
        }
    )
    out = parse_dates(frame, text="line", language="lang")
    assert out.columns == [*frame.columns, *PARSED_COLUMNS]
    assert out.select(frame.columns).equals(frame)
    assert out.schema["date_value"] == pl.Date
    assert out.schema["date_instant"] == pl.Datetime("us", "UTC")
    assert out.schema["date_zone_assumed"] == pl.Boolean
    assert out.schema["date_role"] == pl.String
    assert out["date_value"].to_list() == [dt.date(2024, 5, 16), None, dt.date(2024, 5, 3)]


def test_missing_language_column_reads_as_unknown():
    out = parse_dates(pl.DataFrame({"text": ["02/12/2024 10:00"]}))
    assert out["date_value"].to_list() == [dt.date(2024, 12, 2)]
    assert out["date_instant"].to_list() == [dt.datetime(2024, 12, 2, 10, 0, tzinfo=UTC)]


def test_empty_frame():
    frame = pl.DataFrame(schema={"text": pl.String, "language": pl.String})
    out = parse_dates(frame)
    assert out.height == 0
    assert out.columns == ["text", "language", *PARSED_COLUMNS]


DATE_LINES = [
    "16.05.2024, 11:26 Uhr • Lesezeit: 5 Minuten",
    "Stand: 28.04.2023 17:23 Uhr",
    "Von Juliane Rohr 28.04.2023, 18:11 Uhr",
    "Publié le 30/04/2024 - 16:00 • Mis à jour 01/05/2024",
    "Publié le 18 juil. 2024 à 08:01Mis à jour le 18 juil. 2024 à 09:06",
    "Actualizado Lunes, 2 diciembre 2024 - 02:24",
    "Madrid-29/05/2025 20:00",
    "13/01/2025 10:22 Actualizado a 13/01/2025 15:43",
    "Published May 07, 2025",
    "Friday 22 November 2024 08:49 GMT",
    "2 minute readApril 25, 20232:26 PM GMT+2Last Updated 9 min ago",
    "21 October 2025 • Duqm, oman",
    "Marco Pizzorno 4 Febbraio 2025 - 14:41",
    "Aggiornato il 1 agosto 2024, 09:00",
    "Atualizado 1º de março de 2024, 09h15",
    "2024-02-14T16:15:30Z",
    "毎日新聞 2025/1/14 21:17（最終更新 1/14 21:17） 789文字",
    "渡辺洋介2025年1月13日 21時37分",
]

BODY_AND_OTHER_LINES = [
    "Xi visitó Moscú el 4 de febrero de 2026 y dijo que la relación entre ambos países es sólida.",
    "China's leader Xi Jinping held a phone call with US President Donald Trump on February 4, "
    "2026, Beijing's state media said.",
    "Die Bundesregierung hatte am 16.05.2024 neue Zahlen vorgelegt, die deutlich schlechter "
    "ausfielen.",
    "Le président a annoncé le 4 février 2026 qu'il se rendrait à Pékin au printemps prochain.",
    "O governo anunciou em 4 de fevereiro de 2026 um novo pacote de medidas econômicas.",
    "Il ministro ha detto il 4 febbraio 2026 che la riforma sarà approvata entro l'estate.",
    "Stand: 20:03 Uhr | Lesedauer: 4 Minuten",
    "Hamburg-Marathon 2024",
    "02:57 Min.. Verfügbar bis 06.05.2024.",
    "",
]


@pytest.mark.parametrize("line", DATE_LINES)
def test_is_date_line_positive(line):
    assert pl.select(is_date_line(pl.lit(line))).item() is True


@pytest.mark.parametrize("line", BODY_AND_OTHER_LINES)
def test_is_date_line_negative(line):
    assert pl.select(is_date_line(pl.lit(line))).item() is False


@pytest.mark.parametrize(
    ("line", "labelled"),
    [
        ("Datum 28.04.2023", True),
        ("Fecha: 4 de febrero de 2026", True),
        ("Published: February 04, 2026", True),
        ("Date : 4 février 2026", True),
        ("Data 04/02/2026", True),
        ("Tarih: 05.04.2025", True),
        # A teaser that ends with its date, a bare date and a date-less label are not.
        ("Older bridge debate 02.03.2024", False),
        ("28.04.2023", False),
        ("Datum", False),
        ("Datenschutz und Impressum", False),
    ],
)
def test_is_labelled_date_line(line, labelled):
    assert pl.select(is_labelled_date_line(pl.lit(line))).item() is labelled


def test_is_date_line_null_is_false():
    frame = pl.DataFrame({"line": [None, "16.05.2024"]}, schema={"line": pl.String})
    assert frame.select(is_date_line(pl.col("line")))["line"].to_list() == [False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-14", dt.date(2024, 2, 14)),
        ("2024-02-14T16:15:30Z", dt.date(2024, 2, 14)),
        ("2024-02-30", None),
        ("14/02/2024", None),
        (None, None),
    ],
)
def test_parse_iso_date(text, expected):
    frame = pl.DataFrame({"d": [text]}, schema={"d": pl.String})
    assert frame.select(parse_iso_date(pl.col("d"))).item() == expected


LANGUAGES = st.one_of(
    st.none(),
    st.sampled_from(["es", "en", "de", "fr", "pt", "it", "ja", "tr", "en-US", "pt_BR", "und"]),
    st.text(max_size=8),
)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), LANGUAGES), max_size=12))
def test_never_raises_and_keeps_rows(rows):
    frame = pl.DataFrame(
        {"text": [t for t, _ in rows], "language": [lang for _, lang in rows]},
        schema={"text": pl.String, "language": pl.String},
    )
    out = parse_dates(frame)
    assert out.height == frame.height
    assert out["text"].to_list() == frame["text"].to_list()
    frame.select(is_date_line(pl.col("text")))


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=40),
            st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31)),
            LANGUAGES,
        ),
        min_size=1,
        max_size=10,
    )
)
def test_iso_output_parses_back_to_itself(cases):
    """A date written as ISO, then formatted from date_value and parsed again, stays the same."""
    frame = pl.DataFrame(
        {
            "text": [f"{date.isoformat()} {noise}" for noise, date, _ in cases],
            "language": [language for _, _, language in cases],
        },
        schema={"text": pl.String, "language": pl.String},
    )
    first = parse_dates(frame)
    assert first["date_value"].to_list() == [date for _, date, _ in cases]
    again = parse_dates(frame.with_columns(text=first["date_value"].dt.to_string("%Y-%m-%d")))
    assert again["date_value"].to_list() == first["date_value"].to_list()


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.text(max_size=60), LANGUAGES), min_size=1, max_size=10))
def test_parse_is_idempotent_on_its_iso_output(cases):
    frame = pl.DataFrame(
        {"text": [t for t, _ in cases], "language": [lang for _, lang in cases]},
        schema={"text": pl.String, "language": pl.String},
    )
    first = parse_dates(frame).filter(pl.col("date_value").is_not_null())
    again = parse_dates(
        first.select(pl.col("date_value").dt.to_string("%Y-%m-%d"), "language"), text="date_value"
    )
    assert again["date_value"].to_list() == first["date_value"].to_list()


def test_performance_100k_rows():
    """A loose bound that catches regex blow-ups (a Unicode \\b made this 30 s once)."""
    lines = [
        "Publié le 30/04/2024 - 16:00 • Mis à jour 01/05/2024",
        "16.05.2024, 11:26 Uhr • Lesezeit: 5 Minuten",
        "Xi visitó Moscú el 4 de febrero de 2026 y dijo que la relación es buena para ambos.",
        "June 26, 2023 5 AM PT",
        "Ein ganz normaler Satz ohne Datum, der etwas länger ist als die anderen Zeilen.",
    ]
    frame = pl.DataFrame(
        {"text": lines * 20_000, "language": ["fr", "de", "es", "en", "de"] * 20_000}
    )
    started = time.process_time()
    parse_dates(frame)
    frame.select(is_date_line(pl.col("text")))
    assert time.process_time() - started < 10


def _fundus_first_date_lines() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Gold per page, and the first date line of each page's first 40 lines."""
    root = CORPUS_DIR / "fundus"
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        languages = {row["id"]: row["language"] for row in csv.DictReader(handle)}
    gold_rows, line_rows = [], []
    for gold_path in sorted(root.glob("*/*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if not gold.get("published"):
            continue
        gold_rows.append((gold["id"], gold["published"][:10]))
        text_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
        lines = text_path.read_text(encoding="utf-8").split("\n")
        # The first line is the scraper's "date YYYY-MM-DD" stamp, not the page's.
        start = 1 if lines and lines[0].startswith("date ") else 0
        for position, line in enumerate(lines[start:40]):
            line_rows.append((gold["id"], languages.get(gold["id"]), position, line))
    gold_frame = pl.DataFrame(gold_rows, schema=["id", "gold_date"], orient="row")
    lines_frame = pl.DataFrame(
        line_rows, schema=["id", "language", "position", "text"], orient="row"
    )
    first = (
        lines_frame.filter(is_date_line(pl.col("text")))
        .sort("id", "position")
        .group_by("id", maintain_order=True)
        .first()
    )
    return gold_frame, first


@pytest.mark.corpus
@pytest.mark.skipif(
    not (CORPUS_DIR / "fundus" / "manifest.csv").is_file(),
    reason=f"fundus corpus not found under {CORPUS_DIR} (set DATELINE_CORPUS_DIR)",
)
def test_corpus_first_date_line_matches_gold_date():
    gold, first = _fundus_first_date_lines()
    parsed = parse_dates(first)
    scored = gold.join(parsed.select("id", "date_value"), on="id", how="left").with_columns(
        hit=(pl.col("date_value") == pl.col("gold_date").str.to_date()).fill_null(False)
    )
    share = scored["hit"].mean()
    print(f"fundus published date from first date line: {scored['hit'].sum()}/{scored.height}")
    print(f"share = {share:.3f}")
    assert share >= CORPUS_MIN_DATE_SHARE


@pytest.mark.parametrize("columns", [("text", "language"), ("text",)])
def test_parsing_no_rows_gives_the_columns_and_types_of_parsing_some(
    columns: tuple[str, ...],
) -> None:
    frame = pl.DataFrame(
        {"doc_id": [1], "text": ["Publicado el 4 de febrero de 2026, 10:31"], "language": ["es"]}
    ).select("doc_id", *columns)
    some = parse_dates(frame, "text", "language")
    none = parse_dates(frame.clear(), "text", "language")
    assert none.schema == some.schema
    assert none.height == 0
    flags = frame.clear().select(is_date_line(pl.col("text")))
    assert flags.schema == frame.select(is_date_line(pl.col("text"))).schema


DATE_FRAGMENTS = [
    "2024",
    "12",
    "5.",
    "März",
    "de",
    "febrero",
    "年",
    "月",
    "日",
    "١٢",
    "२०२४",
    "/",
    "-",
]


@settings(max_examples=examples(200), deadline=None)
@example("Actualizado el 5. März 2024")
@example("١٢ مارس ٢٠٢٤")
@example("2025年1月14日")
@given(st.lists(st.sampled_from(DATE_FRAGMENTS) | st.text(max_size=8), max_size=8).map(" ".join))
def test_every_date_the_pattern_finds_holds_a_digit(text: str) -> None:
    # is_date_line runs DATE_PATTERN only on lines with a digit (after other scripts'
    # digits are read as ASCII): that screen must never drop a match.
    line = pl.Series([text]).str.replace_many(dates_module.OTHER_DIGITS, dates_module.ASCII_DIGITS)
    if line.str.contains(dates_module.DATE_PATTERN).item():
        assert line.str.contains(r"\d").item()

"""Cue lexicons per language: "read also" lines and reader notices are never body text.

Each case prints a short story (headline and three paragraphs), once as a text dump and
once as an HTML page, with a "read also" line or a notice among its paragraphs; the line
must leave the body while every paragraph stays.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from dateline.flows.sources import RECORD_COLUMNS
from dateline.transforms.assembly.articles import build_article_tables

STAMP = datetime(2026, 1, 1, tzinfo=UTC)

# language: (headline, three paragraphs of prose)
STORIES = {
    "ar": (
        "افتتاح جسر جديد فوق النهر في المدينة",
        (
            "افتتح رئيس البلدية صباح اليوم الجسر الجديد الذي يربط ضفتي النهر بعد عامين من أعمال البناء المتواصلة.",
            "وقال المسؤولون إن الجسر سيخفف الازدحام المروري في وسط المدينة ويختصر وقت التنقل إلى النصف تقريبا.",
            "ومن المتوقع أن يعبر الجسر أكثر من عشرين ألف سيارة يوميا خلال الأشهر الأولى من تشغيله الكامل.",
        ),
    ),
    "ru": (
        "В городе открыли новый мост через реку",
        (
            "Мэр города в понедельник открыл новый мост, который соединил оба берега реки после двух лет строительства.",
            "По словам чиновников, мост разгрузит центр города и сократит время в пути почти вдвое для жителей.",
            "Ожидается, что в первые месяцы по мосту будут проезжать более двадцати тысяч автомобилей в день.",
        ),
    ),
    "uk": (
        "У місті відкрили новий міст через річку",
        (
            "Мер міста в понеділок відкрив новий міст, який з'єднав обидва береги річки після двох років будівництва.",
            "За словами посадовців, міст розвантажить центр міста і скоротить час у дорозі майже вдвічі для мешканців.",
            "Очікується, що в перші місяці мостом проїжджатимуть понад двадцять тисяч автомобілів щодня.",
        ),
    ),
    "pl": (
        "W mieście otwarto nowy most na rzece",
        (
            "Burmistrz miasta otworzył w poniedziałek nowy most, który po dwóch latach budowy połączył oba brzegi rzeki.",
            "Według urzędników most odciąży centrum miasta i skróci czas dojazdu mieszkańców niemal o połowę.",
            "Oczekuje się, że w pierwszych miesiącach przez most będzie przejeżdżać ponad dwadzieścia tysięcy aut dziennie.",
        ),
    ),
    "nl": (
        "Nieuwe brug over de rivier geopend in de stad",
        (
            "De burgemeester heeft maandag de nieuwe brug geopend die na twee jaar bouwen beide oevers van de rivier verbindt.",
            "Volgens de gemeente ontlast de brug het centrum en halveert ze bijna de reistijd voor veel inwoners.",
            "Naar verwachting rijden er in de eerste maanden meer dan twintigduizend auto's per dag over de brug.",
        ),
    ),
    "sv": (
        "Ny bro över älven invigd i staden",
        (
            "Borgmästaren invigde på måndagen den nya bron som efter två års bygge förbinder älvens båda stränder.",
            "Enligt kommunen avlastar bron stadskärnan och halverar nästan restiden för många av invånarna.",
            "Under de första månaderna väntas mer än tjugo tusen bilar om dagen köra över den nya bron.",
        ),
    ),
    "da": (
        "Ny bro over åen indviet i byen",
        (
            "Borgmesteren indviede mandag den nye bro, som efter to års byggeri forbinder begge bredder af åen.",
            "Ifølge kommunen aflaster broen bymidten og halverer næsten rejsetiden for mange af byens borgere.",
            "I de første måneder ventes mere end tyve tusind biler om dagen at køre over den nye bro.",
        ),
    ),
    "no": (
        "Ny bru over elva åpnet i byen",
        (
            "Ordføreren åpnet mandag den nye brua som etter to års bygging forbinder begge breddene av elva.",
            "Ifølge kommunen avlaster brua sentrum og halverer nesten reisetiden for mange av innbyggerne.",
            "I de første månedene ventes mer enn tjue tusen biler om dagen å kjøre over den nye brua.",
        ),
    ),
    "tr": (
        "Şehirde nehir üzerindeki yeni köprü açıldı",
        (
            "Belediye başkanı pazartesi günü iki yıllık inşaatın ardından nehrin iki yakasını birleştiren yeni köprüyü açtı.",
            "Yetkililere göre köprü şehir merkezindeki trafiği azaltacak ve yolculuk süresini neredeyse yarıya indirecek.",
            "İlk aylarda köprüden her gün yirmi binden fazla aracın geçmesi bekleniyor, dedi yetkililer.",
        ),
    ),
    "ja": (
        "市内の川に新しい橋が開通",
        (
            "市長は月曜日、二年間の工事を経て川の両岸を結ぶ新しい橋の開通式に出席しました。",
            "市の担当者によると、新しい橋は中心部の渋滞を和らげ、通勤時間をほぼ半分に短縮する見込みです。",
            "開通後の数か月間は、一日あたり二万台を超える車が橋を通行すると予想されています。",
        ),
    ),
    "ko": (
        "시내 강 위에 새 다리 개통",
        (
            "시장은 월요일 2년간의 공사 끝에 강의 양쪽 기슭을 잇는 새 다리의 개통식에 참석했다고 밝혔다.",
            "시 관계자는 새 다리가 도심의 교통 체증을 줄이고 출퇴근 시간을 거의 절반으로 단축할 것이라고 말했다.",
            "개통 후 몇 달 동안 하루 2만 대가 넘는 차량이 다리를 이용할 것으로 예상된다고 덧붙였다.",
        ),
    ),
    "zh": (
        "市区新大桥正式通车",
        (
            "市长周一出席了新大桥的通车仪式，这座大桥经过两年施工，连接了河流两岸的城区。",
            "市政府官员表示，新大桥将缓解市中心的交通拥堵，并使居民的通勤时间缩短近一半。",
            "预计通车后的几个月内，每天将有超过两万辆汽车通过这座大桥往返两岸。",
        ),
    ),
    "hi": (
        "शहर में नदी पर नया पुल खुला",
        (
            "महापौर ने सोमवार को दो साल के निर्माण के बाद नदी के दोनों किनारों को जोड़ने वाले नए पुल का उद्घाटन किया।",
            "अधिकारियों के अनुसार यह पुल शहर के बीच यातायात का दबाव कम करेगा और यात्रा का समय लगभग आधा कर देगा।",
            "उम्मीद है कि शुरुआती महीनों में हर दिन बीस हज़ार से अधिक गाड़ियाँ इस पुल से गुज़रेंगी।",
        ),
    ),
    "id": (
        "Jembatan baru di atas sungai kota resmi dibuka",
        (
            "Wali kota pada hari Senin meresmikan jembatan baru yang menghubungkan kedua tepi sungai setelah dua tahun pembangunan.",
            "Menurut pejabat kota, jembatan itu akan mengurangi kemacetan di pusat kota dan memangkas waktu perjalanan hampir separuh.",
            "Pada bulan-bulan pertama diperkirakan lebih dari dua puluh ribu mobil melintasi jembatan itu setiap hari.",
        ),
    ),
    "vi": (
        "Cây cầu mới bắc qua sông trong thành phố được thông xe",
        (
            "Thị trưởng hôm thứ Hai đã cắt băng khánh thành cây cầu mới nối hai bờ sông sau hai năm thi công.",
            "Theo các quan chức thành phố, cây cầu sẽ giảm ùn tắc ở trung tâm và rút ngắn gần một nửa thời gian đi lại.",
            "Trong những tháng đầu, dự kiến mỗi ngày có hơn hai mươi nghìn xe ô tô đi qua cây cầu này.",
        ),
    ),
}

# language: a "read also" line pointing at another story.
READ_ALSO = {
    "ar": "اقرأ أيضا: ارتفاع أسعار الوقود للمرة الثالثة",
    "ru": "Читайте также: Цены на бензин выросли в третий раз",
    "uk": "Читайте також: Ціни на пальне зросли втретє",
    "pl": "Zobacz także: Ceny paliw wzrosły po raz trzeci",
    "nl": "Lees ook: Brandstofprijzen stijgen voor de derde keer",
    "sv": "Läs också: Bränslepriserna stiger för tredje gången",
    "da": "Læs også: Brændstofpriserne stiger for tredje gang",
    "no": "Les også: Drivstoffprisene stiger for tredje gang",
    "tr": "Ayrıca okuyun: Akaryakıt fiyatlarına üçüncü zam geldi",
    "ja": "【関連記事】ガソリン価格、3度目の値上がり",
    "ko": "관련기사: 휘발유 가격 세 번째 인상",
    "zh": "相关阅读：油价年内第三次上调",
    "hi": "यह भी पढ़ें: पेट्रोल के दाम तीसरी बार बढ़े",
    "id": "Baca juga: Harga bahan bakar naik untuk ketiga kalinya",
    "vi": "Xem thêm: Giá xăng tăng lần thứ ba",
}

# language: notices printed after the story (cookies, newsletter, copyright).
NOTICES = {
    "ar": (
        "يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك أثناء التصفح.",
        "جميع الحقوق محفوظة لدار النشر 2025.",
    ),
    "ru": (
        "Мы используем файлы cookie, чтобы сайт работал удобнее для вас.",
        "Все права защищены. Перепечатка материалов только с разрешения редакции.",
    ),
    "uk": (
        "Ми використовуємо файли cookie, щоб сайт працював зручніше для вас.",
        "Усі права захищені. Передрук матеріалів лише з дозволу редакції.",
    ),
    "pl": (
        "Ta strona używa plików cookie, aby zapewnić najlepszą jakość korzystania z serwisu.",
        "Wszelkie prawa zastrzeżone. Kopiowanie bez zgody wydawcy zabronione.",
    ),
    "nl": (
        "Deze website gebruikt cookies om uw bezoek zo prettig mogelijk te maken.",
        "Alle rechten voorbehouden. Niets uit deze uitgave mag worden overgenomen.",
    ),
    "sv": (
        "Vi använder cookies för att ge dig en bättre upplevelse av webbplatsen.",
        "Alla rättigheter förbehållna. Eftertryck förbjudes utan tillstånd.",
    ),
    "da": (
        "Vi bruger cookies for at give dig den bedste oplevelse på hjemmesiden.",
        "Alle rettigheder forbeholdes. Gengivelse kun efter aftale med udgiveren.",
    ),
    "no": (
        "Vi bruker informasjonskapsler for å gi deg en bedre opplevelse på nettstedet.",
        "Alle rettigheter reservert. Ettertrykk uten tillatelse er forbudt.",
    ),
    "tr": (
        "Bu web sitesi çerezler kullanmaktadır; siteyi kullanarak çerezlere izin vermiş olursunuz.",
        "Tüm hakları saklıdır. İzinsiz kopyalanamaz ve yayımlanamaz.",
    ),
    "ja": (
        "当サイトではクッキーを使用して利便性の向上に努めています。",
        "無断転載を禁じます。すべての記事の著作権は新聞社に帰属します。",
    ),
    "ko": (
        "이 웹사이트는 쿠키를 사용하여 더 나은 서비스를 제공합니다.",
        "무단전재 및 재배포 금지. 모든 기사의 저작권은 신문사에 있습니다.",
    ),
    "zh": (
        "本网站使用cookie以提升您的浏览体验。",
        "版权所有，未经许可不得转载或以其他方式使用本网站内容。",
    ),
    "hi": (
        "यह वेबसाइट कुकीज़ का उपयोग करती है ताकि आपको बेहतर अनुभव मिल सके।",
        "सर्वाधिकार सुरक्षित। बिना अनुमति के किसी भी सामग्री का उपयोग वर्जित है।",
    ),
    "id": (
        "Situs ini menggunakan cookie untuk memberikan pengalaman terbaik bagi Anda.",
        "Hak cipta dilindungi undang-undang. Dilarang mengutip tanpa izin redaksi.",
    ),
    "vi": (
        "Trang web này sử dụng cookie để mang lại trải nghiệm tốt hơn cho bạn.",
        "Bản quyền thuộc về tòa soạn. Không sao chép khi chưa được cho phép.",
    ),
}

LANGUAGES = sorted(STORIES)


def _records(source_format: str, content: str) -> pl.DataFrame:
    records = pl.DataFrame(
        {
            "source_uri": ["/pages/0"],
            "source_path": ["/pages/0"],
            "source_format": [source_format],
            "html" if source_format == "html" else "text": [content],
        }
    )
    for column, dtype in RECORD_COLUMNS.items():
        if column not in records.columns:
            records = records.with_columns(pl.lit(None, dtype).alias(column))
    return records.select(list(RECORD_COLUMNS))


def _body(source_format: str, headline: str, lines: list[str]) -> str:
    """The body text that the text path (a dump) or the HTML path (a page) extracts."""
    if source_format == "html":
        paragraphs = "".join(f"<p>{line}</p>" for line in lines)
        content = f"<html><body><article><h1>{headline}</h1>{paragraphs}</article></body></html>"
    else:
        content = "\n".join([headline, *lines]) + "\n"
    tables = build_article_tables(_records(source_format, content), run_id="t", ingested_at=STAMP)
    return tables.articles["body_text"][0] or ""


@pytest.mark.parametrize("source_format", ["text", "html"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_read_also_line_is_not_body(language: str, source_format: str) -> None:
    headline, (first, second, third) = STORIES[language]
    read_also = READ_ALSO[language]
    body = _body(source_format, headline, [first, second, read_also, third])
    assert first in body and second in body and third in body
    assert read_also not in body


@pytest.mark.parametrize("source_format", ["text", "html"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_notices_after_the_story_are_not_body(language: str, source_format: str) -> None:
    headline, paragraphs = STORIES[language]
    cookies, rights = NOTICES[language]
    body = _body(source_format, headline, [*paragraphs, cookies, rights])
    assert all(paragraph in body for paragraph in paragraphs)
    assert cookies not in body
    assert rights not in body

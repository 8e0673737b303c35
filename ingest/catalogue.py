"""Reference tables of the synthetic customs world: goods, countries, names, streets, routes.

Everything here is invented or public general knowledge (HS subheadings, IATA codes, Korean street names);
market prices are round illustrative figures in USD per unit, not statistics. The generator draws from
these tables by index, so their order is part of what makes a seed reproduce the same world.

Example
-------
>>> from ingest.catalogue import HS_CATALOGUE, hs_item
>>> len(HS_CATALOGUE) >= 40
True
>>> hs_item("851712").unit
'pcs'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AIR_OFFICES",
    "COUNTRIES",
    "COURIER_ROUTES",
    "EXPRESS_OFFICE",
    "HS_CATALOGUE",
    "KOREAN_FIRST_SYLLABLES",
    "KOREAN_GIVEN_NAMES",
    "KOREAN_SECOND_SYLLABLES",
    "KOREAN_STREETS",
    "KOREAN_SURNAMES",
    "MARKETPLACES",
    "SEA_OFFICES",
    "SMUGGLING_CLASSES",
    "VOYAGES",
    "Country",
    "GivenName",
    "HsItem",
    "KoreanStreet",
    "Surname",
    "Syllable",
    "Voyage",
    "foreign_name_weights",
    "hs_item",
]


@dataclass(frozen=True)
class HsItem:
    """One HS subheading with what a declaration of it looks like."""

    code: str
    unit: str
    #: Typical market unit price in USD (per ``unit``) from a price-neutral origin.
    market_unit_price: float
    kg_per_unit: float
    #: What the X-ray model reports for these goods.
    xray_class: str
    by_sea: bool
    #: Description templates; ``{model}`` and ``{size}`` are filled per declaration.
    descriptions: tuple[str, ...]
    #: Typical origin countries (ISO alpha-2).
    origins: tuple[str, ...]
    #: Marketplace listing titles when the goods are sold to consumers online, else empty.
    retail_titles: tuple[str, ...] = ()
    #: Typical consumer price in USD of one retail unit.
    retail_price: float = 0.0
    #: Values for the ``{size}`` slot of the templates (storage, screen size, pack size...).
    sizes: tuple[str, ...] = ("64", "128", "256", "512")


_ASIA = ("CN", "VN", "TH", "ID", "IN", "PH")
_ALL = ("CN", "VN", "JP", "US", "DE", "TH", "IT", "IN", "ID", "TR", "PH", "HK")

HS_CATALOGUE: tuple[HsItem, ...] = (
    HsItem(
        "851712",
        "pcs",
        185.0,
        0.45,
        "electronics",
        False,
        (
            "Smartphones, {size} GB, model {model}, new in retail box",
            "Cellular mobile telephones model {model} with chargers and cables",
            "Mobile phones for cellular networks, {size} GB, assorted colours",
        ),
        ("CN", "VN", "IN", "HK"),
        ("Unlocked smartphone {size}GB {model}", "5G smartphone {model} dual SIM"),
        320.0,
    ),
    HsItem(
        "847130",
        "pcs",
        420.0,
        2.3,
        "electronics",
        False,
        (
            "Portable notebook computers, 14-inch, model {model}",
            "Laptop computers with keyboard and display, {size} GB SSD",
            "Notebook PCs model {model}, packed with power adapters",
        ),
        ("CN", "VN", "TH"),
        ("Ultrabook laptop 14in {size}GB SSD {model}",),
        780.0,
    ),
    HsItem(
        "851830",
        "pcs",
        9.0,
        0.12,
        "electronics",
        False,
        (
            "Wireless earphones with charging case, model {model}",
            "Bluetooth headphones, over-ear, assorted colours",
            "In-ear headphones with microphone, model {model}",
        ),
        ("CN", "VN"),
        ("Wireless earbuds {model}, noise cancelling", "Over-ear bluetooth headphones {model}"),
        45.0,
    ),
    HsItem(
        "852872",
        "pcs",
        210.0,
        16.0,
        "electronics",
        True,
        (
            "LED television receivers, {size}-inch flat panel, model {model}",
            "Colour TV sets with LCD display, {size} inch",
        ),
        ("CN", "VN", "TH", "ID"),
        sizes=("43", "50", "55", "65", "75"),
    ),
    HsItem(
        "850760",
        "pcs",
        38.0,
        1.1,
        "battery",
        True,
        (
            "Lithium-ion battery packs 48V for e-bikes, model {model}",
            "Rechargeable lithium-ion accumulators, {size} Wh",
        ),
        ("CN", "VN", "JP"),
        sizes=("500", "720", "960"),
    ),
    HsItem(
        "854231",
        "pcs",
        6.5,
        0.003,
        "electronics",
        False,
        (
            "Integrated circuits, microcontrollers, part no. {model}",
            "Processor chips on reels, part no. {model}",
            "Electronic integrated circuits (processors and controllers) {model}",
        ),
        ("CN", "JP", "US", "PH", "HK"),
    ),
    HsItem(
        "852351",
        "pcs",
        7.0,
        0.02,
        "electronics",
        False,
        (
            "USB flash drives {size} GB, model {model}",
            "Solid-state non-volatile storage devices, {size} GB",
        ),
        ("CN", "HK", "US"),
        ("USB-C flash drive {size}GB", "microSD memory card {size}GB"),
        22.0,
    ),
    HsItem(
        "851650",
        "pcs",
        48.0,
        12.0,
        "appliance",
        True,
        (
            "Microwave ovens, 23 litre, model {model}",
            "Household microwave ovens with grill function, stainless finish",
        ),
        ("CN", "TH"),
    ),
    HsItem(
        "841510",
        "pcs",
        260.0,
        38.0,
        "appliance",
        True,
        (
            "Split-system air conditioners, wall mounted, model {model}",
            "Wall-type air conditioning machines, {size}000 BTU",
        ),
        ("CN", "TH", "JP"),
        sizes=("9", "12", "18", "24"),
    ),
    HsItem(
        "842211",
        "pcs",
        190.0,
        45.0,
        "appliance",
        True,
        ("Household dishwashing machines, 12 place settings, model {model}",),
        ("CN", "DE", "TR"),
    ),
    HsItem(
        "847330",
        "pcs",
        35.0,
        0.6,
        "electronics",
        False,
        (
            "Motherboards for desktop computers, model {model}",
            "Parts and accessories of computers: graphics cards {model}",
        ),
        ("CN", "HK", "VN"),
        ("Graphics card {model} {size}GB",),
        240.0,
        ("8", "12", "16"),
    ),
    HsItem(
        "610910",
        "pcs",
        2.8,
        0.18,
        "textiles",
        True,
        (
            "Men's cotton T-shirts, knitted, style {model}",
            "Cotton T-shirts, crew neck, assorted sizes and colours",
            "Knitted T-shirts of cotton, printed, style {model}",
        ),
        ("CN", "VN", "IN", "ID", "TR"),
        ("Oversized cotton T-shirt {model}", "Graphic print tee {model}"),
        18.0,
    ),
    HsItem(
        "611020",
        "pcs",
        6.5,
        0.45,
        "textiles",
        True,
        ("Knitted pullovers of cotton, style {model}", "Cotton sweaters and cardigans, assorted sizes"),
        ("CN", "VN", "TR", "IT"),
        ("Cable-knit cotton sweater {model}",),
        39.0,
    ),
    HsItem(
        "620342",
        "pcs",
        7.5,
        0.6,
        "textiles",
        True,
        ("Men's cotton trousers, denim, style {model}", "Men's jeans of cotton denim, washed"),
        ("CN", "VN", "IN", "TR"),
        ("Slim fit denim jeans {model}",),
        42.0,
    ),
    HsItem(
        "620462",
        "pcs",
        7.0,
        0.5,
        "textiles",
        True,
        ("Women's cotton trousers, style {model}", "Women's denim jeans of cotton, assorted sizes"),
        ("CN", "VN", "IN", "TR"),
    ),
    HsItem(
        "640399",
        "pairs",
        24.0,
        1.1,
        "footwear",
        True,
        (
            "Footwear with leather uppers and rubber soles, style {model}",
            "Leather shoes for men, lace-up, style {model}",
        ),
        ("CN", "VN", "IT", "IN"),
        ("Leather sneakers {model}", "Chelsea boots leather {model}"),
        120.0,
    ),
    HsItem(
        "640411",
        "pairs",
        12.0,
        0.9,
        "footwear",
        True,
        (
            "Sports footwear with textile uppers, running shoes style {model}",
            "Training shoes, textile uppers, rubber outer soles",
        ),
        ("CN", "VN", "ID"),
        ("Running shoes {model}", "Trail running sneakers {model}"),
        95.0,
    ),
    HsItem(
        "420221",
        "pcs",
        38.0,
        0.9,
        "bags",
        True,
        ("Handbags with outer surface of leather, style {model}", "Leather shoulder bags for women"),
        ("CN", "IT", "VN"),
        ("Leather shoulder bag {model}", "Designer style leather tote {model}"),
        260.0,
    ),
    HsItem(
        "420292",
        "pcs",
        9.0,
        1.2,
        "bags",
        True,
        ("Travel bags with outer surface of textile materials", "Backpacks of polyester, model {model}"),
        ("CN", "VN"),
        ("Travel backpack 40L {model}",),
        55.0,
    ),
    HsItem(
        "330499",
        "pcs",
        2.4,
        0.09,
        "cosmetics",
        False,
        (
            "Skin care preparations, face creams 50 ml, {model}",
            "Beauty preparations: serums and lotions, assorted",
            "Sunscreen lotions SPF 50, 60 ml tubes",
        ),
        ("CN", "JP", "US", "TH"),
        ("Vitamin C serum 30ml {model}", "Hydrating face cream 50ml"),
        28.0,
    ),
    HsItem(
        "330300",
        "pcs",
        14.0,
        0.3,
        "cosmetics",
        False,
        ("Perfumes, eau de parfum 100 ml, {model}", "Toilet waters in spray bottles, 50 ml"),
        ("IT", "DE", "US"),
        ("Eau de parfum 100ml {model}",),
        110.0,
    ),
    HsItem(
        "330510",
        "pcs",
        2.3,
        0.55,
        "cosmetics",
        True,
        ("Shampoos, 500 ml bottles", "Hair shampoo for daily use, {model}"),
        ("CN", "TH", "JP", "ID"),
    ),
    HsItem(
        "210690",
        "kg",
        12.0,
        1.05,
        "food",
        False,
        ("Food supplements in capsules, omega-3 fish oil", "Protein powder food preparations, {model}"),
        ("US", "DE", "JP"),
        ("Omega-3 fish oil 180 softgels", "Whey protein powder 2kg {model}"),
        48.0,
    ),
    HsItem(
        "090111",
        "kg",
        3.6,
        1.02,
        "food",
        True,
        ("Green coffee beans, not roasted, arabica, in jute bags", "Coffee, not roasted, not decaffeinated"),
        ("VN", "ID", "IN"),
    ),
    HsItem(
        "030617",
        "kg",
        8.2,
        1.1,
        "food",
        True,
        ("Frozen shrimps and prawns, shell-on, count {size} per kg", "Frozen vannamei shrimp, peeled"),
        ("VN", "TH", "IN", "ID"),
        sizes=("31/40", "41/50", "51/60"),
    ),
    HsItem(
        "020130",
        "kg",
        9.5,
        1.08,
        "food",
        True,
        ("Fresh chilled boneless beef cuts", "Boneless bovine meat, fresh, vacuum packed"),
        ("US",),
    ),
    HsItem(
        "080510",
        "kg",
        1.1,
        1.05,
        "food",
        True,
        ("Fresh oranges, navel, in cartons", "Fresh sweet oranges, class I"),
        ("US", "TR"),
    ),
    HsItem(
        "100630",
        "kg",
        0.62,
        1.01,
        "food",
        True,
        ("Milled rice, long grain, polished", "Semi-milled rice in 25 kg bags"),
        ("VN", "TH", "US", "IN"),
    ),
    HsItem(
        "040210",
        "kg",
        3.4,
        1.03,
        "food",
        True,
        ("Skimmed milk powder in 25 kg bags", "Milk powder, fat content not over 1.5%"),
        ("DE", "US"),
    ),
    HsItem(
        "190531",
        "kg",
        3.0,
        1.15,
        "food",
        True,
        ("Sweet biscuits, assorted, in retail tins", "Butter cookies in consumer packs"),
        ("DE", "ID", "TR", "IT"),
    ),
    HsItem(
        "220421",
        "l",
        4.2,
        1.35,
        "bottles",
        True,
        ("Red wine in 750 ml bottles, vintage {size}", "Still white wine, bottled, 0.75 l"),
        ("IT", "DE", "US"),
        sizes=("2018", "2019", "2020", "2021"),
    ),
    HsItem(
        "220830",
        "l",
        11.0,
        1.45,
        "bottles",
        True,
        ("Whisky in 700 ml bottles, aged 12 years", "Blended whiskies, bottled"),
        ("US", "JP"),
    ),
    HsItem(
        "240220",
        "kg",
        28.0,
        1.2,
        "cigarettes",
        True,
        (
            "Cigarettes containing tobacco, in master cases",
            "Filter cigarettes, 20 per pack, 10 packs per carton",
        ),
        ("ID", "JP", "PH"),
    ),
    HsItem(
        "300490",
        "kg",
        45.0,
        1.2,
        "pharmaceuticals",
        False,
        ("Medicaments in measured doses, tablets, {model}", "Pharmaceutical preparations in blister packs"),
        ("DE", "IN", "US", "IT"),
    ),
    HsItem(
        "392690",
        "kg",
        3.2,
        1.1,
        "plastics",
        True,
        (
            "Articles of plastics: storage boxes, model {model}",
            "Injection-moulded plastic household articles",
        ),
        ("CN", "VN", "TH"),
    ),
    HsItem(
        "401110",
        "pcs",
        42.0,
        9.0,
        "tyres",
        True,
        ("New pneumatic radial tyres for passenger cars, {size}/65R16", "Car tyres of rubber, radial, new"),
        ("CN", "TH", "ID", "JP"),
        sizes=("195", "205", "215"),
    ),
    HsItem(
        "720839",
        "kg",
        0.62,
        1.0,
        "metal",
        True,
        (
            "Hot-rolled steel coils, thickness under 3 mm",
            "Flat-rolled products of iron, hot-rolled, in coils",
        ),
        ("CN", "JP", "IN", "TR"),
    ),
    HsItem(
        "740311",
        "kg",
        8.6,
        1.0,
        "metal",
        True,
        ("Refined copper cathodes, grade A", "Copper cathodes and sections of cathodes"),
        ("ID", "PH", "IN"),
    ),
    HsItem(
        "760110",
        "kg",
        2.4,
        1.0,
        "metal",
        True,
        ("Unwrought aluminium ingots, not alloyed", "Aluminium primary ingots 99.7%"),
        ("IN", "ID", "CN"),
    ),
    HsItem(
        "731815",
        "kg",
        2.1,
        1.05,
        "metal",
        True,
        ("Threaded screws and bolts of steel, M{size}", "Hex bolts with nuts, zinc plated"),
        ("CN", "TH", "DE", "VN"),
        sizes=("6", "8", "10", "12"),
    ),
    HsItem(
        "820551",
        "pcs",
        3.5,
        0.45,
        "tools",
        True,
        ("Household hand tools sets, model {model}", "Hand tools for domestic purposes, assorted"),
        ("CN", "VN", "DE"),
    ),
    HsItem(
        "870323",
        "pcs",
        16500.0,
        1450.0,
        "vehicle",
        True,
        (
            "Passenger motor cars, petrol, 2.0 litre, model {model}",
            "Used passenger cars, spark-ignition, 1998 cc",
        ),
        ("DE", "US", "JP", "IT"),
    ),
    HsItem(
        "870899",
        "kg",
        6.4,
        1.05,
        "machinery",
        True,
        ("Parts of motor vehicles: brackets and fittings {model}", "Automotive parts, suspension components"),
        ("CN", "DE", "JP", "TH"),
    ),
    HsItem(
        "871200",
        "pcs",
        85.0,
        14.0,
        "vehicle",
        True,
        ("Bicycles, aluminium frame, 21 speeds, model {model}", "Road bicycles, not motorised"),
        ("CN", "VN", "TH"),
    ),
    HsItem(
        "871160",
        "pcs",
        420.0,
        28.0,
        "vehicle",
        True,
        ("Electric bicycles with auxiliary motor, model {model}", "E-scooters with electric motor, 350 W"),
        ("CN", "VN"),
    ),
    HsItem(
        "940360",
        "pcs",
        95.0,
        28.0,
        "furniture",
        True,
        ("Wooden furniture: dining tables, oak veneer", "Wooden bookcases and shelving units, model {model}"),
        ("VN", "ID", "CN", "IT"),
    ),
    HsItem(
        "940542",
        "pcs",
        11.0,
        1.3,
        "electronics",
        True,
        ("LED luminaires for indoor lighting, model {model}", "Electric ceiling lamps with LED modules"),
        ("CN", "VN"),
        ("Smart LED desk lamp {model}",),
        36.0,
    ),
    HsItem(
        "950300",
        "pcs",
        4.2,
        0.35,
        "toys",
        True,
        ("Toys: plastic building block sets, model {model}", "Children's toys, assorted, battery operated"),
        ("CN", "VN"),
        ("Building blocks set {model}, 1200 pieces", "Remote control car {model}"),
        65.0,
    ),
    HsItem(
        "950450",
        "pcs",
        240.0,
        3.5,
        "electronics",
        False,
        ("Video game consoles, model {model}", "Handheld game consoles with accessories"),
        ("CN", "JP", "VN"),
        ("Handheld game console {model}",),
        330.0,
    ),
    HsItem(
        "910211",
        "pcs",
        55.0,
        0.15,
        "watches",
        False,
        (
            "Wrist-watches, battery powered, with mechanical display, {model}",
            "Quartz wrist watches, steel case",
        ),
        ("CN", "HK", "JP"),
        ("Automatic wrist watch {model}", "Chronograph watch steel {model}"),
        240.0,
    ),
    HsItem(
        "900410",
        "pcs",
        6.0,
        0.06,
        "accessories",
        False,
        ("Sunglasses with plastic frames, style {model}", "Sunglasses, polarised lenses"),
        ("CN", "IT"),
        ("Polarised sunglasses {model}",),
        85.0,
    ),
    HsItem(
        "711319",
        "g",
        68.0,
        0.001,
        "jewellery",
        False,
        ("Articles of jewellery of gold, 18K, {model}", "Gold necklaces and bracelets, 18 carat"),
        ("IT", "TR", "HK", "IN"),
    ),
    HsItem(
        "690721",
        "m2",
        6.8,
        21.0,
        "ceramics",
        True,
        ("Ceramic floor tiles, glazed, 60x60 cm", "Porcelain tiles, water absorption under 0.5%"),
        ("CN", "IT", "IN", "VN"),
    ),
    HsItem(
        "440711",
        "m3",
        260.0,
        520.0,
        "timber",
        True,
        ("Sawn pine lumber, kiln dried, thickness over 6 mm", "Coniferous wood of pine, sawn lengthwise"),
        ("US", "DE"),
    ),
    HsItem(
        "520942",
        "m2",
        2.9,
        0.4,
        "textiles",
        True,
        ("Denim fabric of cotton, 85% or more cotton, {size} cm width", "Woven cotton denim, indigo"),
        ("CN", "IN", "TR", "VN"),
        sizes=("145", "150", "160"),
    ),
    HsItem(
        "961900",
        "pcs",
        8.0,
        1.2,
        "hygiene",
        True,
        ("Baby diapers, size L, packs of {size}", "Sanitary napkins and diapers of wadding"),
        ("JP", "CN", "TH"),
        ("Baby diapers size L, pack of {size}",),
        32.0,
        ("36", "44", "52"),
    ),
    HsItem(
        "151190",
        "kg",
        0.95,
        1.02,
        "liquids",
        True,
        ("Refined palm oil in flexitanks", "Palm olein, refined, bleached, deodorised"),
        ("ID", "TH"),
    ),
    HsItem(
        "170199",
        "kg",
        0.55,
        1.01,
        "food",
        True,
        ("Refined cane sugar in 50 kg bags", "White sugar, refined, ICUMSA 45"),
        ("TH", "IN", "ID"),
    ),
    HsItem(
        "854143",
        "pcs",
        95.0,
        22.0,
        "electronics",
        True,
        (
            "Photovoltaic modules, {size} W, monocrystalline",
            "Solar panels assembled in modules, model {model}",
        ),
        ("CN", "VN", "TH"),
        sizes=("400", "450", "550"),
    ),
)

_HS_BY_CODE: dict[str, HsItem] = {item.code: item for item in HS_CATALOGUE}


def hs_item(code: str) -> HsItem:
    """The catalogue entry for an HS subheading."""
    return _HS_BY_CODE[code]


#: Classes the X-ray model reports for goods no declaration covers: what couriers carry.
SMUGGLING_CLASSES: tuple[str, ...] = ("gold_bar", "currency_bundle", "cigarettes")


@dataclass(frozen=True)
class Surname:
    """A family name: its script form and romanisations (the first is the most common)."""

    native: str
    romanisations: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class GivenName:
    """A given name: script form and romanisations, the first in hyphenated Revised Romanisation."""

    native: str
    romanisations: tuple[str, ...]
    weight: float


#: Korean family names with their share of the population in percent (2015 census, rounded). The 31
#: most common cover about 87 % of Koreans; the long tail of some 250 rarer families is left out.
KOREAN_SURNAMES: tuple[Surname, ...] = (
    Surname("김", ("Kim", "Gim", "Ghim"), 21.5),
    Surname("이", ("Lee", "Yi", "Rhee", "I"), 14.7),
    Surname("박", ("Park", "Bak", "Pak"), 8.4),
    Surname("최", ("Choi", "Choe"), 4.7),
    Surname("정", ("Jung", "Jeong", "Chung"), 4.3),
    Surname("강", ("Kang", "Gang"), 2.4),
    Surname("조", ("Cho", "Jo"), 2.1),
    Surname("윤", ("Yoon", "Yun"), 2.1),
    Surname("장", ("Jang", "Chang"), 2.0),
    Surname("임", ("Lim", "Im", "Rim"), 1.7),
    Surname("한", ("Han",), 1.5),
    Surname("오", ("Oh", "O"), 1.5),
    Surname("서", ("Seo", "Suh"), 1.5),
    Surname("신", ("Shin", "Sin"), 1.4),
    Surname("권", ("Kwon", "Gwon"), 1.4),
    Surname("황", ("Hwang",), 1.4),
    Surname("안", ("Ahn", "An"), 1.3),
    Surname("송", ("Song",), 1.3),
    Surname("류", ("Ryu", "Yoo", "Yu"), 1.2),
    Surname("홍", ("Hong",), 1.1),
    Surname("전", ("Jeon", "Chun", "Jun"), 1.1),
    Surname("고", ("Ko", "Go", "Koh"), 0.9),
    Surname("문", ("Moon", "Mun"), 0.9),
    Surname("양", ("Yang",), 0.9),
    Surname("손", ("Son", "Sohn"), 0.9),
    Surname("배", ("Bae", "Pae"), 0.8),
    Surname("백", ("Baek", "Paik", "Baik"), 0.7),
    Surname("허", ("Heo", "Hur", "Huh"), 0.6),
    Surname("남", ("Nam",), 0.6),
    Surname("노", ("Noh", "Roh", "No"), 0.4),
    Surname("하", ("Ha",), 0.4),
)


@dataclass(frozen=True)
class Syllable:
    """One syllable of a Korean given name: Hangul, its Latin spellings (the usual passport spelling
    first, then Revised Romanisation where it differs) and how often given names use it in its place."""

    native: str
    spellings: tuple[str, ...]
    weight: float


#: Syllables that open a given name, most used first. Weights are relative and Zipf-like (a handful of
#: syllables such as 영, 민, 정, 지, 성, 현 open a large share of names, a long tail the rest).
KOREAN_FIRST_SYLLABLES: tuple[Syllable, ...] = (
    Syllable("민", ("Min",), 10.0),
    Syllable("지", ("Ji",), 9.5),
    Syllable("영", ("Young", "Yeong"), 9.0),
    Syllable("정", ("Jung", "Jeong"), 8.0),
    Syllable("성", ("Sung", "Seong"), 7.5),
    Syllable("현", ("Hyun", "Hyeon"), 7.0),
    Syllable("수", ("Su", "Soo"), 6.5),
    Syllable("서", ("Seo",), 6.0),
    Syllable("경", ("Kyung", "Gyeong"), 5.5),
    Syllable("상", ("Sang",), 5.0),
    Syllable("은", ("Eun",), 5.0),
    Syllable("재", ("Jae",), 4.8),
    Syllable("동", ("Dong",), 4.6),
    Syllable("미", ("Mi",), 4.4),
    Syllable("진", ("Jin",), 4.2),
    Syllable("승", ("Seung",), 4.0),
    Syllable("준", ("Jun", "Joon"), 3.8),
    Syllable("혜", ("Hye",), 3.6),
    Syllable("유", ("Yu", "Yoo"), 3.4),
    Syllable("하", ("Ha",), 3.3),
    Syllable("태", ("Tae",), 3.2),
    Syllable("도", ("Do",), 3.0),
    Syllable("예", ("Ye",), 2.9),
    Syllable("종", ("Jong",), 2.8),
    Syllable("용", ("Yong",), 2.7),
    Syllable("소", ("So",), 2.6),
    Syllable("광", ("Kwang", "Gwang"), 2.5),
    Syllable("명", ("Myung", "Myeong"), 2.4),
    Syllable("선", ("Sun", "Seon"), 2.3),
    Syllable("주", ("Ju", "Joo"), 2.2),
    Syllable("효", ("Hyo",), 2.1),
    Syllable("희", ("Hee", "Hui"), 2.0),
    Syllable("인", ("In",), 2.0),
    Syllable("세", ("Se",), 1.9),
    Syllable("연", ("Yeon",), 1.8),
    Syllable("다", ("Da",), 1.8),
    Syllable("건", ("Gun", "Geon"), 1.7),
    Syllable("우", ("Woo", "U"), 1.7),
    Syllable("채", ("Chae",), 1.6),
    Syllable("병", ("Byung", "Byeong"), 1.6),
    Syllable("기", ("Ki", "Gi"), 1.5),
    Syllable("대", ("Dae",), 1.5),
    Syllable("형", ("Hyung", "Hyeong"), 1.4),
    Syllable("윤", ("Yoon", "Yun"), 1.4),
    Syllable("나", ("Na",), 1.3),
    Syllable("원", ("Won",), 1.3),
    Syllable("창", ("Chang",), 1.2),
    Syllable("철", ("Chul", "Cheol"), 1.2),
    Syllable("석", ("Suk", "Seok"), 1.1),
    Syllable("순", ("Soon", "Sun"), 1.1),
    Syllable("보", ("Bo",), 1.0),
    Syllable("규", ("Kyu", "Gyu"), 1.0),
    Syllable("시", ("Si", "Shi"), 0.9),
    Syllable("가", ("Ga", "Ka"), 0.9),
    Syllable("해", ("Hae",), 0.8),
    Syllable("덕", ("Duk", "Deok"), 0.8),
    Syllable("길", ("Gil", "Kil"), 0.7),
    Syllable("봉", ("Bong",), 0.7),
    Syllable("찬", ("Chan",), 0.6),
    Syllable("옥", ("Ok",), 0.6),
)

#: Syllables that close a given name, most used first.
KOREAN_SECOND_SYLLABLES: tuple[Syllable, ...] = (
    Syllable("수", ("su", "soo"), 10.0),
    Syllable("민", ("min",), 9.5),
    Syllable("호", ("ho",), 9.0),
    Syllable("진", ("jin",), 8.5),
    Syllable("희", ("hee", "hui"), 8.0),
    Syllable("영", ("young", "yeong"), 7.5),
    Syllable("현", ("hyun", "hyeon"), 7.0),
    Syllable("준", ("jun", "joon"), 6.5),
    Syllable("우", ("woo", "u"), 6.0),
    Syllable("훈", ("hoon", "hun"), 5.5),
    Syllable("연", ("yeon",), 5.2),
    Syllable("숙", ("sook", "suk"), 5.0),
    Syllable("정", ("jung", "jeong"), 4.8),
    Syllable("은", ("eun",), 4.6),
    Syllable("원", ("won",), 4.4),
    Syllable("경", ("kyung", "gyeong"), 4.2),
    Syllable("자", ("ja",), 4.0),
    Syllable("철", ("chul", "cheol"), 3.8),
    Syllable("석", ("suk", "seok"), 3.6),
    Syllable("미", ("mi",), 3.4),
    Syllable("아", ("a",), 3.3),
    Syllable("빈", ("bin",), 3.2),
    Syllable("윤", ("yoon", "yun"), 3.0),
    Syllable("지", ("ji",), 2.9),
    Syllable("주", ("ju", "joo"), 2.8),
    Syllable("혁", ("hyuk", "hyeok"), 2.7),
    Syllable("식", ("sik", "shik"), 2.6),
    Syllable("성", ("sung", "seong"), 2.5),
    Syllable("규", ("kyu", "gyu"), 2.4),
    Syllable("환", ("hwan",), 2.3),
    Syllable("기", ("ki", "gi"), 2.2),
    Syllable("순", ("soon", "sun"), 2.1),
    Syllable("선", ("sun", "seon"), 2.0),
    Syllable("서", ("seo",), 2.0),
    Syllable("태", ("tae",), 1.9),
    Syllable("옥", ("ok",), 1.8),
    Syllable("남", ("nam",), 1.8),
    Syllable("란", ("ran", "lan"), 1.7),
    Syllable("용", ("yong",), 1.7),
    Syllable("일", ("il",), 1.6),
    Syllable("하", ("ha",), 1.6),
    Syllable("애", ("ae",), 1.5),
    Syllable("린", ("rin", "lin"), 1.5),
    Syllable("혜", ("hye",), 1.4),
    Syllable("국", ("kook", "guk"), 1.4),
    Syllable("범", ("bum", "beom"), 1.3),
    Syllable("후", ("hoo", "hu"), 1.3),
    Syllable("운", ("woon", "un"), 1.2),
    Syllable("재", ("jae",), 1.2),
    Syllable("상", ("sang",), 1.1),
    Syllable("욱", ("wook", "uk"), 1.1),
    Syllable("근", ("keun", "geun"), 1.0),
    Syllable("덕", ("duk", "deok"), 1.0),
    Syllable("나", ("na",), 0.9),
    Syllable("화", ("hwa",), 0.9),
    Syllable("솔", ("sol",), 0.8),
    Syllable("봉", ("bong",), 0.7),
    Syllable("열", ("yeol", "yul"), 0.7),
)

#: Given names whose spellings predate the syllable tables; kept first and spelt as before so existing
#: examples (index 0 is 민수, ``Min-su``/``Min-soo``) read the same.
_KNOWN_GIVEN_SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("민수", ("Min-su", "Min-soo")),
    ("지훈", ("Ji-hoon", "Ji-hun")),
    ("서연", ("Seo-yeon", "Suh-yeon")),
    ("지민", ("Ji-min",)),
    ("현우", ("Hyun-woo", "Hyeon-u")),
    ("민준", ("Min-jun", "Min-joon")),
    ("영호", ("Young-ho", "Yeong-ho")),
    ("성민", ("Sung-min", "Seong-min")),
    ("수진", ("Su-jin", "Soo-jin")),
    ("정훈", ("Jung-hoon", "Jeong-hun")),
    ("동현", ("Dong-hyun", "Dong-hyeon")),
    ("지영", ("Ji-young", "Ji-yeong")),
    ("미영", ("Mi-young", "Mi-yeong")),
    ("서준", ("Seo-jun", "Suh-joon")),
    ("도윤", ("Do-yoon", "Do-yun")),
    ("예준", ("Ye-jun", "Ye-joon")),
    ("지우", ("Ji-woo", "Ji-u")),
    ("하준", ("Ha-jun", "Ha-joon")),
    ("수빈", ("Su-bin", "Soo-bin")),
    ("지원", ("Ji-won",)),
    ("은지", ("Eun-ji",)),
    ("혜진", ("Hye-jin",)),
    ("상우", ("Sang-woo", "Sang-u")),
    ("준호", ("Jun-ho", "Joon-ho")),
    ("은영", ("Eun-young", "Eun-yeong")),
    ("재현", ("Jae-hyun", "Jae-hyeon")),
    ("유진", ("Yu-jin", "Yoo-jin")),
    ("태현", ("Tae-hyun", "Tae-hyeon")),
    ("소연", ("So-yeon",)),
    ("영수", ("Young-soo", "Yeong-su")),
    ("경민", ("Kyung-min", "Gyeong-min")),
    ("진우", ("Jin-woo", "Jin-u")),
    ("하은", ("Ha-eun",)),
    ("승현", ("Seung-hyun", "Seung-hyeon")),
    ("다은", ("Da-eun",)),
    ("건우", ("Gun-woo", "Geon-u")),
    ("민지", ("Min-ji",)),
    ("우진", ("Woo-jin", "U-jin")),
)


def _korean_given_names() -> tuple[GivenName, ...]:
    """Every two-syllable given name of the syllable tables (no syllable doubled), weighted by the product
    of its syllables' weights: the known names first, the others most common first."""
    known = dict(_KNOWN_GIVEN_SPELLINGS)
    names: list[GivenName] = []
    for first in KOREAN_FIRST_SYLLABLES:
        for second in KOREAN_SECOND_SYLLABLES:
            if first.native == second.native:
                continue
            native = first.native + second.native
            count = max(len(first.spellings), len(second.spellings))
            pairs = ((first.spellings[k % len(first.spellings)], second.spellings[k % len(second.spellings)])
                     for k in range(count))  # fmt: skip
            spellings = tuple(dict.fromkeys(f"{head}-{tail}" for head, tail in pairs))
            names.append(GivenName(native, known.get(native, spellings), first.weight * second.weight))
    order = {native: at for at, (native, _) in enumerate(_KNOWN_GIVEN_SPELLINGS)}
    names.sort(key=lambda name: (order.get(name.native, len(order)), -name.weight))
    return tuple(names)


#: Korean given names: about 3,500 two-syllable names (see :func:`_korean_given_names`).
KOREAN_GIVEN_NAMES: tuple[GivenName, ...] = _korean_given_names()


def _listed(names: str) -> tuple[str, ...]:
    """A name pool written as one comma-separated text, most common first.

    >>> _listed("Rossi, De Luca, Russo")
    ('Rossi', 'De Luca', 'Russo')
    """
    return tuple(name.strip() for name in names.split(","))


def _composed_names(firsts: str, seconds: str, joiner: str) -> tuple[str, ...]:
    """Two-part given names from two space-separated lists written most common first: every pairing of
    different parts, ordered by the product of the parts' ranks so that the result is most common first
    too. With ``firsts`` empty, the ``seconds`` alone.

    >>> _composed_names("Ka Wai", "Ming Wai", " ")
    ('Ka Ming', 'Ka Wai', 'Wai Ming')
    >>> _composed_names("", "Wei Fang", "")
    ('Wei', 'Fang')
    """
    heads, tails = firsts.split() or [""], seconds.split()
    pairs = [
        (rank_a * rank_b, f"{a}{joiner}{b.lower() if a and not joiner else b}".strip())
        for rank_a, a in enumerate(heads, 1)
        for rank_b, b in enumerate(tails, 1)
        if a != b
    ]
    return tuple(name for _, name in sorted(pairs, key=lambda pair: pair[0]))


#: Chinese given names in pinyin: the one-syllable names that were the most common for decades, then
#: two-syllable names made from common first and second syllables.
_CHINESE_GIVEN_NAMES: tuple[str, ...] = (
    *_composed_names("", "Wei Fang Jing Lei Min Jun Yan Tao Hua Yong Jie Qiang Li Na Hong Ping Gang Hui", ""),
    *_composed_names("", "Bin Lin Ying Chao Hao Bo Xin Yu Dan Ning Mei Peng", ""),
    *_composed_names(
        "Xiao Zhi Jian Jia Hai Yu Zi Guo Wen Ming Hong Li Chun Xue Jun Shu Yi Hui Qing Zhen",
        "Ming Hua Wei Jie Hong Ping Yan Lin Ling Qiang Jun Ting Hao Xuan Yu Han Fei Tao Long Na",
        "",
    ),
)
#: Vietnamese given names: a middle name (Van, Thi...) and a given name, written apart.
_VIETNAMESE_GIVEN_NAMES: tuple[str, ...] = _composed_names(
    "Van Thi Minh Duc Ngoc Thanh Quang Huu Xuan Hong Kim Anh Tuan Thu Hoang",
    "An Anh Lan Duc Ha Huy Mai Binh Cuong Dung Hai Hanh Hoa Hung Huong Linh Long Nam Phuong Quan Son "
    "Tam Thao Trang Tuan Vinh Hieu Khanh Loan Tien",
    " ",
)
#: Hong Kong given names: two Cantonese syllables, written apart.
_HONG_KONG_GIVEN_NAMES: tuple[str, ...] = _composed_names(
    "Ka Wai Siu Chi Kin Man Wing Yuk Mei Kwok Hoi Pui Chun Tsz Ho",
    "Ming Man Ling Keung Yee Kit Fai Wah Kei Chung Lam Hung Yan Shan Wai",
    " ",
)


def foreign_name_weights(count: int) -> tuple[float, ...]:
    """Weights of a foreign name pool listed most common first: ``1 / sqrt(rank)``, a mild Zipf law.

    The lists hold dozens to hundreds of names where real pools hold thousands, so a steeper law
    would make a few names far more common than they are; this one keeps the head common (the first of
    50 names is about 8 % of people, the last about 1 %).

    >>> [round(w, 2) for w in foreign_name_weights(4)]
    [1.0, 0.71, 0.58, 0.5]
    """
    return tuple(1.0 / (rank**0.5) for rank in range(1, count + 1))


@dataclass(frozen=True)
class Country:
    """A country that supplies goods or sends travellers, with how its people and firms are written."""

    code: str
    name: str
    calling_code: int
    #: Phone layouts: area part and the number of local digits; the local part never starts with 0 or 1.
    phone_areas: tuple[tuple[str, int], ...]
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]
    #: Family name first when written natively.
    family_first: bool
    company_words: tuple[str, ...]
    company_forms: tuple[str, ...]
    #: (street, district, city) triples for addresses.
    streets: tuple[tuple[str, str, str], ...]
    email_domains: tuple[str, ...]
    web_suffix: str
    #: Price level of goods from this origin relative to the market price.
    price_factor: float
    supplier_weight: float
    traveller_weight: float
    passport_prefix: str
    flag_airport: str


COUNTRIES: tuple[Country, ...] = (
    Country(
        "KR",
        "Republic of Korea",
        82,
        (("10", 8),),
        (),
        (),
        True,
        (
            "Hanbit",
            "Daesung",
            "Mirae",
            "Samjin",
            "Sejin",
            "Dongbang",
            "Jinheung",
            "Taeyang",
            "Haneul",
            "Baekdu",
            "Sinil",
            "Woojin",
            "Seongwoo",
            "Daemyung",
            "Hwasin",
            "Narae",
            "Saerom",
            "Yeonwoo",
            "Cheonji",
            "Garam",
            "Gukje",
            "Jeil",
            "Hanmaeum",
            "Bitnara",
            "Pureun",
            "Sonamu",
            "Haedal",
            "Dasom",
            "Ireum",
            "Nuri",
        ),
        ("Co., Ltd.", "Corp.", "Inc.", "Co."),
        (),
        ("naver.com", "gmail.com", "daum.net", "kakao.com", "hanmail.net", "nate.com"),
        "co.kr",
        1.0,
        0.0,
        72.0,
        "M",
        "ICN",
    ),
    Country(
        "CN",
        "China",
        86,
        (("138", 8), ("139", 8), ("186", 8), ("755", 8), ("21", 8), ("10", 8)),
        _listed(
            "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Gao, "
            "Lin, Luo, Zheng, Liang, Xie, Song, Tang, Han, Feng, Deng, Cao, Peng, Zeng, Xiao, Tian, Dong, "
            "Yuan, Pan, Cai, Jiang, Yu, Du, Ye, Cheng, Wei, Su, Lu, Ding, Ren, Shen, Yao, Jin"
        ),
        _CHINESE_GIVEN_NAMES,
        True,
        (
            "Huaxing",
            "Jinfeng",
            "Longsheng",
            "Ruitai",
            "Xinyuan",
            "Baifu",
            "Haoyun",
            "Mingda",
            "Tianhe",
            "Yongkang",
        ),
        ("Co., Ltd.", "Import & Export Co., Ltd.", "Industrial Co., Ltd."),
        (
            ("Keyuan Road", "Nanshan District", "Shenzhen"),
            ("Huangpu Avenue", "Tianhe District", "Guangzhou"),
            ("Chouzhou North Road", "Yiwu", "Jinhua"),
            ("Zhongshan Road", "Shinan District", "Qingdao"),
            ("Century Avenue", "Pudong New Area", "Shanghai"),
            ("Changjiang Road", "Beilun District", "Ningbo"),
        ),
        ("qq.com", "163.com", "126.com"),
        "com.cn",
        0.9,
        38.0,
        10.0,
        "E",
        "PEK",
    ),
    Country(
        "VN",
        "Viet Nam",
        84,
        (("28", 8), ("24", 8)),
        _listed(
            "Nguyen, Tran, Le, Pham, Hoang, Huynh, Phan, Vu, Vo, Dang, Bui, Do, Ho, Ngo, Duong, Ly, Dinh, "
            "Truong, Lam, Mai, Trinh, Dao, Cao, Luu, Ta, Quach, Luong, Thai, Chau, Kieu"
        ),
        _VIETNAMESE_GIVEN_NAMES,
        True,
        ("Minh Phat", "Thanh Dat", "Hoang Long", "An Phu", "Tan Hung", "Phuong Nam"),
        ("Co., Ltd.", "Joint Stock Company"),
        (
            ("Nguyen Hue Boulevard", "District 1", "Ho Chi Minh City"),
            ("Tran Hung Dao Street", "Hoan Kiem District", "Hanoi"),
            ("Le Duan Street", "Hai Chau District", "Da Nang"),
        ),
        ("gmail.com", "yahoo.com.vn"),
        "com.vn",
        0.85,
        10.0,
        3.0,
        "C",
        "SGN",
    ),
    Country(
        "JP",
        "Japan",
        81,
        (("3", 8), ("6", 8), ("90", 8)),
        _listed(
            "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Yoshida, "
            "Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Yamazaki, Mori, Abe, "
            "Ikeda, Hashimoto, Yamashita, Ishikawa, Nakajima, Maeda, Fujita, Ogawa, Goto, Okada, Hasegawa, "
            "Murakami, Kondo, Ishii, Saito, Sakamoto, Endo, Aoki, Fujii, Nishimura, Fukuda, Ota, Miura, "
            "Fujiwara, Okamoto, Matsuda, Nakagawa, Nakano"
        ),
        _listed(
            "Hiroshi, Yuki, Kenji, Aiko, Takumi, Haruka, Takashi, Makoto, Akira, Daisuke, Kazuki, Shota, "
            "Yuta, Kenta, Naoki, Tetsuya, Satoshi, Masato, Ryota, Shun, Haruto, Sota, Ren, Yuto, Kaito, "
            "Takeshi, Koji, Yui, Sakura, Yoko, Keiko, Tomoko, Akiko, Naoko, Yumiko, Mayumi, Emi, Ayaka, "
            "Misaki, Nanami, Mei, Rin, Hina, Aoi, Yuna, Miyu, Kaori, Megumi, Noriko, Minato"
        ),
        True,
        ("Sakura", "Fujimi", "Hoshino", "Kawaguchi", "Midori", "Aoba"),
        ("Co., Ltd.", "K.K.", "Corporation"),
        (
            ("Shibaura 3-chome", "Minato-ku", "Tokyo"),
            ("Nishi-Shinjuku 2-chome", "Shinjuku-ku", "Tokyo"),
            ("Umeda 1-chome", "Kita-ku", "Osaka"),
        ),
        ("yahoo.co.jp", "gmail.com"),
        "co.jp",
        1.2,
        8.0,
        4.0,
        "TK",
        "NRT",
    ),
    Country(
        "US",
        "United States",
        1,
        (("212", 7), ("213", 7), ("415", 7)),
        _listed(
            "Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Hernandez, "
            "Lopez, Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Perez, Thompson, "
            "White, Harris, Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young, Allen, King, Wright, "
            "Scott, Torres, Hill, Flores, Green, Adams, Nelson, Baker, Hall, Rivera, Campbell, Mitchell, "
            "Carter, Roberts, Gomez, Phillips"
        ),
        _listed(
            "James, Mary, Robert, Jennifer, Michael, Linda, John, Patricia, David, Elizabeth, William, "
            "Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Christopher, Karen, Charles, Lisa, "
            "Daniel, Nancy, Matthew, Betty, Anthony, Sandra, Mark, Margaret, Donald, Ashley, Steven, "
            "Kimberly, Andrew, Emily, Paul, Donna, Joshua, Michelle, Kenneth, Carol, Kevin, Amanda, Brian, "
            "Melissa, George, Deborah, Timothy, Stephanie"
        ),
        False,
        ("Pacific Ridge", "Lakeshore", "Summit", "Redwood", "Bluewater", "Granite"),
        ("Inc.", "LLC", "Corp."),
        (
            ("West 34th Street", "Manhattan", "New York"),
            ("South Figueroa Street", "Downtown", "Los Angeles"),
            ("Market Street", "SoMa", "San Francisco"),
        ),
        ("gmail.com", "outlook.com"),
        "com",
        1.15,
        9.0,
        3.0,
        "",
        "LAX",
    ),
    Country(
        "DE",
        "Germany",
        49,
        (("30", 8), ("40", 8)),
        _listed(
            "Muller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schafer, "
            "Koch, Bauer, Richter, Klein, Wolf, Schroder, Neumann, Schwarz, Zimmermann, Braun, Kruger, "
            "Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, Krause, Meier, Lehmann, Schmid, Schulze, "
            "Maier, Kohler, Herrmann, Konig, Walter, Mayer, Huber, Kaiser, Fuchs, Peters, Lang, Scholz, "
            "Moller, Weiss, Keller, Hahn, Vogel"
        ),
        _listed(
            "Lukas, Anna, Felix, Laura, Jonas, Thomas, Sabine, Michael, Andrea, Stefan, Claudia, Andreas, "
            "Susanne, Christian, Petra, Markus, Nicole, Frank, Birgit, Martin, Katrin, Jurgen, Monika, "
            "Klaus, Julia, Wolfgang, Stefanie, Alexander, Sandra, Tobias, Lena, Maximilian, Lea, Leon, "
            "Sophie, Paul, Marie, Jan, Hannah, Tim, Lisa, Florian, Sarah, Sebastian, Katharina, Daniel, "
            "Melanie, Matthias, Karin, Uwe"
        ),
        False,
        ("Nordstern", "Rheintal", "Alpen", "Hansa", "Weissberg"),
        ("GmbH", "AG", "GmbH & Co. KG"),
        (("Friedrichstrasse", "Mitte", "Berlin"), ("Grosse Elbstrasse", "Altona", "Hamburg")),
        ("gmx.de", "web.de"),
        "de",
        1.25,
        6.0,
        1.0,
        "C",
        "FRA",
    ),
    Country(
        "TH",
        "Thailand",
        66,
        (("2", 7),),
        _listed(
            "Saetang, Srisuk, Wongsawat, Chaiyaporn, Saelim, Saeheng, Sukjai, Boonmee, Thongdee, Kaewkla, "
            "Srisombat, Chaiwong, Rattanakorn, Phromma, Intharat, Khamsuk, Suwannarat, Thongsuk, Jaidee, "
            "Kongkaew, Bunnag, Siriwat, Wongchai, Chantarasuk, Prasertsri, Somboon, Sripong, Charoenkul, "
            "Ruangsri, Pattana, Sangthong, Kaewmanee, Phanit, Sombatsiri, Chuenchom, Suksawat, Yodsiri, "
            "Anuwat, Khongsri, Wattana, Manee, Thammasak, Sirikul, Kittisak, Chaimongkol, Pongsak, "
            "Rungruang, Nakprasert, Tangsiri, Buasri"
        ),
        _listed(
            "Somchai, Suda, Anan, Malee, Somsak, Siriporn, Prasert, Wanida, Sompong, Nittaya, Somporn, "
            "Kanya, Boonsong, Ratana, Chai, Pranee, Surachai, Supaporn, Niran, Jintana, Wichai, Sunisa, "
            "Chaiwat, Orawan, Kittipong, Pimchanok, Thanawat, Napat, Anucha, Apinya, Sakda, Duangjai, "
            "Panya, Kannika, Weerapong, Arunee, Narong, Sasithorn, Sombat, Chutima, Prawit, Wipawee, "
            "Teerawat, Mayuree, Pornchai, Siriwan, Tanakorn, Kulthida, Nattapong, Sukanya"
        ),
        False,
        ("Sukjai", "Rattana", "Thong Dee", "Siri Mongkol"),
        ("Co., Ltd.", "Public Co., Ltd."),
        (("Sukhumvit Road", "Khlong Toei", "Bangkok"), ("Rama IV Road", "Pathum Wan", "Bangkok")),
        ("gmail.com", "hotmail.com"),
        "co.th",
        0.9,
        5.0,
        2.0,
        "AA",
        "BKK",
    ),
    Country(
        "IT",
        "Italy",
        39,
        (("02", 8), ("06", 8)),
        _listed(
            "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, "
            "Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, "
            "Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli, "
            "Vitale, Lombardo, Serra, Coppola, De Santis, Marchetti, Parisi, Villa, Conte, Ferraro, Ferri, "
            "Fabbri, Bianco, Marini, Grasso, Valentini, Messina"
        ),
        _listed(
            "Marco, Giulia, Luca, Francesca, Giuseppe, Maria, Giovanni, Anna, Antonio, Sara, Mario, Laura, "
            "Francesco, Chiara, Andrea, Valentina, Alessandro, Elena, Paolo, Federica, Roberto, Silvia, "
            "Stefano, Alessandra, Davide, Martina, Matteo, Elisa, Lorenzo, Paola, Simone, Roberta, Fabio, "
            "Giorgia, Riccardo, Cristina, Alberto, Monica, Massimo, Barbara, Daniele, Ilaria, Filippo, "
            "Serena, Claudio, Simona, Federico, Angela, Gabriele, Alice"
        ),
        False,
        ("Alba", "Bellavista", "Colle", "Serena", "Valverde"),
        ("S.r.l.", "S.p.A."),
        (("Via Torino", "Centro Storico", "Milano"), ("Via del Corso", "Centro", "Roma")),
        ("libero.it", "gmail.com"),
        "it",
        1.3,
        4.0,
        1.0,
        "YA",
        "FCO",
    ),
    Country(
        "IN",
        "India",
        91,
        (("98", 8), ("22", 8)),
        _listed(
            "Sharma, Patel, Singh, Kumar, Gupta, Shah, Verma, Yadav, Reddy, Rao, Jain, Mehta, Agarwal, "
            "Joshi, Mishra, Nair, Iyer, Pillai, Chopra, Malhotra, Kapoor, Bhatt, Desai, Pandey, Tiwari, "
            "Chauhan, Saxena, Menon, Das, Banerjee, Chatterjee, Mukherjee, Ghosh, Bose, Sinha, Srivastava, "
            "Dubey, Thakur, Naidu, Kulkarni, Pawar, Jadhav, Chaudhary, Bhatia, Arora, Sethi, Khanna, Goyal, "
            "Mittal, Bansal"
        ),
        _listed(
            "Rahul, Priya, Amit, Sunita, Vikram, Rajesh, Anita, Suresh, Pooja, Sanjay, Neha, Ramesh, "
            "Kavita, Anil, Deepa, Vijay, Rekha, Manoj, Meena, Arun, Lakshmi, Ravi, Geeta, Ajay, Swati, "
            "Sunil, Divya, Ashok, Anjali, Rakesh, Nisha, Deepak, Shweta, Vinod, Sneha, Sandeep, Ritu, "
            "Ankit, Pallavi, Arjun, Shreya, Rohit, Asha, Nikhil, Komal, Karan, Rani, Gaurav, Usha, Aditya"
        ),
        False,
        ("Shree Ganesh", "Arihant", "Sai Krupa", "Lakshmi"),
        ("Pvt. Ltd.", "Exports Pvt. Ltd."),
        (("Nariman Point", "Mumbai", "Mumbai"), ("Connaught Place", "New Delhi", "Delhi")),
        ("gmail.com", "rediffmail.com"),
        "in",
        0.85,
        5.0,
        1.0,
        "K",
        "DEL",
    ),
    Country(
        "ID",
        "Indonesia",
        62,
        (("21", 8),),
        _listed(
            "Santoso, Wijaya, Susanto, Halim, Gunawan, Setiawan, Hidayat, Saputra, Kusuma, Pratama, "
            "Nugroho, Salim, Tanoto, Hartono, Sutanto, Wibowo, Siregar, Simanjuntak, Nasution, Lubis, "
            "Harahap, Sitompul, Purba, Ginting, Tarigan, Sembiring, Manurung, Hutapea, Panjaitan, Wahyudi, "
            "Suharto, Kurniawan, Permana, Firmansyah, Ramadhan, Hakim, Rahman, Syahputra, Budiman, Tanjung, "
            "Sinaga, Pohan, Daulay, Situmorang, Hasibuan, Rangkuti, Pardede, Siagian, Sihombing, Hutagalung"
        ),
        _listed(
            "Budi, Siti, Agus, Dewi, Sri, Eko, Andi, Rina, Joko, Wati, Bambang, Yuni, Hendra, Ani, Dedi, "
            "Fitri, Rudi, Indah, Slamet, Putri, Ahmad, Lestari, Hadi, Nur, Wahyu, Ratna, Arif, Yanti, Iwan, "
            "Sari, Dian, Ayu, Teguh, Maya, Rizky, Nita, Bayu, Tari, Fajar, Endang, Imam, Lina, Adi, Mega, "
            "Heru, Intan, Yusuf, Kartini, Doni, Rini"
        ),
        False,
        ("Sinar Jaya", "Maju Bersama", "Cahaya Abadi", "Mitra Sejati"),
        ("PT", "Tbk"),
        (("Jalan Jenderal Sudirman", "Tanah Abang", "Jakarta"), ("Jalan Gajah Mada", "Gambir", "Jakarta")),
        ("gmail.com", "yahoo.co.id"),
        "co.id",
        0.85,
        5.0,
        1.0,
        "B",
        "CGK",
    ),
    Country(
        "TR",
        "Turkiye",
        90,
        (("212", 7),),
        _listed(
            "Yilmaz, Kaya, Demir, Sahin, Celik, Yildiz, Yildirim, Ozturk, Aydin, Ozdemir, Arslan, Dogan, "
            "Kilic, Aslan, Cetin, Kara, Koc, Kurt, Ozkan, Simsek, Polat, Ozcan, Korkmaz, Cakir, Erdogan, "
            "Yavuz, Can, Acar, Sen, Aktas, Guler, Yalcin, Gunes, Bozkurt, Bulut, Keskin, Unal, Turan, Gul, "
            "Ozer, Isik, Kaplan, Avci, Sari, Tekin, Tas, Kose, Yuksel, Ates, Aksoy"
        ),
        _listed(
            "Mehmet, Ayse, Mustafa, Fatma, Emre, Ahmet, Emine, Ali, Hatice, Huseyin, Zeynep, Hasan, Elif, "
            "Ibrahim, Meryem, Ismail, Sultan, Yusuf, Hacer, Murat, Merve, Omer, Esra, Ramazan, Ozlem, "
            "Osman, Leyla, Burak, Seda, Kemal, Gulsen, Serkan, Derya, Halil, Ebru, Fatih, Aylin, Onur, "
            "Busra, Kadir, Hulya, Gokhan, Sevgi, Cem, Tugba, Volkan, Dilek, Erkan, Songul, Tolga"
        ),
        False,
        ("Anadolu", "Bosphorus", "Kaya", "Yildiz"),
        ("A.S.", "Ltd. Sti."),
        (("Istiklal Caddesi", "Beyoglu", "Istanbul"), ("Buyukdere Caddesi", "Sisli", "Istanbul")),
        ("gmail.com", "hotmail.com"),
        "com.tr",
        1.0,
        3.0,
        1.0,
        "U",
        "IST",
    ),
    Country(
        "PH",
        "Philippines",
        63,
        (("28", 7),),
        _listed(
            "Santos, Reyes, Cruz, Bautista, Garcia, Ocampo, Mendoza, Torres, Tomas, Andrada, Castillo, "
            "Flores, Villanueva, Ramos, Castro, Rivera, Aquino, Navarro, Salazar, Mercado, Dela Cruz, "
            "Gonzales, Lopez, Perez, Del Rosario, Fernandez, Aguilar, Soriano, Santiago, Manalo, Domingo, "
            "Pascual, Valdez, Gutierrez, Francisco, Morales, Ramirez, De Leon, Hernandez, Diaz, Magbanua, "
            "Dizon, Tan, Sison, Panganiban, Macaraeg, Cabrera, Lacson, Padilla, Roxas"
        ),
        _listed(
            "Jose, Maria, Juan, Ana, Mark, John, Michael, Angelica, Christian, Kimberly, Joseph, Mary "
            "Grace, Jerome, Rosalie, Ramon, Cristina, Antonio, Jocelyn, Eduardo, Marites, Ricardo, Lorna, "
            "Rodel, Jennifer, Rommel, Liza, Arnel, Marilou, Manuel, Joy, Francisco, Analyn, Roberto, "
            "Maricel, Carlo, Rowena, Paolo, Catherine, Danilo, Erlinda, Renato, Gloria, Noel, Teresita, "
            "Jericho, Camille, Ernesto, Aileen, Rogelio, Princess"
        ),
        False,
        ("Mabuhay", "Bayanihan", "Perlas", "Tala"),
        ("Inc.", "Corp."),
        (("Ayala Avenue", "Makati", "Metro Manila"), ("Roxas Boulevard", "Pasay", "Metro Manila")),
        ("gmail.com", "yahoo.com"),
        "ph",
        0.9,
        3.0,
        2.0,
        "P",
        "MNL",
    ),
    Country(
        "HK",
        "Hong Kong, China",
        852,
        (("9", 7),),
        _listed(
            "Chan, Wong, Leung, Cheung, Lau, Ng, Cheng, Lai, Yeung, Ho, Tsang, Chow, Tse, Lam, Chu, Kwok, "
            "Lo, Ma, Yuen, Fung, Tang, Mak, Siu, Law, Hui, Tam, Kwan, Poon, Yip, Wan, Au, Tong, Kong, Mok, "
            "Sze, Pang, Choy, Shek, Fong, Ching"
        ),
        _HONG_KONG_GIVEN_NAMES,
        True,
        ("Victoria", "Harbour Crest", "Golden Bay", "Kowloon Star"),
        ("Limited", "Trading Limited"),
        (
            ("Nathan Road", "Tsim Sha Tsui", "Kowloon"),
            ("Des Voeux Road Central", "Central", "Hong Kong Island"),
        ),
        ("gmail.com", "netvigator.com"),
        "com.hk",
        1.0,
        4.0,
        2.0,
        "K",
        "HKG",
    ),
)

#: Korean company name words in Hangul, by the romanised word; used for Hangul renderings of names.
KOREAN_COMPANY_WORDS_HANGUL: dict[str, str] = {
    "Hanbit": "한빛",
    "Daesung": "대성",
    "Mirae": "미래",
    "Samjin": "삼진",
    "Sejin": "세진",
    "Dongbang": "동방",
    "Jinheung": "진흥",
    "Taeyang": "태양",
    "Haneul": "하늘",
    "Baekdu": "백두",
    "Sinil": "신일",
    "Woojin": "우진",
    "Seongwoo": "성우",
    "Daemyung": "대명",
    "Hwasin": "화신",
    "Narae": "나래",
    "Saerom": "새롬",
    "Yeonwoo": "연우",
    "Cheonji": "천지",
    "Garam": "가람",
    "Gukje": "국제",
    "Jeil": "제일",
    "Hanmaeum": "한마음",
    "Bitnara": "빛나라",
    "Pureun": "푸른",
    "Sonamu": "소나무",
    "Haedal": "해달",
    "Dasom": "다솜",
    "Ireum": "이름",
    "Nuri": "누리",
}

#: Business lines of Korean firms: English word and Hangul word.
KOREAN_BUSINESS_LINES: tuple[tuple[str, str], ...] = (
    ("Trading", "무역"),
    ("Global", "글로벌"),
    ("Logistics", "물류"),
    ("Industrial", "산업"),
    ("Electronics", "전자"),
    ("Foods", "식품"),
    ("Textile", "섬유"),
    ("International", "인터내셔널"),
    ("Commerce", "상사"),
    ("Tech", "테크"),
    ("Materials", "소재"),
    ("Distribution", "유통"),
)

#: Business lines of foreign suppliers.
FOREIGN_BUSINESS_LINES: tuple[str, ...] = (
    "Electronics",
    "Trading",
    "Industrial",
    "Textile",
    "Foods",
    "Technology",
    "Manufacturing",
    "Metal Products",
    "Home Products",
    "Garments",
)


@dataclass(frozen=True)
class KoreanStreet:
    """A Korean road-name address part: road, district, city and the postcode's first three digits."""

    road: str
    district: str
    city: str
    postcode_prefix: str
    #: Telephone area code of the city.
    area_code: str


KOREAN_STREETS: tuple[KoreanStreet, ...] = (
    KoreanStreet("Teheran-ro", "Gangnam-gu", "Seoul", "061", "2"),
    KoreanStreet("Gangnam-daero", "Seocho-gu", "Seoul", "065", "2"),
    KoreanStreet("Banpo-daero", "Seocho-gu", "Seoul", "066", "2"),
    KoreanStreet("Sejong-daero", "Jung-gu", "Seoul", "045", "2"),
    KoreanStreet("Jong-ro", "Jongno-gu", "Seoul", "031", "2"),
    KoreanStreet("Olympic-ro", "Songpa-gu", "Seoul", "055", "2"),
    KoreanStreet("Yeouidaebang-ro", "Yeongdeungpo-gu", "Seoul", "073", "2"),
    KoreanStreet("Digital-ro", "Guro-gu", "Seoul", "083", "2"),
    KoreanStreet("Mapo-daero", "Mapo-gu", "Seoul", "041", "2"),
    KoreanStreet("Dosan-daero", "Gangnam-gu", "Seoul", "060", "2"),
    KoreanStreet("Cheonho-daero", "Gwangjin-gu", "Seoul", "049", "2"),
    KoreanStreet("Nambusunhwan-ro", "Gwanak-gu", "Seoul", "088", "2"),
    KoreanStreet("Haeundaehaebyeon-ro", "Haeundae-gu", "Busan", "480", "51"),
    KoreanStreet("Jungang-daero", "Dong-gu", "Busan", "487", "51"),
    KoreanStreet("Chungjang-daero", "Jung-gu", "Busan", "489", "51"),
    KoreanStreet("Gaetbeol-ro", "Yeonsu-gu", "Incheon", "219", "32"),
    KoreanStreet("Incheon-daero", "Michuhol-gu", "Incheon", "221", "32"),
    KoreanStreet("Gonghang-ro", "Jung-gu", "Incheon", "223", "32"),
    KoreanStreet("Pangyo-ro", "Bundang-gu", "Seongnam", "135", "31"),
    KoreanStreet("Gwanggyojungang-ro", "Suji-gu", "Yongin", "169", "31"),
    KoreanStreet("Suin-ro", "Gwonseon-gu", "Suwon", "165", "31"),
    KoreanStreet("Dalgubeol-daero", "Suseong-gu", "Daegu", "421", "53"),
    KoreanStreet("Sangmu-daero", "Seo-gu", "Gwangju", "619", "62"),
    KoreanStreet("Daedeok-daero", "Seo-gu", "Daejeon", "352", "42"),
    KoreanStreet("Samsan-ro", "Nam-gu", "Ulsan", "446", "52"),
    KoreanStreet("Pyeongtaekhang-ro", "Poseung-eup", "Pyeongtaek", "179", "31"),
    KoreanStreet("Jungang-ro", "Jeju-si", "Jeju", "632", "64"),
    KoreanStreet("Gyeongin-ro", "Bucheon-si", "Bucheon", "147", "32"),
)


@dataclass(frozen=True)
class Voyage:
    """A scheduled flight or ferry service."""

    carrier: str
    code: str
    origin: str
    destination: str
    weight: float


VOYAGES: tuple[Voyage, ...] = (
    Voyage("flight", "KE0852", "PEK", "ICN", 5.0),
    Voyage("flight", "OZ0336", "PVG", "ICN", 5.0),
    Voyage("flight", "KE0658", "BKK", "ICN", 4.0),
    Voyage("flight", "OZ0746", "HKG", "ICN", 4.0),
    Voyage("flight", "7C1102", "NRT", "ICN", 4.0),
    Voyage("flight", "VJ0962", "SGN", "ICN", 3.0),
    Voyage("flight", "KE0624", "MNL", "ICN", 3.0),
    Voyage("flight", "OZ0204", "LAX", "ICN", 2.0),
    Voyage("flight", "KE0906", "FRA", "ICN", 1.5),
    Voyage("flight", "LJ0218", "KIX", "ICN", 3.0),
    Voyage("flight", "TW0702", "FUK", "PUS", 2.0),
    Voyage("flight", "KE0851", "ICN", "PEK", 4.0),
    Voyage("flight", "OZ0335", "ICN", "PVG", 4.0),
    Voyage("flight", "KE0657", "ICN", "BKK", 3.5),
    Voyage("flight", "OZ0745", "ICN", "HKG", 3.5),
    Voyage("flight", "7C1101", "ICN", "NRT", 3.5),
    Voyage("flight", "VJ0961", "ICN", "SGN", 2.5),
    Voyage("flight", "KE0623", "ICN", "MNL", 2.5),
    Voyage("flight", "OZ0203", "ICN", "LAX", 1.5),
    Voyage("vessel", "WEIHAI STAR", "CNWEI", "KRINC", 1.5),
    Voyage("vessel", "QINGDAO PEARL", "CNTAO", "KRINC", 1.5),
    Voyage("vessel", "DALIAN EXPRESS", "CNDLC", "KRINC", 1.0),
    Voyage("vessel", "STRAIT CROSSER", "JPFUK", "KRPUS", 1.0),
    Voyage("vessel", "WEIHAI STAR", "KRINC", "CNWEI", 1.5),
    Voyage("vessel", "QINGDAO PEARL", "KRINC", "CNTAO", 1.5),
)

#: Inbound services couriers use: the routes gold, cash and cigarettes come in by.
COURIER_ROUTES: tuple[int, ...] = tuple(
    i
    for i, voyage in enumerate(VOYAGES)
    if voyage.destination in ("ICN", "KRINC")
    and voyage.origin in ("HKG", "BKK", "PVG", "NRT", "MNL", "CNWEI", "CNTAO")
)

#: Seaport customs offices with their share of sea cargo.
SEA_OFFICES: tuple[tuple[str, float], ...] = (
    ("BUSAN", 0.45),
    ("INCHEON", 0.32),
    ("PYEONGTAEK", 0.12),
    ("ULSAN", 0.11),
)
#: Airport customs offices with their share of air cargo.
AIR_OFFICES: tuple[tuple[str, float], ...] = (("INCHEON_AIRPORT", 0.9), ("GIMPO_AIRPORT", 0.1))
#: The office clearing e-commerce parcels.
EXPRESS_OFFICE = "INCHEON_EXPRESS"

MARKETPLACES: tuple[str, ...] = ("NovaMart Global", "BlueBasket", "Orient Bazaar", "ShopAcross")

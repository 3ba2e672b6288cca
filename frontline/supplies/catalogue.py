"""The article's supplies, seeded into every database (the logistics group raised and issued these)."""

from __future__ import annotations

# (name, category, unit, low-stock threshold at the bureau's store, minimum days of cover)
CATALOGUE: list[tuple[str, str, str, int, int]] = [
    ("一次性医用外科口罩", "mask", "只", 2000, 3),
    ("N95医用防护口罩", "mask", "只", 300, 3),
    ("一次性医用手套", "gloves", "副", 1000, 3),
    ("医用防护服", "protective", "件", 50, 3),
    ("护目镜", "protective", "副", 30, 3),
    ("84消毒液", "disinfectant", "瓶", 40, 3),
    ("75%医用酒精", "disinfectant", "瓶", 40, 3),
    ("红外线体温计", "equipment", "个", 10, 0),
    ("暖宝宝", "welfare", "片", 300, 2),
    ("夜班方便食品", "welfare", "份", 100, 2),
    ("饮用水", "welfare", "箱", 30, 2),
]

BUREAU_STORE_NAME = "区司法局物资库"

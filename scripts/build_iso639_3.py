"""Write capacitymetro_plugin/core/data/iso639_3.csv from Debian's iso-codes package.

The table holds every living ISO 639-3 language (individual languages and macrolanguages), with
its ISO 639-1 code where one exists: the registry stores the two-letter code when there is one
(``it``, not ``ita``) and the three-letter code otherwise (Dari ``prs``, Kurmanji ``kmr``,
Mandinka ``mnk``, Soninke ``snk``). Italian names come from iso-codes' Italian translation; where
it has none, the few languages of migration to Italy below are named by hand, the rest keep the
English name. Run: ``python3 scripts/build_iso639_3.py`` (needs ``apt-get install iso-codes``).
"""

from __future__ import annotations

import csv
import gettext
import json
from pathlib import Path

SOURCE = Path("/usr/share/iso-codes/json/iso_639-3.json")
TARGET = Path(__file__).resolve().parents[1] / "capacitymetro_plugin/core/data/iso639_3.csv"
# Italian names iso-codes does not translate, written by hand for languages spoken by migrants
# in Italy (the others keep the English name, as the ISO 639-1 table does)
ITALIAN = {
    "prs": "Dari",
    "kmr": "Curdo settentrionale (kurmanji)",
    "ckb": "Curdo centrale (sorani)",
    "mnk": "Mandinka",
    "snk": "Soninke",
    "fuc": "Pulaar",
    "pbu": "Pashtu settentrionale",
    "pnb": "Punjabi occidentale",
    "aeb": "Arabo tunisino",
    "ary": "Arabo marocchino",
    "arz": "Arabo egiziano",
    "apd": "Arabo sudanese",
    "acm": "Arabo mesopotamico",
    "tzm": "Tamazight dell'Atlante centrale",
    "kab": "Cabilo",
    "dyu": "Diula",
    "sus": "Susu",
    "tem": "Temne",
    "kri": "Krio",
    "pcm": "Pidgin nigeriano",
    "bin": "Edo",
    "ctg": "Chittagonian",
    "syl": "Sylheti",
}


def main() -> int:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))["639-3"]
    it = gettext.translation("iso_639-3", localedir="/usr/share/locale", languages=["it"])
    rows = []
    for entry in data:
        if entry.get("type") != "L" or entry.get("scope") not in ("I", "M"):
            continue
        code, en = entry["alpha_3"], entry["name"]
        name_it = ITALIAN.get(code) or it.gettext(en)
        rows.append((code, en, name_it, entry.get("alpha_2", "")))
    rows.sort()
    with open(TARGET, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "en", "it", "iso639_1"])
        out.writerows(rows)
    print(f"{len(rows)} languages -> {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Add the names of the ISO 639-1 languages in French, Spanish, Romanian and Ukrainian to
capacitymetro_plugin/core/data/iso639_1.csv, from Debian's iso-codes translations (ISO 639-2).

The bussola's printed lists (core/bussola/pdf.py) name a language in the reader's language when
the PDF font cannot draw its own name (Bengali, Chinese; Arabic script needs shaping fpdf2 does
not do without uharfbuzz): "bengali" in the French list, "бенгальська" in the Ukrainian. The
``code``, ``en`` and ``it`` columns are kept as they are; a name iso-codes does not translate keeps
the English one (as the Italian column does); of alternatives ("Pushto; Pashto") the first is kept.
Run: ``python3 scripts/build_iso639_1_names.py`` (needs ``apt-get install iso-codes``).
"""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

TABLE = Path(__file__).resolve().parents[1] / "capacitymetro_plugin/core/data/iso639_1.csv"
LANGUAGES = ("fr", "es", "ro", "uk")
# iso-codes 4.15 mistakes, corrected by hand
FIXES = {("es", "ar"): "Árabe"}


def main() -> int:
    with open(TABLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for lang in LANGUAGES:
        names = gettext.translation("iso_639-2", localedir="/usr/share/locale", languages=[lang])
        for r in rows:
            name = names.gettext(r["en"]).split(";")[0].strip()
            r[lang] = FIXES.get((lang, r["code"]), name)
    with open(TABLE, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(
            fh, ["code", "en", "it", *LANGUAGES], lineterminator="\r\n"
        )  # as it was written
        out.writeheader()
        out.writerows(rows)
    print(f"{len(rows)} languages, names in {', '.join(LANGUAGES)} -> {TABLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

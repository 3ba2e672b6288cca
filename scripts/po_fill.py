"""Fill empty msgstr entries of a .po catalogue from a {msgid: msgstr} dict in a Python file.

Usage: python scripts/po_fill.py CATALOGUE.po TRANSLATIONS.py  (prints the msgids still missing)
"""

import re
import runpy
import sys


def unquote(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block))


def _untranslated(entry: str) -> bool:
    """True when the entry's msgstr is empty; a long one starts with `msgstr ""` and goes on below."""
    m = re.search(r'^msgstr ((?:".*"\n?)+)', entry, re.M)
    return m is not None and unquote(m.group(1)) == ""


def main(po_path: str, dict_path: str) -> None:
    data = runpy.run_path(dict_path)
    table, plurals = data["ZH"], data.get("PLURALS", {})
    text = open(po_path, encoding="utf-8").read()
    missing = []
    out = []
    for entry in text.split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m or unquote(m.group(1)) == "":
            out.append(entry)
            continue
        msgid = unquote(m.group(1))
        if "#, fuzzy" in entry or "#| msgid" in entry:
            # msgmerge's guesses are often wrong ("Non-member" -> the translation of "Number"): drop them.
            entry = "\n".join(line for line in entry.split("\n") if not line.startswith("#|"))
            entry = entry.replace("#, fuzzy\n", "")
            entry = re.sub(r'^msgstr ((?:".*"\n?)+)', 'msgstr ""\n', entry, flags=re.M).rstrip("\n")
        if "msgid_plural" in entry:
            if msgid in plurals:
                entry = re.sub(
                    r'msgstr\[0\] ".*"', lambda _m: 'msgstr[0] "%s"' % plurals[msgid][0].replace('"', '\\"'), entry
                )
            else:
                missing.append(msgid)
        elif _untranslated(entry) and msgid in table:
            value = table[msgid].replace('\\"', "\x00").replace('"', '\\"').replace("\x00", '\\"')
            entry = re.sub(r'^msgstr ((?:".*"\n?)+)', lambda _m: f'msgstr "{value}"\n', entry, flags=re.M).rstrip("\n")
        elif _untranslated(entry):
            missing.append(msgid)
        entry = entry.replace("#, fuzzy\n", "")
        out.append(entry)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print("MISSING:", msgid)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

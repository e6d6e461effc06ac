"""Bring the window's translation catalogues up to date with its code, and compile them.

    python tools/update_translations.py              update every catdog_gui_<code>.ts, then compile each .qm
    python tools/update_translations.py --add fr     start a catalogue for French as well
    python tools/update_translations.py --check      change nothing; exit 1 if a catalogue or .qm is behind
    python tools/update_translations.py --take PART.ts ...   also take the translations of these

Step one, ``pyside6-lupdate``, reads the texts marked for translation (``self.tr``,
``QCoreApplication.translate``, ``QT_TRANSLATE_NOOP``) in ``catdog_gui/gui/*.py`` (the window only: the
command line stays English) into ``resources/translations/catdog_gui_<code>.ts``, keeping the
translations there and dropping the texts the code no longer has. Translate in Qt Linguist
(``pyside6-linguist``) or any editor of the XML. Step two, ``pyside6-lrelease``, compiles each ``.ts``
into the ``.qm`` the app loads; both are committed, so that a checkout, an editable install and a wheel
have them without a build step. Only finished translations are compiled: an entry lupdate marks
unfinished (new, or its English changed) shows in English until someone checks it.

English, the language of the source, needs a catalogue only for plural forms (``%n photo(s)``):
``--add en`` starts one holding only those.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "catdog_gui" / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
PREFIX = "catdog_gui_"
SOURCE_LANGUAGE = "en"


def tool(name: str) -> str:
    """A Qt tool of the PySide6 in use (beside this Python), else the one on PATH."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 in this environment")
    return found


def source_files() -> list[Path]:
    return sorted(SOURCES.glob("*.py"))


def catalogues(folder: Path = TRANSLATIONS) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*.ts"))


def language_of(catalogue: Path) -> str:
    return catalogue.stem[len(PREFIX):]


def part_language(catalogue: Path) -> str:
    """The target language a catalogue declares (``<TS language="es">``)."""
    return ElementTree.parse(catalogue).getroot().get("language", "").split("_")[0]


def update_catalogue(catalogue: Path) -> None:
    """Merge the code's texts into ``catalogue`` (made if missing), without line numbers, which would
    change with every edit of the code."""
    code = language_of(catalogue)
    command = [tool("pyside6-lupdate"), *map(str, source_files()), "-ts", str(catalogue), "-no-obsolete",
               "-locations", "none", "-source-language", SOURCE_LANGUAGE, "-target-language", code, "-silent"]
    if code == SOURCE_LANGUAGE:
        command.append("-pluralonly")
    subprocess.run(command, check=True)


def compile_catalogue(catalogue: Path, qm: Path | None = None) -> Path:
    """``catalogue`` compiled (its finished translations only) to ``qm``, by default beside it."""
    qm = qm or catalogue.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), str(catalogue), "-qm", str(qm), "-nounfinished", "-silent"],
                   check=True)
    return qm


def messages(catalogue: Path) -> dict[tuple[str, str, str], list[str]]:
    """``(context, source, comment)`` to the finished translation's forms (none if unfinished)."""
    found = {}
    for context in ElementTree.parse(catalogue).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            unfinished = translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete")
            forms = [form.text or "" for form in translation.iter("numerusform")] if translation is not None else []
            if translation is not None and not forms:
                forms = [translation.text or ""]
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            found[key] = [] if unfinished else forms
    return found


def take_translations(catalogue: Path, others: list[Path]) -> int:
    """Set ``catalogue``'s translations from the finished ones of ``others`` (catalogues made for a part of
    the code, translated apart, so theirs are the newer); the number set."""
    known = {key: forms for other in others for key, forms in messages(other).items() if forms}
    tree = ElementTree.parse(catalogue)
    filled = 0
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            key = (context.findtext("name", ""), message.findtext("source", ""), message.findtext("comment", ""))
            translation = message.find("translation")
            if key not in known or translation is None:
                continue
            translation.attrib.pop("type", None)
            if message.get("numerus") == "yes":
                for form in list(translation):
                    translation.remove(form)
                for text in known[key]:
                    ElementTree.SubElement(translation, "numerusform").text = text
            else:
                translation.text = known[key][0]
            filled += 1
    tree.write(catalogue, encoding="utf-8", xml_declaration=True)
    update_catalogue(catalogue)  # lupdate writes the file back in its own layout
    return filled


def behind(catalogue: Path) -> list[str]:
    """What is out of date about ``catalogue`` and its .qm, in words; empty if nothing."""
    problems = []
    with tempfile.TemporaryDirectory() as temp:
        fresh = Path(temp) / catalogue.name
        shutil.copy(catalogue, fresh)
        update_catalogue(fresh)
        if set(messages(fresh)) != set(messages(catalogue)):
            problems.append(f"{catalogue.name} does not have the code's texts: run {Path(__file__).name}")
        qm = catalogue.with_suffix(".qm")
        if not qm.is_file() or compile_catalogue(catalogue, Path(temp) / qm.name).read_bytes() != qm.read_bytes():
            problems.append(f"{qm.name} is not compiled from {catalogue.name}: run {Path(__file__).name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", metavar="CODE", action="append", default=[],
                        help="start a catalogue for this language (es, pt_BR, ...)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is behind")
    parser.add_argument("--take", metavar="TS", nargs="+", type=Path, default=[],
                        help="take the finished translations of these catalogues (of a part of the code, "
                             "translated apart); each goes into the catalogue of its own language")
    args = parser.parse_args(argv)
    if args.check:
        problems = [problem for catalogue in catalogues() for problem in behind(catalogue)]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    wanted = set(catalogues()) | {TRANSLATIONS / f"{PREFIX}{code}.ts" for code in args.add}
    for catalogue in sorted(wanted):
        update_catalogue(catalogue)
        parts = [part for part in args.take if part_language(part) == language_of(catalogue)]
        if parts:
            print(f"{catalogue.relative_to(ROOT)}: {take_translations(catalogue, parts)} taken from "
                  f"{', '.join(part.name for part in parts)}")
        qm = compile_catalogue(catalogue)
        found = messages(catalogue)  # parsed once for both counts
        finished = sum(bool(forms) for forms in found.values())
        print(f"{catalogue.relative_to(ROOT)}: {finished} of {len(found)} translated -> {qm.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

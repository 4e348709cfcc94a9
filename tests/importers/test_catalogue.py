"""The importer catalogue: every entry is a complete record, and the docs come from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptreg.cli.main import build_parser
from promptreg.importers.catalogue import AUTO, IMPORTERS, detect
from promptreg.importers.docs import render_import_markdown
from promptreg.importers.importer import ImporterLike
from tests.importers.helpers import FIXTURES, REPO


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_every_entry_is_a_complete_importer(name: str) -> None:
    importer = IMPORTERS[name]
    assert isinstance(importer, ImporterLike)
    checked: ImporterLike = importer  # mypy checks the record against the Protocol here
    assert checked.name == name
    assert importer.extensions and all(
        e.startswith(".") and e == e.lower() for e in importer.extensions
    )
    assert importer.summary and not importer.summary.endswith(".")
    assert len(importer.doc) > 80 and importer.doc.endswith(".")
    assert callable(importer.sniff) and callable(importer.read)


def test_docs_import_md_is_generated_and_current() -> None:
    current = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    assert current == render_import_markdown(), (
        "docs/import.md is stale: run `python -m promptreg.importers.docs > docs/import.md`"
    )


def test_help_lists_every_format_from_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser(["import", "--help"])
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "--help"])
    text = capsys.readouterr().out
    for name, importer in IMPORTERS.items():
        assert name in text and importer.summary in text
    assert f"{{{AUTO},{','.join(IMPORTERS)}}}" in text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (FIXTURES / "prompty" / "basic.prompty", "prompty"),
        (FIXTURES / "dotprompt" / "story.prompt", "dotprompt"),
        (FIXTURES / "promptfoo" / "simple-test" / "promptfooconfig.yaml", "promptfoo"),
    ],
)
def test_formats_are_detected_by_extension_and_content(path: Path, expected: str) -> None:
    assert detect(path, path.read_text(encoding="utf-8")).name == expected

"""docs/import.md, generated from the importer catalogue (a test keeps it current).

python -m promptreg.importers.docs > docs/import.md
"""

from __future__ import annotations

from promptreg.importers.catalogue import IMPORTERS

INTRO = """\
# Importing prompts

`promptreg import` turns prompts kept in other tools' files into draft prompt files,
one `registry/<namespace>/<name>.prompt.yaml` per prompt:

```sh
promptreg import tests/fixtures/import/prompty/basic.prompty --namespace support --dry-run
promptreg import tests/fixtures/import/dotprompt --namespace stories
promptreg import tests/fixtures/import/promptfoo/simple-test/promptfooconfig.yaml --tier 2
```

Every draft has `status: draft`, tier 1 unless `--tier` says otherwise, an owner
(`--owner`, default the first team in promptreg.yaml), a model promptreg.yaml lists,
and exactly the variables its templates use, each typed (from the source's schema where
it has one, else a string) and `trusted: false`. A comment at the top of the file lists
everything that could not be carried over exactly, with the source file and line.
Variable names become promptreg's lower-case ones (`firstName` becomes `first_name`).

An existing file is never overwritten: the import reports it and exits 1, as it does
for a file it cannot read (named, with the line). After writing, the drafts are linted
and the findings an author must act on are printed, with the `promptreg lint --fix`
command for those it can fix. `--format json` prints the same as JSON; `--dry-run`
prints the files instead of writing them.

Templates are converted so the draft renders the same messages as the source engine;
the tests check this against the Prompty runtime, the Dotprompt package, Nunjucks and
Python's `str.format` on the sources' sample inputs. Directories are searched for the
extensions below (Markdown only with `--from markdown`; Dotprompt partials, `_name.prompt`,
are inlined rather than imported).

`promptreg export ID --to prompty|dotprompt [-o FILE]` goes the other way; importing
an export renders the same messages (Prompty drops newlines at the ends of a message).

## Formats
"""


def render_import_markdown() -> str:
    lines = [INTRO]
    for name, importer in IMPORTERS.items():
        lines.append(f"### `--from {name}`\n")
        lines.append(
            f"{importer.summary}. Files: {', '.join(f'`*{e}`' for e in importer.extensions)}.\n"
        )
        lines.append(f"{importer.doc}\n")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_import_markdown())

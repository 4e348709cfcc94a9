"""Shell completion of commands, options and prompt ids, through argcomplete.

The shell runs `promptreg` with `_ARGCOMPLETE` set (`eval "$(register-python-argcomplete
promptreg)"` sets that up; README.md, "Shell completion"). Only then is every command's
parser built and argcomplete imported: an ordinary run pays one environment lookup.
Prompt ids come from the file names below the registry, not from parsing the files, so
a completion stays quick on a large registry and works when a file is broken.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from importlib import import_module
from typing import Any

ID_DESTS = frozenset({"id", "targets"})
"""Positional arguments that take prompt ids (`test` also takes paths)."""


def requested() -> bool:
    return "_ARGCOMPLETE" in os.environ


def prompt_ids(prefix: str = "", **_: Any) -> list[str]:
    """Ids of the prompt files below the nearest registry that start with `prefix`."""
    from promptreg.core.config import find_config, load_config
    from promptreg.core.errors import PromptregError
    from promptreg.core.tree import prompt_files, prompt_id_for

    try:
        settings = load_config(find_config())
    except PromptregError:
        return []
    found = (
        prompt_id_for(path, settings.registry_dir) for path in prompt_files(settings.registry_dir)
    )
    return sorted(i for i in found if i is not None and i.startswith(prefix))


def rule_names(prefix: str = "", **_: Any) -> list[str]:
    """Rule codes and names starting with `prefix` (codes in any case)."""
    from promptreg.lint.catalogue import RULES

    words = [*RULES, *(rule.name for rule in RULES.values())]
    return [w for w in words if w.startswith(prefix) or w.startswith(prefix.upper())]


def _subparsers(parser: argparse.ArgumentParser) -> Iterable[argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public walk of its tree
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.values()


def complete(commands: dict[str, tuple[str, str]], parser: argparse.ArgumentParser) -> None:
    """Print the completions for the shell's command line and leave the process."""
    import argcomplete

    full = argparse.ArgumentParser(prog=parser.prog, description=parser.description)
    subparsers = full.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, summary) in commands.items():
        import_module(module).add_parser(subparsers, name, summary)
    for name, command in zip(commands, _subparsers(full), strict=True):
        for action in command._actions:
            if action.option_strings or name == "new":  # `new` takes an id not yet used
                continue
            if action.dest in ID_DESTS:
                action.completer = prompt_ids  # type: ignore[attr-defined]
            elif name == "explain" and action.dest == "rule":
                action.completer = rule_names  # type: ignore[attr-defined]
    argcomplete.autocomplete(full)

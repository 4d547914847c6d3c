"""The README documents every setting and the two commands, and every command it shows runs as
written on a fresh clone; the public surface is what we mean."""

from __future__ import annotations

import argparse
import re
import shlex
import tomllib
from pathlib import Path

import pytest

import catalog
from api.cli import build_parser
from catalog.settings import Settings, settings_markdown

ROOT = Path(__file__).resolve().parents[1]
SEMCAT = ".venv/bin/semcat"  # the Makefile's $(VENV)/bin/ and pyproject's [project.scripts]
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def readme_commands() -> list[list[str]]:
    """Every shell command the README shows, in code blocks (a line each, comments dropped) or
    inline code, that starts with `make`, `semcat` or `.venv/bin/semcat`, as its words after
    any leading VAR=value. The settings table is left out: it is generated from the help texts
    of catalog/settings.py, which name the program rather than show a command."""
    text = (ROOT / "README.md").read_text().replace(settings_markdown(), "")
    lines = [line for block in _FENCE.findall(text) for line in block.splitlines()]
    lines += [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", _FENCE.sub("", text))]
    out = []
    for line in lines:
        try:
            words = shlex.split(line.removeprefix("$ "), comments=True)
        except ValueError:  # an unbalanced quote: prose, not a command
            continue
        while words and _ASSIGNMENT.match(words[0]):
            words = words[1:]
        if len(words) > 1 and words[0] in ("make", "semcat", SEMCAT):
            out.append(words)
    return out


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9_-]+)\s*:(?!=)", makefile, re.MULTILINE))


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def problems(words: list[str], targets: set[str]) -> list[str]:
    """What keeps a command from running as written: make targets the Makefile lacks, a bare
    `semcat`, or a subcommand, first argument or option api.cli's parser lacks (the values
    may be placeholders, like ``N`` or ``FILE...``)."""
    if words[0] == "make":
        return [f"no target {w!r} in the Makefile" for w in words[1:]
                if not _ASSIGNMENT.match(w) and w not in targets]
    if words[0] != SEMCAT:
        return [f"a bare `{words[0]}` is not on the PATH: write {SEMCAT}"]
    parsers = subcommands(build_parser())
    if words[1] not in parsers:
        return [f"no subcommand {words[1]!r} in api.cli"]
    parser = parsers[words[1]]
    out = []
    for choices in [a.choices for a in parser._actions if not a.option_strings and a.choices][:1]:
        if len(words) < 3 or words[2] not in choices:  # like `token create`
            out.append(f"the first argument is one of {sorted(choices)}")
    out += [f"no option {option}" for option in (w.split("=", 1)[0] for w in words[2:])
            if option.startswith("-") and option not in parser._option_string_actions]
    return out


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text().split("## ", 1)[0]
    assert "make run" in head
    assert "make test" in head


def test_readme_settings_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text()
    assert settings_markdown() in readme, f"regenerate with `{SEMCAT} settings --markdown`"
    for name in Settings.model_fields:
        assert f"`SEMCAT_{name.upper()}`" in readme


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command in sub.choices:  # type: ignore[union-attr]
        assert command in readme, command


def test_every_command_in_the_readme_runs_as_written() -> None:
    commands = readme_commands()
    shown = {" ".join(c[:3]) for c in commands}
    assert {"make run", "make test", f"{SEMCAT} token create", f"{SEMCAT} serve"} <= shown
    targets = make_targets()
    wrong = {" ".join(c): p for c in commands if (p := problems(c, targets))}
    assert not wrong


def test_no_readme_command_calls_a_bare_semcat() -> None:
    """`make` installs the command into the virtualenv only: a bare `semcat` is not on the
    PATH after `make run`."""
    assert not [" ".join(c) for c in readme_commands() if c[0] == "semcat"]
    assert re.search(r"^VENV \?= \.venv$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["semcat"] == "api.cli:main"


@pytest.mark.parametrize(("command", "problem"), [
    ("semcat token create --institution ASP", "a bare `semcat`"),
    (f"{SEMCAT} tokens create", "no subcommand 'tokens'"),
    (f"{SEMCAT} token mint --institution ASP", "the first argument is one of"),
    (f"{SEMCAT} token create --institutions ASP", "no option --institutions"),
    ("make serve PORT=8001", "no target 'serve'"),
])
def test_the_readme_check_names_what_is_wrong(command: str, problem: str) -> None:
    assert problem in " ".join(problems(shlex.split(command), make_targets()))


def test_the_public_surface_of_catalog() -> None:
    assert set(catalog.__all__) == {
        "Catalog", "CatalogError", "Conflict", "Finding", "Forbidden", "ImportReport",
        "InvalidInput", "InvalidRecord", "NotFound", "Passport", "QueryRejected", "QueryTimeout",
        "RecordOutcome", "Settings", "StoreUnavailable", "UnsafeInput", "ValidationReport",
        "get_settings",
        # kinds as data and the one write path (issue "Room for every kind of record")
        "Kinds", "RecordKind", "builtin_kinds", "Principal", "Publishing",
    }
    for name in catalog.__all__:
        assert getattr(catalog, name) is not None


def test_every_shape_has_romanian_and_english_messages() -> None:
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    sh = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph()
    for f in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(f)
    shapes = set(g.subjects(sh.path, None)) | set(g.subjects(RDF.type, sh.NodeShape))
    checked = 0
    for s in shapes:
        messages = {m.language for m in g.objects(s, sh.message)}  # type: ignore[attr-defined]
        if s in set(g.subjects(sh.path, None)):
            assert {"ro", "en"} <= messages, s
            checked += 1
    assert checked >= 40

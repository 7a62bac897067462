"""The command line's outputs, byte for byte, against tests/golden/outputs.json.

The manifest was made from the code before the engine/CLI refactor by
``python tests/golden/outputs.py make DIR``. Here the fast subset runs (the bundled
example through every command on the local and stream engines, one store case, one
Dask case, and a few cases of a tiny real export); the full set (every real export,
every engine, the store) is ``python tests/golden/outputs.py check``.

When a case fails: ``python tests/golden/outputs.py check --only CASE_ID --dump DIR``
writes the new outputs, to diff against the DIR the manifest was made with.
"""

from __future__ import annotations

import pytest

from tests.golden.outputs import Case, cases, compare, fast_cases, load_manifest, run_cases

ALL = cases()
FAST = fast_cases(ALL)
#: a real export of 10 posts: cheap, and it reads the weibo-search layout of real crawls
REAL = [c for c in ALL if c.id in ("report-json/local/lianhua", "report-json/stream/lianhua",
                                   "sov-total/local/lianhua", "inspect/local/lianhua")]


@pytest.fixture(scope="module")
def manifest() -> dict[str, dict]:
    return load_manifest()


def _check(case: Case, manifest: dict[str, dict]) -> None:
    [(_, outcome)] = list(run_cases([case], ALL))
    diffs = compare(case, outcome, manifest.get(case.id))
    assert not diffs, (
        f"{case.id}: {', '.join(diffs)} changed; see them with `python "
        f"tests/golden/outputs.py check --only '{case.id}' --dump DIR`\n"
        f"stderr now:\n{outcome.stderr.decode('utf-8', 'replace')[-2000:]}")


def test_manifest_covers_every_case(manifest: dict[str, dict]) -> None:
    ids = [c.id for c in ALL]
    assert sorted(ids) == sorted(manifest), "case list and manifest differ: remake it"


@pytest.mark.parametrize("case", FAST, ids=[c.id for c in FAST])
def test_example_outputs_unchanged(case: Case, manifest: dict[str, dict]) -> None:
    assert not case.realdata
    _check(case, manifest)


@pytest.mark.realdata
@pytest.mark.parametrize("case", REAL, ids=[c.id for c in REAL])
def test_real_export_outputs_unchanged(case: Case, manifest: dict[str, dict]) -> None:
    _check(case, manifest)

"""Python written inline in the pages is linted and run with pytest-examples, the way pydantic
tests its docs: ruff (and black's layout) must pass, the block must run, and what it prints must
match the `#>` comments under its print calls. `pytest --update-examples` reformats the blocks and
rewrites those comments in place.

Most Python on the pages is not inline: a fence holding only `--8<-- "snippets/x.py"` includes a
file, and pytest-examples sees just that line (it does not resolve includes). Such blocks are
recognised by their include line and checked for what they are (the file exists, lies in
snippets/ and titles the block); the file itself is linted by ruff and run by the example tests."""

from __future__ import annotations

import re

import pytest
from pytest_examples import CodeExample, EvalExample

from support.page_examples import DOCS, included_file, python_blocks
from support.paths import ROOT

# An independent count of the Python fences, to prove pytest-examples sees every one of them.
PYTHON_FENCE = re.compile(r"^[ \t]*```+[ \t]*\{?\.?py", re.M | re.I)


BLOCKS = python_blocks()
INLINE = [e for e in BLOCKS if included_file(e) is None]
INCLUDED = [e for e in BLOCKS if included_file(e) is not None]


def configure(eval_example: EvalExample) -> None:
    """The project's ruff rules (pyproject.toml), applied to code a reader copies from a page."""
    eval_example.set_config(
        line_length=130,
        target_version="py39",
        isort=True,
        upgrade=True,
        ruff_select=["E", "F", "W", "B", "S"],
        ruff_ignore=["S101"],
    )


def check_inline(example: CodeExample, eval_example: EvalExample) -> None:
    configure(eval_example)
    if eval_example.update_examples:
        eval_example.format(example)
        eval_example.run_print_update(example)
    else:
        eval_example.lint(example)
        eval_example.run_print_check(example)


def test_every_python_fence_is_found_and_sorted_into_inline_or_included(capsys):
    fences = sum(len(PYTHON_FENCE.findall(page.read_text(encoding="utf-8"))) for page in DOCS.rglob("*.md"))
    assert BLOCKS, "the pages show no Python at all"
    assert len(BLOCKS) == fences, f"pytest-examples found {len(BLOCKS)} Python blocks, the pages hold {fences} Python fences"
    assert len(INLINE) + len(INCLUDED) == len(BLOCKS)
    with capsys.disabled():
        summary = f"{len(BLOCKS)} Python blocks in docs/, {len(INLINE)} inline (linted and run), {len(INCLUDED)} included"
        print(f"\npage examples: {summary}")


@pytest.mark.parametrize("example", INCLUDED, ids=str)
def test_an_included_block_shows_an_existing_snippet_and_is_titled_with_it(example: CodeExample):
    included = included_file(example)
    path = ROOT / included.partition(":")[0]  # `file:section` includes one marked section
    assert path.is_file() and path.relative_to(ROOT).parts[0] == "snippets", f"{example}: {included} is not a file in snippets/"
    title = example.prefix_settings().get("title", "")
    # The title says what the block is, then the file it shows: "Code exchange · snippets/x.py:section".
    assert title.endswith(included), f"{example}: end the block's title with its file ({included})"


# With no inline block on any page, say so in the report instead of pytest's bare "empty parameter set".
NO_INLINE = pytest.param(None, marks=pytest.mark.skip(reason="no page holds an inline Python block (all are --8<-- includes)"))


@pytest.mark.parametrize("example", INLINE or [NO_INLINE], ids=str)
def test_an_inline_block_passes_lint_runs_and_prints_what_it_shows(example: CodeExample, eval_example: EvalExample):
    check_inline(example, eval_example)


# The harness itself, on a page written for the purpose: it must pass good code and catch bad code,
# so that the day a page gains an inline block, that block really is checked.

GOOD = """```python
total = sum([1, 2, 3])
print(total)
#> 6
```
"""
WRONG_OUTPUT = GOOD.replace("#> 6", "#> 7")
LINT_ERROR = """```python
import os

print(1)
#> 1
```
"""


@pytest.mark.parametrize(
    ("page", "problem"),
    [(GOOD, None), (WRONG_OUTPUT, "Print output"), (LINT_ERROR, "F401")],
    ids=["good", "wrong-output", "unused-import"],
)
def test_the_inline_check_passes_good_code_and_catches_bad_code(tmp_path, eval_example, page, problem):
    (tmp_path / "page.md").write_text(page, encoding="utf-8")
    (example,) = python_blocks(tmp_path)
    assert included_file(example) is None
    if problem is None:
        check_inline(example, eval_example)
        return
    with pytest.raises(pytest.fail.Exception) as caught:
        check_inline(example, eval_example)
    assert problem in str(caught.value)

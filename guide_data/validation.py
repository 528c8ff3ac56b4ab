"""Check loaded data against the schema, then against the rules a schema cannot state, and report
every problem at once with the key path to fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from guide_data.checks import cross_checks
from guide_data.paths import DATA_FILE
from guide_data.schema import SCHEMA


class DataError(ValueError):
    """The data file is missing, unparsable or breaks the schema. The message says where and what."""


# YAML gives dates as datetime.date: teach the validator a "date" type instead of stringifying.
_DataValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("date", lambda _checker, value: isinstance(value, dt.date)),
)


def _key_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _hint(error: ValidationError) -> str:
    return " (write dates as YYYY-MM-DD)" if error.validator == "type" and "date" in str(error.validator_value) else ""


def validate(data: Any, source: Path | str = DATA_FILE) -> dict:
    """Return ``data`` if it matches the schema, else raise DataError naming every problem."""
    errors = sorted(_DataValidator(SCHEMA).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{_key_path(e.absolute_path)}: {e.message}" + _hint(e) for e in errors]
    if not problems:
        problems = cross_checks(data)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise DataError(f"{source}: invalid guide data ({len(problems)} problem(s)); fix the file:\n{lines}")
    return data

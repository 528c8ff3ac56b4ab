"""guide_macros registers each module's macros by a loop (guide_macros/registry.py): a page calls a
macro by its function's name with the data already bound, and a second macro of the same name
stops the build instead of silently replacing the first on every page."""

from __future__ import annotations

import pytest

import guide_data
from guide_macros import conventions, guide_topics, registry


class MacrosEnv:
    """The part of mkdocs-macros' environment the modules use: its macros by name, and `macro`."""

    def __init__(self) -> None:
        self.macros: dict[str, object] = {}

    def macro(self, function, name: str = ""):
        self.macros[name or function.__name__] = function
        return function


def test_a_page_calls_a_macro_by_name_with_the_data_already_bound():
    env = MacrosEnv()
    data = guide_data.load()
    guide_topics.register(env, data)
    topic = data["topic_facts"][0]["topic"]
    html = env.macros["topic_facts"](topic)
    assert html.startswith(f'<ul class="facts" data-topic="{topic}">')
    assert html.count("<li ") == sum(1 for f in data["topic_facts"] if f["topic"] == topic)
    with pytest.raises(KeyError, match="no entry for topic 'no-such-topic'"):
        env.macros["topic_facts"]("no-such-topic")


def test_a_second_macro_of_the_same_name_fails_naming_it_and_its_module():
    env = MacrosEnv()
    data = guide_data.load()
    guide_topics.register(env, data)

    def dated(data: dict, statement_id: str) -> str:
        return statement_id

    with pytest.raises(ValueError, match=r"macro 'dated' \([\w.]*test_macro_registry\) is already registered"):
        registry.add_macros(env, data, dated)
    assert env.macros["dated"].func is guide_topics.dated  # the first one still answers
    conventions.register(env, data)  # other names: no complaint
    assert {"dated", "glossary", "changelog", "moved_anchors_from"} <= set(env.macros)

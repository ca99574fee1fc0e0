"""Completeness: every entity has a model, sample file and tests; texts and settings documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zakid_metrics import errors
from zakid_metrics.contract import ENTITIES, entity_for_file
from zakid_metrics.errors import ERROR_CODES
from zakid_metrics.i18n import de, en
from zakid_metrics.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
ERROR_TREE = [
    value
    for value in vars(errors).values()
    if isinstance(value, type) and issubclass(value, errors.ZakidError)
]


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_entity_has_a_model_a_sample_file_and_tests(entity: str) -> None:
    assert ENTITIES[entity].model.model_fields, f"{entity} has no model fields"
    sample_files = [p.name for p in SAMPLE.iterdir() if entity_for_file(p.name) == entity]
    assert sample_files, f"data/sample has no file for {entity}"
    contract_tests = (ROOT / "tests" / "zakid_metrics" / "test_contract.py").read_text()
    assert f'"{entity}"' in contract_tests, f"test_contract.py has no rule case for {entity}"


def test_every_entity_is_loaded_from_the_sample_by_an_ingest_test() -> None:
    source = (ROOT / "tests" / "pipelines" / "test_sample_ingest.py").read_text()
    for entity in ENTITIES:
        assert f'"{entity}"' in source, f"test_sample_ingest.py asserts nothing about {entity}"


def test_contract_doc_names_every_entity_and_column() -> None:
    doc = (ROOT / "docs" / "CONTRACT.md").read_text()
    for entity in ENTITIES.values():
        assert f"### {entity.name}" in doc
        for column in entity.columns:
            assert f"| {column} |" in doc, f"docs/CONTRACT.md lacks {entity.name}.{column}"


def test_settings_are_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"ZAKID_{name.upper()}" in readme, f"README does not document ZAKID_{name.upper()}"


def test_i18n_catalogues_have_the_same_keys() -> None:
    assert sorted(set(de.MESSAGES) - set(en.MESSAGES)) == []
    assert sorted(set(en.MESSAGES) - set(de.MESSAGES)) == []


def test_i18n_placeholders_match_between_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    mismatched = [k for k in de.MESSAGES if fields(de.MESSAGES[k]) != fields(en.MESSAGES[k])]
    assert mismatched == []


def test_no_i18n_catalogue_key_is_defined_twice() -> None:
    for module in (de, en):
        tree = ast.parse(Path(module.__file__).read_text())
        keys = [
            node.value
            for d in ast.walk(tree)
            if isinstance(d, ast.Dict)
            for node in d.keys
            if isinstance(node, ast.Constant)
        ]
        assert sorted({k for k in keys if keys.count(k) > 1}) == [], module.__name__


def test_every_error_class_has_a_code_of_its_own() -> None:
    codes = [error.code for error in ERROR_TREE]
    assert sorted(set(codes) - set(ERROR_CODES)) == []
    assert sorted({code for code in codes if codes.count(code) > 1}) == []


def test_every_error_code_belongs_to_an_error_class() -> None:
    assert sorted(set(ERROR_CODES) - {error.code for error in ERROR_TREE}) == []


def test_every_error_code_has_a_german_and_an_english_text_and_hint() -> None:
    missing = [
        f"{module.__name__}: {key}"
        for module in (de, en)
        for code in ERROR_CODES
        for key in (f"error.{code}", f"error.{code}.hint")
        if not module.MESSAGES.get(key)
    ]
    assert missing == []


def test_every_error_the_collector_answers_a_device_with_has_its_http_status() -> None:
    from pipelines.collector.app import ANSWERS

    refused = [e for e in ERROR_TREE if issubclass(e, errors.RequestError)]
    assert sorted(ANSWERS) == sorted([e.code for e in refused] + [errors.NotDurableError.code])

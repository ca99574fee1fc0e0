"""The drill-down by segment: a company's or a project's attribute selects both sides."""

from __future__ import annotations

import pandas as pd
import pytest

from zakid_metrics.segments import SEGMENTS, project_partners, segment_rows, size_class_basis

COMPANIES = pd.DataFrame(
    {
        "company_id": ["C1", "C2", "C3"],
        "name": ["Alpha", "Beta", "Gamma"],
        "size_class": ["micro", "small", "micro"],
        "is_craft": [True, False, False],
    }
)
PROJECTS = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3", "P4"],
        "company_id": ["C1", "C1", "C2", "C3"],
        "use_case": ["logistics", "other", "logistics", "other"],
        "status": ["pilot", "completed", "pilot", "inquiry"],
        "partner": ["UDE; Krohne", "Fraunhofer IMS", "UDE", "other"],
    }
)


def test_partners_are_split_and_trimmed() -> None:
    partners = project_partners(PROJECTS)
    assert list(zip(partners["project_id"], partners["partner"], strict=True)) == [
        ("P1", "UDE"),
        ("P1", "Krohne"),
        ("P2", "Fraunhofer IMS"),
        ("P3", "UDE"),
        ("P4", "other"),
    ]


@pytest.mark.parametrize(
    ("segment", "companies", "projects"),
    [
        (("size_class", "micro"), ["C1", "C3"], ["P1", "P2", "P4"]),
        (("is_craft", True), ["C1"], ["P1", "P2"]),
        (("use_case", "logistics"), ["C1", "C2"], ["P1", "P3"]),
        (("status", "inquiry"), ["C3"], ["P4"]),
        (("partner", "UDE"), ["C1", "C2"], ["P1", "P3"]),
        (("partner", "Krohne"), ["C1"], ["P1"]),
        (("size_class", "large"), [], []),
    ],
)
def test_a_segment_selects_companies_and_projects(
    segment: tuple[str, object], companies: list[str], projects: list[str]
) -> None:
    rows = segment_rows(segment, COMPANIES, PROJECTS)
    assert rows.companies["company_id"].tolist() == companies
    assert rows.projects["project_id"].tolist() == projects


def test_companies_count_all_their_projects_and_projects_name_their_company() -> None:
    rows = segment_rows(("use_case", "logistics"), COMPANIES, PROJECTS)
    assert rows.companies["projects"].tolist() == [2, 1]  # C1 has two projects, one logistics
    assert rows.projects["company"].tolist() == ["Alpha", "Beta"]


def test_segments_cover_each_contract_value_once() -> None:
    assert len(SEGMENTS) == len(set(SEGMENTS)) == 4 + 4 + 7 + 6 + 4


def test_the_basis_of_the_size_class_names_both_sme_exceptions() -> None:
    flags = pd.DataFrame(
        {
            "size_class_by_headcount_only": [False, True, False, False],
            "size_class_from_group": [False, False, True, False],
            "size_class_public_control": [False, False, False, True],
        }
    )
    assert size_class_basis(flags).tolist() == ["own", "headcount_only", "group", "public_control"]

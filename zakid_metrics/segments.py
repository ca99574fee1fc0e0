"""The drill-down of the engaged companies and their projects by one segment: a company's
attribute (size class, craft, start-up, ...) or a project's (use case, status, partner)."""

from __future__ import annotations

from typing import Literal, NamedTuple, get_args

import pandas as pd

from zakid_metrics.contract import PARTNERS, PROJECT_STATUSES, SIZE_CLASSES, USE_CASES

Segment = tuple[str, object]  # (dimension, value)
SEGMENTS: tuple[Segment, ...] = (
    *(("size_class", s) for s in SIZE_CLASSES),
    ("is_craft", True),
    ("is_startup", True),
    ("ude_spinoff", True),
    ("in_duisburg", True),
    *(("use_case", u) for u in USE_CASES),
    *(("status", s) for s in PROJECT_STATUSES),
    *(("partner", p) for p in PARTNERS),
)
PROJECT_DIMENSIONS = ("use_case", "status")
# What decided a company's size class (Recommendation 2003/361/EC): its own figures, its
# headcount alone (turnover and balance sheet missing), its group's figures (partner and linked
# enterprises, Art. 6) or public control of 25 % or more (Art. 3(4)).
SizeClassBasis = Literal["own", "headcount_only", "group", "public_control"]
SIZE_CLASS_BASES: tuple[SizeClassBasis, ...] = get_args(SizeClassBasis)


class SegmentRows(NamedTuple):
    """The companies of a segment (each with `projects`, its number of projects of all) and
    the projects of a segment (each with `company`, its company's name)."""

    companies: pd.DataFrame
    projects: pd.DataFrame


def project_partners(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project and partner (`project_id`, `partner`): `partner` lists them with `;`."""
    partners = projects[["project_id", "partner"]].assign(
        partner=projects["partner"].str.split(";")
    )
    partners = partners.explode("partner")
    return partners.assign(partner=partners["partner"].str.strip())


def size_class_basis(companies: pd.DataFrame) -> pd.Series:
    """Per company, what decided its size class, from the contract's derived flags."""
    basis = pd.Series("own", index=companies.index, dtype=object)
    basis[companies["size_class_by_headcount_only"].astype(bool)] = "headcount_only"
    basis[companies["size_class_from_group"].astype(bool)] = "group"
    basis[companies["size_class_public_control"].astype(bool)] = "public_control"
    return basis


def segment_rows(segment: Segment, companies: pd.DataFrame, projects: pd.DataFrame) -> SegmentRows:
    """The companies and projects of `segment`: by a project's attribute, its projects and
    their companies; by a company's, its companies and their projects."""
    dimension, chosen = segment
    if dimension in PROJECT_DIMENSIONS:
        in_projects = projects[projects[dimension] == chosen]
    elif dimension == "partner":
        partners = project_partners(projects)
        ids = partners.loc[partners["partner"] == chosen, "project_id"]
        in_projects = projects[projects["project_id"].isin(ids)]
    else:
        in_companies = companies[companies[dimension] == chosen]
        in_projects = projects[projects["company_id"].isin(in_companies["company_id"])]
    if dimension in PROJECT_DIMENSIONS or dimension == "partner":
        in_companies = companies[companies["company_id"].isin(in_projects["company_id"])]
    project_counts = projects["company_id"].value_counts()
    names = companies.set_index("company_id")["name"]
    return SegmentRows(
        in_companies.assign(
            projects=[int(project_counts.get(c, 0)) for c in in_companies["company_id"]]
        ),
        in_projects.assign(company=in_projects["company_id"].map(names)),
    )

"""Jobs: the positions the grants pay and the external jobs the companies create."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from decimal import Decimal

from pipelines.sample.dates import GRANT_START, SAMPLE_AS_OF, add_months, days, month_end
from pipelines.sample.grants import GRANT_IDS, STAFF
from pipelines.sample.planted import plant
from pipelines.sample.projects import Project
from pipelines.sample.rows import Row, eur, pick
from zakid_metrics.contract import add_months as months_after

EXTERNAL_JOBS = 268
ENDED_EXTERNAL_JOBS = 8
# Cumulative external jobs created: the path the centre has taken so far.
_JOB_PATH = (
    (dt.date(2024, 8, 1), 0),
    (dt.date(2024, 12, 31), 25),
    (dt.date(2025, 12, 31), 140),
    (SAMPLE_AS_OF, EXTERNAL_JOBS),
)
_JOB_CAPS = {"micro": 2, "small": 6, "medium": 14, "large": 30}
_QUALIFICATIONS = (("academic", 40), ("vocational", 40), ("other", 8), (None, 12))
_SALARY_RANGES = {
    "academic": (52_000, 88_000),
    "vocational": (36_000, 58_000),
    "other": (29_000, 44_000),
    None: (34_000, 60_000),
}
_FTES = (("1", 70), ("0.5", 12), ("0.75", 10), ("0.8", 8))
# Contract version 2 (workplace, follow-up, funding grant) draws from its own generator, so the
# figures of version 1 stay as they were.
_VERSION_2_SEED = 2611
# Branches where a company's position may be done instead of its seat.
_BRANCH_CODES = ("45127", "46045", "47441", "47798", "47057", "47119", "47198")
# The university's Essen campus: some of its positions are done there.
_ESSEN_CAMPUS = "45141"


def _job_date(rng: random.Random, index: int) -> dt.date:
    """Creation date of the index-th external job, stratified along _JOB_PATH."""
    target = (index + rng.random()) * _JOB_PATH[-1][1] / EXTERNAL_JOBS
    segment = max(1, bisect.bisect_left([count for _, count in _JOB_PATH], target))
    (start, low), (end, high) = _JOB_PATH[segment - 1], _JOB_PATH[segment]
    return start + days(int((target - low) / (high - low) * (end - start).days))


def _external_jobs(rng: random.Random, projects: list[Project]) -> list[Row]:
    status_weight = {"feasibility": 1, "pilot": 3, "production": 5, "completed": 3}
    size_weight = {"micro": 1, "small": 2, "medium": 3, "large": 4}
    per_company: dict[str, int] = {}
    jobs: list[Row] = []
    for index in range(EXTERNAL_JOBS):
        day = _job_date(rng, index)
        candidates = [
            p
            for p in projects
            if p.status in status_weight
            and p.started_on <= day - days(30)
            and (p.ended_on is None or day <= p.ended_on + days(120))
            and per_company.get(p.company.company_id, 0) < _JOB_CAPS[p.company.size]
        ]
        if not candidates:
            # The first jobs come before any project is a month old.
            candidates = [p for p in projects if p.status != "inquiry" and p.started_on <= day]
        if not candidates:
            earliest = min(projects, key=lambda p: p.started_on)
            day, candidates = earliest.started_on + days(14), [earliest]
        weights = [status_weight.get(p.status, 1) * size_weight[p.company.size] for p in candidates]
        project = rng.choices(candidates, weights)[0]
        company = project.company
        day = max(day, company.joined_on + days(1), project.started_on)
        per_company[company.company_id] = per_company.get(company.company_id, 0) + 1
        qualification = pick(rng, _QUALIFICATIONS)
        fte = Decimal(str(pick(rng, _FTES)))
        salary = None
        if rng.random() < 0.87:
            low, high = _SALARY_RANGES[qualification]
            salary = eur(round(rng.randint(low, high) * float(fte), -2))
        jobs.append(
            {
                "category": "external",
                "company_id": company.company_id,
                "project_id": project.project_id if rng.random() < 0.85 else None,
                "created_on": day,
                "ended_on": None,
                "fte": fte,
                "annual_gross_salary_eur": salary,
                "qualification": qualification,
                "grant_id": None,
            }
        )
    # A few positions did not last.
    early = [job for job in jobs if job["created_on"] <= SAMPLE_AS_OF - days(150)]
    for job in rng.sample(early, ENDED_EXTERNAL_JOBS):
        created = job["created_on"]
        assert isinstance(created, dt.date)
        job["ended_on"] = created + days(rng.randint(60, (SAMPLE_AS_OF - created).days - 1))
    return jobs


def _follow_up(rng: random.Random, job: Row) -> dt.date | None:
    """The last date the employer confirmed the position: most positions a year old were asked
    about on their first anniversary; some answered early (unconfirmed after 12 months), some
    never; a few younger ones were confirmed within their first year."""
    created, ended = job["created_on"], job["ended_on"]
    assert isinstance(created, dt.date)
    last = SAMPLE_AS_OF if ended is None else min(SAMPLE_AS_OF, ended - days(1))
    assert isinstance(last, dt.date)
    year_on = months_after(created, 12)
    draw = rng.random()
    if year_on <= last and draw < 0.7:
        return min(last, year_on + days(rng.randint(0, 90)))
    if draw < 0.85 and (last - created).days > 150:
        return created + days(rng.randint(90, min(300, (last - created).days)))
    return None


def _version_2(rows: list[Row], postal_codes: dict[str, str]) -> None:
    """The columns of contract version 2: workplace where it is not the company's seat (or the
    centre), confirmation dates of the follow-ups."""
    rng = random.Random(_VERSION_2_SEED)
    for job in rows:
        if job["category"] == "external":
            job["workplace_postal_code"] = None
            if rng.random() < 0.08:
                seat = postal_codes[str(job["company_id"])]
                branches = [code for code in _BRANCH_CODES if code != seat]
                job["workplace_postal_code"] = rng.choice(branches)
        job["confirmed_on"] = _follow_up(rng, job)


def job_rows(rng: random.Random, projects: list[Project]) -> list[Row]:
    rows: list[Row] = []
    for member in STAFF:
        if member.job is None:
            continue
        fte, qualification, salary = member.job
        ended = None
        if member.end is not None:
            ended = month_end(add_months(GRANT_START, member.end))
        rows.append(
            {
                "category": "project_related",
                "company_id": None,
                "project_id": None,
                "created_on": add_months(GRANT_START, member.start),
                "ended_on": ended,
                "fte": Decimal(fte),
                "annual_gross_salary_eur": eur(salary),
                "qualification": qualification,
                "workplace_postal_code": None,
                "grant_id": GRANT_IDS[member.grant],
            }
        )
    # Two of the university's positions are done on its Essen campus.
    university = [row for row in rows if row["grant_id"] == GRANT_IDS["UDE"]]
    for row in university[-2:]:
        row["workplace_postal_code"] = _ESSEN_CAMPUS
    rows += _external_jobs(rng, projects)
    _version_2(rows, {p.company.company_id: p.company.postal_code for p in projects})
    # Two planted rows: fte typed as 1,5 and an external job without its company.
    template = next(
        row
        for row in rows
        if row["category"] == "external" and row["created_on"] >= dt.date(2025, 9, 1)
    )
    typo = dict(template)
    plant(typo, "jobs", "fte", Decimal("1.5"))
    no_company = dict(
        template,
        project_id=None,
        created_on=dt.date(2026, 2, 2),
        ended_on=None,
        fte=Decimal("1"),
        annual_gross_salary_eur=eur(48_000),
        qualification="vocational",
    )
    plant(no_company, "jobs", "company_id", None)
    rows += [typo, no_company]
    rows.sort(key=lambda row: (row["created_on"], row["category"] != "project_related"))
    for number, row in enumerate(rows, start=1):
        row["job_id"] = f"J-{number:04d}"
    return rows

"""Courses in embedded AI at the universities, semester by semester."""

from __future__ import annotations

import random
from decimal import Decimal

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.planted import plant
from pipelines.sample.rows import Row

SEMESTERS = ("WS 2024/25", "SS 2025", "WS 2025/26", "SS 2026", "WS 2026/27")
_COURSES = CATALOGUE["courses"]
_INSTITUTIONS = CATALOGUE["institutions"]
COURSES_BY_SEMESTER = {
    "WS 2024/25": ("tinyml", "ml", "lectures", "data", "vision"),
    "SS 2025": ("fpga", "seminar", "series"),
    "WS 2025/26": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
    "SS 2026": ("fpga", "seminar", "series", "codesign", "privacy", "automation"),
    "WS 2026/27": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
}


def course_rows(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for age, semester in enumerate(SEMESTERS):
        term, years = semester.split(" ")
        code = term + years.replace("/", "")[2:]
        numbers: dict[str, int] = {}
        for key in COURSES_BY_SEMESTER[semester]:
            course = _COURSES[key]
            short = course["institution"]
            numbers[short] = numbers.get(short, 0) + 1
            enrolled = round(course["enrolled"] * (1 + 0.12 * age) * rng.uniform(0.85, 1.15))
            # The current semester has no completions yet.
            completed = None
            if semester != SEMESTERS[-1]:
                completed = round(enrolled * rng.uniform(0.55, 0.9))
            rows.append(
                {
                    "course_id": f"{short}-{code}-{numbers[short]:02d}",
                    "title": course["title"],
                    "institution": _INSTITUTIONS[short],
                    "semester": semester,
                    "ects": Decimal(str(course["ects"])),
                    "enrolled": enrolled,
                    "completed": completed,
                    "embedded_ai": course["embedded_ai"],
                }
            )
    # Enrolled and completed swapped in one row.
    planted = next(r for r in rows if r["semester"] == "SS 2025" and r["course_id"].endswith("2"))
    planted["enrolled"], completed = planted["completed"], planted["enrolled"]
    plant(planted, "courses", "completed", completed)
    return rows

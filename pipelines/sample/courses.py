"""Courses in embedded AI at the universities, semester by semester."""

from __future__ import annotations

import random
from decimal import Decimal

from pipelines.sample.planted import plant
from pipelines.sample.rows import Row

# fmt: off
SEMESTERS = ("WS 2024/25", "SS 2025", "WS 2025/26", "SS 2026", "WS 2026/27")
_UDE, _HRW = "UDE", "Hochschule Ruhr West"
# key: (title, institution, ects, embedded AI, enrolment in the first semester)
_COURSE_CATALOGUE = {
    "tinyml": ("Eingebettete KI auf Mikrocontrollern (TinyML)", _UDE, "6", True, 60),
    "ml": ("Maschinelles Lernen für eingebettete Systeme", _UDE, "6", True, 75),
    "lectures": ("Ringvorlesung KI im Mittelstand", _UDE, "3", True, 110),
    "data": ("Grundlagen der Datenanalyse für Ingenieurwissenschaften", _UDE, "5", False, 140),
    "hardware": ("Energieeffiziente Hardware für neuronale Netze", _UDE, "5", True, 35),
    "sensors": ("Sensorik, Signalverarbeitung und KI", _UDE, "6", True, 50),
    "fpga": ("Praktikum FPGA-basierte KI-Beschleuniger", _UDE, "6", True, 24),
    "seminar": ("Projektseminar Edge AI in der Industrie", _UDE, "4", True, 18),
    "series": ("Deep Learning für Zeitreihen in der Prozessindustrie", _UDE, "5", True, 40),
    "codesign": ("Hardware-Software-Codesign für KI-Systeme", _UDE, "6", True, 30),
    "privacy": ("Datenschutz und Sicherheit eingebetteter KI", _UDE, "2.5", True, 45),
    "vision": ("Industrielle Bildverarbeitung mit KI", _HRW, "5", True, 38),
    "automation": ("Embedded Systems und KI in der Automatisierung", _HRW, "5", True, 32),
}
COURSES_BY_SEMESTER = {
    "WS 2024/25": ("tinyml", "ml", "lectures", "data", "vision"),
    "SS 2025": ("fpga", "seminar", "series"),
    "WS 2025/26": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
    "SS 2026": ("fpga", "seminar", "series", "codesign", "privacy", "automation"),
    "WS 2026/27": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
}
# fmt: on


def course_rows(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for age, semester in enumerate(SEMESTERS):
        term, years = semester.split(" ")
        code = term + years.replace("/", "")[2:]
        numbers: dict[str, int] = {}
        for key in COURSES_BY_SEMESTER[semester]:
            title, institution, ects, embedded, base = _COURSE_CATALOGUE[key]
            short = "HRW" if institution == _HRW else "UDE"
            numbers[short] = numbers.get(short, 0) + 1
            enrolled = round(base * (1 + 0.12 * age) * rng.uniform(0.85, 1.15))
            # The current semester has no completions yet.
            completed = None
            if semester != SEMESTERS[-1]:
                completed = round(enrolled * rng.uniform(0.55, 0.9))
            rows.append(
                {
                    "course_id": f"{short}-{code}-{numbers[short]:02d}",
                    "title": title,
                    "institution": institution,
                    "semester": semester,
                    "ects": Decimal(ects),
                    "enrolled": enrolled,
                    "completed": completed,
                    "embedded_ai": embedded,
                }
            )
    # Enrolled and completed swapped in one row.
    planted = next(r for r in rows if r["semester"] == "SS 2025" and r["course_id"].endswith("2"))
    planted["enrolled"], completed = planted["completed"], planted["enrolled"]
    plant(planted, "courses", "completed", completed)
    return rows

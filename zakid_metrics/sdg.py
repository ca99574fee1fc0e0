"""The 17 UN Sustainable Development Goals as reference data: number, official colour, names."""

from __future__ import annotations

from typing import NamedTuple


class Goal(NamedTuple):
    """One goal of A/RES/70/1 with its official colour and short names."""

    number: int
    colour: str  # hex, as the UN communications guidelines give it
    name_de: str
    name_en: str

    def name(self, lang: str = "de") -> str:
        return self.name_en if lang == "en" else self.name_de


GOALS: tuple[Goal, ...] = (
    Goal(1, "#E5243B", "Keine Armut", "No Poverty"),
    Goal(2, "#DDA63A", "Kein Hunger", "Zero Hunger"),
    Goal(3, "#4C9F38", "Gesundheit und Wohlergehen", "Good Health and Well-being"),
    Goal(4, "#C5192D", "Hochwertige Bildung", "Quality Education"),
    Goal(5, "#FF3A21", "Geschlechtergleichheit", "Gender Equality"),
    Goal(6, "#26BDE2", "Sauberes Wasser und Sanitäreinrichtungen", "Clean Water and Sanitation"),
    Goal(7, "#FCC30B", "Bezahlbare und saubere Energie", "Affordable and Clean Energy"),
    Goal(
        8,
        "#A21942",
        "Menschenwürdige Arbeit und Wirtschaftswachstum",
        "Decent Work and Economic Growth",
    ),
    Goal(
        9,
        "#FD6925",
        "Industrie, Innovation und Infrastruktur",
        "Industry, Innovation and Infrastructure",
    ),
    Goal(10, "#DD1367", "Weniger Ungleichheiten", "Reduced Inequalities"),
    Goal(11, "#FD9D24", "Nachhaltige Städte und Gemeinden", "Sustainable Cities and Communities"),
    Goal(
        12,
        "#BF8B2E",
        "Nachhaltige/r Konsum und Produktion",
        "Responsible Consumption and Production",
    ),
    Goal(13, "#3F7E44", "Maßnahmen zum Klimaschutz", "Climate Action"),
    Goal(14, "#0A97D9", "Leben unter Wasser", "Life Below Water"),
    Goal(15, "#56C02B", "Leben an Land", "Life on Land"),
    Goal(
        16,
        "#00689D",
        "Frieden, Gerechtigkeit und starke Institutionen",
        "Peace, Justice and Strong Institutions",
    ),
    Goal(17, "#19486A", "Partnerschaften zur Erreichung der Ziele", "Partnerships for the Goals"),
)
GOAL_COUNT = len(GOALS)


def goal(number: int) -> Goal:
    """The goal `number` (1..17); ValueError for any other number."""
    if not 1 <= number <= GOAL_COUNT:
        raise ValueError(f"there is no SDG {number}; the goals are 1 to {GOAL_COUNT}")
    return GOALS[number - 1]

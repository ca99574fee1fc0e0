"""Every rule of every contract entity, and the value parsers behind them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zakid_metrics.contract import (
    ENTITIES,
    REGIME_BASIS,
    REGIMES,
    Row,
    add_months,
    entity_for_file,
    key_of,
    parse_bool,
    parse_date,
    parse_decimal,
    size_class,
    validate_row,
)

# One valid row per entity, as raw cells the way a German Excel export spells them.
VALID: dict[str, dict[str, object]] = {
    "companies": {
        "company_id": "C-001",
        "name": "Müller Präzisionstechnik GmbH",
        "employees": "12",
        "annual_turnover_eur": "1.800.000,00",
        "postal_code": "47051",
        "joined_on": "01.07.2024",
    },
    "grants": {
        "grant_id": "STARK-01",
        "recipient": "Stadt Duisburg",
        "sub_project": "Koordination",
        "programme": "STARK",
        "regime": "ANBest-Gk",
        "funding_rate": "0,9",
        "approved_eur": "3.000.000,00",
        "decided_on": "15.04.2024",
        "starts_on": "01.06.2024",
        "ends_on": "31.05.2028",
    },
    "projects": {
        "project_id": "P-001",
        "title": "Vorausschauende Wartung",
        "company_id": "C-001",
        "partner": "UDE",
        "use_case": "predictive_maintenance",
        "status": "pilot",
        "started_on": "01.09.2024",
    },
    "jobs": {
        "job_id": "J-001",
        "category": "external",
        "company_id": "C-001",
        "created_on": "01.10.2024",
        "fte": "1",
    },
    "deployments": {
        "deployment_id": "D-001",
        "project_id": "P-001",
        "model_name": "anomaly-tinyml",
        "data_policy": "on_device_only",
    },
    "devices": {"device_id": "DEV-001", "deployment_id": "D-001", "device_class": "fpga"},
    "sdg_contributions": {
        "contribution_id": "S-001",
        "project_id": "P-001",
        "sdg_goal": "13",
        "indicator": "CO2e vermieden",
        "reported_on": "30.06.2025",
    },
    "budget": {
        "budget_line_id": "B-001",
        "grant_id": "STARK-01",
        "category": "personnel",
        "year": "2025",
        "planned_eur": "250.000,00",
    },
    "expenditures": {
        "expenditure_id": "E-001",
        "grant_id": "STARK-01",
        "category": "travel",
        "paid_on": "12.03.2025",
        "amount_eur": "412,80",
        "description": "Embedded World",
    },
    "revenues": {
        "revenue_id": "R-001",
        "grant_id": "STARK-01",
        "kind": "own_funds",
        "year": "2025",
        "planned_eur": "601.240,00",
    },
    "inventory": {
        "item_id": "INV-001",
        "grant_id": "STARK-01",
        "expenditure_id": "E-001",
        "description": "FPGA-Entwicklungsboard",
        "acquired_on": "12.03.2025",
        "net_eur": "800,01",
    },
    "disbursements": {
        "disbursement_id": "M-001",
        "grant_id": "STARK-01",
        "requested_on": "01.02.2025",
        "amount_eur": "100.000,00",
    },
    "courses": {
        "course_id": "K-001",
        "title": "TinyML",
        "institution": "UDE",
        "semester": "WS 2025/26",
        "enrolled": "40",
    },
    "targets": {"kpi_id": "jobs_external_created", "due_on": "31.05.2028", "target_value": "500"},
}


def check(entity: str, decimal: str = ",", **changes: object) -> Row | list[tuple[str, str]]:
    raw = {**VALID[entity], **changes}
    outcome = validate_row(ENTITIES[entity], raw, decimal)
    if isinstance(outcome, list):
        return [(p.column, p.code) for p in outcome]
    return outcome


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_valid_row_passes(entity: str) -> None:
    assert isinstance(check(entity), Row)


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_each_required_column_is_required(entity: str) -> None:
    for column in ENTITIES[entity].required:
        assert check(entity, **{column: None}) == [(column, "missing")], column


# (entity, changed cells, expected (column, code) problems)
RULES = [
    ("companies", {"employees": "-1"}, [("employees", "must_be_ge")]),
    ("companies", {"employees": "12,5"}, [("employees", "not_an_integer")]),
    ("companies", {"annual_turnover_eur": "-5"}, [("annual_turnover_eur", "must_be_ge")]),
    ("companies", {"balance_sheet_eur": "-0,01"}, [("balance_sheet_eur", "must_be_ge")]),
    (
        "companies",
        {"annual_turnover_eur": "12,345"},
        [("annual_turnover_eur", "too_many_decimals")],
    ),
    ("companies", {"postal_code": "4705"}, [("postal_code", "bad_pattern")]),
    ("companies", {"postal_code": "47A51"}, [("postal_code", "bad_pattern")]),
    ("companies", {"craft_annex": "B1"}, [("craft_annex", "craft_annex_without_craft")]),
    ("companies", {"is_craft": "x", "craft_annex": "C"}, [("craft_annex", "not_an_option")]),
    ("companies", {"is_craft": "vielleicht"}, [("is_craft", "not_a_boolean")]),
    ("companies", {"joined_on": "31.02.2025"}, [("joined_on", "invalid_date")]),
    ("companies", {"baseline_employees": "-1"}, [("baseline_employees", "must_be_ge")]),
    ("companies", {"baseline_employees": "3,5"}, [("baseline_employees", "not_an_integer")]),
    (
        "companies",
        {"group_employees": "11,5"},
        [("group_employees", "group_employees_below_employees")],
    ),
    ("companies", {"group_employees": "viele"}, [("group_employees", "not_a_number")]),
    (
        "companies",
        {"group_turnover_eur": "1,005"},
        [("group_turnover_eur", "too_many_decimals")],
    ),
    (
        "companies",
        {"group_balance_sheet_eur": "n/a"},
        [("group_balance_sheet_eur", "not_a_number")],
    ),
    ("companies", {"public_control_share": "1,01"}, [("public_control_share", "must_be_le")]),
    ("companies", {"public_control_share": "-0,1"}, [("public_control_share", "must_be_ge")]),
    ("companies", {"founded_on": "2024/01/01"}, [("founded_on", "not_a_date")]),
    ("projects", {"partner": "RWTH"}, [("partner", "not_an_option")]),
    ("projects", {"use_case": "chatbot"}, [("use_case", "not_an_option")]),
    ("projects", {"status": "done"}, [("status", "not_an_option")]),
    ("projects", {"ended_on": "31.08.2024"}, [("ended_on", "date_before")]),
    ("projects", {"public_funding_eur": "-1"}, [("public_funding_eur", "must_be_ge")]),
    ("projects", {"own_contribution_eur": "-1"}, [("own_contribution_eur", "must_be_ge")]),
    ("jobs", {"category": "intern"}, [("category", "not_an_option")]),
    ("jobs", {"company_id": None}, [("company_id", "company_required_for_external")]),
    ("jobs", {"category": "project_related"}, [("company_id", "company_not_for_project_related")]),
    ("jobs", {"ended_on": "01.10.2024"}, [("ended_on", "date_not_after")]),
    ("jobs", {"fte": "0"}, [("fte", "must_be_gt")]),
    ("jobs", {"fte": "1,5"}, [("fte", "must_be_le")]),
    ("jobs", {"annual_gross_salary_eur": "-1"}, [("annual_gross_salary_eur", "must_be_ge")]),
    ("jobs", {"qualification": "phd"}, [("qualification", "not_an_option")]),
    ("jobs", {"workplace_postal_code": "4705"}, [("workplace_postal_code", "bad_pattern")]),
    ("jobs", {"confirmed_on": "30.09.2024"}, [("confirmed_on", "date_before")]),
    ("jobs", {"grant_id": "STARK-01"}, [("grant_id", "grant_not_for_external")]),
    ("deployments", {"data_policy": "cloud"}, [("data_policy", "not_an_option")]),
    ("deployments", {"site_postal_code": "123"}, [("site_postal_code", "bad_pattern")]),
    (
        "deployments",
        {"went_live_on": "01.03.2025", "decommissioned_on": "01.02.2025"},
        [("decommissioned_on", "date_before")],
    ),
    (
        "deployments",
        {"decommissioned_on": "01.02.2025"},
        [("went_live_on", "decommissioned_without_live")],
    ),
    (
        "deployments",
        {"cloud_baseline_latency_ms": "0"},
        [("cloud_baseline_latency_ms", "must_be_gt")],
    ),
    ("deployments", {"latency_slo_ms": "-3"}, [("latency_slo_ms", "must_be_gt")]),
    ("devices", {"device_class": "raspberry"}, [("device_class", "not_an_option")]),
    (
        "devices",
        {"installed_on": "02.02.2025", "removed_on": "01.02.2025"},
        [("removed_on", "date_before")],
    ),
    ("devices", {"report_interval_s": "0"}, [("report_interval_s", "must_be_gt")]),
    ("sdg_contributions", {"sdg_goal": "18"}, [("sdg_goal", "must_be_le")]),
    ("sdg_contributions", {"sdg_goal": "0"}, [("sdg_goal", "must_be_ge")]),
    ("sdg_contributions", {"sdg_target": "7.2"}, [("sdg_target", "sdg_target_goal")]),
    ("sdg_contributions", {"verified": "jein"}, [("verified", "not_a_boolean")]),
    ("grants", {"regime": "ANBest-X"}, [("regime", "not_an_option")]),
    ("grants", {"funding_rate": "0"}, [("funding_rate", "must_be_gt")]),
    ("grants", {"funding_rate": "1,2"}, [("funding_rate", "must_be_le")]),
    ("grants", {"approved_eur": "0"}, [("approved_eur", "must_be_gt")]),
    ("grants", {"ends_on": "01.06.2024"}, [("ends_on", "date_not_after")]),
    ("grants", {"vat_deductible": "vielleicht"}, [("vat_deductible", "not_a_boolean")]),
    ("grants", {"regime": "ANBest-Kosten"}, [("regime", "not_an_option")]),
    ("budget", {"category": "coffee"}, [("category", "not_an_option")]),
    ("budget", {"planned_eur": "-1"}, [("planned_eur", "must_be_ge")]),
    ("budget", {"year": "2025,5"}, [("year", "not_an_integer")]),
    ("expenditures", {"amount_eur": "0,00"}, [("amount_eur", "zero_amount")]),
    ("expenditures", {"paid_on": "morgen"}, [("paid_on", "not_a_date")]),
    ("expenditures", {"vat_eur": "412,81"}, [("vat_eur", "vat_over_amount")]),
    (
        "expenditures",
        {"amount_eur": "-412,80", "vat_eur": "-412,81"},
        [("vat_eur", "vat_over_amount")],
    ),
    ("expenditures", {"vat_eur": "-65,91"}, [("vat_eur", "vat_sign")]),
    ("expenditures", {"amount_eur": "-412,80", "vat_eur": "65,91"}, [("vat_eur", "vat_sign")]),
    ("expenditures", {"vat_eur": "65,915"}, [("vat_eur", "too_many_decimals")]),
    ("revenues", {"kind": "loan"}, [("kind", "not_an_option")]),
    ("revenues", {"year": "2025,5"}, [("year", "not_an_integer")]),
    ("revenues", {"planned_eur": "-0,01"}, [("planned_eur", "must_be_ge")]),
    ("revenues", {"actual_eur": "-1"}, [("actual_eur", "must_be_ge")]),
    ("inventory", {"net_eur": "800,00"}, [("net_eur", "must_be_gt")]),
    ("inventory", {"net_eur": "799"}, [("net_eur", "must_be_gt")]),
    ("inventory", {"acquired_on": "bald"}, [("acquired_on", "not_a_date")]),
    ("disbursements", {"amount_eur": "-5"}, [("amount_eur", "must_be_gt")]),
    ("disbursements", {"received_on": "31.01.2025"}, [("received_on", "date_before")]),
    ("courses", {"semester": "Winter 2025"}, [("semester", "bad_pattern")]),
    ("courses", {"semester": "WS 2025/27"}, [("semester", "semester_years")]),
    ("courses", {"ects": "-1"}, [("ects", "must_be_ge")]),
    ("courses", {"enrolled": "-1"}, [("enrolled", "must_be_ge")]),
    ("courses", {"completed": "41"}, [("completed", "completed_over_enrolled")]),
    ("targets", {"kpi_id": "happiness"}, [("kpi_id", "not_an_option")]),
    ("targets", {"target_value": "viele"}, [("target_value", "not_a_number")]),
]


@pytest.mark.parametrize(("entity", "changes", "expected"), RULES)
def test_rule_rejects(entity: str, changes: dict[str, object], expected: list) -> None:
    assert check(entity, **changes) == expected


def test_every_entity_has_a_rule_test() -> None:
    assert {entity for entity, _, _ in RULES} == set(ENTITIES)


@pytest.mark.parametrize(
    ("entity", "changes", "english", "german"),
    [
        (
            "jobs",
            {"fte": "1,5"},
            "'1,5' in 'fte' must not be greater than 1.",
            "„1,5“ in „fte“ darf nicht größer als 1 sein.",
        ),
        (
            "expenditures",
            {"amount_eur": "1.190,00", "vat_eur": "1.190,01"},
            "The input VAT '1.190,01' in 'vat_eur' is more than the gross amount (1,190.00) "
            "that contains it.",
            "Die Vorsteuer „1.190,01“ in „vat_eur“ ist höher als der Bruttobetrag (1.190,00), in "
            "dem sie enthalten ist.",
        ),
        (
            "expenditures",
            {"amount_eur": "-1.190,00", "vat_eur": "190,00"},
            "The input VAT '190,00' in 'vat_eur' has the opposite sign of the amount (-1,190.00); "
            "the VAT contained in a correction is negative too.",
            "Die Vorsteuer „190,00“ in „vat_eur“ hat das andere Vorzeichen als der Betrag "
            "(-1.190,00); die Vorsteuer einer Korrektur ist ebenfalls negativ.",
        ),
        (
            "jobs",
            {"grant_id": "STARK-01"},
            "Only project-related jobs (staff of the centre) name the grant that funds them; "
            "remove 'STARK-01' from 'grant_id' of this external job.",
            "Nur projektbezogene Arbeitsplätze (Personal des Zentrums) nennen die Zuwendung, die "
            "sie finanziert; „STARK-01“ in „grant_id“ dieses externen Arbeitsplatzes bitte "
            "entfernen.",
        ),
        (
            "jobs",
            {"workplace_postal_code": "D-47057"},
            "'D-47057' in 'workplace_postal_code' does not have the expected form: five-digit "
            "postal code.",
            "„D-47057“ in „workplace_postal_code“ hat nicht die erwartete Form: fünfstellige "
            "Postleitzahl.",
        ),
        (
            "companies",
            {"group_employees": "11,5"},
            "'group_employees' (11,5) is less than the company's own employees (12); the group "
            "figure includes the company itself.",
            "„group_employees“ (11,5) ist kleiner als die eigene Beschäftigtenzahl des "
            "Unternehmens (12); die Gruppenzahl schließt das Unternehmen selbst ein.",
        ),
        (
            "inventory",
            {"net_eur": "800,00"},
            "'800,00' in 'net_eur' must be greater than 800.",
            "„800,00“ in „net_eur“ muss größer als 800 sein.",
        ),
    ],
)
def test_reasons_are_plain_language_in_both_languages(
    entity: str, changes: dict[str, object], english: str, german: str
) -> None:
    outcome = validate_row(ENTITIES[entity], {**VALID[entity], **changes}, ",")
    assert isinstance(outcome, list)
    assert [(p.reason_en, p.reason_de) for p in outcome] == [(english, german)]


def test_optional_defaults_and_option_spelling() -> None:
    row = check("projects", partner=" ude ; fraunhofer ims;UDE", status="Pilot")
    assert isinstance(row, Row)
    assert row.partner == "UDE;Fraunhofer IMS"
    assert row.status == "pilot"
    assert row.public_funding_eur == Decimal("0.00")
    assert row.builds_on_ude_research is False
    job = check("jobs")
    assert job.qualification == "unknown"
    device = check("devices")
    assert device.report_interval_s == 60
    course = check("courses")
    assert course.embedded_ai is True
    company = check("companies")
    assert (company.baseline_employees, company.public_control_share) == (None, 0.0)
    assert (company.group_employees, company.group_turnover_eur) == (None, None)
    assert company.group_balance_sheet_eur is None
    assert check("grants").vat_deductible is False
    assert check("expenditures").vat_eur == Decimal("0.00")
    assert (job.workplace_postal_code, job.confirmed_on, job.grant_id) == (None, None, None)
    assert check("revenues").actual_eur is None
    assert check("inventory").location is None


def test_new_optional_columns_accept_their_values() -> None:
    job = check(
        "jobs",
        category="project_related",
        company_id=None,
        grant_id="STARK-01",
        workplace_postal_code="47057",
        confirmed_on="01.10.2024",
    )
    assert (job.grant_id, job.workplace_postal_code, job.confirmed_on) == (
        "STARK-01",
        "47057",
        dt.date(2024, 10, 1),
    )
    # VAT as large as the amount, and a correction with its VAT negative too.
    assert check("expenditures", vat_eur="412,80").vat_eur == Decimal("412.80")
    correction = check("expenditures", amount_eur="-119,00", vat_eur="-19,00")
    assert (correction.amount_eur, correction.vat_eur) == (Decimal("-119.00"), Decimal("-19.00"))
    assert check("expenditures", amount_eur="-119,00", vat_eur="0").vat_eur == Decimal("0.00")
    assert check("grants", vat_deductible="ja").vat_deductible is True
    assert check("inventory", net_eur="1.234,56").net_eur == Decimal("1234.56")
    revenue = check("revenues", kind="Third_Party", actual_eur="0")
    assert (revenue.kind, revenue.actual_eur) == ("third_party", Decimal("0.00"))
    company = check(
        "companies", baseline_employees="9", group_employees="12", public_control_share="0,5"
    )
    assert (company.baseline_employees, company.group_employees) == (9, 12.0)
    assert company.public_control_share == 0.5


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1.234,56", ",", "1234.56"),
        ("1,234.56", ".", "1234.56"),
        ("1.234,56", ".", "1234.56"),
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("1.234.567", ".", "1234567"),
        ("0,5", ",", "0.5"),
        ("0.5", ",", "0.5"),
        ("-3,50", ",", "-3.50"),
        ("12 €", ",", "12"),
        ("1 234,5", ",", "1234.5"),
        ("1\u00a0234,5 EUR", ",", "1234.5"),
    ],
)
def test_parse_decimal(text: str, decimal: str, expected: str) -> None:
    assert parse_decimal(text, decimal) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5", "1e5", "--1", ""])
def test_parse_decimal_rejects(text: str) -> None:
    with pytest.raises(Exception, match="not a number"):
        parse_decimal(text, ",")


def test_excel_float_money_is_rounded_to_cents() -> None:
    row = check("expenditures", amount_eur=0.1 + 0.2)
    assert row.amount_eur == Decimal("0.30")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("24.11.2026", dt.date(2026, 11, 24)),
        ("1.2.2026", dt.date(2026, 2, 1)),
        ("2026-11-24", dt.date(2026, 11, 24)),
        ("2026-11-24T00:00:00", dt.date(2026, 11, 24)),
        (dt.datetime(2026, 11, 24, 13, 5), dt.date(2026, 11, 24)),
        (dt.date(2026, 11, 24), dt.date(2026, 11, 24)),
        (46350, dt.date(2026, 11, 24)),
    ],
)
def test_parse_date(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("Ja", True),
        ("nein", False),
        ("yes", True),
        ("No", False),
        ("x", True),
        ("X", True),
        ("WAHR", True),
        ("falsch", False),
    ],
)
def test_parse_bool(text: str, expected: bool) -> None:
    assert parse_bool(text) is expected


def test_empty_bool_takes_the_default() -> None:
    assert check("companies", is_craft=None).is_craft is False


@pytest.mark.parametrize(
    ("employees", "turnover", "balance", "expected"),
    [
        (9, "2000000", None, "micro"),
        (9, "2000000.01", None, "small"),
        (9, "2000000.01", "1999999", "micro"),  # the balance sheet ceiling suffices
        (10, "100", None, "small"),
        (49, "10000000", "99000000", "small"),
        (49, "10000001", "10000001", "medium"),
        (249, "50000000", None, "medium"),
        (249, "60000000", "43000000", "medium"),
        (249, "60000000", "43000001", "large"),
        (250, "1", "1", "large"),
        (5, None, None, "micro"),
        (120, None, None, "medium"),
        (300, None, None, "large"),
    ],
)
def test_size_class_by_eu_definition(
    employees: int, turnover: str | None, balance: str | None, expected: str
) -> None:
    to_dec = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert size_class(employees, to_dec(turnover), to_dec(balance)) == expected


def test_company_derived_columns() -> None:
    big = check(
        "companies", employees="300", annual_turnover_eur="60.000.000,00", postal_code="46045"
    )
    assert (big.size_class, big.is_sme, big.in_duisburg) == ("large", False, False)
    assert big.size_class_by_headcount_only is False
    small = check("companies", annual_turnover_eur=None, postal_code="47279")
    assert (small.size_class, small.is_sme, small.in_duisburg) == ("small", True, True)
    assert small.size_class_by_headcount_only is True
    assert check("companies", postal_code="47050").in_duisburg is False
    assert check("companies", postal_code="47280").in_duisburg is False


# (own figures, group figures, public control share) -> size class and its flags
SME_CASES = [
    # The company's own figures: no group figures given.
    (
        {"employees": "12", "annual_turnover_eur": "1.800.000,00"},
        ("small", True, False, False, False),
    ),
    # Group figures decide: the company alone is micro, with its group small (30,5 AWU; the
    # group turnover of 12 M EUR is over the small ceiling, its balance sheet of 9 M is not).
    (
        {
            "employees": "8",
            "annual_turnover_eur": "1.500.000,00",
            "group_employees": "30,5",
            "group_turnover_eur": "12.000.000,00",
            "group_balance_sheet_eur": "9.000.000,00",
        },
        ("small", True, False, True, False),
    ),
    # Group headcount only: it replaces the company's, the turnover stays the company's own.
    (
        {"employees": "8", "annual_turnover_eur": "1.500.000,00", "group_employees": "10"},
        ("small", True, False, True, False),
    ),
    # Group figures given but the same class: they did not decide it.
    (
        {"employees": "12", "annual_turnover_eur": "1.800.000,00", "group_employees": "40"},
        ("small", True, False, False, False),
    ),
    # A linked group over every ceiling makes a small company large.
    (
        {
            "employees": "12",
            "annual_turnover_eur": "1.800.000,00",
            "group_employees": "260",
            "group_turnover_eur": "80.000.000,00",
        },
        ("large", False, False, True, False),
    ),
    # Neither turnover nor balance sheet, own or group: the headcount alone decides.
    ({"employees": "120", "annual_turnover_eur": None}, ("medium", True, True, False, False)),
    (
        {"employees": "120", "annual_turnover_eur": None, "group_employees": "250"},
        ("large", False, True, True, False),
    ),
    # Group turnover alone makes the financial side known: not by headcount only.
    (
        {"employees": "120", "annual_turnover_eur": None, "group_turnover_eur": "40.000.000,00"},
        ("medium", True, False, False, False),
    ),
    # Public bodies hold 25 % or more: large whatever its size (Art. 3(4)).
    (
        {"employees": "12", "annual_turnover_eur": "1.800.000,00", "public_control_share": "0,25"},
        ("large", False, False, False, True),
    ),
    (
        {
            "employees": "12",
            "annual_turnover_eur": "1.800.000,00",
            "public_control_share": "0,2499",
        },
        ("small", True, False, False, False),
    ),
    (
        {"employees": "3", "annual_turnover_eur": None, "public_control_share": "1"},
        ("large", False, False, False, True),
    ),
    (
        {
            "employees": "8",
            "annual_turnover_eur": "1.500.000,00",
            "group_employees": "30,5",
            "public_control_share": "0,6",
        },
        ("large", False, False, False, True),
    ),
]


@pytest.mark.parametrize(("cells", "expected"), SME_CASES)
def test_sme_classification_with_group_figures_and_public_control(
    cells: dict[str, object], expected: tuple[str, bool, bool, bool, bool]
) -> None:
    company = check("companies", **cells)
    assert (
        company.size_class,
        company.is_sme,
        company.size_class_by_headcount_only,
        company.size_class_from_group,
        company.size_class_public_control,
    ) == expected


def test_grant_derived_columns() -> None:
    grant = check("grants")
    assert (grant.basis, grant.drawdown_window) == ("expenditure", "2 months")
    assert grant.final_report_due_on == dt.date(2028, 11, 30)
    assert [
        (
            regime,
            check("grants", regime=regime).basis,
            check("grants", regime=regime).drawdown_window,
        )
        for regime in ("anbest-p", "ANBest-Gk", "ANBEST-P-KOSTEN", "NKBF")
    ] == [
        ("anbest-p", "expenditure", "6 weeks"),
        ("ANBest-Gk", "expenditure", "2 months"),
        ("ANBEST-P-KOSTEN", "cost", "6 weeks"),
        ("NKBF", "cost", "6 weeks"),
    ]
    assert check("grants", regime="ANBEST-P-KOSTEN").regime == "ANBest-P-Kosten"
    assert set(REGIME_BASIS) == set(REGIMES)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2028, 5, 31), 6, dt.date(2028, 11, 30)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("companies.csv", "companies"),
        ("Companies_2026-11.xlsx", "companies"),
        ("sdg_contributions_q3.csv", "sdg_contributions"),
        ("budget2026.csv", "budget"),
        ("telemetry_2026-11.parquet", "telemetry"),
        ("revenues_2026.csv", "revenues"),
        ("Inventory.xlsx", "inventory"),
        ("inventar.csv", None),
        ("firmen.csv", None),
        ("notes.txt", None),
    ],
)
def test_entity_for_file(name: str, entity: str | None) -> None:
    assert entity_for_file(name) == entity


def test_key_of_reads_the_key_of_an_invalid_row() -> None:
    raw = {**VALID["targets"], "target_value": "viele", "due_on": "31.05.2028"}
    assert key_of(ENTITIES["targets"], raw, ",") == ("jobs_external_created", dt.date(2028, 5, 31))
    assert key_of(ENTITIES["targets"], {**raw, "due_on": "bald"}, ",") is None
    assert key_of(ENTITIES["companies"], {"company_id": " C-7 "}, ",") == ("C-7",)

"""Contract version 2 at ingest: the cross-entity checks and the defaults from other rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.ingest import RunResult, ingest
from tests.pipelines.helpers import rejects, table
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import read_snapshot

GRANTS = [
    "grant_id;recipient;sub_project;programme;regime;funding_rate;vat_deductible;approved_eur;"
    "decided_on;starts_on;ends_on",
    "G1;Stadt Duisburg;Koordination;STARK;ANBest-Gk;0,9;;1.000.000,00;01.04.2024;01.06.2024;"
    "31.05.2028",
    "G2;KROHNE Messtechnik GmbH;Messtechnik;STARK;ANBest-P-Kosten;0,5;ja;500.000,00;16.05.2024;"
    "01.01.2025;31.12.2026",
]
EXPENDITURES_HEADER = "expenditure_id;grant_id;category;paid_on;amount_eur;vat_eur;description"
COMPANIES_HEADER = "company_id;name;employees;postal_code;joined_on"


def write(path: Path, lines: list[str]) -> Path:
    """A delivery file as German Excel writes it: `;`, decimal comma, cp1252, CRLF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def reason(data_dir: Path, file: str, line: int) -> list[tuple]:
    with read_snapshot(data_dir) as con:
        return con.execute(
            "SELECT reason, reason_de FROM rejected_rows WHERE file = ? AND line = ?", [file, line]
        ).fetchall()


def counts(run: RunResult) -> list[tuple]:
    return [(f.file, f.status, f.rows_read, f.rows_loaded, f.rows_rejected) for f in run.files]


@pytest.fixture()
def funding(tmp_path: Path) -> Path:
    folder = tmp_path / "funding"
    write(folder / "grants.csv", GRANTS)
    write(
        folder / "expenditures.csv",
        [
            EXPENDITURES_HEADER,
            "E1;G1;investment;12.03.2025;1.190,00;190,00;Edge-Server",
            "E2;G2;investment;14.03.2025;2.380,00;380,00;FPGA-Boards",
            "E3;G1;material;20.03.2025;119,00;119,01;Kabel",  # line 4: VAT over the amount
            "E4;G1;travel;21.03.2025;-119,00;19,00;Storno",  # line 5: VAT of the other sign
            "E5;G1;travel;22.03.2025;-119,00;-19,00;Storno Bahn",
            "E6;G2;material;23.03.2025;59,50;;Sensoren",
        ],
    )
    write(
        folder / "inventory.csv",
        [
            "item_id;grant_id;expenditure_id;description;acquired_on;net_eur;location",
            "I1;G1;E1;Edge-Server;12.03.2025;1.000,00;Raum 1.04",
            "I2;G1;E2;FPGA-Board;14.03.2025;1.000,00;",  # line 3: voucher of grant G2
            "I3;G1;E9;Oszilloskop;15.03.2025;900,00;",  # line 4: no such voucher
            "I4;G1;E3;Kabeltrommel;20.03.2025;900,00;",  # line 5: its voucher was rejected
            "I5;G2;E2;Netzteil;14.03.2025;800,00;",  # line 6: not over 800 EUR net
            "I6;G9;E2;Messgerät;14.03.2025;900,00;",  # line 7: no such grant
            "I7;G2;E2;FPGA-Board 2;14.03.2025;800,01;Labor",
        ],
    )
    write(
        folder / "revenues.csv",
        [
            "revenue_id;grant_id;kind;year;planned_eur;actual_eur",
            "R1;G1;own_funds;2024;10.000,00;9.500,00",
            "R2;G1;own_funds;2028;10.000,00;",
            "R3;G1;project_revenue;2029;500,00;",  # line 4: after the grant's period
            "R4;G2;third_party;2024;1.000,00;",  # line 5: before the grant's period
            "R5;G9;own_funds;2025;1.000,00;",  # line 6: no such grant
            "R6;G2;Third_Party;2026;2.000,00;2.500,00",
        ],
    )
    return folder


def test_vat_inventory_and_revenues_are_checked_across_entities(
    funding: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    run = ingest([funding], data)
    assert run.status == "ok"
    assert counts(run) == [
        ("expenditures.csv", "loaded", 6, 4, 2),
        ("grants.csv", "loaded", 2, 2, 0),
        ("inventory.csv", "loaded", 7, 2, 5),
        ("revenues.csv", "loaded", 6, 3, 3),
    ]
    assert rejects(data, 1) == [
        ("expenditures.csv", 4, "vat_eur", "119,01", "vat_over_amount"),
        ("expenditures.csv", 5, "vat_eur", "19,00", "vat_sign"),
        ("inventory.csv", 3, "expenditure_id", "E2", "reference_mismatch"),
        ("inventory.csv", 4, "expenditure_id", "E9", "unknown_reference"),
        ("inventory.csv", 5, "expenditure_id", "E3", "rejected_reference"),
        ("inventory.csv", 6, "net_eur", "800,00", "must_be_gt"),
        ("inventory.csv", 7, "grant_id", "G9", "unknown_reference"),
        ("revenues.csv", 4, "year", "2029", "year_outside_period"),
        ("revenues.csv", 5, "year", "2024", "year_outside_period"),
        ("revenues.csv", 6, "grant_id", "G9", "unknown_reference"),
    ]
    # The reason names both grants: the item's and its voucher's.
    assert reason(data, "inventory.csv", 3) == [
        (
            "'E2' in 'expenditure_id' names an expenditure of grant_id 'G2', but this row is for "
            "grant_id 'G1'; both must be the same.",
            "„E2“ in „expenditure_id“ bezeichnet einen Beleg zu grant_id „G2“, diese Zeile gehört "
            "aber zu grant_id „G1“; beide müssen übereinstimmen.",
        )
    ]
    assert reason(data, "revenues.csv", 5) == [
        (
            "Year 2024 is outside the period of grant_id 'G2' (2025-01-01 to 2026-12-31).",
            "Jahr 2024 liegt außerhalb der Laufzeit von grant_id „G2“ (01.01.2025–31.12.2026).",
        )
    ]
    assert reason(data, "expenditures.csv", 4) == [
        (
            "The input VAT '119,01' in 'vat_eur' is more than the gross amount (119.00) that "
            "contains it.",
            "Die Vorsteuer „119,01“ in „vat_eur“ ist höher als der Bruttobetrag (119,00), in dem "
            "sie enthalten ist.",
        )
    ]
    assert table(data, "SELECT grant_id, regime, basis, vat_deductible FROM grants ORDER BY 1") == [
        ("G1", "ANBest-Gk", "expenditure", False),
        ("G2", "ANBest-P-Kosten", "cost", True),
    ]
    assert table(
        data, "SELECT expenditure_id, amount_eur, vat_eur FROM expenditures ORDER BY 1"
    ) == [
        ("E1", Decimal("1190.00"), Decimal("190.00")),
        ("E2", Decimal("2380.00"), Decimal("380.00")),
        ("E5", Decimal("-119.00"), Decimal("-19.00")),
        ("E6", Decimal("59.50"), Decimal("0.00")),
    ]
    assert table(
        data,
        "SELECT item_id, grant_id, expenditure_id, net_eur, location FROM inventory ORDER BY 1",
    ) == [
        ("I1", "G1", "E1", Decimal("1000.00"), "Raum 1.04"),
        ("I7", "G2", "E2", Decimal("800.01"), "Labor"),
    ]
    assert table(
        data, "SELECT revenue_id, kind, year, planned_eur, actual_eur FROM revenues ORDER BY 1"
    ) == [
        ("R1", "own_funds", 2024, Decimal("10000.00"), Decimal("9500.00")),
        ("R2", "own_funds", 2028, Decimal("10000.00"), None),
        ("R6", "third_party", 2026, Decimal("2000.00"), Decimal("2500.00")),
    ]


def test_an_inventory_file_loads_again_when_its_vouchers_change(
    funding: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    ingest([funding], data)
    # E2 moves to grant G1: the unchanged inventory file is checked again and I2 now fits,
    # while I7 (on grant G2) no longer does.
    lines = (funding / "expenditures.csv").read_bytes().decode("cp1252").splitlines()
    lines[2] = "E2;G1;investment;14.03.2025;2.380,00;380,00;FPGA-Boards"
    later = tmp_path / "later"
    write(later / "expenditures.csv", lines)
    (later / "inventory.csv").write_bytes((funding / "inventory.csv").read_bytes())
    run = ingest([later], data)
    assert counts(run) == [
        ("expenditures.csv", "loaded", 6, 4, 2),
        ("inventory.csv", "loaded", 7, 2, 5),
    ]
    assert [r[1:] for r in rejects(data, 2) if r[0] == "inventory.csv"] == [
        (4, "expenditure_id", "E9", "unknown_reference"),
        (5, "expenditure_id", "E3", "rejected_reference"),
        (6, "net_eur", "800,00", "must_be_gt"),
        (7, "grant_id", "G9", "unknown_reference"),
        (8, "expenditure_id", "E2", "reference_mismatch"),
    ]
    # I7 was valid before: its previous version stays, marked stale (a data-entry error never
    # deletes).
    assert table(
        data, "SELECT item_id, grant_id, expenditure_id, _stale FROM inventory ORDER BY 1"
    ) == [
        ("I1", "G1", "E1", False),
        ("I2", "G1", "E2", False),
        ("I7", "G2", "E2", True),
    ]


def jobs_delivery(folder: Path) -> Path:
    write(folder / "grants.csv", GRANTS)
    write(
        folder / "companies.csv",
        [COMPANIES_HEADER, "C1;Eins GmbH;12;47051;01.07.2024", "C2;Zwei KG;3;45127;01.07.2024"],
    )
    write(
        folder / "jobs.csv",
        [
            "job_id;category;company_id;created_on;fte;workplace_postal_code;confirmed_on;grant_id",
            "J1;external;C1;01.10.2024;1;;;",
            "J2;external;C2;01.10.2024;0,5;47058;01.10.2025;",
            "J3;project_related;;01.11.2024;1;;30.06.2026;G1",
            "J4;project_related;;01.11.2024;1;47279;;",
            "J5;project_related;;01.11.2024;1;;;G9",  # line 6: no such grant
            "J6;external;C1;01.11.2024;1;;;G1",  # line 7: an external job names no grant
            "J7;external;C1;01.11.2024;1;;31.10.2024;",  # line 8: confirmed before created
            "J8;external;C1;01.11.2024;1;4705;;",  # line 9: not a postal code
        ],
    )
    return folder


def test_jobs_workplace_confirmation_and_grant(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = ingest([jobs_delivery(tmp_path / "d")], data)
    assert counts(run) == [
        ("companies.csv", "loaded", 2, 2, 0),
        ("grants.csv", "loaded", 2, 2, 0),
        ("jobs.csv", "loaded", 8, 4, 4),
    ]
    assert rejects(data, 1) == [
        ("jobs.csv", 6, "grant_id", "G9", "unknown_reference"),
        ("jobs.csv", 7, "grant_id", "G1", "grant_not_for_external"),
        ("jobs.csv", 8, "confirmed_on", "31.10.2024", "date_before"),
        ("jobs.csv", 9, "workplace_postal_code", "4705", "bad_pattern"),
    ]
    # Empty workplace: the company's postal code, the centre's for a project-related job.
    assert table(
        data, "SELECT job_id, workplace_postal_code, confirmed_on, grant_id FROM jobs ORDER BY 1"
    ) == [
        ("J1", "47051", None, None),
        ("J2", "47058", dt.date(2025, 10, 1), None),
        ("J3", "47057", dt.date(2026, 6, 30), "G1"),
        ("J4", "47279", None, None),
    ]


def test_the_centres_postal_code_is_a_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZAKID_CENTRE_POSTAL_CODE", "47048")
    get_settings.cache_clear()
    try:
        ingest([jobs_delivery(tmp_path / "d")], tmp_path / "data")
    finally:
        get_settings.cache_clear()
    assert table(
        tmp_path / "data",
        "SELECT job_id, workplace_postal_code FROM jobs WHERE category = 'project_related' "
        "ORDER BY 1",
    ) == [("J3", "47048"), ("J4", "47279")]


def test_baseline_employees_is_the_headcount_of_the_first_load_that_listed_the_company(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    header = f"{COMPANIES_HEADER};baseline_employees"
    write(
        tmp_path / "d1" / "companies.csv",
        [header, "C1;Eins GmbH;12;47051;01.07.2024;", "C2;Zwei KG;5;47051;01.07.2024;3"],
    )
    ingest([tmp_path / "d1"], data)
    # The second snapshot: C1 and C2 grew and give no baseline; C3 is new; C4's row is broken.
    write(
        tmp_path / "d2" / "companies.csv",
        [
            COMPANIES_HEADER,
            "C1;Eins GmbH;20;47051;01.07.2024",
            "C2;Zwei KG;6;47051;01.07.2024",
            "C3;Drei AG;7;47051;01.09.2025",
        ],
    )
    ingest([tmp_path / "d2"], data)
    assert table(
        data, "SELECT company_id, employees, baseline_employees FROM companies ORDER BY 1"
    ) == [
        ("C1", 20, 12),
        ("C2", 6, 3),
        ("C3", 7, 7),
    ]
    # A third: a baseline given replaces the stored one; a rejected row keeps its previous
    # version (stale) with its baseline; a company no longer listed is gone.
    write(
        tmp_path / "d3" / "companies.csv",
        [
            header,
            "C1;Eins GmbH;21;47051;01.07.2024;10",
            "C2;Zwei KG;-6;47051;01.07.2024;",
        ],
    )
    ingest([tmp_path / "d3"], data)
    assert table(
        data, "SELECT company_id, employees, baseline_employees, _stale FROM companies ORDER BY 1"
    ) == [("C1", 21, 10, False), ("C2", 6, 3, True)]
    # C2 valid again, without a baseline: still its first one.
    write(tmp_path / "d4" / "companies.csv", [COMPANIES_HEADER, "C2;Zwei KG;8;47051;01.07.2024"])
    ingest([tmp_path / "d4"], data)
    assert table(
        data, "SELECT company_id, employees, baseline_employees, _stale FROM companies ORDER BY 1"
    ) == [("C2", 8, 3, False)]


def test_group_figures_and_public_control_decide_the_stored_size_class(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(
        tmp_path / "d" / "companies.csv",
        [
            "company_id;name;employees;annual_turnover_eur;postal_code;joined_on;group_employees;"
            "group_turnover_eur;group_balance_sheet_eur;public_control_share",
            "C1;Eigenständig GmbH;12;1.800.000,00;47051;01.07.2024;;;;",
            "C2;Konzerntochter GmbH;12;1.800.000,00;47051;01.07.2024;260;80.000.000,00;;",
            "C3;Stadtwerke-Tochter GmbH;12;1.800.000,00;47051;01.07.2024;;;;0,25",
            "C4;Minderheitsbeteiligung GmbH;12;1.800.000,00;47051;01.07.2024;;;;0,2499",
            "C5;Ohne Zahlen UG;4;;47051;01.07.2024;;;;",
            "C6;Zu klein gezählt GmbH;12;;47051;01.07.2024;11,5;;;",
        ],
    )
    run = ingest([tmp_path / "d"], data)
    assert counts(run) == [("companies.csv", "loaded", 6, 5, 1)]
    assert rejects(data, 1) == [
        ("companies.csv", 7, "group_employees", "11,5", "group_employees_below_employees")
    ]
    assert table(
        data,
        "SELECT company_id, size_class, is_sme, size_class_by_headcount_only, "
        "size_class_from_group, size_class_public_control, public_control_share "
        "FROM companies ORDER BY 1",
    ) == [
        ("C1", "small", True, False, False, False, 0.0),
        ("C2", "large", False, False, True, False, 0.0),
        ("C3", "large", False, False, False, True, 0.25),
        ("C4", "small", True, False, False, False, 0.2499),
        ("C5", "micro", True, True, False, False, 0.0),
    ]

-- id: idle_funds
-- name_de: Nicht fristgerecht verwendete Fördermittel
-- name_en: Idle funds
-- unit: eur
-- audience: funder
-- direction: lower
-- shape: breakdown
-- dimensions: grant_id, disbursement_id, kind, used_on
-- postprocess: funding_idle_funds
-- definition_de: Am Stichtag: bei Zuwendungen auf Ausgabenbasis die nicht fristgerecht
--   verwendeten Teile der Mittelabrufe (kind idle; Nr. 1.4 ANBest-P: 6 Wochen, Nr. 1.4
--   ANBest-Gk: 2 Monate nach Eingang), nach dem FIFO-Prinzip auf laufenden Summen zugeordnet,
--   mit Tag der Verwendung (used_on; leer: noch nicht verwendet), Tagen (days_idle, bis zur
--   Verwendung oder zum Stichtag) und Zinsen nach § 49a Abs. 4 i. V. m. Abs. 3 VwVfG
--   (Basiszinssatz + 5 Prozentpunkte je Tag); bei Zuwendungen auf Kostenbasis die vorzeitigen
--   Abrufe (kind premature; vor Entstehen der Kosten abgerufen) mit dem Überhang, dem Tag der
--   Deckung (used_on), days_until_covered und Zinsen. Wert = Betrag; Gesamtwert = Summe, mit
--   idle_eur, premature_eur und interest_eur. Regeln funding.idle_funds und
--   funding.premature_calls (CONTRACT.md Abschnitt 4). Fehlt der Basiszinssatz eines Tages,
--   kein Wert; base_rate_missing_on nennt den Tag.
-- definition_en: On the as-of date: for grants on expenditure basis the parts of the calls
--   not used in time (kind idle; no. 1.4 ANBest-P: 6 weeks, no. 1.4 ANBest-Gk: 2 months after
--   receipt), matched first in, first out on running totals, with the day of use (used_on;
--   empty: not used yet), days (days_idle, to the day of use or the as-of date) and interest
--   under § 49a (4) with (3) VwVfG (base rate + 5 points per day); for grants on cost basis
--   the premature calls (kind premature; called before the costs were incurred) with the
--   excess, the day covered (used_on), days_until_covered and interest. Value = amount; total
--   = sum, with idle_eur, premature_eur and interest_eur. Rules funding.idle_funds and
--   funding.premature_calls (CONTRACT.md section 4). Without the base rate of a day no value;
--   base_rate_missing_on names the day.
-- source: disbursements, expenditures, grants

SELECT * FROM funding_inputs($as_of)
-- source_rows:
SELECT d.*, g.regime
FROM disbursements d JOIN grants g ON g.grant_id = d.grant_id
WHERE g.decided_on <= $as_of AND d.received_on <= $as_of
ORDER BY d.grant_id, d.received_on, d.disbursement_id

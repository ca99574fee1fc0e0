-- id: idle_funds
-- name_de: Nicht fristgerecht verwendete Fördermittel
-- name_en: Idle funds
-- unit: eur
-- audience: funder
-- direction: lower
-- shape: breakdown
-- dimensions: grant_id, disbursement_id
-- definition_de: Abgerufene Mittel, die nicht innerhalb der Verwendungsfrist der
--   Nebenbestimmungen (6 Wochen nach Eingang unter ANBest-P und NKBF, 2 Monate unter
--   ANBest-Gk) durch Ausgaben gedeckt waren. Abrufe und Ausgaben werden je Zuwendung nach dem
--   FIFO-Prinzip zugeordnet: der erste abgerufene Euro deckt die erste Ausgabe (nach
--   Zahldatum, auch vor dem Eingang gezahlt); eine Ausgabe zählt mit dem Förderanteil
--   (funding_rate), Korrekturen mindern die Deckung. Je Abruf, dessen Frist vor dem Stichtag
--   abgelaufen ist und der zum Fristende nicht voll gedeckt war: der am Stichtag noch nicht
--   gedeckte Betrag (Wert), der zum Fristende ungedeckte Betrag (idle_at_deadline_eur) und die
--   Tage seit Fristende (days_idle).
-- definition_en: Funds drawn that were not covered by expenditures within the drawdown window
--   of the side conditions (6 weeks after receipt under ANBest-P and NKBF, 2 months under
--   ANBest-Gk). Disbursements and expenditures are matched per grant first in, first out: the
--   first euro drawn covers the first expenditure (by payment date, also one paid before the
--   receipt); an expenditure counts with the funded share (funding_rate), corrections reduce
--   the coverage. Per disbursement whose window ended before the as-of date and that was not
--   fully covered at its end: the amount still not covered on the as-of date (value), the
--   amount not covered at the end of the window (idle_at_deadline_eur) and the days since the
--   window ended (days_idle).
-- source: disbursements, expenditures, grants

-- FIFO as running totals: a disbursement holds the euros (drawn_before_eur, drawn_before_eur +
-- amount_eur] of all funds received for its grant; by a day, the funded spending up to that day
-- has used the part of that range it reaches: clamp(spent - drawn_before, 0, amount).
WITH received AS (
    SELECT d.grant_id, d.disbursement_id, d.received_on, d.amount_eur, g.funding_rate,
           CAST(d.received_on + CAST(g.drawdown_window AS INTERVAL) AS DATE) AS spend_by,
           coalesce(sum(d.amount_eur) OVER (
               PARTITION BY d.grant_id ORDER BY d.received_on, d.disbursement_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0) AS drawn_before_eur
    FROM disbursements d JOIN grants g ON g.grant_id = d.grant_id
    WHERE d.received_on <= $as_of
),
covered AS (
    SELECT r.grant_id, r.disbursement_id, r.received_on, r.amount_eur, r.spend_by,
           r.drawn_before_eur,
           round(r.funding_rate * coalesce(sum(e.amount_eur) FILTER (WHERE e.paid_on <= r.spend_by),
                                           0), 2) AS funded_by_deadline_eur,
           round(r.funding_rate * coalesce(sum(e.amount_eur) FILTER (WHERE e.paid_on <= $as_of),
                                           0), 2) AS funded_by_as_of_eur
    FROM received r LEFT JOIN expenditures e ON e.grant_id = r.grant_id
    WHERE r.spend_by < $as_of
    GROUP BY r.grant_id, r.disbursement_id, r.received_on, r.amount_eur, r.spend_by,
             r.drawn_before_eur, r.funding_rate
),
idle AS (
    SELECT grant_id, disbursement_id, received_on, spend_by, amount_eur,
           amount_eur - least(greatest(funded_by_deadline_eur - drawn_before_eur, 0), amount_eur)
               AS idle_at_deadline_eur,
           amount_eur - least(greatest(funded_by_as_of_eur - drawn_before_eur, 0), amount_eur)
               AS idle_eur,
           $as_of - spend_by AS days_idle
    FROM covered
)
SELECT grant_id, disbursement_id,
       coalesce(sum(idle_eur), 0) AS value,          -- 0.00 when nothing is idle
       min(received_on) AS received_on,
       min(spend_by) AS spend_by,
       sum(amount_eur) AS amount_eur,
       sum(idle_at_deadline_eur) AS idle_at_deadline_eur,
       max(days_idle) AS days_idle
FROM idle
WHERE idle_at_deadline_eur > 0
GROUP BY GROUPING SETS ((grant_id, disbursement_id), ())
ORDER BY grant_id NULLS LAST, received_on, disbursement_id
-- source_rows:
SELECT d.*, CAST(d.received_on + CAST(g.drawdown_window AS INTERVAL) AS DATE) AS spend_by
FROM disbursements d JOIN grants g ON g.grant_id = d.grant_id
WHERE d.received_on <= $as_of
ORDER BY d.grant_id, d.received_on, d.disbursement_id

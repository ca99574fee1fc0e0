-- id: funds_drawn
-- name_de: Abgerufene Fördermittel
-- name_en: Funds drawn
-- unit: eur
-- audience: funder
-- direction: higher
-- shape: breakdown
-- dimensions: grant_id
-- definition_de: Summe der Mittelabrufe, die am oder vor dem Stichtag eingegangen sind
--   (received_on), je Zuwendung und für das Verbundvorhaben, im Vergleich zur bewilligten
--   Zuwendung (approved_eur; Anteil drawn_share). Es zählen Zuwendungsbescheide vom Stichtag
--   oder früher; pending_eur sind angeforderte, am Stichtag noch nicht eingegangene Mittel.
-- definition_en: Sum of the disbursements received on or before the as-of date (received_on),
--   per grant and for the joint project, compared with the amount granted (approved_eur; share
--   drawn_share). Grant decisions of the as-of date or earlier count; pending_eur is funds
--   requested but not received by the as-of date.
-- source: disbursements, grants

WITH drawn AS (
    SELECT grant_id,
           sum(amount_eur) FILTER (WHERE received_on <= $as_of) AS drawn_eur,
           sum(amount_eur) FILTER (
               WHERE requested_on <= $as_of AND (received_on IS NULL OR received_on > $as_of)
           ) AS pending_eur
    FROM disbursements
    GROUP BY grant_id
),
per_grant AS (
    SELECT g.grant_id, g.approved_eur,
           coalesce(d.drawn_eur, 0) AS drawn_eur,
           coalesce(d.pending_eur, 0) AS pending_eur
    FROM grants g LEFT JOIN drawn d ON d.grant_id = g.grant_id
    WHERE g.decided_on <= $as_of
)
SELECT grant_id,
       sum(drawn_eur) AS value,
       sum(approved_eur) AS approved_eur,
       sum(drawn_eur) / sum(approved_eur) AS drawn_share,
       sum(pending_eur) AS pending_eur
FROM per_grant
GROUP BY GROUPING SETS ((grant_id), ())
ORDER BY grant_id NULLS LAST
-- source_rows:
SELECT d.*
FROM disbursements d JOIN grants g ON g.grant_id = d.grant_id
WHERE g.decided_on <= $as_of AND d.requested_on <= $as_of
ORDER BY d.grant_id, d.requested_on, d.disbursement_id

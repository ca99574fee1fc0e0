-- id: funds_drawn
-- name_de: Abgerufene Fördermittel
-- name_en: Funds drawn
-- unit: eur
-- audience: funder
-- direction: higher
-- shape: breakdown
-- dimensions: grant_id
-- postprocess: funding_funds_drawn
-- definition_de: Summe der Mittelabrufe, die am oder vor dem Stichtag eingegangen sind
--   (funding.received), je Zuwendung und für das Verbundvorhaben, im Vergleich zur bewilligten
--   Zuwendung (approved_eur; Anteil drawn_share). Es zählen Zuwendungsbescheide vom Stichtag
--   oder früher; pending_eur sind angeforderte, am Stichtag noch nicht eingegangene Mittel.
--   grant_share_eur ist der Zuwendungsanteil C(Stichtag) = min(Förderquote × zuwendungsfähige
--   Ausgaben seit Beginn, bewilligte Zuwendung) (Anteilfinanzierung mit Höchstbetrag,
--   funding.cumulative_share); refund_due_eur nach Ende der Laufzeit der Erstattungsbetrag =
--   erhaltene Mittel − C(Laufzeitende), soweit positiv (funding.refund_due; CONTRACT.md
--   Abschnitt 4), vorher leer.
-- definition_en: Sum of the disbursements received on or before the as-of date
--   (funding.received), per grant and for the joint project, compared with the amount granted
--   (approved_eur; share drawn_share). Grant decisions of the as-of date or earlier count;
--   pending_eur is funds requested but not received by the as-of date. grant_share_eur is the
--   grant share C(as-of date) = min(funding rate × eligible expenditures since the start,
--   amount granted) (Anteilfinanzierung with its cap, funding.cumulative_share);
--   refund_due_eur, once the grant has ended, the refund due = funds received − C(end of the
--   grant) where positive (funding.refund_due; CONTRACT.md section 4), empty before.
-- source: disbursements, grants, expenditures

SELECT * FROM funding_inputs($as_of)
-- source_rows:
SELECT d.*
FROM disbursements d JOIN grants g ON g.grant_id = d.grant_id
WHERE g.decided_on <= $as_of AND d.requested_on <= $as_of
ORDER BY d.grant_id, d.requested_on, d.disbursement_id

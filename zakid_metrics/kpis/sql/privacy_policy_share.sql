-- id: privacy_policy_share
-- name_de: Anteil datensparsamer KI-Einsätze
-- name_en: Share of privacy-preserving deployments
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der am Stichtag aktiven KI-Einsätze (went_live_on am oder vor dem
--   Stichtag, decommissioned_on leer oder danach), deren Daten das Gerät nicht oder nur als
--   Aggregate verlassen (data_policy on_device_only oder aggregates_only). Ohne aktive Einsätze
--   kein Wert.
-- definition_en: Share of the deployments live on the as-of date (went_live_on on or before it,
--   decommissioned_on empty or after it) whose data does not leave the device, or only as
--   aggregates (data_policy on_device_only or aggregates_only). No value without live
--   deployments.
-- source: deployments

SELECT count(*) FILTER (WHERE data_policy IN ('on_device_only', 'aggregates_only'))
           / nullif(count(*), 0) AS value,
       count(*) FILTER (WHERE data_policy IN ('on_device_only', 'aggregates_only'))
           AS privacy_preserving,
       count(*) AS live
FROM live_deployments($as_of)
-- source_rows:
SELECT *
FROM live_deployments($as_of)
ORDER BY data_policy, deployment_id

-- id: deployments_live
-- name_de: Aktive KI-Einsätze nach Geräteklasse
-- name_en: Live deployments by device class
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- overview: 6
-- dimensions: device_class
-- definition_de: KI-Einsätze, die am Stichtag in Betrieb sind (went_live_on am oder vor dem
--   Stichtag, decommissioned_on leer oder danach), nach der Klasse ihrer am Stichtag
--   installierten Geräte (installed_on leer oder am/vor dem Stichtag, removed_on leer oder
--   danach). Ein Einsatz zählt einmal je Geräteklasse, von der er Geräte hat; die Summe über
--   die Klassen kann daher größer sein als die Gesamtzahl. Die Gesamtzahl zählt jeden aktiven
--   Einsatz einmal, auch ohne gemeldete Geräte.
-- definition_en: Deployments live on the as-of date (went_live_on on or before it,
--   decommissioned_on empty or after it), by the class of their devices installed on that day
--   (installed_on empty or on/before it, removed_on empty or after it). A deployment counts
--   once per device class it has devices of, so the classes may add up to more than the
--   total. The total counts every live deployment once, also those without registered
--   devices.
-- source: deployments, devices

SELECT i.device_class, count(DISTINCT l.deployment_id) AS value
FROM live_deployments($as_of) l
LEFT JOIN fleet_devices($as_of) i ON i.deployment_id = l.deployment_id
GROUP BY GROUPING SETS ((i.device_class), ())
-- deployments without devices belong to the total only, not to a NULL class
HAVING grouping(i.device_class) = 1 OR i.device_class IS NOT NULL
ORDER BY i.device_class NULLS LAST
-- source_rows:
SELECT d.*,
       (SELECT list(DISTINCT v.device_class ORDER BY v.device_class)
        FROM fleet_devices($as_of) v
        WHERE v.deployment_id = d.deployment_id) AS device_classes
FROM live_deployments($as_of) d
ORDER BY d.deployment_id

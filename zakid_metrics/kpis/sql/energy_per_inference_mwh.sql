-- id: energy_per_inference_mwh
-- name_de: Energie je Inferenz
-- name_en: Energy per inference
-- unit: milliwatt_hours
-- audience: internal
-- direction: lower
-- shape: scalar
-- definition_de: Von den Geräten gemeldete Energie (energy_mwh, Milliwattstunden) geteilt durch
--   die Inferenzen derselben Messwerte, über die Intervalle im Fenster; Messwerte ohne
--   Energieangabe zählen nicht. Enthält den Grundverbrauch der Geräte. Ohne Inferenzen mit
--   Energieangabe kein Wert.
-- definition_en: Energy the devices reported (energy_mwh, milliwatt hours) divided by the
--   inferences of the same readings, over the intervals in the window; readings without an
--   energy figure do not count. Includes the devices' idle consumption. No value without
--   inferences with an energy figure.
-- source: telemetry, devices

SELECT sum(energy_mwh) / nullif(sum(inferences_energy), 0) AS value,
       sum(energy_mwh) AS energy_mwh,
       sum(inferences_energy) AS inferences
FROM telemetry_devices
-- source_rows:
SELECT v.device_id, v.deployment_id, v.device_class, d.energy_mwh,
       d.inferences_energy AS inferences,
       d.energy_mwh / nullif(d.inferences_energy, 0) AS energy_per_inference_mwh,
       v._file, v._line, v._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
WHERE d.energy_mwh IS NOT NULL
ORDER BY energy_per_inference_mwh DESC NULLS LAST, v.device_id

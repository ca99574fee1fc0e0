-- id: data_kept_on_device_share
-- name_de: Auf dem Gerät verbliebene Daten
-- name_en: Data kept on the device
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der auf den Geräten verarbeiteten und dort verbliebenen Daten
--   (bytes_on_device) an allen Daten der Intervalle im Fenster (bytes_on_device plus die vom
--   Gerät gesendeten bytes_uplinked). Ohne gemeldete Datenmengen kein Wert.
-- definition_en: Share of the data processed and kept on the devices (bytes_on_device) in all
--   data of the intervals in the window (bytes_on_device plus the bytes_uplinked the devices
--   sent). No value without reported data volumes.
-- source: telemetry, devices

SELECT coalesce(sum(bytes_on_device), 0)
           / nullif(coalesce(sum(bytes_on_device), 0) + coalesce(sum(bytes_uplinked), 0), 0)
           AS value,
       CAST(sum(bytes_on_device) AS HUGEINT) AS bytes_on_device,
       CAST(sum(bytes_uplinked) AS HUGEINT) AS bytes_uplinked
FROM telemetry_devices
-- source_rows:
SELECT v.device_id, v.deployment_id, p.data_policy, d.bytes_on_device, d.bytes_uplinked,
       d.bytes_on_device / nullif(coalesce(d.bytes_on_device, 0)
                                  + coalesce(d.bytes_uplinked, 0), 0) AS share,
       v._file, v._line, v._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
JOIN deployments p ON p.deployment_id = v.deployment_id
WHERE d.bytes_on_device IS NOT NULL OR d.bytes_uplinked IS NOT NULL
ORDER BY share, v.device_id

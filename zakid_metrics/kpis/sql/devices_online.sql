-- id: devices_online
-- name_de: Geräte online
-- name_en: Devices online
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Zahl der Geräte der Flotte, deren letzter Messwert (Ende des gemeldeten
--   Intervalls, ts) höchstens drei Meldeintervalle (report_interval_s des Geräts) vor dem
--   Zeitpunkt des Fensters liegt (live: jetzt). Zur Flotte gehören die registrierten Geräte,
--   die an diesem Tag installiert (installed_on leer oder am/vor dem Tag) und nicht entfernt
--   sind (removed_on leer oder danach). Ohne jede Telemetrie kein Wert.
-- definition_en: Number of fleet devices whose last reading (end of the reported interval, ts)
--   lies at most three report intervals (the device's report_interval_s) before the window's
--   moment (live: now). The fleet is the registered devices installed on that day (installed_on
--   empty or on/before it) and not removed (removed_on empty or after it). No value without
--   any telemetry.
-- source: telemetry, devices

WITH fleet AS (
    SELECT v.device_id, device_online(d.last_seen, v.report_interval_s, w.moment) AS online
    FROM telemetry_window w
    CROSS JOIN fleet_devices(w.moment_date) v
    LEFT JOIN telemetry_devices d ON d.device_id = v.device_id
)
SELECT CASE WHEN w.has_telemetry THEN (SELECT count(*) FILTER (WHERE online) FROM fleet) END
           AS value,
       CASE WHEN w.has_telemetry
            THEN (SELECT count(*) FILTER (WHERE online IS NOT true) FROM fleet) END
           AS devices_offline,
       (SELECT count(*) FROM fleet) AS devices_in_fleet
FROM telemetry_window w
-- source_rows:
SELECT v.device_id, v.deployment_id, v.device_class, v.report_interval_s, d.last_seen,
       coalesce(device_online(d.last_seen, v.report_interval_s, w.moment), false) AS online,
       v._file, v._line, v._stale
FROM telemetry_window w
CROSS JOIN fleet_devices(w.moment_date) v
LEFT JOIN telemetry_devices d ON d.device_id = v.device_id
ORDER BY online DESC, v.device_id

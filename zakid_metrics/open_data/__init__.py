"""The open-data export declared as data: spec (datasets, key figures as KPI references), build
(cells → disclosure), write (CSV, JSON, Parquet, DCAT-AP.de) and read (for the public pages)."""

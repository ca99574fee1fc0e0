"""Everything that writes data: ingest, collector, sample delivery, simulator."""

"""ZaKI.D impact metrics: the contract, the warehouse, the KPIs and the views on them."""

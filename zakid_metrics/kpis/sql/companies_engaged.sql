-- id: companies_engaged
-- name_de: Beteiligte Unternehmen nach Größenklasse
-- name_en: Companies engaged by size class
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- overview: 3
-- dimensions: size_class
-- definition_de: Unternehmen mit mindestens einem Projekt, das am oder vor dem Stichtag begonnen
--   hat (gleich welchen Status), nach Größenklasse der EU-KMU-Definition (Empfehlung
--   2003/361/EG: Kleinst-, kleine, mittlere, große Unternehmen). Wo Umsatz und Bilanzsumme
--   fehlen, entscheidet die Beschäftigtenzahl allein (Spalte by_headcount_only). Mit Partner-
--   und verbundenen Unternehmen zählen deren Zahlen (Art. 6 der Empfehlung; from_group: die
--   Gruppe entschied die Klasse), und ein Unternehmen, an dem öffentliche Stellen 25 % oder mehr
--   halten, ist groß (Art. 3 Abs. 4; public_control).
-- definition_en: Companies with at least one project started on or before the as-of date (of
--   any status), by size class of the EU SME definition (Recommendation 2003/361/EC: micro,
--   small, medium, large). Where turnover and balance sheet are both missing, the headcount
--   alone decides (column by_headcount_only). With partner and linked enterprises their figures
--   count (Art. 6 of the Recommendation; from_group: the group decided the class), and a company
--   25 % or more of which public bodies hold is large (Art. 3(4); public_control).
-- framework: ERDF RCO 01 | Enterprises supported (of which: micro, small, medium, large) |
--   corresponds | Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1;
--   definitions: Commission Staff Working Document SWD(2021) 198
-- source: companies, projects

SELECT size_class,
       count(*) AS value,
       count(*) FILTER (WHERE size_class_by_headcount_only) AS by_headcount_only,
       count(*) FILTER (WHERE size_class_from_group) AS from_group,
       count(*) FILTER (WHERE size_class_public_control) AS public_control
FROM engaged_companies($as_of) c
GROUP BY GROUPING SETS ((size_class), ())
ORDER BY list_position(['micro', 'small', 'medium', 'large'], size_class) NULLS LAST
-- source_rows:
SELECT c.*
FROM engaged_companies($as_of) c
ORDER BY c.company_id

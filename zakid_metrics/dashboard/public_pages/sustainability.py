"""Nachhaltigkeit: contributions to the UN SDGs in the goals' official colours, and effects."""

import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.disclosure import TOTAL
from zakid_metrics.i18n import t
from zakid_metrics.sdg import GOALS

page = public.public_page("page.sustainability")
lang, export = page.lang, page.export
page.tiles(
    [
        "sdg_goals_covered",
        "sdg_contributions",
        "co2e_avoided_t_per_year",
        "energy_saved_mwh_per_year",
    ]
)

sdg = export.table("sdg_contributions")
st.header(t("public.sdg.by_goal", lang))
numbers = [str(goal.number) for goal in GOALS]
series, described = [], []
for flag, name_key in (("yes", "public.sdg.verified"), ("no", "public.sdg.unverified")):
    rows = public.cells(sdg, verified=flag).set_index("sdg_goal").loc[numbers]
    series.append((t(name_key, lang), rows["value"], rows["suppressed"]))
    described += [
        (
            f"{public.label('sdg_goal', n, lang)} ({t(name_key, lang)})",
            public.show_value(v, s, "count", lang),
        )
        for n, v, s in zip(numbers, rows["value"], rows["suppressed"], strict=True)
        if s or v
    ]
colours = [goal.colour for goal in GOALS]
# Both in the goal's official colour, unverified hatched: the legend and the text below say
# which is which, so colour is never the only carrier.
public.bar_chart(
    [f"SDG {n}" for n in numbers],
    series,
    lang,
    colours=[colours, colours],
    patterns=["", "/"],
    hover=[public.label("sdg_goal", n, lang) for n in numbers],
    text=public.summary(t("public.sdg.by_goal", lang), described, lang),
    key="public_sdg.chart",
)
public.protected_table(
    public.cells(sdg, verified=TOTAL)
    .pipe(lambda f: f[f["sdg_goal"] != TOTAL])
    .pipe(lambda f: f[f["suppressed"] | (f["value"] > 0)]),
    ["sdg_goal"],
    lang,
    alt=t("public.sdg.by_goal", lang),
)
st.header(t("public.sdg.effects", lang))
public.protected_table(
    export.table("sdg_effects"),
    ["measure", "verified"],
    lang,
    unit="amount",
    alt=t("public.sdg.effects", lang),
)
st.caption(t("public.sdg.effects.note", lang))
public.to_open_data(lang)

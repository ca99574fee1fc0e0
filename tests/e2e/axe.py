"""axe-core (from the npm registry, tests/e2e/package.json) run in a page by Playwright: the
violations of impact serious or critical and skipped heading levels, less the documented
exemptions in Streamlit's own markup (README: accessibility statement)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Rules that fail whatever their impact: skipped heading levels (axe: moderate) confuse anyone
# who navigates by headings.
FAILING_RULES = ("heading-order",)


class Exemption(NamedTuple):
    """A violation we cannot fix in our code: the rule, the elements (CSS), and why."""

    rule: str
    selector: str
    reason: str


EXEMPTIONS: tuple[Exemption, ...] = (
    Exemption(
        "svg-img-alt",
        '[data-testid="stMetric"] g.role-mark[role="graphics-symbol"]',
        "st.metric draws its trend sparkline with Vega-Lite, whose empty 'highlighted points' "
        "mark group carries role=graphics-symbol without a name; st.metric has no option to "
        "name it or to turn Vega's ARIA roles off. The trend is also given in words: the "
        "change against the month before, under the tile's value.",
    ),
)

# Runs axe on the whole document; returns each failing violation with the nodes that no
# exemption covers (a node is covered when its element matches the exemption's selector).
_RUN = """async ([impacts, rules, exemptions]) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const exempt = (rule, target) => {
    if (target.length !== 1) return false;
    const element = document.querySelector(target[0]);
    return element !== null && exemptions.some(
      ([id, selector]) => id === rule && element.matches(selector));
  };
  return result.violations
    .filter(v => impacts.includes(v.impact) || rules.includes(v.id))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target).filter(t => !exempt(v.id, t))
                                .map(t => t.join(' '))}))
    .filter(v => v.targets.length > 0);
}"""


def serious_violations(page: Page, where: str) -> list[str]:
    """The serious and critical axe violations (and FAILING_RULES') of the page as it is drawn
    now, one line each: rule id, impact, what it asks, the target selectors, and `where`."""
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci --prefix tests/e2e`"
    page.add_script_tag(path=AXE_SCRIPT)
    exemptions = [[e.rule, e.selector] for e in EXEMPTIONS]
    found = page.evaluate(_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES), exemptions])
    return [
        f"{where}: {v['id']} ({v['impact']}: {v['help']}) at {'; '.join(v['targets'])}"
        for v in found
    ]

"""axe-core (from npm, node_modules/axe-core) run in a Playwright page: the WCAG 2.2 AA rule set
every page state must pass, shared by the page-state table's test and tests of pages that are
reached only through another system (an LMS launch)."""

from __future__ import annotations

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})
  .then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 8),
  })))"""


def axe_violations(page) -> list[dict]:
    """The WCAG 2.2 AA violations axe finds on the page as it stands."""
    assert AXE.exists(), "run scripts/install-frontend.sh (axe-core is a devDependency)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_AA)

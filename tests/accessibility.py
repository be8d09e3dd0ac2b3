"""axe-core in a browser test: where it is, the rules we hold pages to, and a page's
violations in words."""

import os
from pathlib import Path

import pytest

AXE = Path(os.environ.get("AXE_CORE_JS", "/tmp/lh/node_modules/axe-core/axe.min.js"))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_axe():
    """Skip where axe-core is not installed; in CI (which installs it) fail instead."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs axe-core at {AXE} (.ci/run installs it)")
        pytest.skip(f"axe-core is not at {AXE} (npm i axe-core@4.14.1 there)")


def axe_violations(page):
    """The WCAG 2.1 A and AA rules the page breaks, each with the elements at fault.
    (Playwright injects axe as an inline script: the page's context must bypass CSP.)"""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
             .violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" | ")}`)""",
        WCAG_21_AA,
    )

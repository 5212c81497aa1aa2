"""Issue 15.1: the start page with its "Liever mondeling melden?" section passes axe and fits a
320 px phone, with and without JavaScript, in Dutch and in Arabic (right to left)."""
from __future__ import annotations

import pytest

from tests.browser.accessibility import check, new_context


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_the_start_page_with_oral_channels_passes_axe_and_fits_a_phone(chromium, live_server, world, javascript):
    world.org("demo", name="Gemeente Demodorp")
    context = new_context(chromium, javascript=javascript)
    page = context.new_page()
    found = []
    for url in (f"{live_server.base}/o/demo/", f"{live_server.base}/o/demo/?taal=ar"):
        found += check(page, url)
        assert page.locator("#mondeling a[href='tel:0570000101']").is_visible()
    context.close()
    assert found == []

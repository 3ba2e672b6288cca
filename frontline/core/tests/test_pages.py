"""The site's own icon: named on every page and answered at /favicon.ico."""

from __future__ import annotations


def test_the_login_page_names_the_site_icon_and_favicon_ico_leads_to_it(client, db):
    page = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/frontline/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/frontline/favicon.svg"
    icon = client.get("/static/frontline/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)

"""The local stack serves the page next to the API (`make dev`), and nothing else."""

import requests


def test_the_page_is_served_at_the_root(site_url: str) -> None:
    page = requests.get(f"{site_url}/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="de">' in page.text
    assert 'id="terminbuchung"' in page.text

    script = requests.get(f"{site_url}/terminbuchung.js", timeout=10)
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    style = requests.get(f"{site_url}/terminbuchung.css", timeout=10)
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"

    head = requests.head(f"{site_url}/index.html", timeout=10)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) == len(page.content)


def test_api_routes_come_first_and_nothing_outside_web_is_served(site_url: str) -> None:
    locations = requests.get(f"{site_url}/locations", timeout=10)
    assert locations.headers["Content-Type"].startswith("application/json")
    assert locations.json()["locations"][0]["id"] == "oranienburg"

    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fMakefile", "/.gitignore"):
        answer = requests.get(f"{site_url}{path}", timeout=10)
        assert answer.status_code == 404, path
        assert answer.json() == {"message": "Not Found"}

    # Only GET and HEAD reach the files; other methods get the API's answer.
    assert requests.post(f"{site_url}/index.html", timeout=10).status_code == 404
    # The development endpoint still works.
    released = requests.post(f"{site_url}/_dev/release", timeout=10)
    assert released.status_code == 200
    assert "created" in released.json()

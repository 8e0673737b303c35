"""The dashboard in real headless Chromium against the real Neo4j holding a generated, analysed world.

A small world is generated, ingested and analysed once (scores and the detectors' rings); the dashboard
is served in a thread on a free port; Chromium logs in with an API key and a purpose, searches, expands
a node on the canvas, draws a planted ring, finds a path between two of its members, builds a case and
exports it. Each step saves a screenshot under ``test-output/screenshots/``.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from analytics.detectors.registry import all_detectors
from analytics.run import Analysis
from api.access import AccessStore, Role
from api.investigation import Investigation
from api.schemas import RingPublic
from bigfinder.settings import PROJECT_ROOT, Settings
from dashboard.app import Dashboard, create_dashboard
from graph.admin import init_schema
from graph.loader import GraphWriter
from ingest.generate import generate_world
from ingest.pipeline import Ingestor
from tests.conftest import _delete_everything

pytestmark = pytest.mark.neo4j

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
PURPOSE = "case 2024-17: planted ring review"
WAIT_S = 30

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

# The find-the-cytoscape-instance helper: cytoscape keeps its instance on its container element.
_CY = "const el = [...document.querySelectorAll('#canvas, #canvas *')].find(e => e._cyreg && e._cyreg.cy);"


@pytest.fixture(scope="module")
def analysed_world(
    driver: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The smallest generated world, ingested, scored and searched for rings by every detector."""
    folder = tmp_path_factory.mktemp("dashboard")
    generate_world(folder / "world", scale=1_000, seed=3)
    _delete_everything(driver, settings)
    init_schema(driver, settings)
    ingestor = Ingestor(GraphWriter(driver, settings), folder / "state", today=date(2100, 1, 1))
    assert not ingestor.ingest_directory(folder / "world").failed
    detectors = all_detectors()
    # The scores the canvas colours by and every detector; communities are not shown, so not run.
    Analysis(driver, settings, backend="cpu", detectors=detectors).run(
        ["pagerank", "accomplice", *(d.scheme for d in detectors)]
    )
    yield
    _delete_everything(driver, settings)


@pytest.fixture(scope="module")
def dashboard_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("dashboard-access")
    return settings.model_copy(
        update={"api_access_db": folder / "access.sqlite3", "api_rate_limit_per_minute": 100_000}
    )


@pytest.fixture(scope="module")
def key(dashboard_settings: Settings) -> str:
    store = AccessStore(dashboard_settings.api_access_db)
    secret = store.create_key(Role.INVESTIGATOR, "kim@customs").secret
    store.close()
    return secret


@pytest.fixture(scope="module")
def served(dashboard_settings: Settings, analysed_world: None, key: str) -> Iterator[tuple[str, Dashboard]]:
    """The dashboard on a free port, in a thread of this process."""
    dashboard = create_dashboard(dashboard_settings)
    server = make_server("127.0.0.1", 0, dashboard.app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", dashboard
    server.shutdown()
    dashboard.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1250"):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield chrome
    chrome.quit()


@pytest.fixture(scope="module")
def planted_ring(driver: Driver, settings: Settings, analysed_world: None) -> RingPublic:
    """The detected ring with the most parties (people and companies)."""
    investigation = Investigation(driver, settings)
    rings = investigation.rings(
        alerts=False, scheme=None, status=None, include_stale=False, offset=0, limit=50
    )
    detailed = [investigation.ring(r.ring_id) for r in rings.items]
    return max(detailed, key=lambda r: sum(m.label in ("Person", "Company") for m in r.members))


def _shot(browser: WebDriver, name: str) -> None:
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _wait(browser: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(browser, WAIT_S)


def _log_in(browser: WebDriver, url: str, key: str) -> None:
    browser.get(url)
    # A new login each test: forget the session the last test left in this tab's session storage.
    browser.execute_script("window.sessionStorage.clear()")
    browser.get(url)
    _wait(browser).until(ec.visibility_of_element_located((By.ID, "login-key"))).send_keys(key)
    browser.find_element(By.ID, "login-purpose").send_keys(PURPOSE)
    _shot(browser, "login")
    browser.find_element(By.ID, "login-button").click()
    _wait(browser).until(ec.visibility_of_element_located((By.ID, "search-text")))


def _node_count(browser: WebDriver) -> int:
    text = browser.find_element(By.ID, "canvas-status").text
    return int(text.split(" nodes")[0]) if " nodes" in text else 0


def _canvas_nodes(browser: WebDriver) -> list[str]:
    ids: list[str] = browser.execute_script(_CY + "return el._cyreg.cy.nodes().map(n => n.id());")
    return ids


def _click_node(browser: WebDriver, node_id: str) -> None:
    """A real mouse click where cytoscape draws the node."""
    found: list[Any] = browser.execute_script(
        _CY + "const p = el._cyreg.cy.getElementById(arguments[0]).renderedPosition();"
        "const r = el.getBoundingClientRect(); return [el, p.x, p.y, r.width, r.height];",
        node_id,
    )
    element, x, y, width, height = found
    ActionChains(browser).move_to_element_with_offset(
        element, int(x - width / 2), int(y - height / 2)
    ).click().perform()


def _tab(browser: WebDriver, label: str) -> None:
    next(t for t in browser.find_elements(By.CSS_SELECTOR, ".nav-link") if t.text == label).click()


def test_log_in_search_and_expand_a_node(
    browser: WebDriver, served: tuple[str, Dashboard], key: str, planted_ring: RingPublic
) -> None:
    url, dashboard = served
    _log_in(browser, url, key)
    assert "kim@customs (investigator)" in browser.find_element(By.ID, "user-line").text
    member = next(m for m in planted_ring.members if m.label in ("Person", "Company") and m.name)
    browser.find_element(By.ID, "search-text").send_keys(str(member.name))
    browser.find_element(By.ID, "search-button").click()
    hits = _wait(browser).until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, ".search-hit")))
    _shot(browser, "search")
    next(h for h in hits if f"{member.label}:{member.key}" in h.text).click()
    _wait(browser).until(lambda b: _node_count(b) > 1)
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "entity-title"), str(member.name)))
    _shot(browser, "workspace-entity")
    before = _node_count(browser)
    identifiers = [n for n in _canvas_nodes(browser) if n.split(":")[0] in ("Address", "Phone", "Account")]
    for node_id in identifiers[:4]:
        _click_node(browser, node_id)
        try:
            WebDriverWait(browser, 10).until(lambda b: _node_count(b) > before)
            break
        except Exception:  # noqa: S112 - this identifier has no other holder; try the next one
            continue
    assert _node_count(browser) > before
    _shot(browser, "workspace-expanded")
    reads = dashboard.access.audit(action="entity.network")
    assert reads and all(r.purpose == PURPOSE and r.owner == "kim@customs" for r in reads)


def test_ring_on_canvas_and_a_path_between_two_members(
    browser: WebDriver, served: tuple[str, Dashboard], key: str, planted_ring: RingPublic
) -> None:
    url, _ = served
    _log_in(browser, url, key)
    _tab(browser, "Rings")
    row = f"#rings-grid .ag-row[row-id='{planted_ring.ring_id}']"
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, row))).click()
    _wait(browser).until(ec.presence_of_element_located((By.ID, "ring-members")))
    parties = [f"{m.label}:{m.key}" for m in planted_ring.members if m.label in ("Person", "Company")]
    _wait(browser).until(lambda b: set(parties) <= set(_canvas_nodes(b)))
    browser.find_element(By.CSS_SELECTOR, "input[value='ring']").click()
    # The side panel of the ring's centre: identifiers held (no transfers among them), counts by type.
    panel = _wait(browser).until(ec.visibility_of_element_located((By.ID, "entity-relationships")))
    assert ": " in panel.text and "TRANSFER" not in browser.find_element(By.ID, "entity-panel").text
    # Every party of the ring is named, in its ring's colour, and inside the view (it was fitted).
    shown: list[str] = browser.execute_script(
        _CY + "const cy = el._cyreg.cy; return cy.nodes('.ring.labelled').filter(n => {"
        "const p = n.renderedPosition(); return p.x > 0 && p.y > 0 && p.x < cy.width() && p.y < cy.height();"
        "}).map(n => n.id());"
    )
    assert set(parties) <= set(shown)
    time.sleep(0.5)  # the colour change is drawn by the browser; nothing to wait on
    browser.execute_script("window.scrollTo(0, 0)")
    _shot(browser, "workspace-ring")
    source, target = parties[0], parties[-1]
    browser.find_element(By.ID, "path-from").send_keys(source)
    browser.find_element(By.ID, "path-to").send_keys(target)
    browser.find_element(By.ID, "path-button").click()
    result = _wait(browser).until(ec.visibility_of_element_located((By.ID, "paths-result")))
    assert "shortest path(s)" in result.text
    highlighted: int = browser.execute_script(_CY + "return el._cyreg.cy.edges('.highlight').length;")
    assert highlighted >= 1
    _shot(browser, "path")


def test_build_and_export_a_case(
    browser: WebDriver, served: tuple[str, Dashboard], key: str, planted_ring: RingPublic, downloads: Path
) -> None:
    url, dashboard = served
    _log_in(browser, url, key)
    member = next(m for m in planted_ring.members if m.label in ("Person", "Company"))
    browser.find_element(By.ID, "search-by").find_elements(By.TAG_NAME, "input")[1].click()
    browser.find_element(By.ID, "search-text").send_keys(str(member.key))
    browser.find_element(By.ID, "search-button").click()
    _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".search-hit"))).click()
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "entity-panel"), str(member.key)))
    browser.find_element(By.ID, "pin-button").click()
    _tab(browser, "Case")
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "pinned-entities"), str(member.key)))
    browser.find_element(By.ID, "case-title").send_keys("Planted ring")
    browser.find_element(By.ID, "case-note").send_keys("member found through the ring explorer")
    browser.find_element(By.ID, "case-save").click()
    saved = _wait(browser).until(ec.visibility_of_element_located((By.ID, "case-saved")))
    case_id = saved.text.split(":")[0]
    _shot(browser, "case")
    browser.find_element(By.ID, "case-export").click()
    exported = downloads / f"{case_id}.zip"
    _wait(browser).until(lambda _: exported.exists() and exported.stat().st_size > 0)
    with zipfile.ZipFile(exported) as archive:
        names = set(archive.namelist())
        case_file = json.loads(archive.read(f"{case_id}/case.json"))
    assert {f"{case_id}/report.pdf", f"{case_id}/manifest.json"} <= names
    assert case_file["case_id"] == case_id and case_file["title"] == "Planted ring"
    assert [e["id"] for e in case_file["entities"]] == [f"{member.label}:{member.key}"]
    assert "member found through the ring explorer" in json.dumps(case_file["notes"])
    assert dashboard.access.audit(action="case.export")[0].purpose == PURPOSE
    shutil.rmtree(downloads, ignore_errors=True)

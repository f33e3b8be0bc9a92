#!/usr/bin/env python3
"""The regulator's explorer in a real browser (headless Chromium through Selenium), on the demo
registry: sign in, the vessel and its cap table at an earlier height, the listed owner behind the
two shells with 60 % on the investor's ownership graph, a bad token that cannot sign in, and an
axe-core accessibility check of every page (no serious or critical violation). A screenshot of
each page is saved in --screenshots.
"""
import argparse
import os
import re
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"explorer browser test: FAILED: {what}")
    print(f"   ok  {what}")


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(flag)
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            options.binary_location = candidate
            break
    driver = "/usr/bin/chromedriver"
    return webdriver.Chrome(options=options, service=Service(driver) if os.path.exists(driver) else None)


class Session:
    def __init__(self, driver: webdriver.Chrome, base: str, shots: str):
        self.driver, self.base, self.shots = driver, base.rstrip("/"), shots
        self.checked = []

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def page(self, name: str) -> None:
        """Saves a screenshot and checks the page with axe-core: no serious or critical violation."""
        path = os.path.join(self.shots, f"{name}.png")
        self.driver.save_screenshot(path)
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        for violation in serious:
            print(f"      {violation['id']} ({violation['impact']}): {violation['help']}", file=sys.stderr)
        expect(not serious, f"{name}: no serious accessibility violation ({len(results['violations'])} minor), screenshot {path}")
        self.checked.append(name)

    def text(self, css: str) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def wait(self, condition, what: str) -> None:
        """Waits (10 s at most) for the page a click started to be there."""
        # The page being left may go stale mid-check (Chromium says so as a stale element, a missing
        # one, or a node that no longer belongs to the document): that is still waiting.
        WebDriverWait(self.driver, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda d: condition(d), message=what)

    def sign_in(self, token: str) -> None:
        self.open("/explorer/sign-in")
        field = self.driver.find_element(By.ID, "token")
        field.clear()
        field.send_keys(token)
        self.driver.find_element(By.CSS_SELECTOR, "form.signin button[type=submit]").click()
        self.wait(lambda d: d.find_elements(By.ID, "sign-in-error") or d.find_elements(
            By.CSS_SELECTOR, "form[action='/explorer/sign-out']"), "the answer to the sign-in")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="a regulator token")
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    driver = browser()
    try:
        s = Session(driver, args.base, args.screenshots)

        print("== anonymous: the signed head and blocks, no party data")
        s.open("/explorer")
        expect("Latest signed head" in driver.page_source, "the registry page shows the signed head")
        expect("Oceanic" not in driver.page_source, "no party name for an anonymous visitor")
        expect(s.text("#signature-check") == "valid", "the head's signature is checked: valid")
        s.page("1-registry-anonymous")
        s.open("/explorer/vessels/IMO9176187")
        expect("Sign-in required" in driver.page_source, "the vessel page needs a session")

        print("== a bad token cannot sign in")
        s.sign_in("not-a-regulator-token")
        expect(driver.find_element(By.ID, "sign-in-error").is_displayed(), "the sign-in page says the token is refused")
        expect(driver.get_cookie("plimsoll_session") is None, "no session cookie")
        s.page("2-sign-in-refused")

        print("== sign in with the regulator token")
        s.sign_in(args.token)
        cookie = driver.get_cookie("plimsoll_session")
        expect(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict",
               f"a session cookie, HttpOnly and SameSite=Strict ({cookie}, at {driver.current_url})")
        expect(driver.find_elements(By.CSS_SELECTOR, "form[action='/explorer/sign-out']") != [], "signed in")
        expect("Plimsoll Star" in driver.page_source, "the registry page lists the vessel")
        lists = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#lists tbody tr")]
        expect(len(lists) >= 2 and all(re.search(r"\d{4}-\d{2}-\d{2}T", r) for r in lists),
               f"the lists in force, each with the time it was adopted ({len(lists)} lists)")
        s.page("3-registry")

        print("== the vessel: cap table now and at an earlier height, graph, chart, history")
        s.open("/explorer/vessels/IMO9176187")
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#cap-table tbody tr")]
        expect(any("Oceanic" in r and "48" in r for r in rows) and any("Fjord" in r and "16" in r for r in rows),
               f"the cap table now: Oceanic 48, Fjord 16 ({rows})")
        nodes = driver.find_elements(By.CSS_SELECTOR, "#ownership-graph svg g.node")
        expect(len(nodes) >= 5, f"the ownership graph draws the vessel, its holders and their owners ({len(nodes)} nodes)")
        expect(driver.find_elements(By.CSS_SELECTOR, "svg.chart path.series") != [], "the units-over-time chart has lines")
        issued = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#history li") if "· issue:" in e.text]
        expect(issued != [], "the history shows the issuance")
        height = int(re.search(r"block (\d+)", issued[-1]).group(1))
        s.page("4-vessel")
        field = driver.find_element(By.ID, "at-height")
        field.clear()
        field.send_keys(str(height))
        driver.find_element(By.ID, "height-show").click()
        s.wait(lambda d: f"At height {height} (" in d.find_element(By.ID, "cap-height").text, "the earlier cap table")
        earlier = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#cap-table tbody tr")]
        expect(len(earlier) == 1 and "Oceanic" in earlier[0] and "64" in earlier[0],
               f"at height {height}, before the sale, Oceanic held all 64 units ({earlier})")
        expect(f"At height {height} (" in s.text("#cap-height"), "the page says which height it shows")
        s.page("5-vessel-earlier")

        print("== search, then the investor: the listed owner behind the two shells, 60 %")
        search = driver.find_element(By.ID, "search-q")
        search.send_keys("Kestrel")
        driver.find_element(By.CSS_SELECTOR, "form[action='/explorer/search'] button").click()
        s.wait(lambda d: d.find_elements(By.ID, "party-results"), "the search results")
        expect("Kestrel" not in driver.current_url, "the name is sent in the body, not the URL")
        results = driver.find_elements(By.CSS_SELECTOR, "#party-results a")
        expect(results != [], "search finds Kestrel")
        s.page("6-search")
        results[0].click()
        s.wait(lambda d: d.find_elements(By.ID, "party-facts"), "the party page")
        expect("Kestrel Maritime Holdings" in driver.find_element(By.TAG_NAME, "h1").text, "the investor's page")
        graph = driver.find_element(By.CSS_SELECTOR, "#ownership-graph svg")
        labels = [t.text for t in graph.find_elements(By.CSS_SELECTOR, "text.label")]
        expect(any("Han Yu Ro" in label for label in labels), f"the graph shows the natural person ({labels})")
        person = next(n for n in graph.find_elements(By.CSS_SELECTOR, "g.node") if "Han Yu Ro" in n.text)
        expect(person.get_attribute("data-status") == "block", "the natural person is marked listed (block)")
        shells = [n for n in graph.find_elements(By.CSS_SELECTOR, "g.node.organization")
                  if "Harbour Light" in n.text or "Blue Anchor" in n.text]
        expect(len(shells) == 2, "the two shell companies are in the graph")
        edges = graph.find_elements(By.CSS_SELECTOR, "g.edge.highlighted")
        expect(any("60%" in e.text for e in edges), "the listed owner's 60 % link is highlighted")
        expect(len(edges) >= 3, f"the whole chain to the listed owner is highlighted ({len(edges)} links)")
        s.page("7-party")

        print("== a block: header, entries, signature and inclusion proofs checked")
        s.open("/explorer/blocks")
        driver.find_elements(By.CSS_SELECTOR, "#blocks tbody a")[0].click()
        s.wait(lambda d: d.find_elements(By.ID, "entries"), "the block page")
        expect(s.text("#signature-check") == "valid", "the block's signature is valid")
        expect("NOT PROVEN" not in driver.page_source and "proven" in driver.page_source,
               "every entry's inclusion proof checks")
        s.page("8-block")

        print("== sign out")
        driver.find_element(By.CSS_SELECTOR, "form[action='/explorer/sign-out'] button").click()
        s.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "a[href='/explorer/sign-in']"), "the signed-out page")
        s.open("/explorer/vessels/IMO9176187")
        expect("Sign-in required" in driver.page_source, "after sign-out the vessel page needs a session again")
        print(f"explorer browser test: passed ({len(s.checked)} pages checked with axe-core; screenshots in {args.screenshots})")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

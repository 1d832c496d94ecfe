#!/usr/bin/python3
"""Drives the web explorer (/explorer/, docs/explorer.md) in headless Chromium against a running
network: pages, search, session rules, and receipt verification (a good receipt and tampered
ones). Run by tests/cluster/explorer_browser_test.cpp, which starts the network and writes the
files named in --case; also runnable by hand against any node.

Exit status 0 only when every check passed. Screenshots (PNG) go to --out.
"""

import argparse
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

TIMEOUT_S = 20


class Browser:
    def __init__(self, base, out, chromedriver):
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        opts.add_argument("--headless=new")
        # Running as root in a container: Chromium's sandbox needs user namespaces it may not have.
        opts.add_argument("--no-sandbox")
        opts.add_argument("--disable-dev-shm-usage")
        opts.add_argument("--window-size=1400,1000")
        # The test network's TLS certificates chain to its own throwaway CA.
        opts.add_argument("--ignore-certificate-errors")
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(chromedriver), options=opts)
        self.base = base
        self.out = out
        self.passed = 0
        self.shots = []

    def go(self, route):
        # A fresh load every time: a hash-only change would keep the previous page's elements
        # (and text areas) until the new render replaced them. The session token survives, as
        # sessionStorage lives as long as the tab.
        self.driver.get("about:blank")
        self.driver.get(self.base + "#/" + route)
        self.settle()

    def settle(self):
        """Waits until the page's render finished (main[aria-busy=false])."""
        WebDriverWait(self.driver, TIMEOUT_S).until(
            lambda d: d.find_element(By.ID, "page").get_attribute("aria-busy") == "false")

    def find(self, css):
        return WebDriverWait(self.driver, TIMEOUT_S).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def text_of(self, css):
        return self.find(css).text

    def check(self, ok, what, detail=""):
        if not ok:
            raise AssertionError(f"{what}: {detail}")
        self.passed += 1
        print(f"  ok {self.passed}: {what}", flush=True)

    def wait_text(self, css, needle, what):
        try:
            WebDriverWait(self.driver, TIMEOUT_S).until(
                EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), needle))
        except TimeoutException:
            shown = self.driver.find_element(By.ID, "page").text[:800]
            raise AssertionError(f"{what}: '{needle}' never appeared in {css}; page shows:\n{shown}")
        self.check(True, what)

    def shot(self, name):
        """A PNG of the whole page, not only the window: the window grows to the page's height
        for the picture."""
        path = os.path.join(self.out, name)
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], max(size["height"], height + 120))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(size["width"], size["height"])
        self.shots.append(name)

    def search(self, kind, query):
        Select(self.find("#search-kind")).select_by_value(kind)
        box = self.find("#search-input")
        box.clear()
        box.send_keys(query)
        self.find("#search button[type=submit]").click()

    def verify(self, genesis_path, receipt_path):
        self.go("verify")
        self.find("#genesis-file").send_keys(genesis_path)
        self.find("#receipt-file").send_keys(receipt_path)
        # The file pickers fill the text areas asynchronously.
        WebDriverWait(self.driver, TIMEOUT_S).until(
            lambda d: d.find_element(By.ID, "genesis").get_attribute("value")
            and d.find_element(By.ID, "receipt").get_attribute("value"))
        self.find("#verify-button").click()
        verdict = WebDriverWait(self.driver, TIMEOUT_S).until(
            EC.presence_of_element_located((By.ID, "verdict")))
        checks = self.driver.find_elements(By.CSS_SELECTOR, "#checks li")
        return verdict, [(c.get_attribute("data-status"), c.text) for c in checks]


# The page-side cases: the explorer's own decoders and verifier on hostile input.
EDGE_CASES_JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "explorer_edge_cases.js")


def run(b, case, files):
    tx, height, report = case["tx_id"], str(case["height"]), case["report_id"]

    print("status page", flush=True)
    b.go("status")
    b.wait_text("#status", case["chain_id"], "status shows the chain id")
    b.check(int(b.text_of("#status").split("Height")[1].split()[0]) >= int(height),
            "status height is at least the report's block")
    b.shot("01-status.png")

    print("session rules", flush=True)
    # The nodes require sessions: anonymously the block is refused exactly as the API refuses it.
    b.go(f"block/{height}")
    b.wait_text("#page .error", "session_required", "anonymous block page shows the API's refusal")
    b.check(not b.driver.find_elements(By.ID, "block-txs"), "anonymous viewer sees no transactions")
    b.shot("02-block-anonymous.png")
    # Headers are public: the latest blocks list works without a session.
    b.go("blocks")
    b.check(len(b.driver.find_elements(By.CSS_SELECTOR, "#blocks tbody tr a")) >= 2,
            "anonymous viewer sees the latest blocks")
    b.driver.find_element(By.CSS_SELECTOR, "#session summary").click()
    b.find("#session-token").send_keys(case["token"])
    b.find("#session-form button[type=submit]").click()
    b.wait_text("#session-state", "Signed in as " + case["account"], "the session token is accepted")

    print("latest blocks", flush=True)
    b.go("blocks")
    rows = b.driver.find_elements(By.CSS_SELECTOR, "#blocks tbody tr")
    b.check(len(rows) >= 2, "latest blocks lists several blocks", f"{len(rows)} rows")
    heights = [int(r.text.split()[0]) for r in rows]
    b.check(heights == sorted(heights, reverse=True) and heights[0] >= int(height),
            "latest blocks come newest first, down from the head", str(heights))
    # The network keeps committing: page down to the report's block (the list from a height).
    b.go(f"blocks/{height}")
    rows = b.driver.find_elements(By.CSS_SELECTOR, "#blocks tbody tr")
    b.check(rows and rows[0].text.split()[0] == height, "a page of blocks from a height",
            rows[0].text if rows else "no rows")
    b.check(all("undecodable" not in r.text for r in rows), "every listed header decodes")
    b.shot("03-blocks.png")

    print("block page", flush=True)
    b.driver.find_element(By.LINK_TEXT, height).click()
    b.settle()
    b.wait_text("#block", "Proposer", "block page shows the header")
    b.wait_text("#block-txs", tx, "block page lists the report's transaction")
    b.wait_text("#block", "signed by validators", "block page shows the commit certificate")
    b.shot("04-block.png")

    print("transaction page", flush=True)
    b.driver.find_element(By.LINK_TEXT, tx).click()
    b.settle()
    b.wait_text("#tx", "submit_report", "tx page shows the payload kind")
    b.wait_text("#tx", case["signer"], "tx page shows the signer")
    b.shot("05-tx.png")

    print("report page", flush=True)
    b.driver.find_element(By.CSS_SELECTOR, f"#tx a[href='#/report/{report}']").click()
    b.settle()
    b.wait_text("#report", case["org"], "report page shows the organization")
    b.wait_text("#report", case["period"], "report page shows the period")
    b.wait_text("#report-history", "SUBMITTED", "report page shows the submission")
    b.wait_text("#report-history", "figures reconciled", "report page shows the review")
    history = b.driver.find_elements(By.CSS_SELECTOR, "#report-history tbody tr")
    b.check([r.text.split()[0] for r in history] == ["SUBMITTED", "ACCEPTED"],
            "the status history is SUBMITTED then ACCEPTED", str([r.text for r in history]))
    b.wait_text("#report-versions", report, "report page lists the versions")
    b.shot("06-report.png")

    print("search", flush=True)
    b.go("status")
    b.search("any", tx)
    b.wait_text("#tx", tx, "search by tx id opens the transaction")
    b.check(b.driver.current_url.endswith(f"#/tx/{tx}"), "tx search lands on #/tx/<id>")
    b.search("any", height)
    b.wait_text("#block", "Block hash", "search by height opens the block")
    b.check(b.driver.current_url.endswith(f"#/block/{height}"), "height search lands on the block")
    b.search("report", report)
    b.wait_text("#report", case["period"], "search by report id opens the report")
    b.check(b.driver.current_url.endswith(f"#/report/{report}"), "report search lands on it")
    b.shot("07-search-report.png")
    b.search("any", "no-such-report-id")
    b.wait_text("#search-result", "nothing found", "a search for nothing says so")

    print("receipt verification", flush=True)
    verdict, checks = b.verify(files["genesis"], files["receipt"])
    b.check(verdict.get_attribute("data-verdict") == "valid", "the good receipt is shown valid",
            verdict.text + "\n" + "\n".join(t for _, t in checks))
    b.check(len(checks) >= 10 and all(s == "pass" for s, _ in checks),
            f"all {len(checks)} checks of the good receipt pass")
    merkle = next(t for _, t in checks if "Merkle path" in t)
    b.check(f"with {len(case['proof'])} sibling hashes" in merkle and len(case["proof"]) > 0,
            "the Merkle path has the receipt's sibling hashes", merkle)
    for name in ("Merkle path", "Header hash", "Precommit signatures", "Voting power"):
        b.check(any(name in t for _, t in checks), f"the check '{name}' is listed")
    b.shot("08-verify-valid.png")

    verdict, checks = b.verify(files["genesis"], files["tampered_tx"])
    b.check(verdict.get_attribute("data-verdict") == "invalid", "the tampered tx is shown invalid",
            verdict.text)
    b.check("Merkle path does not lead to the header's tx root" in verdict.text,
            "the tampered tx's reason is the Merkle path", verdict.text)
    failed = [t for s, t in checks if s == "fail"]
    b.check(len(failed) == 1 and "Merkle path" in failed[0], "exactly the Merkle check fails")
    b.shot("09-verify-tampered-tx.png")

    verdict, checks = b.verify(files["genesis"], files["tampered_commit"])
    b.check(verdict.get_attribute("data-verdict") == "invalid",
            "the tampered commit signature is shown invalid", verdict.text)
    b.check("precommit signature does not verify" in verdict.text,
            "the tampered commit's reason is the signature", verdict.text)
    b.shot("10-verify-tampered-commit.png")

    verdict, checks = b.verify(files["genesis_sm2"], files["receipt"])
    b.check(verdict.get_attribute("data-verdict") == "unsupported",
            "an sm2-sm3 genesis is not verified in the browser", verdict.text)
    b.check("WebCrypto has no SM2" in verdict.text and "regledger verify" in verdict.text,
            "the page says why and what to use instead", verdict.text)
    b.check([s for s, _ in checks][0] == "unsupported" and
            all(s == "skipped" for s, _ in checks[1:]),
            "nothing is checked, nor passed, for an sm2-sm3 network", str(checks))
    b.shot("11-verify-sm2.png")

    verdict, checks = b.verify(files["genesis"], files["with_handoffs"])
    b.check(verdict.get_attribute("data-verdict") == "unsupported",
            "a receipt with validator-set handoffs is refused, not passed", verdict.text)
    b.check("validator-set change" in verdict.text, "the page says it is the handoffs",
            verdict.text)

    # The receipt fetched by the explorer itself for the tx (with the viewer's session).
    b.go(f"verify/{tx}")
    b.find("#genesis-file").send_keys(files["genesis"])
    WebDriverWait(b.driver, TIMEOUT_S).until(
        lambda d: d.find_element(By.ID, "genesis").get_attribute("value")
        and d.find_element(By.ID, "receipt").get_attribute("value"))
    b.find("#verify-button").click()
    verdict = b.find("#verdict")
    b.check(verdict.get_attribute("data-verdict") == "valid",
            "the receipt fetched from the node verifies", verdict.text)

    print("decoders and verifier on hostile input (in the page's own modules)", flush=True)
    with open(files["genesis"]) as f:
        genesis_text = f.read()
    with open(files["receipt"]) as f:
        receipt_text = f.read()
    b.go("status")
    with open(EDGE_CASES_JS) as f:
        edge_cases = f.read()
    results = b.driver.execute_async_script(edge_cases, genesis_text, receipt_text)
    for name, outcome in results:
        b.check(outcome == "ok", name, outcome)

    print("another organization's session", flush=True)
    # bank-b's reporter may read none of bank-a's data: the pages show the API's "not found"
    # for it, word for word, and nothing of the block, the tx or the report.
    b.go("status")
    b.driver.find_element(By.CSS_SELECTOR, "#session summary").click()
    b.find("#session-token").send_keys(case["other_token"])
    b.find("#session-form button[type=submit]").click()
    b.wait_text("#session-state", "Signed in as " + case["other_account"],
                "another bank's token is accepted")
    for route, code, absent in ((f"block/{height}", "block_not_found", "#block-txs"),
                                (f"tx/{tx}", "tx_not_found", "#tx"),
                                (f"report/{report}", "report_not_found", "#report")):
        b.go(route)
        b.wait_text("#page .error", code, f"bank-b's {route.split('/')[0]} page shows {code}")
        b.check(not b.driver.find_elements(By.CSS_SELECTOR, absent), f"and no {absent} table")
    b.shot("12-other-bank-report.png")
    b.search("any", tx)
    b.wait_text("#search-result", "nothing found", "bank-b's search for the tx finds nothing")
    # Log out ends the session on the node, not only in the page: the same token is refused.
    b.driver.find_element(By.CSS_SELECTOR, "#session summary").click()
    b.find("#session-logout").click()
    b.wait_text("#session-state", "Anonymous", "log out forgets the token")
    b.find("#session-token").send_keys(case["other_token"])
    b.find("#session-form button[type=submit]").click()
    b.wait_text("#session-state", "The token was refused", "the node refuses the logged-out token")

    # Nothing the CSP refused, nothing thrown: only the API refusals the test asked for.
    problems = [e["message"] for e in b.driver.get_log("browser")
                if e["level"] == "SEVERE" and "status of 401" not in e["message"]
                and "status of 404" not in e["message"]]
    b.check(not problems, "no script errors or CSP violations in the console", "\n".join(problems))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base", required=True, help="https://127.0.0.1:PORT/explorer/")
    p.add_argument("--case", required=True, help="JSON file: ids, token and file paths")
    p.add_argument("--out", required=True, help="directory for the screenshots")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = p.parse_args()
    with open(args.case) as f:
        case = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    b = Browser(args.base, args.out, args.chromedriver)
    try:
        run(b, case, case["files"])
    except Exception as e:  # every failure is reported with a screenshot of the page
        b.shot("failure.png")
        print(f"FAILED after {b.passed} checks: {e}", flush=True)
        return 1
    finally:
        print("screenshots: " + " ".join(b.shots), flush=True)
        b.driver.quit()
    print(f"explorer browser test: {b.passed} checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Judge pip-audit's JSON report: fail on a known vulnerability that no valid exception covers.

Usage: audit_report.py REPORT.json PIP_AUDIT_EXIT_STATUS STDERR_FILE

Exceptions live in docs/security-audit-exceptions.toml, one table per vulnerability:

    [[exception]]
    id = "GHSA-xxxx-xxxx-xxxx"   # as pip-audit reports it, or one of its aliases (CVE-..., PYSEC-...)
    package = "django"
    recorded = 2026-11-29        # when it was decided
    review_by = 2027-01-31       # it stops applying after this date: look again
    reason = "Why it does not affect us, or why the fix cannot be taken yet."

An exception without all of these fields, or past its review_by date, does not apply.
"""

import datetime
import json
import os
import sys
import tomllib
from pathlib import Path

EXCEPTIONS = Path(__file__).resolve().parent.parent / "docs" / "security-audit-exceptions.toml"
REQUIRED = ("id", "package", "recorded", "review_by", "reason")


def exceptions(today: datetime.date) -> dict[str, dict]:
    if not EXCEPTIONS.exists():
        return {}
    valid = {}
    for entry in tomllib.loads(EXCEPTIONS.read_text()).get("exception", []):
        missing = [field for field in REQUIRED if not entry.get(field)]
        if missing:
            print(f"pip-audit: exception {entry.get('id', '?')} ignored: missing {', '.join(missing)}")
        elif entry["review_by"] < today:
            print(f"pip-audit: exception {entry['id']} expired on {entry['review_by']}: it no longer applies")
        else:
            valid[entry["id"]] = entry
    return valid


def main(report_path: str, status: str, stderr_path: str) -> int:
    strict = os.environ.get("SNSHELPER_AUDIT_STRICT") == "1"
    report = Path(report_path)
    if not report.exists() or not report.read_text().strip():
        stderr = Path(stderr_path).read_text(errors="replace").strip().splitlines()[-5:]
        print(f"pip-audit: NOT AUDITED: pip-audit did not report (exit {status}):")
        print("\n".join(f"    {line}" for line in stderr))
        return 1 if strict else 0
    dependencies = json.loads(report.read_text())["dependencies"]
    allowed = exceptions(datetime.date.today())
    found, excepted, skipped = [], [], []
    for dep in dependencies:
        if "skip_reason" in dep:
            skipped.append(dep)
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            match = next((allowed[i] for i in ids if i in allowed), None)
            fixed = ", ".join(vuln["fix_versions"]) or "?"
            line = f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})"
            if match and match["package"].lower() == dep["name"].lower():
                excepted.append(f"{line}: excepted on {match['recorded']} until {match['review_by']}")
            else:
                found.append(line)
    audited = len(dependencies) - len(skipped)
    for line in excepted:
        print(f"pip-audit: {line}")
    if skipped:
        reasons = {dep["skip_reason"].split(":")[0] for dep in skipped}
        print(
            f"pip-audit: NOT AUDITED: {len(skipped)} of {len(dependencies)} locked packages could not be "
            f"looked up ({'; '.join(sorted(reasons))}). Where PyPI's per-version JSON, which carries "
            "the vulnerability data, is not served (as on our CI machine), nothing can be audited: see the "
            "README, Development."
        )
        print("    " + ", ".join(f"{dep['name']}" for dep in skipped))
    if found:
        print(f"pip-audit: known vulnerabilities found: {len(found)}")
        print("\n".join(f"    {line}" for line in found))
        return 1
    print(f"pip-audit: no known vulnerability in {audited} audited packages")
    return 1 if strict and skipped else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

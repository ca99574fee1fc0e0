"""No secret in the repository: private keys, cloud tokens, password hashes and hard-coded
credentials are searched in every file git tracks (or would track), and secrets.toml stays out."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Anywhere, tests included: these are never dummies.
ALWAYS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY( BLOCK)?-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password hash": re.compile(r"\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/]{8,}"),
}
# Outside tests/ (which log in with dummy passwords on purpose): a credential given a literal.
CREDENTIAL = re.compile(
    r"""(?ix)\b(password|passwd|secret|client_secret|cookie_secret|api_?key|token)\b
        \s*[:=]\s*["'][^"'\s]{8,}["']"""
)
SKIPPED_SUFFIXES = {".png", ".jpg", ".xlsx", ".parquet", ".duckdb", ".pdf", ".gz", ".zip"}


def repository_files() -> list[str]:
    """What git tracks, plus new files it would track (not ignored): the next commit's content."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return sorted(f for f in listed if (ROOT / f).is_file())


def findings(path: str, text: str) -> list[str]:
    found = [f"{path}: {kind}" for kind, pattern in ALWAYS.items() if pattern.search(text)]
    if not path.startswith("tests/"):
        found += [f"{path}: credential {m.group(0)[:40]!r}" for m in CREDENTIAL.finditer(text)]
    return found


def test_the_patterns_find_planted_secrets() -> None:
    """Guards the scan below against passing because its patterns match nothing."""
    # Assembled from pieces, so that this file does not contain what it plants.
    planted = "\n".join(
        [
            "-----BEGIN OPENSSH PRIVATE " + "KEY-----",
            "cookie_secret = " + '"4f1c2b0d9e8a7"',
            "AKIA" + "IOSFODNN7EXAMPLE",
            "$scrypt$" + "ln=15,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5",
        ]
    )
    kinds = {f.split(": ", 1)[1].split(" '")[0] for f in findings("app.py", planted)}
    assert kinds == {"private key", "AWS access key", "password hash", "credential"}
    assert findings("tests/x.py", 'PASSWORD = "correct horse battery staple"') == []


def test_no_secret_in_the_repository() -> None:
    files = repository_files()
    assert "app.py" in files and "requirements.txt" in files
    found: list[str] = []
    for path in files:
        if Path(path).suffix in SKIPPED_SUFFIXES:
            continue
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = (ROOT / path).read_text(encoding="cp1252")
        found += findings(path, text)
    assert found == []


@pytest.mark.parametrize(
    "path", [".streamlit/secrets.toml", "data/users.json", "data/audit.log", "data/public/x.csv"]
)
def test_secret_and_runtime_files_are_ignored(path: str) -> None:
    checked = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", path], cwd=ROOT, check=False
    )
    assert checked.returncode == 0, f"{path} is not in .gitignore"

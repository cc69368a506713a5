"""Driving LibreOffice headless, our stand-in for Excel and WPS, from the tests."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def convert(soffice: str, source: Path, fmt: str, outdir: Path, timeout: int = 180, infilter: str = "") -> Path:
    """Convert ``source`` with ``soffice --headless --convert-to fmt``; return the new file.

    ``infilter`` names the import filter and its options (for a CSV: separator, quote, encoding).

    Each call gets its own user profile: two LibreOffice processes sharing one profile
    block each other (and pytest-xdist or a parallel helper would do just that).
    """
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             *([f"--infilter={infilter}"] if infilter else []),
             "--convert-to", fmt, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=timeout,
        )
    target = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"soffice could not convert {source} to {fmt}: {result.stdout}{result.stderr}")
    return target


def pdf_page_count(pdf: Path) -> int:
    """Pages in a PDF, counted from its page objects (no PDF library needed)."""
    data = pdf.read_bytes()
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))

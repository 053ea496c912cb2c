"""LibreOffice headless for the office-file tests: real .docx built from the ODT sources in
tests/documents/office/ (tests/documents/office/build.sh does the same by hand), and Baraza's own
.docx/.xlsx read back as text, as an office suite sees them. Debian's libreoffice-writer and
libreoffice-calc come from scripts/system-packages.sh."""
import shutil
import subprocess
import uuid
from pathlib import Path

SOURCES = Path(__file__).parent / "documents" / "office"


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is missing: run scripts/system-packages.sh as root"
    return path


def convert(paths: list[Path], to: str, outdir: Path) -> list[Path]:
    """Convert files with LibreOffice (`to`: docx, txt:Text, csv, pdf); a profile of its own per
    call, so parallel test processes do not share one."""
    profile = outdir / f"lo-profile-{uuid.uuid4().hex}"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", to, "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=180)
    ext = to.split(":")[0]
    out = [outdir / (p.stem + "." + ext) for p in paths]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out


def build_docx(outdir: Path) -> dict[str, bytes]:
    """Every tests/documents/office/*.fodt as a .docx written by LibreOffice, by stem."""
    sources = sorted(SOURCES.glob("*.fodt"))
    return {p.stem: p.read_bytes() for p in convert(sources, "docx", outdir)}


def text_of(data: bytes, suffix: str, outdir: Path) -> str:
    """What LibreOffice reads in a .docx (as plain text) or an .xlsx (as CSV of the first sheet)."""
    src = outdir / f"{uuid.uuid4().hex}.{suffix}"
    src.write_bytes(data)
    to = "txt:Text (encoded):UTF8" if suffix == "docx" else "csv:Text - txt - csv (StarCalc):44,34,76"
    out = convert([src], to, outdir)[0]
    return out.read_text(encoding="utf-8", errors="replace")

"""Bad files: each one issue row, and collect carries on with the rest."""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

from fixtures_forms import SEED_FORM, Layout, write_workbook
from zip_edits import set_header_field
from sheetsync.collect import collect
from sheetsync.reader import read_workbook
from sheetsync.safety import MAX_PART_BYTES, inspect_file


def only_issue(path) -> tuple[str, str, str]:
    c = read_workbook(path)
    assert c.projects.empty and c.indicators.empty
    assert len(c.issues) == 1, c.issues
    row = c.issues.iloc[0]
    assert row.file == str(path) and row.sheet == "" and row.cell == ""
    return row.code, row.severity, row.message


def test_not_a_workbook(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("预算单位,项目名称\n东莞市某局,项目A\n", encoding="utf-8")
    assert only_issue(path) == ("not_a_workbook", "error",
                                "文件不是Excel/WPS/LibreOffice表格（文本文件），无法读取，请另存为.xlsx后重新提交。")


def test_pdf_saved_as_xls(tmp_path):
    path = tmp_path / "批复表.xls"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert only_issue(path)[0] == "not_a_workbook"
    assert "PDF" in only_issue(path)[2]


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert only_issue(path) == ("empty_file", "error", "文件是空的（0字节），请重新提交。")


def test_truncated_workbook(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", [("项目1", SEED_FORM, Layout())])
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert only_issue(path)[:2] == ("corrupt_file", "error")


def test_corrupt_sheet_xml(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", [("项目1", SEED_FORM, Layout())])
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 3]
            dst.writestr(info.filename, data)
    c = read_workbook(path)
    assert c.projects.empty
    assert c.issues.code.tolist() in (["unreadable_sheet", "no_form"], ["corrupt_file"])
    assert (c.issues.severity == "error").all()


def test_lock_file_is_skipped_with_a_note(tmp_path):
    path = tmp_path / "~$财务科.xlsx"
    path.write_bytes(b"\x0cAdministrator" + b"\x00" * 40)
    assert only_issue(path) == ("lock_file", "info", "这是Excel打开文件时生成的临时锁定文件（~$开头），已跳过。")


def test_missing_file(tmp_path):
    assert only_issue(tmp_path / "nope.xlsx")[:2] == ("file_not_found", "error")


def test_ooxml_encryption_container_is_recognised(tmp_path):
    # An Excel workbook with an open password is an OLE file holding an EncryptedPackage stream.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    assert only_issue(path)[:2] == ("encrypted_file", "error")


_UNO_SAVE_WITH_PASSWORD = textwrap.dedent('''
    import subprocess, sys, time, uno
    from com.sun.star.beans import PropertyValue
    src, dst, filter_name, soffice, profile, pipe = sys.argv[1:7]
    office = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--invisible", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", filter_name), prop("Password", "secret")))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    office.wait(timeout=60)
''')


def _system_python_with_uno() -> str | None:
    for python in ("/usr/bin/python3",):
        if Path(python).exists() and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0:
            return python
    return None


@pytest.mark.office
@pytest.mark.parametrize("suffix, filter_name", [("xls", "MS Excel 97"), ("ods", "calc8")])
def test_password_protected_workbook(soffice, tmp_path, suffix, filter_name):
    python = _system_python_with_uno()
    if python is None:
        pytest.skip("LibreOffice's Python UNO bridge is not installed")
    good = write_workbook(tmp_path / "good.xlsx", [("项目1", SEED_FORM, Layout())])
    target = tmp_path / f"加密.{suffix}"
    subprocess.run([python, "-c", _UNO_SAVE_WITH_PASSWORD, str(good), str(target), filter_name, soffice,
                    str(tmp_path / "profile"), f"sheetsync_{suffix}_{id(target)}"], check=True, timeout=120)
    assert only_issue(target) == ("encrypted_file", "error", "文件设置了打开密码，无法读取，请取消密码后重新提交。")


# --- zip bomb --------------------------------------------------------------------------


def _deflate_segment(data: bytes, final: bool) -> bytes:
    """Raw deflate of ``data``, byte-aligned and with no back-references, so segments concatenate."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def write_zip_bomb(path: Path, inflated_mb: int = 2048) -> Path:
    """An .xlsx whose one sheet XML inflates to ``inflated_mb`` MB, written in ~2 MB without inflating it."""
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    tail = b"</sheetData></worksheet>"
    chunk = b" " * (1 << 20)
    unit = _deflate_segment(chunk, final=False)
    crc = zlib.crc32(head)
    for _ in range(inflated_mb):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    bomb = ("xl/worksheets/sheet1.xml",
            [_deflate_segment(head, False)] + [unit] * inflated_mb + [_deflate_segment(tail, True)],
            crc, len(head) + inflated_mb * len(chunk) + len(tail))
    small = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    entries = [(name, [_deflate_segment(data, True)], zlib.crc32(data), len(data)) for name, data in small.items()]
    entries.append(bomb)
    central = b""
    with open(path, "wb") as out:
        for name, segments, crc, size in entries:
            offset = out.tell()
            compressed = sum(len(s) for s in segments)
            fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, compressed, size)
            out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name.encode()), 0) + name.encode())
            for segment in segments:
                out.write(segment)
            central += (b"PK\x01\x02" + struct.pack("<H", 20) + fields
                        + struct.pack("<HHHHHII", len(name.encode()), 0, 0, 0, 0, 0, offset) + name.encode())
        start = out.tell()
        out.write(central)
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(central), start, 0))
    return path


def test_zip_bomb_helper_writes_a_real_zip(tmp_path):
    path = write_zip_bomb(tmp_path / "small_bomb.xlsx", inflated_mb=3)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 3 * 2**20 + 133


def test_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    path = write_zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 4 * 2**20
    check = inspect_file(path)
    assert check.issue is not None and check.issue.code == "zip_bomb"
    assert "xl/worksheets/sheet1.xml" in check.issue.message and "2,048 MB" in check.issue.message
    assert MAX_PART_BYTES < 2**31


def _declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip's local and central headers of ``part`` lie about its inflated size."""
    set_header_field(path, part, "<I", 22, 24, size)


def test_a_zip_directory_that_lies_about_sizes_is_stopped_by_calamine(tmp_path):
    # The directory check trusts the declared sizes; calamine's zip reader refuses to inflate
    # a part beyond its declared size, so a lying directory cannot exhaust memory either.
    path = write_zip_bomb(tmp_path / "liar.xlsx", inflated_mb=16)
    _declare_size(path, "xl/worksheets/sheet1.xml", 5000)
    assert inspect_file(path).issue is None
    c = read_workbook(path)
    assert c.issues[["sheet", "code"]].values.tolist() == [["Sheet1", "unreadable_sheet"], ["", "no_form"]]
    assert "declared uncompressed size" in c.issues.message.iloc[0]


@pytest.mark.slow
def test_collecting_a_folder_with_a_zip_bomb_stays_small(tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    write_zip_bomb(folder / "bomb.xlsx")
    write_workbook(folder / "good.xlsx", [("项目1", SEED_FORM, Layout())])
    script = textwrap.dedent(f'''
        import json, resource
        from sheetsync.collect import collect
        c = collect([{str(folder)!r}])
        print(json.dumps({{"codes": c.issues.code.tolist(), "forms": len(c.projects),
                          "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
    ''')
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, timeout=120)
    import json
    report = json.loads(out.stdout)
    assert report["codes"] == ["zip_bomb"] and report["forms"] == 1
    assert report["peak_kb"] < 500 * 1024, f"peak memory {report['peak_kb'] / 1024:.0f} MB"


def test_collect_carries_on_past_bad_files(tmp_path):
    folder = tmp_path / "收回"
    (folder / "办公室").mkdir(parents=True)
    good = write_workbook(folder / "办公室" / "good.xlsx", [("项目1", SEED_FORM, Layout())])
    (folder / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    (folder / "~$good.xlsx").write_bytes(b"\x00" * 162)
    (folder / "readme.txt").write_text("not read: noted as another file", encoding="utf-8")
    c = collect([folder])
    assert c.file_count == 3
    assert c.projects.file.tolist() == [str(good)]
    assert c.issues[["file", "code"]].values.tolist() == [
        [str(folder / "bad.xlsx"), "not_a_workbook"],
        [str(folder / "~$good.xlsx"), "lock_file"],
        [str(folder / "readme.txt"), "other_file"],
    ]
    pd.testing.assert_frame_equal(c.indicators, read_workbook(good).indicators)

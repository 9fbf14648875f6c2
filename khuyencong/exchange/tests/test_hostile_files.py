"""Hostile workbooks are refused before any reader allocates for them; a job whose worker died says so.

The hostile files run the import in a forked child process whose address space is limited
(``RLIMIT_AS``): the code before this test file let calamine allocate the whole used area of a sheet
and abort the process, which here shows as a dead child instead of a dead test run.
"""

from __future__ import annotations

import io
import multiprocessing
import resource
import socket
import struct
import subprocess  # nosec B404 (a finished child's pid: a process that surely no longer exists)
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest.mock import Mock

import pytest
from billiard.einfo import ExceptionInfo
from billiard.exceptions import WorkerLostError
from celery.contrib.testing.mocks import TaskMessage
from celery.worker.request import Request
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import SHEET
from khuyencong.exchange import jobs, pipeline, reader
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.tasks import TASK_OPTIONS, run_import_job
from khuyencong.exchange.tests.test_views import (
    client_for,
    establishment_row,
    establishments_file,
    job_of,
    two_establishments,
    upload,
)

MEMORY_BUDGET = 768 * 1024 * 1024  # the child may grow by this much beyond what it inherits
SHEET_NAME = "Cơ sở"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


# --- Running the import in a child with a memory limit ---------------------------------------------

def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def _child(connection: Any, work: Callable[[bytes], Any], data: bytes) -> None:
    ceiling = _address_space() + MEMORY_BUDGET
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    try:
        connection.send(("ok", work(data)))
    except BaseException as error:
        connection.send(("raised", f"{type(error).__name__}: {error}"))


def in_child(work: Callable[[bytes], Any], data: bytes, timeout: float = 180) -> Any:
    """``work(data)`` in a forked child under RLIMIT_AS; its result, or a failed test saying how it died."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, work, data))
    process.start()
    sending.close()
    try:
        if not receiving.poll(timeout):
            process.kill()
            pytest.fail(f"the import did not finish within {timeout} s")
        try:
            outcome, value = receiving.recv()
        except EOFError:
            outcome, value = "died", None
    finally:
        process.join(timeout)
    if outcome == "died":
        pytest.fail(f"the import killed its process (exit code {process.exitcode}): nothing would catch that")
    assert outcome == "ok", value
    return value


def import_problems(data: bytes) -> list[tuple[str, str]]:
    """(sheet, message) of every problem a dry-run import of ``data`` reports."""
    result = pipeline.run_import(data, filename="tep.xlsx", actor=User(username="probe"), dry_run=True,
                                 register_code="establishments")
    assert not result.committed
    return [(p.sheet, p.message) for p in result.problems]


def upload_refusal(data: bytes) -> tuple[str | None, str]:
    """(code, message) with which the upload check refuses ``data``."""
    try:
        jobs.check_upload(data)
    except ValidationError as error:
        return error.code, " ".join(error.messages)
    return None, "accepted"


def refused_both_ways(data: bytes) -> tuple[str, str]:
    """The import's only problem and the upload check's refusal, both in the child."""
    problems = in_child(import_problems, data)
    assert len(problems) == 1, problems
    code, message = in_child(upload_refusal, data)
    assert code is not None, "the upload check accepted the file"
    assert problems[0][1] == message
    return problems[0]


# --- Building files ----------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _package_parts(sheet_name: str = SHEET_NAME) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }


def xlsx(cells: str, dimension: str | None = None, *, padding: int = 0, prefix: str = "") -> bytes:
    """A one-sheet workbook whose sheet XML holds ``cells`` (``padding`` bytes of whitespace after them)."""
    tag = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    head = (f'<?xml version="1.0" encoding="UTF-8"?><{tag}worksheet {xmlns}>'
            + (f'<{tag}dimension ref="{dimension}"/>' if dimension else "") + f"<{tag}sheetData>" + cells)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in _package_parts().items():
            archive.writestr(name, body)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            blank = b" " * (1024 * 1024)
            for _start in range(0, padding, len(blank)):
                sheet.write(blank)
            sheet.write(f"</{tag}sheetData></{tag}worksheet>".encode())
    return buffer.getvalue()


def text_cell(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def ods(content: str) -> bytes:
    body = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            f'<office:body><office:spreadsheet>{content}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", body)
    return buffer.getvalue()


_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def xls(cells: list[tuple[int, int, float]], dimension: tuple[int, int] | None = None) -> bytes:
    """A BIFF8 workbook (one sheet of NUMBER cells, 0-based) in a Compound File, as Excel 97–2003 saves."""
    name = SHEET_NAME.encode("utf-16-le")
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    globals_size = 2 * 4 + len(bof) + 2 + 4 + 8 + len(name) + 4
    stream = (_record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
              + _record(0x0085, struct.pack("<IBBBB", globals_size, 0, 0, len(SHEET_NAME), 1) + name)
              + _record(0x000A))
    assert len(stream) == globals_size
    rows, columns = dimension or (max(r for r, _c, _v in cells) + 1, max(c for _r, c, _v in cells) + 1)
    stream += _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
    stream += _record(0x0200, struct.pack("<IIHHH", 0, rows, 0, columns, 0))
    stream += b"".join(_record(0x0203, struct.pack("<HHHd", r, c, 0, v)) for r, c, v in cells) + _record(0x000A)
    stream = stream.ljust(4096, b"\0")  # at the mini-stream cut-off: stored in ordinary sectors
    stream += b"\0" * (-len(stream) % 512)
    count = len(stream) // 512
    fat = [_FAT_SECTOR, _END] + [3 + i if i < count - 1 else _END for i in range(count)]
    fat += [_FREE] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))

    def entry(entry_name: str, kind: int, start: int, size: int, child: int = _NO_STREAM) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", _NO_STREAM, _NO_STREAM, child) + b"\0" * 36 + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, _END, 0, child=1) + entry("Workbook", 2, 2, len(stream))).ljust(512, b"\0")
    return header + struct.pack("<128I", *fat) + directory + stream


# --- Files that used to kill the process ------------------------------------------------------------

def test_cells_at_a1_and_xfd1048576_are_refused_not_allocated() -> None:
    data = xlsx(text_cell("A1") + '<c r="XFD1048576"><v>1</v></c>', "A1:XFD1048576")
    assert len(data) < 2000  # the 1.6 KB file of the report
    sheet, message = refused_both_ways(data)
    assert sheet == SHEET_NAME
    assert f"Trang “{SHEET_NAME}” khai báo vùng dữ liệu A1:XFD1048576" in message
    assert "1.048.576 dòng × 16.384 cột" in message and "200.000 dòng và 200 cột" in message


def test_a_dimension_that_lies_does_not_hide_far_cells() -> None:
    data = xlsx('<row r="1">' + text_cell("A1") + '</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                "A1:B2")
    sheet, message = refused_both_ways(data)
    assert sheet == SHEET_NAME
    assert "có dữ liệu ở ô XFD1048576 (dòng 1.048.576, cột 16.384)" in message


def test_too_many_rows_or_columns() -> None:
    _sheet, rows = refused_both_ways(xlsx(text_cell("A1"), "A1:C300000"))
    assert "300.000 dòng × 3 cột" in rows
    _sheet, columns = refused_both_ways(xlsx('<row r="1">' + text_cell("A1") + text_cell("GS1") + "</row>"))
    assert "ô GS1 (dòng 1, cột 201)" in columns


def test_whitespace_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    data = xlsx(text_cell("A1"), padding=300 * 1024 * 1024)
    assert len(data) < 600 * 1024  # some 300 KB that unpack to 300 MB
    sheet, message = refused_both_ways(data)
    assert sheet == SHEET_NAME
    assert "bom nén" in message and f"trang “{SHEET_NAME}” (xl/worksheets/sheet1.xml)" in message
    assert "vượt tỉ lệ cho phép 150:1" in message


def test_huge_unpacked_part_and_total(settings) -> None:  # type: ignore[no-untyped-def]
    cells = "".join(f'<row r="{r}">{text_cell(f"A{r}", f"co so {r * 7919}")}</row>' for r in range(1, 30_000))
    data = xlsx(cells)
    settings.EXCHANGE_MAX_PART_BYTES = 1024 * 1024
    _sheet, message = refused_both_ways(data)
    assert f"trang “{SHEET_NAME}” (xl/worksheets/sheet1.xml) chiếm" in message and "giới hạn 1,0 MB" in message
    settings.EXCHANGE_MAX_PART_BYTES = reader.MAX_PART_BYTES
    settings.EXCHANGE_MAX_UNPACKED_BYTES = 1024 * 1024
    _sheet, message = refused_both_ways(data)
    assert message.startswith("Tệp quá lớn khi giải nén") and "giới hạn 1,0 MB" in message


def test_part_that_unpacks_to_more_than_it_declares_is_refused() -> None:
    data = bytearray(xlsx('<row r="1">' + text_cell("A1", "y" * 5000) + "</row>"))
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    struct.pack_into("<I", data, entry + 24, 100)  # the central directory now says 100 bytes unpacked
    _sheet, message = refused_both_ways(bytes(data))
    assert message.startswith("Tệp bị hỏng: không đọc được thành phần “xl/worksheets/sheet1.xml”")


def test_ods_with_repeated_cells_is_refused() -> None:
    # 100,000 rows × 1,000 columns of the same number in a few hundred bytes: calamine aborted on it.
    data = ods('<table:table table:name="Cơ sở"><table:table-row table:number-rows-repeated="100000">'
               '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
               'office:value="1"/></table:table-row></table:table>')
    sheet, message = refused_both_ways(data)
    assert sheet == "Cơ sở"
    assert "Trang “Cơ sở” có dữ liệu ở ô ALL100000 (dòng 100.000, cột 1.000), vượt giới hạn" in message


def test_ods_padding_rows_are_not_data() -> None:
    """LibreOffice pads a sheet with a million repeated empty rows: that is not a used area."""
    data = ods('<table:table table:name="Cơ sở"><table:table-row><table:table-cell office:value-type="string">'
               '<text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16000"/>'
               '</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    extents = reader.inspect_workbook(data)
    assert extents is not None and (extents["Cơ sở"].rows, extents["Cơ sở"].columns) == (1, 1)


def test_doctype_and_xlsb_and_non_workbooks_are_refused() -> None:
    _sheet, message = refused_both_ways(_with_doctype())  # entities could expand: a DTD is never read
    assert "DOCTYPE" in message
    code, message = upload_refusal(b"ceci n'est pas un classeur" * 100)  # a text file named .xlsx
    assert code == "not_spreadsheet" and "không phải là bảng tính" in message
    problems = import_problems(b"ceci n'est pas un classeur")
    assert problems == [("", "Tệp không phải là bảng tính Excel/ODS đọc được (.xlsx, .xls, .ods). "
                             "Hãy lưu lại đúng định dạng.")]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert upload_refusal(other_zip.getvalue())[0] == "not_spreadsheet"
    xlsb = io.BytesIO()
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\0")
    assert "(.xlsb)" in import_problems(xlsb.getvalue())[0][1]


def _with_doctype() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in _package_parts().items():
            archive.writestr(name, body)
        archive.writestr("xl/worksheets/sheet1.xml", (
            '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c>'
            '</row></sheetData></worksheet>'))
    return buffer.getvalue()


def test_csv_with_an_enormous_line_is_refused_without_reading_it(personas) -> None:
    client = client_for(personas["commune_officer_a"])
    line = b"ma_so_thue," + b"x" * (8 * 1024 * 1024) + b"\n"
    response = upload(client, line, name="co-so.csv")
    assert response.status_code == 400
    assert "không phải là bảng tính" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- Limits through the upload page ------------------------------------------------------------------

def test_commune_officer_upload_beyond_the_row_limit_is_a_400(personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_MAX_ROWS = 2
    client = client_for(personas["commune_officer_a"])
    response = upload(client, two_establishments())  # a header and two rows: three rows
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Trang “{SHEET.name}” khai báo vùng dữ liệu A1:Q3 (3 dòng × 17 cột)" in page
    assert "vượt giới hạn 2 dòng và 200 cột" in page
    assert not ImportJob.objects.exists()


def test_too_many_cells_in_all_sheets(settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_MAX_CELLS = 20
    problems = import_problems(two_establishments())
    assert len(problems) == 1 and problems[0][0] == SHEET.name
    assert "tổng cộng 51 ô" in problems[0][1] and "vượt giới hạn 20 ô" in problems[0][1]
    assert f"trang “{SHEET.name}”: 3 dòng × 17 cột" in problems[0][1]


def test_formula_flags_are_streamed_in_any_namespace_prefix() -> None:
    cells = ('<x:row r="2"><x:c r="B2"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c><x:v>3</x:v></x:c>'
             '<x:c><x:f>C2*2</x:f><x:v>6</x:v></x:c></x:row>')
    extents = reader.inspect_workbook(xlsx(cells, prefix="x"))
    assert extents is not None
    assert extents[SHEET_NAME].formula_cells == {(1, 1), (1, 3)}
    assert (extents[SHEET_NAME].rows, extents[SHEET_NAME].columns) == (2, 4)
    sheets = reader.read_workbook(xlsx(cells, prefix="x"))
    assert sheets[SHEET_NAME].formula_cells == {(1, 1), (1, 3)}


def test_rows_are_counted_from_the_inspection() -> None:
    data = establishments_file(*[establishment_row(name=f"Cơ sở {i}") for i in range(3)])
    assert reader.data_rows(data) == 3 and jobs.count_rows(data) == 3


# --- Jobs whose worker died --------------------------------------------------------------------------

def _dead_pid() -> int:
    child = subprocess.Popen(["true"])  # noqa: S607  # nosec B603 B607
    child.wait()
    return child.pid


def _job(personas: Any, status: str, *, worker: str = "", beat_ago: float = 0, data: bytes | None = None,
         lost_runs: int = 0) -> ImportJob:
    job = job_of(upload(client_for(personas["province_officer"]), data or two_establishments()))
    ImportJob.objects.filter(pk=job.pk).update(status=status, worker=worker, lost_runs=lost_runs, dry_run=True,
                                               heartbeat_at=timezone.now() - timedelta(seconds=beat_ago),
                                               problems=[], finished_at=None)
    job.refresh_from_db()
    return job


def _page(personas: Any, job: ImportJob) -> str:
    response = client_for(personas["province_officer"]).get(reverse("exchange:job", args=[job.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_job_whose_local_worker_died_fails_with_a_message_on_its_page(personas) -> None:
    job = _job(personas, ImportStatus.RUNNING, worker=f"{socket.gethostname()}:{_dead_pid()}")
    page = _page(personas, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "đã dừng đột ngột" in page and "hết bộ nhớ" in page and f"mã lần nhập {job.pk}" in page
    assert "<progress" not in page


def test_job_with_a_stale_heartbeat_fails_a_fresh_one_keeps_running(personas) -> None:
    fresh = _job(personas, ImportStatus.RUNNING, worker="another-host:42", beat_ago=60)
    _page(personas, fresh)
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.RUNNING
    stale = _job(personas, ImportStatus.RUNNING, worker="another-host:42", beat_ago=jobs.DEFAULT_LOST_AFTER + 1)
    client = client_for(personas["province_officer"])
    state = client.get(reverse("exchange:progress", args=[stale.pk])).json()
    assert state["status"] == "failed" and state["finished"] is True
    stale.refresh_from_db()
    assert "đã dừng đột ngột" in stale.problems[0]["message"]


def test_queued_job_nobody_runs_fails_after_its_patience(personas) -> None:
    waiting = _job(personas, ImportStatus.QUEUED, beat_ago=3600)
    forgotten = _job(personas, ImportStatus.QUEUED, beat_ago=jobs.DEFAULT_QUEUED_LOST_AFTER + 1)
    client_for(personas["province_officer"]).get(reverse("exchange:jobs"))  # the list reaps too
    waiting.refresh_from_db()
    forgotten.refresh_from_db()
    assert waiting.status == ImportStatus.QUEUED and forgotten.status == ImportStatus.FAILED


def test_redelivered_poison_message_runs_once_more_then_fails(personas) -> None:
    before = Establishment.objects.count()
    job = _job(personas, ImportStatus.RUNNING, worker="dead-host:1", beat_ago=jobs.DEFAULT_LOST_AFTER + 1)
    assert run_import_job.delay(job.pk, True).get() == ImportStatus.PREVIEWED  # the first death: one more try
    job.refresh_from_db()
    assert job.lost_runs == 1

    job = _job(personas, ImportStatus.RUNNING, worker="dead-host:1", beat_ago=jobs.DEFAULT_LOST_AFTER + 1,
               lost_runs=1)
    assert run_import_job.delay(job.pk, False).get() == ImportStatus.FAILED  # died twice: not run again
    job.refresh_from_db()
    assert job.lost_runs == 2 and "đã dừng đột ngột" in job.problems[0]["message"]
    assert Establishment.objects.count() == before


def test_duplicate_delivery_leaves_a_live_run_alone(personas) -> None:
    job = _job(personas, ImportStatus.RUNNING, worker="busy-host:7", beat_ago=5)
    assert run_import_job.delay(job.pk, True).get() == ImportStatus.RUNNING
    job.refresh_from_db()
    assert job.lost_runs == 0 and job.status == ImportStatus.RUNNING


def test_task_options_do_not_requeue_a_message_whose_worker_died() -> None:
    assert run_import_job.acks_late is True
    assert run_import_job.reject_on_worker_lost is False
    assert run_import_job.acks_on_failure_or_timeout is True
    assert run_import_job.max_retries == 5 and TASK_OPTIONS["autoretry_for"] == (jobs.OperationalError,)


def test_worker_lost_acknowledges_the_message_and_fails_the_job(personas) -> None:
    """Celery's own failure handling for a pool process that died (SIGABRT from calamine, the OOM killer)."""
    job = _job(personas, ImportStatus.RUNNING, worker="worker-host:99", beat_ago=1)
    message = TaskMessage(run_import_job.name, args=(job.pk, True))
    on_ack, on_reject = Mock(), Mock()
    request = Request(message, app=run_import_job.app, task=run_import_job, on_ack=on_ack, on_reject=on_reject)
    try:
        raise WorkerLostError("Worker exited prematurely: signal 6 (SIGABRT).")
    except WorkerLostError:
        failure = ExceptionInfo()
    request.on_failure(failure)
    assert on_ack.called and not on_reject.called  # acknowledged: the broker will not redeliver it
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "đã dừng đột ngột" in job.problems[0]["message"]
    assert "đã dừng đột ngột" in _page(personas, job)


def test_formats_without_inspection_are_bounded_before_python_rows(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    """What calamine loaded is measured again before any Python row is built (a second fence, should
    the inspection ever miss a format calamine reads)."""
    monkeypatch.setattr(reader, "inspect_workbook", lambda data: None)
    settings.EXCHANGE_MAX_COLUMNS = 10
    with pytest.raises(reader.UnsafeWorkbook) as refused:
        reader.read_workbook(two_establishments())
    assert refused.value.sheet == SHEET.name and "cột 17" in refused.value.message


def test_xls_with_far_cells_is_refused_before_calamine_allocates() -> None:
    data = xls([(0, 0, 1.0), (65535, 255, 5.0)])
    assert len(data) < 6000  # 16.7 million cells for calamine from a few KB
    sheet, message = refused_both_ways(data)
    assert sheet == SHEET_NAME and "khai báo vùng dữ liệu A1:IV65536 (65.536 dòng × 256 cột)" in message
    _sheet, lying = refused_both_ways(xls([(0, 0, 1.0), (65535, 255, 5.0)], dimension=(2, 2)))
    assert "có dữ liệu ở ô IV65536 (dòng 65.536, cột 256)" in lying


def test_an_ordinary_xls_still_reads() -> None:
    data = xls([(0, 0, 1.0), (2, 3, 5.0)])
    assert jobs.check_upload(data) == ".xls"
    sheets = reader.read_workbook(data)
    assert sheets[SHEET_NAME].rows == [[1.0, "", "", ""], ["", "", "", ""], ["", "", "", 5.0]]

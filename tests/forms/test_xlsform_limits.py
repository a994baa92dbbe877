"""Workbooks built to hurt: damaged XML, a declared size of the whole sheet grid, a deflate
bomb, content far down or far right. Each is refused (or read) with a message naming the
limit, in bounded memory: the reading runs in a subprocess under a memory limit."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from forms.xlsform import MAX_COLUMNS, MAX_ROWS, XLSFormError, read_xlsform
from tests.forms.xlsform_helpers import workbook

SHEET = "xl/worksheets/sheet1.xml"  # the survey sheet


def rewrite(data: bytes, change: Callable[[str, bytes], bytes], extra: int = 0) -> bytes:
    """The workbook with every part passed through `change`; `extra` MB of zeros added
    as one more part (a deflate bomb: a megabyte of zeros packs to about a kilobyte)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
        if extra:
            with target.open("xl/media/padding.bin", "w") as part:
                for _ in range(extra):
                    part.write(bytes(1024 * 1024))
    return out.getvalue()


def in_sheet(old: bytes, new: bytes) -> Callable[[str, bytes], bytes]:
    def change(name: str, body: bytes) -> bytes:
        return body.replace(old, new, 1) if name == SHEET else body

    return change


def broken_xml() -> bytes:
    return rewrite(workbook(), lambda name, body: body[:-40] if name == SHEET else body)


def whole_grid_declared() -> bytes:
    return rewrite(
        workbook(), in_sheet(b'<dimension ref="A1:E8"', b'<dimension ref="A1:XFD1048576"')
    )


def deflate_bomb() -> bytes:
    return rewrite(workbook(), lambda _name, body: body, extra=200)


def content_at_the_last_row() -> bytes:
    cell = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewrite(workbook(), in_sheet(b"</sheetData>", cell + b"</sheetData>"))


def content_far_right() -> bytes:
    cell = b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewrite(workbook(), in_sheet(b"</sheetData>", cell + b"</sheetData>"))


def empty_rows_to_the_end() -> bytes:
    """As LibreOffice saves some sheets: formatted but empty rows down to the last one."""
    rows = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % r for r in range(9, 60000))
    rows += b'<row r="1048576" s="1" customFormat="1"/>'
    return rewrite(
        workbook(),
        lambda name, body: (
            body.replace(b"</sheetData>", rows + b"</sheetData>").replace(
                b'<dimension ref="A1:E8"', b'<dimension ref="A1:AMJ1048576"'
            )
            if name == SHEET
            else body
        ),
    )


def problems(data: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        read_xlsform(data)
    return [str(p) for p in caught.value.problems]


def test_damaged_xml_inside_the_zip_is_an_unreadable_workbook() -> None:
    assert problems(broken_xml()) == [
        "Arbetsboken: filen är inte en Excel-arbetsbok (.xlsx) som går att läsa."
    ]


def test_a_declared_size_of_the_whole_grid_reads_only_the_cells_that_exist() -> None:
    form = read_xlsform(whole_grid_declared())
    assert [i.id for i in form.items] == ["hp_lage"]


def test_empty_formatted_rows_to_the_end_are_read_as_nothing() -> None:
    form = read_xlsform(empty_rows_to_the_end())
    assert [i.id for i in form.items] == ["hp_lage"]


def test_a_deflate_bomb_is_refused_before_unpacking() -> None:
    [message] = problems(deflate_bomb())
    assert "8 MB uppackat" in message and "100 gånger" in message


def test_content_beyond_the_row_and_column_limits_is_refused_naming_the_limit() -> None:
    assert problems(content_at_the_last_row()) == [
        f"Arbetsboken: bladet survey har innehåll på fler än {MAX_ROWS} rader."
    ]
    assert problems(content_far_right()) == [
        f"Arbetsboken: bladet survey har innehåll i fler än {MAX_COLUMNS} kolumner (rad 9)."
    ]


# Memory: the reading runs in a child process whose address space may grow by at most
# this much beyond what the interpreter and its imports already take.
MEMORY_HEADROOM_MB = 150

CHILD = textwrap.dedent(
    """
    import resource, sys
    from forms.xlsform import XLSFormError, read_xlsform
    data = open(sys.argv[1], "rb").read()
    with open("/proc/self/status") as status:
        size_kb = next(int(l.split()[1]) for l in status if l.startswith("VmSize:"))
    limit = (size_kb + int(sys.argv[2]) * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        read_xlsform(data)
        print("read")
    except XLSFormError as exc:
        print("refused:", exc)
    """
)


@pytest.mark.parametrize(
    "build",
    [
        broken_xml,
        whole_grid_declared,
        deflate_bomb,
        content_at_the_last_row,
        content_far_right,
        empty_rows_to_the_end,
    ],
)
def test_each_hostile_workbook_is_handled_within_the_memory_limit(
    tmp_path: Path, build: Callable[[], bytes]
) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(MEMORY_HEADROOM_MB)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(("read", "refused:")), done.stdout

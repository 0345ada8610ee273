"""The CSV importer: the parser, the management command and the shipped example file."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinkuaiban.workdays.importing import decode, parse_calendar_csv, rows_to_csv
from qinkuaiban.workdays.models import CalendarDay, CalendarYear
from qinkuaiban.workdays.package import package_rows

D = dt.date.fromisoformat
EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "2026.csv"
GOOD_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-20,workday,春节
"""


def test_the_shipped_example_is_the_2026_schedule() -> None:
    parsed = parse_calendar_csv(EXAMPLE.read_text(encoding="utf-8"))
    assert parsed.is_valid and parsed.year == 2026
    assert parsed.rows == package_rows(2026)
    assert (parsed.holiday_count, parsed.makeup_count) == (33, 6)


def test_a_good_file_reads_with_the_year_taken_from_its_dates() -> None:
    parsed = parse_calendar_csv(GOOD_2027)
    assert parsed.is_valid and parsed.year == 2027
    assert parsed.rows[0].date == D("2027-01-01")
    assert parsed.warnings == []


def test_rows_written_back_read_the_same() -> None:
    rows = package_rows(2025)
    assert parse_calendar_csv(rows_to_csv(rows)).rows == rows


def test_excel_files_in_utf8_with_bom_and_in_gb18030_are_read() -> None:
    assert decode(("\ufeff" + GOOD_2027).encode("utf-8")) == GOOD_2027
    assert decode(GOOD_2027.encode("gb18030")) == GOOD_2027


@pytest.mark.parametrize(
    ("line", "expected_line", "fragment"),
    [
        ("2027-13-01,holiday,元旦", 3, "YYYY-MM-DD"),
        ("2027/01/05,holiday,元旦", 3, "YYYY-MM-DD"),
        ("2027-01-05,vacation,元旦", 3, "vacation"),
        ("2026-12-31,holiday,元旦", 3, "2027"),
        ("2027-01-01,holiday,元旦", 3, "line 2"),
        ("2027-01-05,holiday,", 3, "name"),
        ("2027-01-05", 3, "found 1"),
        ("2027-01-05,holiday,元旦,extra", 3, "found 4"),
    ],
)
def test_every_bad_line_is_named(line: str, expected_line: int, fragment: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        parsed = parse_calendar_csv(f"date,kind,name\n2027-01-01,holiday,元旦\n{line}\n")
    assert not parsed.is_valid
    assert [error.line for error in parsed.errors] == [expected_line]
    assert fragment in parsed.errors[0].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "empty"), ("\n\n", "empty"), ("date,kind,name\n", "no days"),
     ("day,type\n2027-01-01,holiday\n", "header")],
)
def test_files_without_days_are_refused(text: str, fragment: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        parsed = parse_calendar_csv(text)
    assert not parsed.is_valid
    assert fragment in str(parsed.errors[0])


def test_a_given_year_must_match_the_dates() -> None:
    parsed = parse_calendar_csv(GOOD_2027, year=2028)
    assert not parsed.is_valid
    assert [error.line for error in parsed.errors] == [2, 3, 4, 5, 6]


def test_rows_that_change_nothing_are_warnings_not_errors() -> None:
    text = ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,元旦\n"
            "2027-03-06,holiday,假日\n2027-02-06,holiday,春节\n2027-02-07,holiday,春节\n"
            "2027-02-08,holiday,春节\n")
    parsed = parse_calendar_csv(text)
    assert parsed.is_valid
    # Monday 1-04 as a make-up day, and a lone Saturday holiday; the 春节 weekend is fine.
    assert [warning.line for warning in parsed.warnings] == [3, 4]


# --- the management command -------------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "calendar.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_imports_a_good_file(db: None, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_work_calendar", _write(tmp_path, GOOD_2027))
    assert CalendarYear.objects.get(year=2027).source_detail == "calendar.csv"
    assert CalendarDay.objects.filter(year_id=2027).count() == 5
    assert "2027" in capsys.readouterr().out


def test_a_dry_run_writes_nothing(db: None, tmp_path: Path) -> None:
    call_command("import_work_calendar", _write(tmp_path, GOOD_2027), "--dry-run")
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    "bad_line",
    ["2027-02-30,holiday,春节", "2027-02-09,rest,春节", "2028-01-01,holiday,元旦",
     "2027-02-06,holiday,春节", "2027-02-09,holiday,"],
)
def test_the_command_writes_nothing_when_any_line_is_bad(
    db: None, tmp_path: Path, bad_line: str
) -> None:
    with pytest.raises(CommandError):
        call_command("import_work_calendar", _write(tmp_path, GOOD_2027 + bad_line + "\n"))
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_bad_file_for_a_loaded_year_leaves_it_untouched(db: None, tmp_path: Path) -> None:
    text = "date,kind,name\n2026-01-01,holiday,元旦\n2026-01-05,vacation,x\n"
    with pytest.raises(CommandError):
        call_command("import_work_calendar", _write(tmp_path, text))
    assert CalendarDay.objects.filter(year_id=2026).count() == len(package_rows(2026))


def test_the_command_names_the_bad_line(db: None, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError):
        call_command("import_work_calendar",
                     _write(tmp_path, GOOD_2027 + "2027-02-30,holiday,春节\n"))
    assert "第 7 行" in capsys.readouterr().err


def test_a_missing_file_is_a_clear_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nope\.csv"):
        call_command("import_work_calendar", str(tmp_path / "nope.csv"))


def test_the_command_reports_in_chinese(db: None, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_work_calendar", _write(tmp_path, GOOD_2027), "--dry-run")
    assert "试运行" in capsys.readouterr().out


# --- seeding from the package ----------------------------------------------------------------


def test_seeding_is_idempotent(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    before = CalendarDay.objects.count()
    call_command("seed_work_calendar", "--years", "2025", "2026")
    assert CalendarDay.objects.count() == before
    assert capsys.readouterr().out.count("2025") == 1


def test_seeding_keeps_a_corrected_year_unless_told_to_replace(db: None) -> None:
    CalendarDay.objects.filter(date=D("2026-10-10")).delete()
    call_command("seed_work_calendar", "--years", "2026")
    assert not CalendarDay.objects.filter(date=D("2026-10-10")).exists()
    call_command("seed_work_calendar", "--years", "2026", "--replace")
    assert CalendarDay.objects.filter(date=D("2026-10-10")).exists()


def test_seeding_a_year_the_package_lacks_fails_and_loads_nothing(db: None) -> None:
    CalendarYear.objects.filter(year=2024).delete()
    with pytest.raises(CommandError, match="2099"):
        call_command("seed_work_calendar", "--years", "2024", "2099")
    assert not CalendarYear.objects.filter(year=2024).exists()


def test_seeding_loads_an_older_year_from_the_package(db: None) -> None:
    call_command("seed_work_calendar", "--years", "2024")
    assert CalendarDay.objects.filter(year_id=2024).count() == len(package_rows(2024))

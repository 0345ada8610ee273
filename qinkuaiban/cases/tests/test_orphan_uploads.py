"""No orphaned upload files: a file written inside a transaction goes when that transaction (or
its savepoint) rolls back, stays when it commits; `prune_orphan_uploads` removes what a crash
left behind, and nothing else."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from qinkuaiban.cases import kinds, services
from qinkuaiban.cases.models import Attachment, Case
from qinkuaiban.cases.tests.factories import PDF_BYTES, make_item, material_files, pdf, submit
from qinkuaiban.cases.uploads import inspect_upload, store_upload
from qinkuaiban.core.errors import InvalidInput


def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def referenced() -> set[str]:
    return {str(name) for name in Attachment.objects.values_list("file", flat=True)}


@pytest.fixture
def refusing_kind():
    """A kind whose submission check refuses the form once the files are already written."""

    def refuse(*, case, actor):
        raise InvalidInput("联系电话与单位登记不符。", code="invalid_form", field="contact_phone")

    kinds.register(kinds.CaseKind(slug="refusing", label="refusing", on_submit=refuse))
    yield
    kinds.unregister("refusing")


# --- rollback of the whole transaction (real commits and rollbacks) --------------------------


@pytest.mark.django_db(transaction=True)
def test_a_submission_refused_for_a_missing_material_leaves_no_file(item, zhangsan, media_root):
    first_only = material_files(item)[:1]
    with pytest.raises(InvalidInput) as refused:
        services.submit_case(actor=zhangsan, item=item, form={"contact_phone": "13800000001"},
                             files=first_only)
    assert refused.value.code == "materials_missing"
    assert not Case.objects.exists()
    assert files_in(media_root) == set()


@pytest.mark.django_db(transaction=True)
def test_a_submission_whose_form_a_kind_refuses_after_the_files_were_written_leaves_no_file(
    refusing_kind, zhangsan, media_root
):
    item = make_item(kind="refusing")
    with pytest.raises(InvalidInput) as refused:
        submit(item, zhangsan)
    assert refused.value.code == "invalid_form"
    assert files_in(media_root) == set()


@pytest.mark.django_db(transaction=True)
def test_a_committed_submission_keeps_its_files(item, zhangsan, media_root):
    case = submit(item, zhangsan)
    names = {str(a.file.name) for a in case.attachments.all()}
    assert len(names) == 2
    assert files_in(media_root) == names


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_drops_only_its_own_files(item, zhangsan, lisi, media_root):
    case = submit(item, zhangsan)
    before = files_in(media_root)
    with transaction.atomic():
        kept = services.add_attachment(case=case, actor=lisi, file=pdf("补充说明.pdf"))
        with pytest.raises(RuntimeError), transaction.atomic():
            dropped = services.add_attachment(case=case, actor=lisi, file=pdf("草稿.pdf"))
            raise RuntimeError("the caller changes its mind")
        # Deleted when the savepoint rolled back, not only once the outer block ends.
        assert str(dropped.file.name) not in files_in(media_root)
    assert files_in(media_root) == before | {str(kept.file.name)} == referenced()


@pytest.mark.django_db(transaction=True)
def test_an_outer_rollback_drops_files_of_savepoints_that_had_succeeded(item, zhangsan, lisi,
                                                                       media_root):
    case = submit(item, zhangsan)
    before = files_in(media_root)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_attachment(case=case, actor=lisi, file=pdf("补充说明.pdf"))
        raise RuntimeError("a later step of the caller fails")
    assert files_in(media_root) == before == referenced()


@pytest.mark.django_db(transaction=True)
def test_a_failing_commit_hook_does_not_delete_files_that_were_committed(item, zhangsan, lisi,
                                                                         media_root):
    case = submit(item, zhangsan)

    def broken_hook() -> None:
        raise RuntimeError("a notification channel is down")

    with pytest.raises(RuntimeError), transaction.atomic():
        # Queued before the file: Django stops running hooks at the first that fails.
        transaction.on_commit(broken_hook)
        attachment = services.add_attachment(case=case, actor=lisi, file=pdf("补充说明.pdf"))
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert str(attachment.file.name) in files_in(media_root)


@pytest.mark.django_db(transaction=True)
def test_a_file_stored_in_autocommit_mode_stays(media_root):
    upload = pdf()
    name = store_upload(upload, inspect_upload(upload), year=2026)
    assert files_in(media_root) == {name}


# --- inside the test's own transaction: services run in savepoints ---------------------------


def test_a_refused_submission_inside_a_larger_transaction_leaves_no_file(item, zhangsan, lisi,
                                                                        media_root):
    case = submit(item, zhangsan)
    before = files_in(media_root)
    assert before == referenced()
    with pytest.raises(InvalidInput):
        services.submit_case(actor=zhangsan, item=item, form={"contact_phone": "13800000001"},
                             files=material_files(item)[:1])
    assert files_in(media_root) == before
    assert Case.objects.get() == case


def test_an_invalid_form_writes_no_file(item, zhangsan, media_root):
    with pytest.raises(InvalidInput) as refused:
        services.submit_case(actor=zhangsan, item=item, form={"contact_phone": "不是电话"},
                             files=material_files(item))
    assert refused.value.code == "invalid_form"
    assert files_in(media_root) == set()


# --- prune_orphan_uploads ---------------------------------------------------------------------


def leave_file(media_root: Path, name: str, *, age_hours: float) -> str:
    """A file as a killed process leaves it: written, never referenced."""
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF_BYTES)
    when = time.time() - age_hours * 3600
    os.utime(path, (when, when))
    return name


def age(media_root: Path, names: set[str], *, hours: float) -> None:
    when = time.time() - hours * 3600
    for name in names:
        os.utime(media_root / name, (when, when))


def prune(*args: str) -> str:
    out = StringIO()
    call_command("prune_orphan_uploads", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stored(item, zhangsan, media_root) -> dict[str, set[str]]:
    """Two referenced files and an orphan, all two days old, an orphan two hours old, and a
    file outside cases/."""
    submit(item, zhangsan)
    files = {"referenced": referenced()}
    age(media_root, files["referenced"], hours=48)
    files["old"] = {leave_file(media_root, "cases/2025/0ld0rphan.pdf", age_hours=48)}
    files["recent"] = {leave_file(media_root, "cases/2026/fre5h.pdf", age_hours=2)}
    files["outside"] = {leave_file(media_root, "catalogue/samples/范本.pdf", age_hours=48)}
    return files


def test_the_prune_deletes_old_orphans_and_keeps_referenced_recent_and_other_files(
    stored, media_root
):
    output = prune()
    assert files_in(media_root) == stored["referenced"] | stored["recent"] | stored["outside"]
    assert "cases/2025/0ld0rphan.pdf" in output
    # The summary reads in Chinese, the default language, like the other periodic commands.
    assert "已删除" in output and "共检查文件：4" in output


def test_the_prune_is_idempotent(stored, media_root):
    prune()
    after_first = files_in(media_root)
    output = prune()
    assert files_in(media_root) == after_first
    assert "已删除孤立文件：0" in output


def test_a_dry_run_lists_the_orphans_and_deletes_nothing(stored, media_root):
    before = files_in(media_root)
    output = prune("--dry-run")
    assert files_in(media_root) == before
    assert "cases/2025/0ld0rphan.pdf" in output and "cases/2026/fre5h.pdf" not in output


def test_a_shorter_grace_period_takes_younger_orphans_too(stored, media_root, settings):
    settings.QKB_HELD_FILE_MAX_AGE_SECONDS = 3600
    prune("--older-than-hours", "1")
    assert files_in(media_root) == stored["referenced"] | stored["outside"]


def test_the_grace_period_cannot_be_zero(stored):
    with pytest.raises(CommandError):
        prune("--older-than-hours", "0")


def test_the_grace_period_outlasts_the_files_held_for_a_form(stored, media_root, settings):
    # A held file is unreferenced while its form's token lives (cases/held.py).
    settings.QKB_HELD_FILE_MAX_AGE_SECONDS = 4 * 3600
    before = files_in(media_root)
    with translation.override("zh-hans"), pytest.raises(CommandError, match="至少为 4 小时"):
        prune("--older-than-hours", "3")
    assert files_in(media_root) == before


@pytest.mark.django_db
def test_the_prune_without_any_upload_reports_nothing_to_do(media_root):
    output = prune()
    assert "共检查文件：0" in output and "已删除孤立文件：0" in output


def test_the_files_of_a_received_application_waiting_to_be_registered_are_kept(
    stored, item, zhangsan, media_root
):
    from qinkuaiban.cases import intake
    from qinkuaiban.cases.tests.factories import pdf

    received = intake.receive_application(
        actor=zhangsan, item=item, form={"contact_phone": "13800000001"},
        files=[(m.pk, pdf()) for m in item.current_version.materials.filter(
            necessity="required")])
    waiting = {entry["file"] for entry in received.files}
    age(media_root, waiting, hours=48)
    prune()
    assert waiting <= files_in(media_root)
    assert "cases/2025/0ld0rphan.pdf" not in {str(p) for p in files_in(media_root)}

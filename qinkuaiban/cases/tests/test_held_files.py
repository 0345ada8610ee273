"""The files an applicant chose survive a form sent back with an error: each is held on the
server under a signed token, listed under its material with a ticked box, and sent with the
next attempt through the one path of new uploads; nothing the browser sends is trusted without
the signature, and held copies go once the application is saved."""

import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import held, services
from qinkuaiban.cases.management.commands.prune_orphan_uploads import DEFAULT_GRACE_HOURS
from qinkuaiban.cases.models import Attachment, Case, Intake, Status
from qinkuaiban.cases.tests.factories import PDF_BYTES, signed_in
from qinkuaiban.cases.tests.labels import read_page
from qinkuaiban.cases.uploads import stored_uploads
from qinkuaiban.catalogue import services as catalogue_services
from qinkuaiban.catalogue.models import Material, ServiceItem
from qinkuaiban.identity.models import User

# Real commits: held copies are deleted on commit, and a rolled-back service call deletes its
# own copies, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

HELD_HEADING = "已选择的文件（将随申请一并提交）"
EXPIRED = "已失效"
TOKEN = re.compile(r'name="materials-keep" value="([^"]+)"')


def a_pdf(name: str, mark: str) -> SimpleUploadedFile:
    """A valid PDF whose bytes (and so checksum) are its own."""
    return SimpleUploadedFile(name, PDF_BYTES + f"% {mark}\n".encode(),
                              content_type="application/pdf")


def sha(upload: SimpleUploadedFile) -> str:
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return digest



def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def checklist(item: ServiceItem) -> dict[str, Material]:
    assert item.current_version is not None
    return {m.name: m for m in item.current_version.materials.all()}


def tokens(body: str) -> list[str]:
    return TOKEN.findall(body)


def keep(*found: str) -> dict[str, list[str]]:
    """The form fields of held files shown and still ticked."""
    return {held.SHOWN_NAME: list(found), held.KEEP_NAME: list(found)}


def apply_url(item: ServiceItem) -> str:
    return reverse("cases:apply", args=[item.code])


def posted(phone: str = "13800000001") -> dict[str, str]:
    """The fields of a submission besides the files: the one-time token and the phone (blank:
    the form comes back with an error)."""
    return {"form_token": "tok-1", "intent": "submit", "f-contact_phone": phone}


def first_attempt(client: Client, item: ServiceItem, files: dict[str, SimpleUploadedFile],
                  *, token: str = "tok-1", url: str = "") -> Any:
    """A submission with the required phone left blank and these files chosen."""
    data: dict[str, Any] = {**posted(""), "form_token": token}
    data.update(files)
    return client.post(url or apply_url(item), data)


def the_two(item: ServiceItem) -> dict[str, SimpleUploadedFile]:
    found = checklist(item)
    return {f"materials-m{found['申请函'].pk}": a_pdf("申请函.pdf", "letter"),
            f"materials-m{found['清单'].pk}": a_pdf("清单.pdf", "list")}


@pytest.fixture
def queued(item: ServiceItem, wangwu: User) -> ServiceItem:
    return catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)


# --- held, then sent -------------------------------------------------------------------------


def test_a_form_error_keeps_both_chosen_files_and_the_next_submission_attaches_exactly_them(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    chosen = the_two(item)
    checksums = {sha(upload) for upload in chosen.values()}
    response = first_attempt(client, item, chosen)
    body = response.content.decode()
    assert response.status_code == 422
    assert HELD_HEADING in body and "申请函.pdf" in body and "清单.pdf" in body
    assert "请修改标出的内容" in body and "未被保留" not in body
    held_tokens = tokens(body)
    assert len(held_tokens) == 2
    held_copies = files_in(media_root)
    assert len(held_copies) == 2
    assert not Case.objects.exists()

    response = client.post(apply_url(item), {**posted(), **keep(*held_tokens)})
    case = Case.objects.get(applicant=zhangsan)
    assert response["Location"] == reverse("cases:submitted", args=[case.number])
    assert case.status == Status.SUBMITTED
    attachments = list(Attachment.objects.filter(case=case))
    assert {a.sha256 for a in attachments} == checksums
    assert {(a.material.name, a.original_name) for a in attachments if a.material} == {
        ("申请函", "申请函.pdf"), ("清单", "清单.pdf")}
    assert files_in(media_root) == {a.file.name for a in attachments}
    assert not held_copies & files_in(media_root)


def test_on_the_queued_intake_the_kept_files_go_with_the_application_to_its_receipt(
    queued: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    chosen = the_two(queued)
    checksums = {sha(upload) for upload in chosen.values()}
    held_tokens = tokens(first_attempt(client, queued, chosen).content.decode())
    held_copies = files_in(media_root)
    assert len(held_tokens) == 2 and len(held_copies) == 2

    response = client.post(apply_url(queued), {**posted(), **keep(*held_tokens)})
    received = Intake.objects.get(applicant=zhangsan)
    assert response["Location"] == reverse("cases:received", args=[received.receipt])
    assert {entry["sha256"] for entry in received.files} == checksums
    assert files_in(media_root) == {entry["file"] for entry in received.files}
    assert not held_copies & files_in(media_root)


def test_unticking_a_held_file_leaves_it_out_and_deletes_it(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    found = checklist(item)
    letter, listing = tokens(first_attempt(client, item, the_two(item)).content.decode())
    before = files_in(media_root)
    replacement = a_pdf("新清单.pdf", "new list")
    response = client.post(apply_url(item), {
        **posted(),
        held.SHOWN_NAME: [letter, listing], held.KEEP_NAME: [letter],
        f"materials-m{found['清单'].pk}": replacement,
    })
    case = Case.objects.get(applicant=zhangsan)
    assert response.status_code == 302
    assert sorted(Attachment.objects.filter(case=case).values_list("original_name", flat=True)
                  ) == ["新清单.pdf", "申请函.pdf"]
    assert not before & files_in(media_root)


def test_a_new_file_for_a_material_joins_the_one_held_for_it(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    found = checklist(item)
    held_tokens = tokens(first_attempt(client, item, the_two(item)).content.decode())
    response = client.post(apply_url(item), {
        **posted(""),
        **keep(*held_tokens),
        f"materials-m{found['申请函'].pk}": a_pdf("申请函背面.pdf", "back"),
    })
    body = response.content.decode()
    assert response.status_code == 422
    again = tokens(body)
    # The held files keep their tokens; the new one is held beside the letter.
    assert set(held_tokens) < set(again) and len(again) == 3
    letter_field = body.split(f'id="id_materials-m{found["申请函"].pk}"')[1].split(
        'class="field material-field')[0]
    assert "申请函.pdf" in letter_field and "申请函背面.pdf" in letter_field
    assert len(files_in(media_root)) == 3

    client.post(apply_url(item), {**posted(), **keep(*again)})
    case = Case.objects.get(applicant=zhangsan)
    letters = Attachment.objects.filter(case=case, material=found["申请函"])
    assert sorted(letters.values_list("original_name", flat=True)) == [
        "申请函.pdf", "申请函背面.pdf"]
    assert len(files_in(media_root)) == 3  # the three attachments, no held copy


def test_a_token_sent_twice_attaches_its_file_once(
    item: ServiceItem, zhangsan: User
) -> None:
    client = signed_in(zhangsan)
    letter, listing = tokens(first_attempt(client, item, the_two(item)).content.decode())
    client.post(apply_url(item), {**posted(), **keep(letter, letter, listing)})
    assert Attachment.objects.filter(case__applicant=zhangsan).count() == 2


def test_an_error_from_the_service_keeps_the_files_its_rolled_back_copies_are_gone(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    found = checklist(item)
    response = client.post(apply_url(item), {
        **posted(),
        f"materials-m{found['申请函'].pk}": a_pdf("申请函.pdf", "letter"),
    })
    body = response.content.decode()
    assert response.status_code == 422
    assert "清单" in body and HELD_HEADING in body and "申请函.pdf" in body
    assert len(tokens(body)) == 1
    assert len(files_in(media_root)) == 1  # the held copy only
    assert not Case.objects.exists()


def test_a_large_file_spooled_to_disk_is_held_after_the_service_moved_its_copy(
    item: ServiceItem, zhangsan: User, media_root: Path, settings: Any
) -> None:
    # Every upload larger than this goes to a temporary file, which the storage moves.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 8
    client = signed_in(zhangsan)
    found = checklist(item)
    letter = a_pdf("申请函.pdf", "letter")
    response = client.post(apply_url(item), {
        **posted(),
        f"materials-m{found['申请函'].pk}": letter,
    })
    assert response.status_code == 422
    (token,) = tokens(response.content.decode())
    client.post(apply_url(item), {
        **posted(),
        **keep(token), f"materials-m{found['清单'].pk}": a_pdf("清单.pdf", "list"),
    })
    attached = Attachment.objects.get(case__applicant=zhangsan, material=found["申请函"])
    assert attached.sha256 == sha(letter)


def test_a_file_that_fails_the_upload_checks_is_not_held_and_its_error_shows(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    found = checklist(item)
    response = first_attempt(signed_in(zhangsan), item, {
        f"materials-m{found['申请函'].pk}": SimpleUploadedFile("申请函.pdf", b"GIF89a not a pdf"),
        f"materials-m{found['清单'].pk}": a_pdf("清单.pdf", "list"),
    })
    body = response.content.decode()
    assert response.status_code == 422
    assert "申请函.pdf 不是" in body
    assert len(tokens(body)) == 1 and "清单.pdf" in body
    assert len(files_in(media_root)) == 1


# --- tokens the server does not honour -------------------------------------------------------


def _tampered(token: str, **_: Any) -> str:
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


def _another_users(token: str, *, lisi: User, material: Material, **_: Any) -> str:
    return held.hold(a_pdf("李四.pdf", "lisi"), actor=lisi, material_id=material.pk).token


def _expired(token: str, *, zhangsan: User, material: Material, monkeypatch: Any,
             **_: Any) -> str:
    class Earlier:
        @staticmethod
        def time() -> float:
            return time.time() - held.max_age() - 60

    with monkeypatch.context() as patched:
        patched.setattr(signing, "time", Earlier)
        return held.hold(a_pdf("旧.pdf", "old"), actor=zhangsan, material_id=material.pk).token


def _outside_the_uploads(token: str, *, zhangsan: User, material: Material, **_: Any) -> str:
    payload = {"u": zhangsan.pk, "m": material.pk, "n": "../../settings.py",
               "o": "settings.pdf", "s": 10, "h": "0" * 64}
    return signing.dumps(payload, salt=held.SALT, compress=True)


BAD_TOKENS = [_tampered, _another_users, _expired, _outside_the_uploads]


@pytest.mark.parametrize("make_bad", BAD_TOKENS, ids=[f.__name__.strip("_") for f in BAD_TOKENS])
def test_a_token_the_server_did_not_issue_to_this_applicant_is_ignored_with_a_message(
    make_bad: Any, item: ServiceItem, zhangsan: User, lisi: User, media_root: Path,
    monkeypatch: Any
) -> None:
    client = signed_in(zhangsan)
    found = checklist(item)
    good = tokens(first_attempt(client, item, the_two(item)).content.decode())
    bad = make_bad(good[0], zhangsan=zhangsan, lisi=lisi, material=found["申请函"],
                   monkeypatch=monkeypatch)
    on_disk = files_in(media_root)
    response = client.post(apply_url(item), {**posted(), **keep(bad)})
    body = response.content.decode()
    assert response.status_code == 422
    assert EXPIRED in body and "请重新选择" in body
    assert bad not in body
    assert files_in(media_root) == on_disk
    assert not Case.objects.exists()


def test_another_users_token_sent_unticked_deletes_nothing(
    item: ServiceItem, zhangsan: User, lisi: User, media_root: Path
) -> None:
    theirs = held.hold(a_pdf("李四.pdf", "lisi"), actor=lisi,
                       material_id=checklist(item)["申请函"].pk)
    response = signed_in(zhangsan).post(apply_url(item), {
        **posted(""),
        held.SHOWN_NAME: [theirs.token]})
    assert response.status_code == 422
    assert (media_root / theirs.name).exists()


def test_held_files_changed_in_storage_must_be_chosen_again(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    letter, listing = tokens(first_attempt(client, item, the_two(item)).content.decode())
    for name in files_in(media_root):
        (media_root / name).write_bytes(PDF_BYTES + b"% replaced\n")
    response = client.post(apply_url(item), {**posted(), **keep(letter, listing)})
    assert response.status_code == 422
    assert "有 2 个之前选择的文件已失效，请重新选择。" in response.content.decode()
    assert not Case.objects.exists()


def test_the_form_sent_again_after_it_was_saved_answers_with_the_first_case(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    client = signed_in(zhangsan)
    held_tokens = tokens(first_attempt(client, item, the_two(item)).content.decode())
    corrected = {**posted(), **keep(*held_tokens)}
    first = client.post(apply_url(item), corrected)
    on_disk = files_in(media_root)
    # A second click, or the back button: the held copies are gone with the first request.
    again = client.post(apply_url(item), corrected)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.filter(applicant=zhangsan).count() == 1
    assert Attachment.objects.filter(case__applicant=zhangsan).count() == 2
    assert files_in(media_root) == on_disk


def test_a_token_for_a_material_of_another_service_is_ignored(
    item: ServiceItem, zhangsan: User
) -> None:
    token = held.hold(a_pdf("申请函.pdf", "x"), actor=zhangsan, material_id=-1).token
    assert held.verify(token, actor=zhangsan,
                       material_ids=[m.pk for m in checklist(item).values()]) is None


# --- the draft page --------------------------------------------------------------------------


def test_the_draft_page_keeps_the_files_the_same_way(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    draft = services.create_draft(actor=zhangsan, item=item, form={})
    client = signed_in(zhangsan)
    url = reverse("cases:draft", args=[draft.pk])
    response = first_attempt(client, item, the_two(item), url=url)
    body = response.content.decode()
    assert response.status_code == 422
    assert HELD_HEADING in body and "申请函.pdf" in body and "清单.pdf" in body
    held_tokens = tokens(body)
    held_copies = files_in(media_root)
    assert len(held_tokens) == 2 and len(held_copies) == 2

    response = client.post(url, {"intent": "submit", "f-contact_phone": "13800000001",
                                 **keep(*held_tokens)})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    attachments = Attachment.objects.filter(case=draft)
    assert sorted(attachments.values_list("original_name", flat=True)) == [
        "清单.pdf", "申请函.pdf"]
    assert not held_copies & files_in(media_root)


def test_discarding_a_draft_deletes_its_held_files(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    draft = services.create_draft(actor=zhangsan, item=item, form={})
    client = signed_in(zhangsan)
    url = reverse("cases:draft", args=[draft.pk])
    held_tokens = tokens(first_attempt(client, item, the_two(item), url=url).content.decode())
    assert len(files_in(media_root)) == 2
    client.post(url, {"intent": "discard", **keep(*held_tokens)})
    assert files_in(media_root) == set()


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "heading", "help_text"), [
    ("zh-hans", HELD_HEADING, "取消勾选"),
    ("en", "Files you chose (sent with the form)", "Untick a file to leave it out."),
])
def test_every_control_of_the_apply_page_with_held_files_has_a_label(
    language: str, heading: str, help_text: str, item: ServiceItem, zhangsan: User
) -> None:
    found = checklist(item)
    files = {**the_two(item),
             f"materials-m{found['鉴定报告'].pk}": a_pdf("申请函.pdf", "same name")}
    response = first_attempt(signed_in(zhangsan, language), item, files)
    body = response.content.decode()
    assert heading in body and help_text in body
    page = read_page(body)
    kept = [control for control in page.controls if control.name == held.KEEP_NAME]
    assert len(kept) == 3 and all("checked" in control.attrs for control in kept)
    assert [control.name for control in page.controls if not page.is_labelled(control)] == []
    assert [control.name for control in page.controls if not page.seen_label(control)] == []
    assert page.same_names_in_a_form() == {}
    assert page.look_alikes_without_own_name() == []


def test_a_page_without_an_error_holds_nothing(item: ServiceItem, zhangsan: User,
                                              media_root: Path) -> None:
    body = signed_in(zhangsan).get(apply_url(item)).content.decode()
    assert HELD_HEADING not in body
    assert files_in(media_root) == set()


# --- clean-up --------------------------------------------------------------------------------


def test_a_held_file_nobody_sends_again_is_pruned_after_the_grace_period_and_not_before(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    kept = held.hold(a_pdf("申请函.pdf", "left"), actor=zhangsan,
                     material_id=checklist(item)["申请函"].pk)
    grace = dt.timedelta(hours=DEFAULT_GRACE_HOURS)
    # A token expires before the prune may touch its file.
    assert held.max_age() < grace.total_seconds()
    (fresh,) = stored_uploads(older_than=grace)
    assert fresh.name == kept.name and not fresh.is_orphan
    earlier = time.time() - grace.total_seconds() - 60
    os.utime(media_root / kept.name, (earlier, earlier))
    (old,) = stored_uploads(older_than=grace)
    assert old.name == kept.name and old.is_orphan


# --- review: a draft saved before its submission is refused; limits; the form's own files ----


def test_a_draft_saved_before_its_submission_is_refused_holds_nothing_and_attaches_once(
    item: ServiceItem, zhangsan: User, media_root: Path
) -> None:
    draft = services.create_draft(actor=zhangsan, item=item, form={})
    client = signed_in(zhangsan)
    url = reverse("cases:draft", args=[draft.pk])
    found = checklist(item)
    # The form is valid, so the draft is saved with the letter; submitting it is refused
    # because the list is missing. The letter is now the draft's attachment, not a held file.
    response = client.post(url, {
        "intent": "submit", "f-contact_phone": "13800000001",
        f"materials-m{found['申请函'].pk}": a_pdf("申请函.pdf", "letter")})
    body = response.content.decode()
    assert response.status_code == 422
    assert tokens(body) == [] and HELD_HEADING not in body
    assert list(Attachment.objects.filter(case=draft).values_list("original_name", flat=True)
                ) == ["申请函.pdf"]
    client.post(url, {"intent": "submit", "f-contact_phone": "13800000001",
                      f"materials-m{found['清单'].pk}": a_pdf("清单.pdf", "list")})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert sorted(Attachment.objects.filter(case=draft).values_list("original_name", flat=True)
                  ) == ["清单.pdf", "申请函.pdf"]


def test_no_more_files_are_kept_than_one_request_may_upload(
    item: ServiceItem, zhangsan: User, settings: Any
) -> None:
    material = checklist(item)["申请函"].pk
    three = [held.hold(a_pdf(f"{n}.pdf", str(n)), actor=zhangsan, material_id=material).token
             for n in range(3)]
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = signed_in(zhangsan).post(apply_url(item), {
        **posted(""), **keep(*three),
        f"materials-m{checklist(item)['清单'].pk}": a_pdf("清单.pdf", "list")})
    body = response.content.decode()
    # One new file leaves room for two of the three held ones; the third must be chosen again.
    assert response.status_code == 422
    assert len(tokens(body)) == 3  # two kept, and the new one held in its turn
    assert "有 1 个之前选择的文件已失效" in body


def test_a_large_held_file_comes_back_through_a_temporary_file_not_memory(
    zhangsan: User, settings: Any, media_root: Path
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    big = a_pdf("大文件.pdf", "x" * 500)
    kept = held.hold(big, actor=zhangsan, material_id=None)
    upload = held.reopen(kept)
    assert upload is not None
    assert isinstance(upload.file, tempfile.SpooledTemporaryFile)
    assert upload.file._rolled  # type: ignore[attr-defined]  # spilled to disk: not memory
    assert hashlib.sha256(upload.read()).hexdigest() == kept.sha256 == sha(big)
    upload.close()


def test_a_file_of_the_form_itself_is_not_kept_and_the_page_says_so(
    zhangsan: User, media_root: Path
) -> None:
    from qinkuaiban.cases.tests.factories import make_item

    with_photo = make_item(content={"form_fields": [
        {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
        {"name": "photo", "label": "现场照片", "type": "file", "required": False}]},
        materials=[])
    response = signed_in(zhangsan).post(apply_url(with_photo), {
        **posted(""),
        "f-photo": a_pdf("照片.pdf", "photo")})
    assert response.status_code == 422
    assert "申请表中选择的文件未被保留" in response.content.decode()

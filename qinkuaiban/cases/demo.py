"""Demo cases for the demo cast on the demo catalogue (called by `seed_demo`), created through
the services. Idempotent: each demo case carries an idempotency key of its applicant, so a
second run finds it and changes nothing."""

import datetime as dt
from collections.abc import Callable
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, Channel, Outcome
from qinkuaiban.cases.selectors import applicant_defaults
from qinkuaiban.cases.sweep import sweep_case_clocks
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.identity.models import User

PHONE = "13800000001"


def _form(item: ServiceItem, values: dict[str, Any], person: User | None = None
          ) -> dict[str, Any]:
    """Demo values for the item's declared fields: ours where given, then the person's own
    name, mobile and organisation, a plausible default else."""
    assert item.current_version is not None
    if person is not None:
        values = {**applicant_defaults(user=person), **values}
    defaults = {"text": "示例", "textarea": "示例说明", "number": 10, "phone": PHONE,
                "date": (timezone.localdate() + dt.timedelta(days=7)).isoformat()}
    form: dict[str, Any] = {}
    for field in item.current_version.form_fields:
        if field["name"] in values:
            form[field["name"]] = values[field["name"]]
        elif field.get("required", True):
            choices = field.get("choices") or []
            first = choices[0] if choices else None
            form[field["name"]] = (
                (first["value"] if isinstance(first, dict) else first) if first is not None
                else defaults.get(field["type"], "示例")
            )
    return form


def _working_days_ago(count: int) -> dt.date:
    """The working day `count` working days before today, by the official calendar."""
    from qinkuaiban.workdays.selectors import load_calendar

    today = timezone.localdate()
    # The calendar holds every stored year; a day before the first is refused by the walk.
    calendar = load_calendar(start=today, end=today)
    day = today
    while calendar.workdays_between(day, today) < count or not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _moment(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


@transaction.atomic
def seed_demo_data(*, stdout: TextIO) -> None:
    """Create the demo cases where missing."""
    users = {u.username: u for u in User.objects.filter(
        username__in=["zhangsan", "zhaoliu", "lisi", "wangwu"])}
    items = {i.code: i for i in ServiceItem.objects.filter(
        status=ItemStatus.PUBLISHED).select_related("current_version", "handling_org")}
    if len(users) < 4 or not {"QKB-HY-001", "QKB-GC-001", "QKB-ZX-001"} <= set(items):
        stdout.write("cases: demo cast or demo catalogue missing, no demo cases created\n")
        return
    zhangsan, zhaoliu, lisi, wangwu = (users[n] for n in ("zhangsan", "zhaoliu", "lisi",
                                                          "wangwu"))
    meeting, car, enquiry = items["QKB-HY-001"], items["QKB-GC-001"], items["QKB-ZX-001"]

    def car_files() -> list[tuple[int | None, Any]]:
        from django.core.files.base import ContentFile

        assert car.current_version is not None
        return [(m.pk, ContentFile(b"%PDF-1.4\n%%EOF\n", name="审批单.pdf"))
                for m in car.current_version.materials.filter(necessity="required")]

    # The red case was submitted and accepted six working days ago, so it is overdue today: the
    # services date it so (`at`), its history and audit entries say when they were written.
    red_day = _working_days_ago(6)
    # The yellow case was accepted on the working day before today, so today is the last day
    # of its one-day promise (on a day off no one-day case is near its deadline).
    yellow_day = _working_days_ago(1)
    backdated = {"demo-red": _moment(red_day, dt.time(9, 0)),
                 "demo-yellow": _moment(yellow_day, dt.time(10, 0))}
    steps: list[tuple[str, User, ServiceItem, dict[str, Any], Callable[[Case], Any] | None]] = [
        ("demo-submitted", zhangsan, meeting, {"topic": "季度工作推进会", "attendees": 30}, None),
        ("demo-supplement", zhangsan, car, {"destination": "南昌县", "passengers": 3},
         lambda c: services.request_supplement(
             case=c, actor=lisi, reason="用车审批单缺少单位负责人签字。",
             materials=[{"material": m.pk, "problem": "缺少单位负责人签字"}
                        for m in car.current_version.materials.filter(  # type: ignore[union-attr]
                            necessity="required")])),
        ("demo-accepted", zhaoliu, meeting, {"topic": "教育工作座谈会", "attendees": 50},
         lambda c: services.accept(case=c, actor=lisi)),
        ("demo-yellow", zhangsan, car, {"destination": "九江市", "passengers": 2},
         lambda c: services.accept(case=c, actor=lisi, at=_moment(yellow_day, dt.time(10, 30)))),
        ("demo-red", zhaoliu, car, {"destination": "赣州市", "passengers": 4},
         lambda c: services.accept(case=c, actor=lisi, at=_moment(red_day, dt.time(9, 30)))),
        ("demo-completed", zhangsan, meeting, {"topic": "党建工作会", "attendees": 80},
         lambda c: services.complete(case=services.accept(case=c, actor=lisi), actor=wangwu,
                                     outcome=Outcome.APPROVED)),
    ]
    created = 0
    for key, applicant, item, values, then in steps:
        case = services.submit_case(
            actor=applicant, item=item, form=_form(item, values, applicant),
            files=car_files() if item is car else [], idempotency_key=key,
            at=backdated.get(key),
        )
        if case.replayed:
            continue
        created += 1
        if then is not None:
            then(case)
    question = services.submit_case(
        actor=lisi, item=enquiry, channel=Channel.PHONE, submitter_name="来电人 陈先生",
        submitter_contact="13900000000", idempotency_key="demo-enquiry",
        form=_form(enquiry, {"question": "周转住房申请需要哪些材料？", "topic": "住房"}),
    )
    created += not question.replayed
    if created:
        # The daily sweep, run once as the scheduler would: the red case turns red, its handlers
        # are told (发出时限预警 in its history) and its applicant reads 已超过承诺时限.
        sweep_case_clocks()
    stdout.write(f"cases: {created} demo cases created\n")

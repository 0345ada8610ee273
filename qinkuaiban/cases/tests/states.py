"""Build a case in any status through the services, for the table walks."""

import datetime as dt
from typing import Any

from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, Outcome, RejectGround, SpecialProcedure, Status
from qinkuaiban.cases.tests.factories import material_files, pdf, submit
from qinkuaiban.catalogue.models import Material, ServiceItem
from qinkuaiban.identity.models import User


def materials_of(item: ServiceItem, necessity: str) -> list[Material]:
    assert item.current_version is not None
    return list(item.current_version.materials.filter(necessity=necessity))


def build(
    status: str, *, item: ServiceItem, cast: dict[str, User], deferred: bool = False
) -> Case:
    """A case of `item` by 张三 in `status`; `deferred` accepts it with a deferrable material
    outstanding (容缺)."""
    zhangsan, lisi, wangwu = cast["zhangsan"], cast["lisi"], cast["wangwu"]
    if status == Status.DRAFT:
        return services.create_draft(actor=zhangsan, item=item,
                                     form={"contact_phone": "13800000001"},
                                     files=material_files(item))
    case = submit(item, zhangsan)
    if status == Status.SUBMITTED:
        return case
    if status == Status.AWAITING_SUPPLEMENT:
        required = materials_of(item, "required")
        return services.request_supplement(
            case=case, actor=lisi, reason="材料不清晰",
            materials=[{"material": required[0].pk, "problem": "复印件不清晰"}] if required
            else [{"material": None, "name": "补充说明", "problem": "缺少说明"}],
        )
    if status == Status.REJECTED:
        return services.reject(case=case, actor=lisi, ground=RejectGround.CONDITIONS_NOT_MET,
                               reason="不符合受理条件")
    if status == Status.WITHDRAWN:
        return services.withdraw(case=case, actor=zhangsan, reason="不再需要")
    if status == Status.VOID:
        return services.void(case=case, actor=wangwu, reason="重复登记")
    if deferred or status == Status.TERMINATED:
        deferrable = materials_of(item, "deferrable")
        case = services.accept_deferred(case=case, actor=lisi,
                                        missing=[m.pk for m in deferrable],
                                        due_on=timezone.localdate())
    else:
        case = services.accept(case=case, actor=lisi)
    if status == Status.ACCEPTED:
        return case
    if status == Status.SPECIAL_PROCEDURE:
        return services.start_special(case=case, actor=lisi,
                                      procedure=SpecialProcedure.EXPERT_REVIEW, reason="专家评审")
    if status == Status.COMPLETED:
        return services.complete(case=case, actor=lisi, outcome=Outcome.APPROVED)
    if status == Status.TERMINATED:
        return services.terminate(case=case, actor=lisi, reason="容缺材料逾期未补")
    raise AssertionError(status)


def upload(case: Case, actor: User, material: Material | None) -> None:
    services.add_attachment(case=case, actor=actor, file=pdf(),
                            material_id=material.pk if material else None)


def tomorrow_slot() -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=1)
    return {"slot_start": start, "slot_end": start + dt.timedelta(hours=2),
            "address": "省发改委 3 号楼 502 室"}

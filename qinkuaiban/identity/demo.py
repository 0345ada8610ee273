"""The demo organisations and cast of people, shared by `seed_demo` and the test suite's
fixed cast, so a test's 张三 is the same person a newcomer logs in as. All names are fictional."""

from dataclasses import dataclass

from django.db import transaction

from qinkuaiban.core.validators import credit_code_check_char
from qinkuaiban.identity import services
from qinkuaiban.identity.models import Membership, Organisation, OrganisationKind, User
from qinkuaiban.identity.roles import Role


def demo_credit_code(serial: int, *, prefix: str = "11") -> str:
    """A fictional but check-digit-valid 统一社会信用代码 (organs start 11, institutions 12)."""
    base = f"{prefix}360000MB{serial:07d}"
    return base + credit_code_check_char(base)


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    parent: str | None = None
    short_name: str = ""
    serial: int | None = None


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("goa", "省机关事务管理局", OrganisationKind.GOA, short_name="省机关事务局", serial=1),
    OrgSpec("goa-office", "办公室", OrganisationKind.DIVISION, "goa"),
    OrgSpec("goa-service-centre", "机关服务中心", OrganisationKind.DIVISION, "goa",
            short_name="服务中心"),
    OrgSpec("goa-property", "房地产管理处", OrganisationKind.DIVISION, "goa", short_name="房产处"),
    OrgSpec("goa-assets", "资产管理处", OrganisationKind.DIVISION, "goa", short_name="资产处"),
    OrgSpec("goa-energy", "公共机构节能管理处", OrganisationKind.DIVISION, "goa",
            short_name="节能处"),
    OrgSpec("goa-supervision", "督查室", OrganisationKind.DIVISION, "goa"),
    OrgSpec("goa-security", "信息中心", OrganisationKind.DIVISION, "goa"),
    OrgSpec("organ-a", "省发展和改革委员会", OrganisationKind.ORGAN, short_name="省发改委",
            serial=2),
    OrgSpec("organ-a-office", "办公室", OrganisationKind.DEPARTMENT, "organ-a"),
    OrgSpec("organ-a-planning", "规划处", OrganisationKind.DEPARTMENT, "organ-a"),
    OrgSpec("organ-b", "省教育厅", OrganisationKind.ORGAN, serial=3),
    OrgSpec("organ-b-office", "办公室", OrganisationKind.DEPARTMENT, "organ-b"),
    OrgSpec("organ-b-basic", "基础教育处", OrganisationKind.DEPARTMENT, "organ-b"),
    OrgSpec("organ-c", "省财政厅", OrganisationKind.ORGAN, serial=4),
    OrgSpec("organ-c-office", "办公室", OrganisationKind.DEPARTMENT, "organ-c"),
    OrgSpec("organ-c-budget", "预算处", OrganisationKind.DEPARTMENT, "organ-c"),
    OrgSpec("inst-kindergarten", "省直机关幼儿园", OrganisationKind.INSTITUTION, serial=5),
)


@dataclass(frozen=True)
class PersonSpec:
    username: str
    real_name: str
    mobile: str
    roles: tuple[tuple[str, str], ...]  # (role, organisation code)
    email: str = ""


CAST: tuple[PersonSpec, ...] = (
    PersonSpec("zhangsan", "张三", "13800000001", ((Role.APPLICANT, "organ-a-planning"),)),
    PersonSpec("zhaoliu", "赵六", "13800000002", ((Role.APPLICANT, "organ-b-basic"),)),
    PersonSpec("lisi", "李四", "13800000003",
               ((Role.WINDOW_CLERK, "goa-service-centre"), (Role.HANDLER, "goa-service-centre"))),
    PersonSpec("wangwu", "王五", "13800000004", ((Role.DIVISION_HEAD, "goa-service-centre"),)),
    PersonSpec("sunqi", "孙七", "13800000005", ((Role.LEADER, "goa"),)),
    PersonSpec("zhouba", "周八", "13800000006", ((Role.SUPERVISOR, "goa-supervision"),)),
    PersonSpec("sysadmin", "钱系统", "13800000007", ((Role.SYSTEM_ADMIN, "goa-security"),)),
    PersonSpec("secadmin", "吴安全", "13800000008", ((Role.SECURITY_ADMIN, "goa-security"),)),
    PersonSpec("auditor", "郑审计", "13800000009", ((Role.AUDIT_ADMIN, "goa-security"),)),
)

ADMIN_USERNAMES = ("sysadmin", "secadmin", "auditor")


def ensure_organisations() -> dict[str, Organisation]:
    """Create the demo organisation tree where missing; return it by code."""
    existing = {org.code: org for org in Organisation.objects.all()}
    for spec in ORGANISATIONS:
        if spec.code in existing:
            continue
        prefix = "12" if spec.kind == OrganisationKind.INSTITUTION else "11"
        existing[spec.code] = services.create_organisation(
            actor=None, name=spec.name, code=spec.code, kind=spec.kind,
            parent=existing[spec.parent] if spec.parent else None,
            credit_code=demo_credit_code(spec.serial, prefix=prefix) if spec.serial else None,
            short_name=spec.short_name,
            sort_order=ORGANISATIONS.index(spec),
        )
    return existing


@transaction.atomic
def ensure_demo_cast(*, password: str) -> dict[str, User]:
    """Create the organisations and the cast where missing (idempotent); return users by name."""
    orgs = ensure_organisations()
    users: dict[str, User] = {}
    for person in CAST:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = services.create_user(
                actor=None, username=person.username, real_name=person.real_name,
                password=password, mobile=person.mobile, email=person.email,
                validate_password=False,
            )
        for role, org_code in person.roles:
            if not Membership.objects.filter(
                user=user, organisation=orgs[org_code], role=role
            ).exists():
                services.grant_role(actor=None, user=user, organisation=orgs[org_code], role=role)
        users[person.username] = user
    return users

"""Every write about users, organisations and roles. Each is one transaction with its audit
entry; the rules of 三员分立 live here (and the database backs the strictest of them)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.models import Outcome
from qinkuaiban.audit.services import record
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.core.validators import is_valid_id_number
from qinkuaiban.identity.models import (
    Membership,
    Organisation,
    OrganisationKind,
    PasswordHistory,
    User,
)
from qinkuaiban.identity.roles import ADMIN_ROLES, Role
from qinkuaiban.identity.selectors import forget_memberships

PASSWORD_HISTORY_KEPT = 5


def _validation_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@transaction.atomic
def create_organisation(
    *,
    actor: User | None,
    name: str,
    code: str,
    kind: str,
    parent: Organisation | None = None,
    credit_code: str | None = None,
    short_name: str = "",
    sort_order: int = 0,
) -> Organisation:
    """Add a node to the organisation tree (the credit code checked against GB 32100)."""
    organisation = Organisation(
        name=name, code=code, kind=kind, parent=parent,
        credit_code=(credit_code or "").strip().upper() or None,
        short_name=short_name, sort_order=sort_order,
    )
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_validation_message(exc), code="invalid_organisation") from exc
    if kind in (OrganisationKind.DIVISION, OrganisationKind.DEPARTMENT) and parent is None:
        raise InvalidInput(_("A division or department needs a parent."), code="parent_required")
    organisation.save()
    record(action="identity.organisation_created", actor=actor, target=organisation,
           organisation=organisation, changes={"name": name, "kind": kind, "code": code})
    return organisation


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    real_name: str,
    password: str | None,
    mobile: str = "",
    email: str = "",
    id_number: str = "",
    validate_password: bool = True,
) -> User:
    """Create an account; the password is checked by the configured policy unless told not to
    (demo seeding passes a password chosen by the operator)."""
    user = User(username=username.strip(), real_name=real_name.strip(), mobile=mobile.strip(),
                email=email.strip())
    if User.objects.filter(username__iexact=user.username).exists():
        raise Conflict(_("This username is already taken."), code="username_taken")
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput(_validation_message(exc), code="invalid_user") from exc
    if password:
        if validate_password:
            _check_password_policy(user, password)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    if id_number:
        _apply_id_number(user, id_number)
    user.save()
    if password:
        PasswordHistory.objects.create(user=user, password=user.password)
    record(action="identity.user_created", actor=actor, target=user,
           changes={"username": user.username, "real_name": user.real_name})
    return user


def _check_password_policy(user: User, password: str) -> None:
    from django.contrib.auth import password_validation

    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(_validation_message(exc), code="weak_password", field="password") from exc


def _apply_id_number(user: User, id_number: str) -> None:
    if not is_valid_id_number(id_number):
        raise InvalidInput(
            _("Enter a valid 18-digit resident ID number (check digit and birth date)."),
            code="invalid_id_number", field="id_number",
        )
    user.set_id_number(id_number)


@transaction.atomic
def set_id_number(*, actor: User, user: User, id_number: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _apply_id_number(user, id_number)
    user.save(update_fields=["id_number_encrypted", "id_number_hash", "id_number_masked"])
    record(action="identity.id_number_changed", actor=actor, target=user)
    return user


@transaction.atomic
def reveal_id_number(*, actor: User, user: User) -> str:
    """The full ID number; every full view is audited (个人信息保护法, domain.md §8)."""
    if actor.pk != user.pk and not _may_manage_users(actor):
        record(action="identity.id_number_viewed", actor=actor, target=user,
               outcome=Outcome.DENIED)
        raise NotPermitted(_("You may not see this ID number."), code="not_permitted")
    record(action="identity.id_number_viewed", actor=actor, target=user)
    return user.reveal_id_number()


def _may_manage_users(actor: User) -> bool:
    from qinkuaiban.identity.selectors import has_role

    return has_role(actor, Role.SYSTEM_ADMIN)


@transaction.atomic
def change_password(*, actor: User, user: User, new_password: str) -> User:
    """Set a new password under the policy (length, classes, not one of the last 5)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password_policy(user, new_password)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("id", flat=True)[
        PASSWORD_HISTORY_KEPT:
    ]
    PasswordHistory.objects.filter(id__in=list(stale)).delete()
    record(action="identity.password_changed", actor=actor, target=user)
    return user


@transaction.atomic
def grant_role(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give `user` a role in `organisation`, keeping the three administrators apart."""
    user = User.objects.select_for_update().get(pk=user.pk)
    held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise Conflict(_("The user already holds this role here."), code="role_held")
    if role in ADMIN_ROLES and held:
        # Source: GB/T 22239-2019 三员分立; an administrator account holds nothing else.
        raise Conflict(
            _("An administrator account holds exactly one role: this user already has "
              "other roles."),
            code="admin_role_exclusive",
        )
    if role not in ADMIN_ROLES and held & ADMIN_ROLES:
        raise Conflict(
            _("Administrator accounts have no business rights; use a separate account."),
            code="admin_has_no_business_rights",
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role,
                granted_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError as exc:
        raise Conflict(_("This role cannot be granted to this user."), code="role_conflict") from exc
    forget_memberships(user)
    record(action="identity.role_granted", actor=actor, target=user, organisation=organisation,
           changes={"role": role, "organisation": organisation.code})
    return membership


@transaction.atomic
def revoke_role(*, actor: User | None, membership: Membership) -> None:
    user = membership.user
    record(action="identity.role_revoked", actor=actor, target=user,
           organisation=membership.organisation,
           changes={"role": membership.role, "organisation": membership.organisation.code})
    membership.delete()
    forget_memberships(user)

"""Every write about users, organisations and roles. Each is one transaction with its audit
entry; the rules of 三员分立 live here (and the database backs the strictest of them)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.audit.models import Outcome
from qinkuaiban.audit.services import record
from qinkuaiban.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from qinkuaiban.core.validators import is_valid_id_number
from qinkuaiban.identity.models import (
    ApiToken,
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
    temporary_password: bool = False,
) -> User:
    """Create an account; the password is checked by the configured policy unless told not to
    (demo seeding passes a password chosen by the operator). A `temporary_password` chosen by
    an administrator must be replaced at the first sign-in."""
    if actor is not None and not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator manages accounts."),
                           code="not_permitted")
    user = User(username=username.strip(), real_name=real_name.strip(), mobile=mobile.strip(),
                email=email.strip(), has_temporary_password=temporary_password and bool(password))
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
        raise InvalidInput(
            _validation_message(exc), code="weak_password", field="password"
        ) from exc


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
    _store_password(user, new_password, temporary=False)
    record(action="identity.password_changed", actor=actor, target=user)
    return user


@transaction.atomic
def reset_password(*, actor: User, user: User, new_password: str) -> User:
    """The system administrator sets a temporary password the person must change at sign-in;
    the person's sessions end."""
    if not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator manages accounts."),
                           code="not_permitted")
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password_policy(user, new_password)
    _store_password(user, new_password, temporary=True)
    revoked = end_sessions(user)
    record(action="identity.password_reset", actor=actor, target=user,
           changes={"revoked_credentials": revoked})
    return user


def end_sessions(user: User) -> int:
    """End every session and API token of `user` (the row locked by the caller): the
    credentials of the person whose password, second factor or account an administrator has
    just changed. Returns the number of tokens revoked, for the caller's audit entry."""
    # Nothing indexes a person's sessions, so none is searched for: the session hash includes
    # the generation, and a session of the old one is flushed on its next request.
    user.session_generation += 1
    user.save(update_fields=["session_generation"])
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())


def _store_password(user: User, password: str, *, temporary: bool) -> None:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.has_temporary_password = temporary
    user.save(update_fields=["password", "password_changed_at", "has_temporary_password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("id", flat=True)[
        PASSWORD_HISTORY_KEPT:
    ]
    PasswordHistory.objects.filter(id__in=list(stale)).delete()


@transaction.atomic
def grant_role(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give `user` a role in `organisation`, keeping the three administrators apart."""
    if actor is not None and not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator grants roles."), code="not_permitted")
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
        raise Conflict(
            _("This role cannot be granted to this user."), code="role_conflict"
        ) from exc
    forget_memberships(user)
    record(action="identity.role_granted", actor=actor, target=user, organisation=organisation,
           changes={"role": role, "organisation": organisation.code})
    return membership


@transaction.atomic
def revoke_role(*, actor: User | None, membership: Membership) -> None:
    """Take a role away; the system administrator cannot remove their own administrator role."""
    if actor is not None and not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator revokes roles."),
                           code="not_permitted")
    User.objects.select_for_update().get(pk=membership.user_id)
    current = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership.pk).first()
    )
    if current is None:
        raise NotFound(_("This role has already been revoked."), code="not_found")
    membership = current
    user = membership.user
    if actor is not None and user.pk == actor.pk and membership.role in ADMIN_ROLES:
        raise Conflict(_("You cannot remove your own administrator role."),
                       code="own_admin_role")
    record(action="identity.role_revoked", actor=actor, target=user,
           organisation=membership.organisation,
           changes={"role": membership.role, "organisation": membership.organisation.code})
    membership.delete()
    forget_memberships(user)


@transaction.atomic
def deactivate_user(*, actor: User, user: User, reason: str = "") -> User:
    """Close an account: no more sign-ins, its sessions and API tokens stop working."""
    if not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator manages accounts."),
                           code="not_permitted")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise Conflict(_("You cannot deactivate your own account."), code="own_account")
    if not user.is_active:
        raise Conflict(_("This account is already deactivated."), code="already_inactive")
    user.is_active = False
    user.save(update_fields=["is_active"])
    # Sessions and tokens end for good, so reactivation never revives an old credential.
    revoked = end_sessions(user)
    record(action="identity.user_deactivated", actor=actor, target=user,
           changes={"reason": reason.strip(), "revoked_credentials": revoked})
    return user


@transaction.atomic
def reactivate_user(*, actor: User, user: User) -> User:
    """Open a deactivated account again."""
    if not _may_manage_users(actor):
        raise NotPermitted(_("Only the system administrator manages accounts."),
                           code="not_permitted")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise Conflict(_("This account is already active."), code="already_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(action="identity.user_reactivated", actor=actor, target=user)
    return user


def _is_security_admin(actor: User) -> bool:
    from qinkuaiban.identity.selectors import has_role

    return has_role(actor, Role.SECURITY_ADMIN)


@transaction.atomic
def release_lockout(*, actor: User, kind: str, value: str) -> int:
    """The security administrator lifts the lock of an account or an address before it ends."""
    from axes.utils import reset

    from qinkuaiban.identity.lockouts import ACCOUNT, ADDRESS

    if not _is_security_admin(actor):
        raise NotPermitted(_("Only the security administrator releases lockouts."),
                           code="not_permitted")
    if kind not in (ACCOUNT, ADDRESS) or not value:
        raise InvalidInput(_("Choose an account or an address to release."),
                           code="invalid_lockout")
    cleared = reset(username=value) if kind == ACCOUNT else reset(ip=value)
    if not cleared:
        raise Conflict(_("Nothing is locked for this account or address."), code="not_locked")
    target = User.objects.filter(username=value).first() if kind == ACCOUNT else None
    record(action="identity.lockout_released", actor=actor, target=target,
           target_repr=value, changes={"kind": kind, "value": value, "attempts": cleared})
    return cleared


# --- Two-factor authentication (TOTP, with one-time backup codes) ---------------------------
# Source: GB/T 22239-2019 8.1.4.1 d) — administrators sign in with two factors, one of them
# cryptographic (the TOTP secret in their authenticator app).

BACKUP_CODE_COUNT = 10


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_totp_setup(*, user: User) -> TOTPDevice:
    """The pending (unconfirmed) device whose secret the setup page shows; reused on reload."""
    User.objects.select_for_update().get(pk=user.pk)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(_("Two-factor authentication is already set up."), code="otp_enabled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        record(action="identity.two_factor_setup_started", actor=user, target=user)
    return device


@transaction.atomic
def confirm_totp_device(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Switch two factors on once the person proves their app shows the right code; returns
    fresh backup codes, shown once."""
    User.objects.select_for_update().get(pk=actor.pk)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.user_id != actor.pk:
        raise NotPermitted(_("This is not your device."), code="not_permitted")
    if device.confirmed:
        raise Conflict(_("Two-factor authentication is already set up."), code="otp_enabled")
    if not device.verify_token(token.strip()):
        raise InvalidInput(_("The code is not correct. Check the time on your phone and "
                             "enter the code currently shown."), code="invalid_otp",
                           field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_backup_codes(actor)
    record(action="identity.two_factor_enabled", actor=actor, target=actor)
    return codes


def _replace_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def regenerate_backup_codes(*, actor: User) -> list[str]:
    """Replace all backup codes (the old ones stop working); returns the new ones, shown once."""
    User.objects.select_for_update().get(pk=actor.pk)
    if confirmed_totp_device(actor) is None:
        raise Conflict(_("Set up two-factor authentication first."), code="otp_not_enabled")
    codes = _replace_backup_codes(actor)
    record(action="identity.backup_codes_regenerated", actor=actor, target=actor)
    return codes


@transaction.atomic
def disable_two_factor(*, actor: User, user: User) -> None:
    """Switch two factors off; administrators must keep them."""
    from qinkuaiban.identity.selectors import admin_role_of

    User.objects.select_for_update().get(pk=user.pk)
    if actor.pk != user.pk:
        raise NotPermitted(_("Only the account holder can switch off two-factor "
                             "authentication."), code="not_permitted")
    if admin_role_of(user) is not None:
        raise NotPermitted(_("Administrators must keep two-factor authentication."),
                           code="otp_required_for_admins")
    if not TOTPDevice.objects.filter(user=user).exists():
        raise Conflict(_("Two-factor authentication is not switched on."),
                       code="otp_not_enabled")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(action="identity.two_factor_disabled", actor=actor, target=user)


@transaction.atomic
def reset_two_factor(*, actor: User, user: User, reason: str) -> User:
    """The security administrator removes a lost authenticator and its backup codes once the
    person's identity has been checked in person; administrators set up a new one at once.
    The person's sessions end."""
    # 三员分立: resetting a credential is the security administrator's duty alone, and never on
    # their own account (they use a backup code, or another security administrator does it).
    if not _is_security_admin(actor):
        raise NotPermitted(_("Only the security administrator resets two-factor "
                             "authentication."), code="not_permitted")
    if actor.pk == user.pk:
        raise NotPermitted(_("You cannot reset your own two-factor authentication. Sign in "
                             "with a backup code, or ask another security administrator."),
                           code="own_two_factor")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the reset."), code="reason_required",
                           field="reason")
    user = User.objects.select_for_update().get(pk=user.pk)
    if confirmed_totp_device(user) is None:
        raise Conflict(_("Two-factor authentication is not switched on."),
                       code="otp_not_enabled")
    backup_codes = backup_codes_left(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # Whoever holds the lost authenticator may hold an open session or a token too: they end.
    revoked = end_sessions(user)
    record(action="identity.two_factor_reset", actor=actor, target=user,
           changes={"reason": reason, "backup_codes_removed": backup_codes,
                    "revoked_credentials": revoked})
    _notify_two_factor_reset(user)
    return user


def _notify_two_factor_reset(user: User) -> None:
    from django.urls import reverse

    from qinkuaiban.identity.selectors import admin_role_of
    from qinkuaiban.notifications.services import notify

    if admin_role_of(user) is not None:
        body = _("The security administrator has removed your authenticator app and backup "
                 "codes. You will set up a new authenticator at your next sign-in. If you did "
                 "not ask for this, tell the security administrator at once.")
    else:
        body = _("The security administrator has removed your authenticator app and backup "
                 "codes, so you now sign in with your password alone. Switch two-factor "
                 "authentication on again from your profile. If you did not ask for this, "
                 "tell the security administrator at once.")
    notify(recipients=[user], kind="identity.two_factor_reset",
           title=_("Your two-factor authentication has been reset"), body=body,
           url=reverse("identity:profile"), target=user)


def backup_codes_left(user: User) -> int:
    """How many unused backup codes the user still has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()

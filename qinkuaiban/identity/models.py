from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from qinkuaiban.core import crypto
from qinkuaiban.core.models import TimeStampedModel
from qinkuaiban.core.validators import (
    mask_id_number,
    normalise_id_number,
    validate_credit_code,
    validate_mobile,
)
from qinkuaiban.identity.roles import ADMIN_ROLES, Role


class OrganisationKind(models.TextChoices):
    GOA = "goa", _("Government offices administration")
    DIVISION = "division", _("Division")
    ORGAN = "organ", _("Served organ")
    DEPARTMENT = "department", _("Department")
    INSTITUTION = "institution", _("Public institution")


# Kinds that are legal entities and so carry their own 统一社会信用代码.
LEGAL_ENTITY_KINDS = (OrganisationKind.GOA, OrganisationKind.ORGAN, OrganisationKind.INSTITUTION)


class Organisation(TimeStampedModel):
    """A node of the organisation tree: the GOA and its divisions (处室), the organs it serves
    and their departments, and public institutions."""

    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True,
        validators=[validate_credit_code],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=LEGAL_ENTITY_KINDS) | Q(credit_code__isnull=False),
                name="identity_legal_entity_has_credit_code",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LEGAL_ENTITY_KINDS) | Q(parent__isnull=False),
                name="identity_sub_unit_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def qualified_name(self) -> str:
        """The name under its legal entity's usual name, as people write it: 省发改委 规划处."""
        entity = self.legal_entity()
        return self.name if entity == self else f"{entity.display_name} {self.name}"

    def legal_entity(self) -> "Organisation":
        """The organisation itself, or the nearest ancestor that is a legal entity."""
        node = self
        while node.kind not in LEGAL_ENTITY_KINDS and node.parent is not None:
            node = node.parent
        return node


class QkbUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """A person who signs in. Names are real names (实名); the ID number is sensitive personal
    information: encrypted at rest, found by a keyed hash, shown masked."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    real_name = models.CharField(_("real name"), max_length=60)
    mobile = models.CharField(
        _("mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # Set when an administrator chose the password (a new account, a reset): the person must
    # replace it at the next sign-in, so nobody else knows the password in use.
    has_temporary_password = models.BooleanField(_("temporary password"), default=False)
    # Moved on (services.end_sessions) when an administrator resets the password or the second
    # factor or deactivates the account: every session signed before stops verifying.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = QkbUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.real_name or self.username

    def get_full_name(self) -> str:
        return self.real_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (of the password), bound to the session generation too: a
        session keeps verifying only while both are what they were at sign-in. Generation 0
        gives Django's own hash, so no session ended when the field was introduced."""
        if not self.session_generation:
            # django-stubs leave out this private method; Django calls it for the current and
            # the fallback secrets alike, so it is the one place to bind the generation in.
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "qinkuaiban.identity.models.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}", secret=secret, algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return self.real_name

    def set_id_number(self, value: str) -> None:
        """Store an already validated ID number (see `services.set_id_number`)."""
        value = normalise_id_number(value)
        self.id_number_encrypted = crypto.encrypt(value) if value else ""
        self.id_number_hash = crypto.keyed_hash(value) if value else ""
        self.id_number_masked = mask_id_number(value) if value else ""

    def reveal_id_number(self) -> str:
        """The full number. Callers go through `services.reveal_id_number`, which audits it."""
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""


class Membership(TimeStampedModel):
    """A role a user holds in one organisation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="identity_membership_unique"
            ),
            # 三员分立, backed by the database: at most one administrator role per person.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(ADMIN_ROLES)),
                name="identity_one_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so none of the last N is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

"""Template helpers of the web shell."""

from functools import cache

from django import template
from django.core.paginator import Page
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj: Page) -> list[int | str]:
    """Page numbers around the current one, with an ellipsis for long runs."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


@cache
def _bell_template() -> Template | None:
    # The notifications app provides the bell; until it is installed the header goes without.
    try:
        return Template("{% load notifications_tags %}{% unread_badge %}")
    except TemplateSyntaxError:
        return None


@register.simple_tag(takes_context=True)
def notification_bell(context: Context) -> SafeString:
    """The notifications app's `{% unread_badge %}`, or nothing while that app is absent."""
    bell = _bell_template()
    if bell is None:
        return mark_safe("")
    return mark_safe(bell.render(context))  # noqa: S308

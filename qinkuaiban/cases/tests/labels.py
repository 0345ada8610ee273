"""The form controls of an HTML page and the labels tied to them, for the accessibility tests."""

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
NOT_CONTROLS = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Label:
    for_id: str
    text: str = ""
    # What a sighted user reads: the text outside .visually-hidden.
    seen: str = ""


@dataclass
class Control:
    attrs: dict[str, str]
    wrapped_in: Label | None = None
    # Which <form> of the page holds it (1, 2, … in document order).
    form: int = 0

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")


@dataclass
class Page:
    controls: list[Control] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def labels_of(self, control: Control) -> list[Label]:
        """The labels tied to a control: by `for`, or wrapped around it."""
        return [label for label in self.labels
                if label is control.wrapped_in
                or (control.attrs.get("id") and label.for_id == control.attrs["id"])]

    def is_labelled(self, control: Control) -> bool:
        named = any(label.text.strip() for label in self.labels_of(control))
        return named or bool(control.attrs.get("aria-label", "").strip()
                             or control.attrs.get("aria-labelledby", "").strip())

    def seen_label(self, control: Control) -> str:
        return " ".join(" ".join(label.seen.split()) for label in self.labels_of(control)).strip()

    def heard_label(self, control: Control) -> str:
        return " ".join(" ".join(label.text.split()) for label in self.labels_of(control)).strip()

    def accessible_name(self, control: Control) -> str:
        """What a screen reader announces: `aria-label`, else the tied labels' text (the pages
        tie no control by `aria-labelledby`)."""
        return " ".join(control.attrs.get("aria-label", "").split()) or self.heard_label(control)

    def same_names_in_a_form(self) -> dict[str, list[str]]:
        """Accessible names given to more than one control of one form, with those controls'
        names: a user cannot tell such controls apart."""
        by_name: dict[tuple[int, str], list[str]] = defaultdict(list)
        for control in self.controls:
            by_name[(control.form, self.accessible_name(control))].append(control.name)
        return {name: controls for (_form, name), controls in by_name.items()
                if len(controls) > 1}

    def look_alikes_without_own_name(self) -> list[str]:
        """Controls sharing their visible label with another control of their form whose
        accessible name says no more than that label, so that nothing tells them apart."""
        by_label: dict[tuple[int, str], list[Control]] = defaultdict(list)
        for control in self.controls:
            if seen := self.seen_label(control):
                by_label[(control.form, seen)].append(control)
        return [control.name for (_form, seen), controls in by_label.items()
                if len(controls) > 1 for control in controls
                if self.accessible_name(control) == seen]

    def control(self, name: str) -> Control:
        return next(control for control in self.controls if control.name == name)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        # Open elements: (tag, hidden from sight, hidden from everyone).
        self.stack: list[tuple[str, bool, bool]] = []
        # The open forms, by their number on the page.
        self.forms: list[int] = []
        self.form_count = 0
        self.label_stack: list[Label] = []

    def _hidden(self) -> tuple[bool, bool]:
        return (any(unseen for _tag, unseen, _gone in self.stack),
                any(gone for _tag, _unseen, gone in self.stack))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        is_control = tag in ("select", "textarea") or (
            tag == "input" and values.get("type", "text") not in NOT_CONTROLS)
        if is_control and self.forms:
            self.page.controls.append(Control(
                values, self.label_stack[-1] if self.label_stack else None, self.forms[-1]))
        if tag in VOID:
            return
        unseen = "visually-hidden" in values.get("class", "").split()
        gone = values.get("aria-hidden") == "true" or "hidden" in values
        self.stack.append((tag, unseen, gone))
        if tag == "form":
            self.form_count += 1
            self.forms.append(self.form_count)
        elif tag == "label":
            label = Label(values.get("for", ""))
            self.page.labels.append(label)
            self.label_stack.append(label)

    def handle_endtag(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _unseen, _gone in self.stack):
            return
        while self.stack:
            open_tag, _unseen, _gone = self.stack.pop()
            if open_tag == "form" and self.forms:
                self.forms.pop()
            elif open_tag == "label" and self.label_stack:
                self.label_stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.label_stack:
            return
        unseen, gone = self._hidden()
        label = self.label_stack[-1]
        if not gone:
            label.text += data
        if not unseen:
            label.seen += data


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page

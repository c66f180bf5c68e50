"""Personalise…: a personalised cart item's form (docs/personalise.md, "In the desktop cart").

Every field of the store's form with its label (required ones marked), help, limits, the shop's
comments and who changed it last; the price the answers make, progress and what is missing;
the shop's request to edit with the shopper (Allow / No thanks, then Stop). Each change is
handed to the core at once (core/drafts.py keeps it and sends it); a value from the hub replaces
what a field shows only when the shopper has no unsaved change in it.
"""

from __future__ import annotations

from shared_protocol.forms import DraftView, FieldSpec

from ..core.draft_form import value_text
from ..core.draft_state import Draft, Key
from ..core.drafts import Drafts
from ..core.lang import _
from ..core.money import format_money
from ..core.observable import Subscriptions
from .form_fields import FieldEditor, editor_for
from .qt import (
    QDialog,
    QDialogButtonBox,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .runner import Run

MUTED = "color: #5f5f5f"
ALERT = "color: #b02020"
SHOP = "color: #6a3d9a"


def text_label(text: str = "", *, style: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # the store's and the shopper's words
    label.setWordWrap(wrap)
    if style:
        label.setStyleSheet(style)
    return label


class FieldBlock(QWidget):
    """One field: label, editor, hints, the shop's marks and comments, and its problem."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__()
        self.spec = spec
        title = spec.label + (" *" if spec.required else "")
        self.label = text_label(title)
        font = QFont(self.label.font())
        font.setBold(True)
        self.label.setFont(font)
        self.editor: FieldEditor = editor_for(spec)
        self.label.setBuddy(self.editor)
        self.editor.setAccessibleDescription(spec.help)
        from ..core.draft_form import limits_text

        hints = " · ".join(part for part in (spec.help, limits_text(spec)) if part)
        self.hint = text_label(hints, style=MUTED)
        self.hint.setVisible(bool(hints))
        self.mark = text_label(style=SHOP)
        self.comments = QVBoxLayout()
        self.comments.setContentsMargins(12, 0, 0, 0)
        self._comment_texts: list[str] = []
        self.problem = text_label(style=ALERT)
        # Its line is always there, so a problem appearing moves nothing below it.
        self.problem.setMinimumHeight(self.problem.fontMetrics().lineSpacing())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        for widget in (self.label, self.editor, self.hint, self.mark):
            layout.addWidget(widget)
        layout.addLayout(self.comments)
        layout.addWidget(self.problem)

    def show_comments(self, texts: list[str]) -> None:
        """Redrawn only when they changed (a redraw on every save flickers and moves things)."""
        if texts == self._comment_texts:
            return
        self._comment_texts = list(texts)
        while self.comments.count():
            item = self.comments.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for text in texts:
            self.comments.addWidget(text_label(text, style=SHOP))


class PersonaliseDialog(QDialog):
    def __init__(
        self, drafts: Drafts, key: Key, name: str, run: Run, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self.key = key
        self._run = run
        self.setWindowTitle(_("Personalise {name}", name=name))
        self.setMinimumWidth(560)
        self.heading = text_label()
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.intro = text_label()
        self.price = text_label()
        self.progress = text_label()
        self.progress.setAccessibleName(_("Progress"))
        # The shop's request to edit with the shopper, and its answer.
        self.consent = QFrame()
        self.consent.setFrameShape(QFrame.Shape.StyledPanel)
        self.consent_text = text_label()
        self.allow_button = QPushButton(_("Allow"))
        self.refuse_button = QPushButton(_("No thanks"))
        self.stop_button = QPushButton(_("Stop"))
        row = QHBoxLayout(self.consent)
        row.addWidget(self.consent_text, 1)
        for button in (self.allow_button, self.refuse_button, self.stop_button):
            row.addWidget(button)
        self.allow_button.clicked.connect(lambda: self._consent(True))
        self.refuse_button.clicked.connect(lambda: self._consent(False))
        self.stop_button.clicked.connect(lambda: self._consent(False))
        self.form_comments = QVBoxLayout()
        self.fields = QWidget()
        self.blocks: dict[str, FieldBlock] = {}
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.status = text_label(wrap=True)
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())
        self.status.setAccessibleName(_("Save status"))
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.intro, self.price, self.progress, self.consent):
            layout.addWidget(widget)
        layout.addLayout(self.form_comments)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._form_version = -1
        self._form_comment_texts: list[str] | None = None
        self.resize(640, 680)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(drafts.changed, self._on_changed)
        self.finished.connect(lambda _result: self._closing())
        self.refresh()

    @property
    def draft(self) -> Draft | None:
        return self._drafts.items.get(self.key)

    def detach(self) -> None:
        self._subscriptions.disconnect_all()

    def _closing(self) -> None:
        self.detach()
        self._run(self._drafts.flush([self.key]))  # what was typed goes now, not in a moment

    def _on_changed(self, key: Key) -> None:
        if key == self.key:
            self.refresh()

    # ---- rendering ------------------------------------------------------------------------------

    def _build(self, view: DraftView) -> None:
        """The fields, when first shown and when the store changed its form."""
        self._form_version = view.form_version
        self.blocks = {}
        self.fields = QWidget()
        column = QVBoxLayout(self.fields)
        for spec in view.form.fields:
            block = self.blocks[spec.key] = FieldBlock(spec)
            block.editor.edited.connect(lambda key=spec.key: self._edited(key))
            column.addWidget(block)
        column.addStretch(1)
        old = self.scroller.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroller.setWidget(self.fields)

    def refresh(self) -> None:
        draft = self.draft
        view = draft.view if draft is not None else None
        if draft is None or view is None:
            self.heading.setText(_("The form is not on this computer yet."))
            self.status.setText(_("It loads when the cart is online."))
            return
        built = view.form_version != self._form_version
        if built:
            self._build(view)
        self.heading.setText(f"{view.product_name} · {view.store_name}")
        self.intro.setText(view.form.intro)
        self.intro.setVisible(bool(view.form.intro))
        self.price.setText(
            _(
                "Price with your answers: {price} each",
                price=format_money(view.unit_price.amount, view.unit_price.currency),
            )
        )
        self._show_progress(draft)
        self._show_consent(view)
        shop_edits = view.shop_editing == "allowed"
        values = draft.values
        problems = draft.problems()
        for key, block in self.blocks.items():
            # New editors show everything kept, unsaved edits too; later, a value from the hub
            # never goes over what the shopper has not saved yet.
            if built or key not in draft.pending:
                block.editor.set_value(values.get(key))
            state = view.values.get(key)
            if state is not None and state.by == "shop":
                block.mark.setText(_("Changed by {name} (shop)", name=state.by_name))
                block.mark.setToolTip(_("The latest change of this field was the shop's."))
            else:
                block.mark.setText("")
            block.mark.setVisible(bool(block.mark.text()))
            block.show_comments(
                [
                    _("{name} (shop): {text}", name=c.by_name, text=c.text)
                    for c in view.comments
                    if c.field == key
                ]
            )
            if key in draft.overridden:
                block.problem.setText(
                    _(
                        "Changed elsewhere; your offline edit was not sent. You had typed: {text}",
                        text=value_text(draft.overridden[key]),
                    )
                )
            else:
                block.problem.setText(
                    _("Not saved: {problem}", problem=problems[key]) if key in problems else ""
                )
            block.editor.setToolTip(
                _("The shop may edit this form with you now.") if shop_edits else ""
            )
        self._show_form_comments(view)
        self.status.setText(draft.status_text())

    def _show_progress(self, draft: Draft) -> None:
        shown = draft.progress
        if shown is None:
            return
        if shown.complete:
            self.progress.setText(_("Every required answer is there: ready to check out."))
        else:
            self.progress.setText(
                _(
                    "{done} of {required} required answers done. Still to fill: {missing}.",
                    done=shown.done,
                    required=shown.required,
                    missing=", ".join(shown.missing),
                )
            )

    def _show_consent(self, view: DraftView) -> None:
        asked = view.shop_editing == "asked"
        allowed = view.shop_editing == "allowed"
        self.consent.setVisible(asked or allowed)
        if asked:
            self.consent_text.setText(
                _(
                    "{store} asks to edit this form with you. Let the shop edit your form?",
                    store=view.store_name,
                )
            )
        elif allowed:
            self.consent_text.setText(
                _(
                    "{store} may edit this form with you; its changes show here as they are made.",
                    store=view.store_name,
                )
            )
        self.allow_button.setVisible(asked)
        self.refuse_button.setVisible(asked)
        self.stop_button.setVisible(allowed)

    def _show_form_comments(self, view: DraftView) -> None:
        shown = [
            _("{name} (shop): {text}", name=comment.by_name, text=comment.text)
            for comment in view.comments
            if comment.field is None or comment.field not in self.blocks
        ]
        if shown == self._form_comment_texts:
            return
        self._form_comment_texts = shown
        while self.form_comments.count():
            item = self.form_comments.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for text in shown:
            self.form_comments.addWidget(text_label(text, style=SHOP))

    # ---- the shopper's changes --------------------------------------------------------------

    def _edited(self, key: str) -> None:
        block = self.blocks[key]
        store_id, product_id = self.key
        self._run(self._drafts.edit(store_id, product_id, {key: block.editor.value()}))

    def _consent(self, allow: bool) -> None:
        store_id, product_id = self.key
        self._run(self._drafts.consent(store_id, product_id, allow))

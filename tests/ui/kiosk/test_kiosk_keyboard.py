"""The kiosk's own on-screen keyboard: touching a field shows it, its keys type into that field,
and it leaves with "Done", a reset, or a screen without text fields. Real windows and clicks."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from tests.helpers.kiosk import PASSWORD, TIMEOUT
from ui.kiosk.keyboard_keys import ROWS


def _touch(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, widget.height() // 2))


def _type(qtbot, win, labels: list[str]) -> None:
    for name in labels:
        _touch(qtbot, win.keyboard.buttons[name])


def _spell(text: str) -> list[str]:
    return [("space" if c == " " else c) for c in text]


def _fully_visible(win, widget: QLineEdit) -> bool:
    top_left = widget.mapTo(win, QPoint(0, 0))
    bottom = top_left.y() + widget.height()
    return widget.isVisible() and top_left.y() >= 0 and bottom <= win.keyboard.geometry().top()


def test_touching_the_email_field_shows_keys_that_type_into_it(qtbot, make_window):
    win = make_window("demo", size=(1024, 600))
    win.attract.start_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.sign_in, timeout=TIMEOUT)
    assert win.sign_in.email.hasFocus() and not win.keyboard.isVisible()  # focused by code only
    _touch(qtbot, win.sign_in.email)
    assert win.keyboard.isVisible() and win.keyboard.target is win.sign_in.email
    _type(qtbot, win, [*_spell("maya.o_neil+1@example"), ".com", "x", "⌫"])
    assert win.sign_in.email.text() == "maya.o_neil+1@example.com"
    # docked under the screens, and the field it types into stays in sight above it
    assert win.keyboard.geometry().bottom() == win.centralWidget().height() - 1
    qtbot.waitUntil(lambda: _fully_visible(win, win.sign_in.email), timeout=TIMEOUT)


def test_shift_gives_one_capital_and_done_puts_it_away(qtbot, make_window):
    win = make_window("demo")
    win.attract.start_button.click()
    win.sign_in.to_register.click()
    _touch(qtbot, win.sign_in.first_name)
    _type(qtbot, win, ["⇧", "a", "n", "n", "e", "-", "⇧", "m", "a", "r", "i", "e"])
    assert win.sign_in.first_name.text() == "Anne-Marie"
    _touch(qtbot, win.sign_in.last_name)  # another field: the keys follow the touch
    assert win.keyboard.target is win.sign_in.last_name
    _touch(qtbot, win.keyboard.buttons["⇧"])
    assert win.keyboard.buttons["o"].text() == "O" and win.keyboard.buttons["⇧"].isChecked()
    _type(qtbot, win, ["o", "'", "⇧", "n", "e", "i", "l", "space", "⇧", "v", "a", "n"])
    assert win.sign_in.last_name.text() == "O'Neil Van"
    assert win.sign_in.first_name.text() == "Anne-Marie"
    assert win.keyboard.buttons["o"].text() == "o"
    _touch(qtbot, win.keyboard.buttons["Done"])
    assert not win.keyboard.isVisible() and win.keyboard.target is None
    _type(qtbot, win, ["x"])  # hidden keys type nothing
    assert win.sign_in.last_name.text() == "O'Neil Van"
    _touch(qtbot, win.sign_in.last_name)  # touched again: back
    assert win.keyboard.isVisible()


def _accent(letter: str) -> str:
    """The label of the key that types ``letter`` with the accents key on."""
    return next(key.label for row in ROWS for key in row if key.accent == letter)


def test_the_accents_key_types_one_accented_letter_of_a_name(qtbot, make_window):
    win = make_window("demo")
    win.attract.start_button.click()
    win.sign_in.to_register.click()
    _touch(qtbot, win.sign_in.first_name)
    _type(qtbot, win, ["⇧", "z", "o", "àé"])
    assert win.keyboard.buttons[_accent("ë")].text() == "ë"  # the keys show what they type
    assert win.keyboard.buttons["àé"].isChecked()
    _type(qtbot, win, [_accent("ë")])
    assert win.sign_in.first_name.text() == "Zoë"
    assert win.keyboard.buttons[_accent("ë")].text() == _accent("ë")  # back to the plain keys
    assert not win.keyboard.buttons["àé"].isChecked()
    _touch(qtbot, win.sign_in.last_name)
    _type(qtbot, win, ["⇧", "àé"])
    assert win.keyboard.buttons[_accent("ł")].text() == "Ł"  # shift and accents together
    _type(qtbot, win, [_accent("ł"), *"ukasz", "space", "⇧", "m", "u", "àé", _accent("ñ"), "o"])
    _type(qtbot, win, ["z", "⇧", "àé", _accent("ß")])  # no one-letter capital: stays ß
    assert win.sign_in.last_name.text() == "Łukasz Muñozß"
    assert not win.keyboard.shifted and not win.keyboard.accented
    _type(qtbot, win, ["àé"])
    _touch(qtbot, win.sign_in.first_name)  # another field: the accents key is off again
    assert not win.keyboard.accented
    assert win.keyboard.buttons[_accent("à")].text() == _accent("à")


def test_a_password_typed_on_the_keys_signs_in_and_the_keyboard_goes(qtbot, make_window, ctx):
    ctx.auth.register(
        email="maya@example.com", first_name="Maya", last_name="Ortiz", role="patient",
        password=PASSWORD,
    )  # fmt: skip
    win = make_window("demo")
    win.attract.start_button.click()
    _touch(qtbot, win.sign_in.email)
    _type(qtbot, win, [*_spell("maya@example"), ".com"])
    _touch(qtbot, win.sign_in.password)
    assert win.keyboard.target is win.sign_in.password
    _type(qtbot, win, _spell(PASSWORD))
    assert win.sign_in.password.text() == PASSWORD
    win.sign_in.sign_in_button.click()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.consent_screen, timeout=TIMEOUT)
    assert win.patient is not None and win.patient.email == "maya@example.com"
    qtbot.waitUntil(lambda: not win.keyboard.isVisible(), timeout=TIMEOUT)  # no field to type in


def test_a_reset_puts_the_keyboard_away(qtbot, make_window):
    win = make_window("demo")
    win.attract.start_button.click()
    _touch(qtbot, win.sign_in.email)
    _type(qtbot, win, _spell("maya"))
    win.sign_in.back.click()  # "Start over"
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.attract, timeout=TIMEOUT)
    assert not win.keyboard.isVisible() and win.keyboard.target is None


def test_the_pin_field_keeps_its_own_keypad(qtbot, make_window):
    win = make_window("demo")
    win.show_screen(win.pin)
    _touch(qtbot, win.pin.pin)
    assert not win.keyboard.isVisible()


def test_staff_type_a_path_and_a_camera_into_the_settings(qtbot, make_window):
    win = make_window("demo")
    win.show_screen(win.admin)
    win.admin.logo.clear()
    _touch(qtbot, win.admin.logo)
    _type(qtbot, win, _spell("/media/logo.png"))
    assert win.admin.logo.text() == "/media/logo.png"
    camera = win.admin.camera.lineEdit()
    camera.clear()
    _touch(qtbot, camera)  # an editable combo box: its own line edit
    assert win.keyboard.target is camera and win.keyboard.isVisible()
    _type(qtbot, win, _spell("file:/v.mp4"))
    assert win.admin.camera.currentText() == "file:/v.mp4"


def test_every_key_has_a_button_and_a_touch_sized_height(qtbot, make_window):
    win = make_window("demo", size=(1024, 600))
    win.attract.start_button.click()
    _touch(qtbot, win.sign_in.email)
    labels = [key.label for row in ROWS for key in row]
    assert len(labels) == len(set(labels)) == len(win.keyboard.buttons)
    for name in labels:
        assert win.keyboard.buttons[name].isVisible()
        assert win.keyboard.buttons[name].height() >= 44, name
    assert win.height() == 600  # the keyboard does not push the window past the screen


def test_the_screens_slide_up_to_keep_the_field_in_sight_and_come_back(qtbot, make_window):
    win = make_window("demo", size=(1024, 600))
    win.takeaway.begin(email="", printer="")
    win.show_screen(win.takeaway)
    dock = win.centralWidget()
    field = win.takeaway.address
    _touch(qtbot, field)
    assert win.keyboard.isVisible() and _fully_visible(win, field)
    assert win.stack.height() == dock.height()  # slid, not squeezed
    win.sign_in.to_register.click()
    win.show_screen(win.sign_in)
    _touch(qtbot, win.sign_in.new_password)  # low on the screen: slides further
    assert dock.lift() > 0 and _fully_visible(win, win.sign_in.new_password)
    _touch(qtbot, win.keyboard.buttons["Done"])
    assert dock.lift() == 0 and win.stack.geometry() == dock.rect()


def test_keys_stay_fingertip_sized_on_a_small_screen_drawn_at_scale_075(qtbot):
    """A 1024x600 kiosk is drawn at Qt's scale factor 0.75 (1365x800 logical): the keyboard grows
    so that every key is still TOUCH_PX of the screen's own pixels tall."""
    from ui.kiosk.keyboard import TOUCH_PX, OnScreenKeyboard

    keyboard = OnScreenKeyboard()
    qtbot.addWidget(keyboard)
    plain = keyboard.height_for(800)
    scaled = keyboard.height_for(800, 0.75)
    assert scaled > plain
    keyboard.setGeometry(0, 0, 1365, scaled)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    heights = {button.height() for button in keyboard.buttons.values()}
    assert min(heights) * 0.75 >= TOUCH_PX
    keyboard.setGeometry(0, 0, 1365, plain)  # what the keyboard was before: keys too small
    qtbot.wait(10)
    assert min(b.height() for b in keyboard.buttons.values()) * 0.75 < TOUCH_PX

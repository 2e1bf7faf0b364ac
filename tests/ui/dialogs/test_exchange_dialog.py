"""The exchange dialog asks for the private key's passphrase: a wrong one is said in the
passphrase dialog and changes nothing; an old key without one is protected from the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.exchange.sync.test_encryption import write_unprotected_key
from tests.ui.dialogs.test_import_sheet import give_passphrase
from workinggroup_app.domain import models
from workinggroup_app.exchange import sync
from workinggroup_ui.dialogs.exchange import ExchangeDialog

SECRET = "desktop passphrase"


def open_dialog(ctx, qtbot, key_dir) -> ExchangeDialog:
    dialog = ExchangeDialog(ctx, key_dir=key_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_wrong_passphrase_is_said_and_nothing_is_written(ctx, qtbot, tmp_path):
    keys = tmp_path / "keys"
    sync.generate_key("US", directory=keys, passphrase=SECRET)
    their_keys = tmp_path / "their-keys"
    sync.generate_key("PRC", directory=their_keys, passphrase=SECRET)
    sync.register_key(ctx.db, "PRC MPS", (their_keys / sync.PUBLIC_KEY).read_bytes())
    dialog = open_dialog(ctx, qtbot, keys)
    assert not dialog.protect_key_button.isEnabled()  # already protected

    qtbot.keyClicks(dialog.out_path, str(tmp_path / "out.zip"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    give_passphrase(qtbot, dialog, "not the passphrase")
    ctx.ops.wait()
    asked = dialog.passphrase_dialog
    assert asked.isVisible()  # still open, to try again
    assert "Wrong passphrase" in asked.error.text() and asked.error.isVisible()
    assert not (tmp_path / "out.zip").exists()
    with ctx.db.session() as s:
        assert s.query(models.ExchangePackage).count() == 0

    give_passphrase(qtbot, dialog, SECRET)
    ctx.ops.wait()
    assert not asked.isVisible()
    assert (tmp_path / "out.zip").exists()
    assert "Encrypted to: PRC MPS, US" in dialog.send_result.text()

    # cancelling the question writes nothing either
    dialog.close()
    again = open_dialog(ctx, qtbot, keys)
    again.out_path.setText(str(tmp_path / "second.zip"))
    qtbot.mouseClick(again.export_button, Qt.MouseButton.LeftButton)
    cancel = again.passphrase_dialog.buttons.button(
        again.passphrase_dialog.buttons.StandardButton.Cancel
    )
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    ctx.ops.wait()
    assert not (tmp_path / "second.zip").exists()


def test_without_a_registered_counterpart_the_export_says_what_to_do(ctx, qtbot, tmp_path):
    keys = tmp_path / "keys"
    sync.generate_key("US", directory=keys, passphrase=SECRET)
    dialog = open_dialog(ctx, qtbot, keys)
    assert dialog.to_combo.count() == 0
    qtbot.keyClicks(dialog.out_path, str(tmp_path / "out.zip"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    give_passphrase(qtbot, dialog, SECRET)
    ctx.ops.wait()
    assert "register the counterpart's public key first" in dialog.error.text()
    assert not (tmp_path / "out.zip").exists()


def test_an_old_unprotected_key_is_protected_from_the_dialog(ctx, qtbot, tmp_path):
    keys = tmp_path / "keys"
    fp = write_unprotected_key(keys)
    dialog = open_dialog(ctx, qtbot, keys)
    assert "without a passphrase" in dialog.own_key_label.text()
    assert dialog.protect_key_button.isEnabled()

    qtbot.mouseClick(dialog.protect_key_button, Qt.MouseButton.LeftButton)
    asked = dialog.passphrase_dialog
    qtbot.keyClicks(asked.passphrase, SECRET)
    qtbot.keyClicks(asked.confirm, SECRET + "x")
    qtbot.mouseClick(
        asked.buttons.button(asked.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert "not the same" in asked.error.text() and asked.isVisible()
    assert not sync.key_info(keys).protected

    asked.confirm.clear()
    qtbot.keyClicks(asked.confirm, SECRET)
    qtbot.mouseClick(
        asked.buttons.button(asked.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    ctx.ops.wait()
    assert not asked.isVisible()
    assert sync.key_info(keys).protected
    assert sync.own_key(keys, SECRET)[1].fingerprint == fp  # the same key
    assert "without a passphrase" not in dialog.own_key_label.text()
    assert not dialog.protect_key_button.isEnabled()

"""SkinLab's PySide6 interface: kiosk, desktop, shared widgets. No SQL, HTTP or image maths here."""

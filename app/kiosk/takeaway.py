"""The kiosk's files and mail: the report (built, saved to a USB stick, emailed) and photos read
from a USB stick when the camera fails. Part of :class:`app.kiosk.services.KioskAppServices`.

Who may: whoever stands at the kiosk, for their own visit only; the screens hold one visit's data
and the kiosk forgets it at the reset. Email within a few per visit and a cap per hour. Files are read from and written to detected USB sticks only
(:mod:`app.kiosk.drives`). A signed-in patient's email waits in the mail queue (encrypted, kept
until sent, then under the retention period); a guest's is sent at once from memory or not at all,
so a guest's visit leaves nothing on disk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.context import AppContext
from app.kiosk import drives
from app.kiosk.images import fit
from app.kiosk.mail_limits import MailLimits
from app.kiosk.reports import build_report_pdf, write_report
from core.analysis.intake import load_image
from core.errors import SkinLabError
from core.mail import MailNotSentError, deliver_queued, queue_email, send_now
from ui.kiosk.ports import (
    RGB,
    AnalysisView,
    ConsentChoice,
    DrivePhoto,
    EmailOffer,
    EmailResult,
    KioskConfig,
    Patient,
)

THUMB_SIDE = 220
PHOTO_LONG_SIDE = 8000
"""A photo from a stick is decoded at full size up to this long side (a 12 MP phone photo keeps
every pixel: a face far from the camera needs them, and at 2000 px a 50 px face was measured at
25 and refused as too small); a larger one at the deepest JPEG reduction that keeps it."""
NO_CONSENT = (
    "Email needs your consent to keep the report until it is sent. "
    "Save it to a USB stick or print it instead."
)
GUEST_NO_MAIL = (
    "This kiosk cannot send email right now, and it keeps nothing of a guest's visit. "
    "Save the report to a USB stick or print it instead."
)
GUEST_MAIL = "Sent at once. Your address and the report are not kept on this kiosk."
GUEST_NOT_SENT = "{reason} Nothing was kept: save the report to a USB stick or print it instead."
SUBJECT = "Your skin report from {clinic}"
BODY = "Your SkinLab report is attached. Cosmetic guidance, not a medical diagnosis."


class TakeAwayServices:
    ctx: AppContext
    mail_limits: MailLimits

    def config(self) -> KioskConfig:
        raise NotImplementedError

    # -- USB sticks ----------------------------------------------------------------------------
    def removable_folders(self) -> list[tuple[str, Path]]:
        return drives.removable_folders()

    def drive_photos(self) -> list[DrivePhoto]:
        """The newest photos on the sticks with small previews; unreadable files are left out."""
        found: list[DrivePhoto] = []
        for photo in drives.photos_on(self.removable_folders()):
            try:
                small = load_image(photo.path, decode_long_side=THUMB_SIDE).rgb
            except SkinLabError:
                continue
            when = datetime.fromtimestamp(photo.modified)
            found.append(
                DrivePhoto(
                    path=photo.path,
                    name=photo.path.name,
                    detail=f"{photo.size / 1e6:.1f} MB, {when:%d %b %Y}",
                    thumbnail=fit(small, THUMB_SIDE),
                )
            )
        return found

    def load_photo(self, path: Path) -> RGB:
        on_stick = drives.require_on_drive(path, self.removable_folders())
        return load_image(on_stick, decode_long_side=PHOTO_LONG_SIDE).rgb

    # -- the report ----------------------------------------------------------------------------
    def report_pdf(self, view: AnalysisView, patient: Patient | None) -> bytes:
        config = self.config()
        return build_report_pdf(
            view,
            patient_name=patient.full_name if patient else None,
            clinic_name=config.clinic_name,
            logo_path=config.logo_path,
        )

    def save_report(self, pdf: bytes, *, folder: Path, name: str) -> Path:
        on_stick = drives.require_on_drive(folder, self.removable_folders())
        return write_report(pdf, folder=on_stick, name=name)

    # -- email ---------------------------------------------------------------------------------
    def email_offer(self, patient: Patient | None, consent: ConsentChoice | None) -> EmailOffer:
        if patient is None:
            if not self.ctx.settings.smtp_host:
                return EmailOffer(allowed=False, note=GUEST_NO_MAIL)
            return EmailOffer(allowed=True, note=GUEST_MAIL, immediate=True)
        if consent is None or not consent.granted:
            return EmailOffer(allowed=False, note=NO_CONSENT)
        return EmailOffer(allowed=True, note="")

    def email_report(
        self, pdf: bytes, *, to: str, name: str, patient: Patient | None
    ) -> EmailResult:
        """A patient's: queued (:meth:`deliver_mail` sends it). A guest's: sent now, or refused.

        Either way within the visit's and the hour's limits (:mod:`app.kiosk.mail_limits`)."""
        subject = SUBJECT.format(clinic=self.config().clinic_name)
        with self.mail_limits.sending() as counted:
            if patient is None:
                try:
                    sent = send_now(
                        self.ctx.settings, to=to, subject=subject, body=BODY,
                        attachment_name=name, attachment=pdf,
                    )  # fmt: skip
                except MailNotSentError as exc:
                    raise MailNotSentError(GUEST_NOT_SENT.format(reason=exc.message)) from exc
                with self.ctx.database.write() as session:
                    counted(session, False)
                return EmailResult(to=sent, queued=False)
            with self.ctx.database.write() as session:
                message = queue_email(
                    session, self.ctx.images, to=to, subject=subject, body=BODY,
                    attachment_name=name, attachment=pdf,
                )  # fmt: skip
                address = message.to_address
                counted(session, True)
            return EmailResult(to=address, queued=True)

    def deliver_mail(self) -> str:
        report = deliver_queued(self.ctx.database, self.ctx.images, self.ctx.settings)
        if report.sent:
            return "Sent."
        if not self.ctx.settings.smtp_host:
            return "It will be sent as soon as the clinic's mail server is set up."
        return "It will be sent as soon as the mail server can be reached."

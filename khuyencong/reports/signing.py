"""PAdES signatures of issued reports (pyHanko): sign with the organisation's certificate, check uploads.

The organisation's certificate is a PKCS#12 file named by ``KHUYENCONG_REPORT_SIGNING_PKCS12``. Outside
production a self-signed demo certificate is created under ``VAR_DIR`` when none is configured, so
signing works out of the box; production refuses to sign without a configured certificate.

An uploaded signed PDF (officials often sign with their own USB token) is kept only when every
signature in it is intact and cryptographically valid, the first one covers the issued document's
bytes unchanged (they are the file's first revision) and the last one covers the whole file.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "ChuKySoCoQuan"
DEMO_ORGANISATION = "Sở Công Thương (demo)"
DEMO_PASSPHRASE = "khuyencong-demo"  # noqa: S105  # protects a throwaway self-signed demo key only
STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
STAMP_SIZE = (230.0, 40.0)  # points; fits the space between the signer's title and name


class SigningError(Exception):
    """Signing, or accepting a signed file, is refused for the reason in the (Vietnamese) message."""


@dataclass(frozen=True)
class SignatureInfo:
    signer: str  # the certificate's subject, as people read it
    signed_at: dt.datetime | None
    trusted: bool  # the certificate chains up to a trust root (the organisation's own certificate)


# --- the organisation's certificate ---------------------------------------------------------------

def demo_certificate_path() -> Path:
    return Path(settings.VAR_DIR) / "signing" / "demo-certificate.p12"


def ensure_demo_certificate(path: Path | None = None, *, organisation: str = DEMO_ORGANISATION,
                            passphrase: str = DEMO_PASSPHRASE, valid_days: int = 3650,
                            not_before: dt.datetime | None = None) -> Path:
    """Create a self-signed certificate with its key as PKCS#12 (once); tests use it for expired ones too."""
    target = path or demo_certificate_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(make_pkcs12(organisation=organisation, passphrase=passphrase, valid_days=valid_days,
                                   not_before=not_before))
    return target


def make_pkcs12(*, organisation: str, passphrase: str, valid_days: int = 3650,
                not_before: dt.datetime | None = None) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, organisation)])
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        organisation.encode(), key, cert, None, serialization.BestAvailableEncryption(passphrase.encode()))


def _configured_certificate() -> tuple[Path, str]:
    if settings.REPORT_SIGNING_PKCS12:
        return Path(settings.REPORT_SIGNING_PKCS12), settings.REPORT_SIGNING_PASSPHRASE
    if not settings.REPORT_SIGNING_DEMO:
        raise SigningError(_("Chưa cấu hình chứng thư số của cơ quan (KHUYENCONG_REPORT_SIGNING_PKCS12) nên "
                             "không thể ký số báo cáo. Hãy báo quản trị hệ thống."))
    return ensure_demo_certificate(), DEMO_PASSPHRASE


def load_signer() -> Any:
    """The organisation's signer, refused (``SigningError``) for a missing file, wrong passphrase or bad dates."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path, passphrase = _configured_certificate()
    try:
        data = path.read_bytes()
    except OSError:
        raise SigningError(_("Không đọc được tệp chứng thư số %(path)s.") % {"path": path}) from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError:
        raise SigningError(_("Mật khẩu của chứng thư số không đúng, hoặc tệp không phải chứng thư PKCS#12.")) \
            from None
    if key is None or cert is None:
        raise SigningError(_("Tệp chứng thư số không chứa khóa bí mật và chứng thư để ký."))
    _require_in_force(cert.not_valid_before_utc, cert.not_valid_after_utc)
    return _simple_signer(key, cert, extra)


def _require_in_force(start: dt.datetime, end: dt.datetime) -> None:
    now = dt.datetime.now(dt.UTC)
    if end < now:
        raise SigningError(_("Chứng thư số của cơ quan đã hết hạn ngày %(day)s; không thể ký số.")
                           % {"day": timezone.localtime(end).strftime("%d/%m/%Y")})
    if start > now:
        raise SigningError(_("Chứng thư số của cơ quan chỉ có hiệu lực từ ngày %(day)s.")
                           % {"day": timezone.localtime(start).strftime("%d/%m/%Y")})


def _simple_signer(key: Any, cert: Any, extra: list[Any]) -> Any:
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    key_info = keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    certs = [x509.Certificate.load(c.public_bytes(der)) for c in extra]
    return signers.SimpleSigner(signing_cert=x509.Certificate.load(cert.public_bytes(der)), signing_key=key_info,
                                cert_registry=SimpleCertificateStore.from_certs(certs))


def organisation_trust_roots() -> list[Any]:
    """The organisation's own certificate is trusted explicitly (it need not chain to a public CA)."""
    try:
        signer = load_signer()
    except SigningError:
        return []
    return [signer.signing_cert]


# --- signing ------------------------------------------------------------------------------------------

def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The issued PDF with an incremental PAdES signature; its stamp sits in the signature block."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page, box = signature_box(writer)
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style(),
                                   new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=box))
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()


def _stamp_style() -> Any:
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    box_style = text.TextBoxStyle(font=GlyphAccumulatorFactory(str(STAMP_FONT)), font_size=8) \
        if STAMP_FONT.exists() else text.TextBoxStyle(font_size=8)
    label = "Đã ký số bởi" if STAMP_FONT.exists() else "Da ky so boi"  # the built-in font has no diacritics
    when = "Thời gian" if STAMP_FONT.exists() else "Thoi gian"
    fit = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                     inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
                                     margins=layout.Margins.uniform(3))
    return stamp.TextStampStyle(stamp_text=f"{label}: %(signer)s\n{when}: %(ts)s", text_box_style=box_style,
                                timestamp_format="%d/%m/%Y %H:%M:%S %z", border_width=1,
                                inner_content_layout=fit)


def signature_box(writer: Any) -> tuple[int, tuple[int, int, int, int]]:
    """Page index and box of the signature block, from the named destination WeasyPrint writes for its id.

    The report template marks the block with ``id="signature-block"``; without it (an older layout) the
    stamp goes at the bottom right of the last page.
    """
    root = writer.root
    pages = _page_refs(writer)
    try:
        dests = root["/Names"]["/Dests"]
        target = _find_dest(dests, "signature-block")
    except KeyError:
        target = None
    width, height = STAMP_SIZE
    if target is not None:
        page_id, left, top = target
        if page_id in pages:
            x, y = int(left), int(top) - 17  # below the signer's title line
            return pages.index(page_id), (x, int(y - height), int(x + width), y)
    return len(pages) - 1, (330, 60, int(330 + width), int(60 + height))


def _page_refs(writer: Any) -> list[Any]:
    reader = writer.prev
    return [reader.find_page_for_modification(i)[0].idnum for i in range(int(reader.root["/Pages"]["/Count"]))]


def _find_dest(node: Any, name: str) -> tuple[int, float, float] | None:
    """Walk a PDF name tree for ``name``; a destination is [page /XYZ left top zoom]."""
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names), 2):
            if str(names[i]) == name:
                dest = names[i + 1]
                dest = dest["/D"] if hasattr(dest, "keys") else dest
                return dest.raw_get(0).idnum, float(dest[2]), float(dest[3])
    for kid in node.get("/Kids", []):
        found = _find_dest(kid, name)
        if found is not None:
            return found
    return None


# --- checking an uploaded signed file ----------------------------------------------------------------

def check_signed_upload(signed: bytes, *, issued: bytes) -> SignatureInfo:
    """Accept ``signed`` only as the issued document (first revision, unchanged) plus valid signatures."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(signed), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        raise SigningError(_("Tệp tải lên không đọc được như một tệp PDF.")) from None
    if not signatures:
        raise SigningError(_("Tệp tải lên chưa được ký số: không có chữ ký nào trong tệp."))
    statuses = [_validate(sig) for sig in signatures]
    first, last = signatures[0], signatures[-1]
    if not (_first_revision_is(signed, issued) and first.byte_range[1] >= len(issued)):
        raise SigningError(_("Phiên bản được ký không phải là văn bản đã ban hành: phần đầu của tệp phải trùng "
                             "từng byte với tệp PDF đã ban hành."))
    if last.byte_range[2] + last.byte_range[3] != len(signed):
        raise SigningError(_("Tệp đã bị thêm nội dung sau chữ ký cuối cùng."))
    status = statuses[0]
    return SignatureInfo(signer=status.signing_cert.subject.human_friendly, signed_at=status.signer_reported_dt,
                         trusted=bool(status.trusted))


def _first_revision_is(signed: bytes, issued: bytes) -> bool:
    """The issued bytes, then directly the next revision's first object: nothing slipped in between."""
    import re

    rest = signed[len(issued):len(issued) + 64].lstrip(b"\r\n")
    return signed.startswith(issued) and re.match(rb"\d+ \d+ obj", rest) is not None


def _validate(sig: Any) -> Any:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=organisation_trust_roots(), allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, context)
    except Exception:  # a malformed signature dictionary or CMS blob is a broken signature, not a crash
        logger.info("uploaded signature could not be validated", exc_info=True)
        raise SigningError(_("Chữ ký số trong tệp bị hỏng, không kiểm tra được.")) from None
    if not (status.intact and status.valid):
        raise SigningError(_("Chữ ký số không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng."))
    return status


def describe(pdf: bytes) -> SignatureInfo:
    """Who signed a (freshly signed) PDF, and when, as the validator reads it."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    status = _validate(sig)
    return SignatureInfo(signer=status.signing_cert.subject.human_friendly, signed_at=status.signer_reported_dt,
                         trusted=bool(status.trusted))

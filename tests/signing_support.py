"""A test certificate authority and a PDF signed with it (pyHanko + cryptography), for the signed
decision tests: what an approver's USB token produces, made in the test."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import io
from dataclasses import dataclass
from datetime import datetime, timezone

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

VALID_FROM = datetime(2020, 1, 1, tzinfo=timezone.utc)
VALID_UNTIL = datetime(2045, 1, 1, tzinfo=timezone.utc)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signer, content_commitment=signer, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signer,
                         crl_sign=not signer, encipher_only=False, decipher_only=False)


@dataclass
class SigningCA:
    name: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, name: str = "CA thử nghiệm ATTT xã") -> SigningCA:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(VALID_FROM).not_valid_after(VALID_UNTIL)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(_usage(signer=False), critical=True)
                .sign(key, hashes.SHA256()))
        return cls(name, key, cert)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(VALID_FROM).not_valid_after(VALID_UNTIL)
                .add_extension(_usage(signer=True), critical=True)
                .sign(self.key, hashes.SHA256()))
        return key, cert


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def blank_pdf(text: str = "QUYẾT ĐỊNH phê duyệt hồ sơ đề xuất cấp độ") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def signed_pdf(ca: SigningCA, signer_name: str = "Nguyễn Văn Phê Duyệt", pdf: bytes | None = None) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert = ca.issue(signer_name)
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=_asn1_cert(cert), signing_key=private,
                                  cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(ca.cert)]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf or blank_pdf()))
    # pyHanko calls asyncio.run(): not in this thread, where the browser journeys' loop may be running.
    with ThreadPoolExecutor(max_workers=1) as worker:
        output = worker.submit(signers.sign_pdf, writer, signers.PdfSignatureMetadata(field_name="ChuKySo"),
                               signer=signer).result()
    return output.getvalue()


def change_one_signed_byte(data: bytes) -> bytes:
    """Changes one digit of the page size: the file still opens, but its signed bytes differ."""
    position = data.index(b"595")
    return data[:position] + b"596" + data[position + 3:]

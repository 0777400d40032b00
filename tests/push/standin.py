"""A browser's push service, standing in on 127.0.0.1 (a threaded http.server on a random
port). For each POST to /push/<device> it does what a real push service and the browser do
together:

- checks the VAPID authorisation (`Authorization: vapid t=<JWT>, k=<public key>`): the JWT is
  ES256 and its signature verifies with k; `aud` is this service's origin; `exp` is in the
  future and at most 24 hours away; `sub` is the subject expected; k is the server's public
  key (the one the browser subscribed with). A failed check answers 401 and records nothing;
- decrypts the aes128gcm body with the "browser's" private key and auth secret (http_ece), as
  the browser would before handing the payload to the service worker;
- records the JSON payload and answers 201, or the status a test asked for (410, 503, ...).
"""

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Browser:
    """One browser's side of a subscription: its key pair and auth secret."""

    device: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return b64encode(point)

    @property
    def auth_b64(self) -> str:
        return b64encode(self.auth)


@dataclass
class Delivery:
    device: str
    payload: dict
    ttl: str
    urgency: str


class VapidRefused(Exception):
    pass


class PushService:
    """The stand-in. `expect(public_key=, subject=)` says what the VAPID check accepts;
    `answer(device, status)` makes a device's next requests answer `status`."""

    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.delivered: list[Delivery] = []
        self.refused: list[str] = []
        self.answers: dict[str, int] = {}
        self.public_key = ""
        self.subject = ""
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status = service.receive(self)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "PushService":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- set-up --------------------------------------------------------------------------

    def expect(self, *, public_key: str, subject: str) -> None:
        self.public_key, self.subject = public_key, subject

    def browser(self, device: str = "phone") -> Browser:
        self.browsers[device] = Browser(device)
        return self.browsers[device]

    def endpoint(self, device: str = "phone") -> str:
        return f"{self.origin}/push/{device}"

    def answer(self, device: str, status: int) -> None:
        self.answers[device] = status

    # --- a request -----------------------------------------------------------------------

    def receive(self, request: BaseHTTPRequestHandler) -> int:
        device = request.path.rsplit("/", 1)[-1]
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        try:
            self.check_vapid(request.headers.get("Authorization", ""))
        except VapidRefused as why:
            self.refused.append(str(why))
            return 401
        if device in self.answers:
            return self.answers[device]
        browser = self.browsers.get(device)
        if browser is None:
            return 404
        if request.headers.get("Content-Encoding") != "aes128gcm":
            self.refused.append("not aes128gcm")
            return 400
        plain = http_ece.decrypt(
            body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
        )
        self.delivered.append(
            Delivery(
                device=device,
                payload=json.loads(plain),
                ttl=request.headers.get("TTL", ""),
                urgency=request.headers.get("Urgency", ""),
            )
        )
        return 201

    def check_vapid(self, authorization: str) -> None:
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise VapidRefused("not a vapid authorisation")
        parts = dict(item.strip().split("=", 1) for item in rest.split(",") if "=" in item)
        token, key = parts.get("t", ""), parts.get("k", "")
        if key != self.public_key:
            raise VapidRefused("k is not the key the browser subscribed with")
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(b64decode(header_b64))
            claims = json.loads(b64decode(claims_b64))
            signature = b64decode(signature_b64)
        except ValueError as error:
            raise VapidRefused(f"malformed token: {error}") from None
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise VapidRefused("not ES256")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(key))
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise VapidRefused("bad signature") from None
        if claims.get("aud") != self.origin:
            raise VapidRefused(f"aud {claims.get('aud')!r} is not {self.origin}")
        now = time.time()
        if not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
            raise VapidRefused("exp is past or more than 24 hours away")
        if claims.get("sub") != self.subject:
            raise VapidRefused(f"sub {claims.get('sub')!r} is not {self.subject}")

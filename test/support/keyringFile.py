"""
Writes one key as aws-vault's and granted's keyring library writes it in its file backend (99designs/keyring
file.go with dvsekhvalnov/jose2go): FOLDER/<key with % and / percent-encoded>, mode 0600, holding a compact
JWE of the Item JSON read on stdin, PBES2-HS256+A128KW (p2c 8192, a 12-byte p2s) with A256GCM, its header's
keys in the order Go's json.Marshal of a map gives them. An implementation of RFC 7516/7518 of its own (Python's
cryptography), so the tool's reader is checked against something it did not write.

usage: python3 keyringFile.py FOLDER PASSPHRASE KEY < item.json
"""
import base64
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_wrap


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    folder, passphrase, key = sys.argv[1], sys.argv[2], sys.argv[3]
    payload = sys.stdin.buffer.read()
    alg = "PBES2-HS256+A128KW"
    salt_input = os.urandom(12)
    header = {"alg": alg, "created": "2026-11-30 10:00:00 +0000 UTC", "enc": "A256GCM", "p2c": 8192, "p2s": b64url(salt_input)}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    kek = PBKDF2HMAC(algorithm=hashes.SHA256(), length=16, salt=alg.encode() + b"\0" + salt_input, iterations=8192).derive(passphrase.encode())
    cek = os.urandom(32)
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, payload, protected.encode())
    token = ".".join([protected, b64url(aes_key_wrap(kek, cek)), b64url(iv), b64url(sealed[:-16]), b64url(sealed[-16:])])
    name = "".join("%{:02X}".format(ord(c)) if c in "%/" else c for c in key)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, name)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(token)


main()

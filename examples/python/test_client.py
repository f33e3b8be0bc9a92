#!/usr/bin/env python3
"""Offline checks of the independent client against public vectors and Plimsoll's own
hand-written canonical transfer (Tests/PlimsollCoreTests/CanonicalTransferTests.swift), so the
Python and Swift sides cannot drift apart silently.

    python3 -m unittest test_client     (from examples/python; needs coincurve)
"""

from __future__ import annotations

import base64
import csv
import glob
import json
import os
import struct
import unittest

from coincurve import PrivateKey

import plimsoll_client as pc

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "PlimsollCryptoTests", "Fixtures", "vectors")


def load(path: str):
    with open(path) as handle:
        return json.load(handle)


def b64(text: str | None) -> bytes:
    return base64.b64decode(text) if text else b""


class CanonicalTransferTests(unittest.TestCase):
    FROM = bytes.fromhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")  # secret key 1
    TO = bytes.fromhex("c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5")  # secret key 2

    def transfer(self) -> pc.Transfer:
        return pc.Transfer(bytes([0x11]) * 32, "IMO9176187", self.FROM, self.TO, 3, 7, 1_767_225_600)

    def test_payload_and_id_match_the_swift_known_answer(self):
        payload = self.transfer().payload()
        self.assertEqual(len(payload), 131)
        self.assertEqual(payload[32:43], b"\x0aIMO9176187")
        self.assertEqual(payload[-24:], struct.pack(">QQQ", 3, 7, 1_767_225_600))
        self.assertEqual(self.transfer().id(), "a7082a6af50dfcfa15984aff51196598b06f98a991e5abbcf15b2ffaec6a5fa0")

    def test_signature_commits_to_chain_and_payload(self):
        key = PrivateKey((1).to_bytes(32, "big"))
        signed = self.transfer().sign(key)
        self.assertTrue(pc.verify_schnorr(self.FROM, signed.signature, signed.transfer.message()))
        self.assertEqual(signed.entry_bytes(), b"\x10" + signed.transfer.payload() + signed.signature)
        moved = pc.Transfer(bytes(32), "IMO9176187", self.FROM, self.TO, 3, 7, 1_767_225_600)
        self.assertFalse(pc.verify_schnorr(self.FROM, signed.signature, moved.message()))
        with self.assertRaises(ValueError):
            self.transfer().sign(PrivateKey((2).to_bytes(32, "big")))  # not the sender's key

    def test_bad_transfers_are_refused_before_signing(self):
        for asset in ("IMO9176188", "9176187", "imo9176187", "IMO917618"):
            with self.assertRaises(ValueError, msg=asset):
                pc.Transfer(bytes(32), asset, self.FROM, self.TO, 1, 1, 1)
        for amount in (0, 2**53):
            with self.assertRaises(ValueError):
                pc.Transfer(bytes(32), "IMO9176187", self.FROM, self.TO, amount, 1, 1)
        with self.assertRaises(ValueError):
            pc.Transfer(bytes(32), "IMO9176187", self.FROM, self.FROM, 1, 1, 1)


class BIP340VectorTests(unittest.TestCase):
    def test_all_rows(self):
        with open(os.path.join(VECTORS, "bip340", "test-vectors.csv")) as handle:
            rows = list(csv.DictReader(handle))
        self.assertEqual(len(rows), 19)
        for row in rows:
            public = bytes.fromhex(row["public key"])
            message = bytes.fromhex(row["message"])
            signature = bytes.fromhex(row["signature"])
            self.assertEqual(pc.verify_schnorr(public, signature, message), row["verification result"] == "TRUE", row["index"])
            if row["secret key"] and len(message) == 32:
                key = PrivateKey(bytes.fromhex(row["secret key"]))
                self.assertEqual(pc.x_only(key), public)
                self.assertEqual(key.sign_schnorr(message, bytes.fromhex(row["aux_rand"])), signature, row["index"])


class MerkleVectorTests(unittest.TestCase):
    def test_transparency_dev_inclusion(self):
        files = sorted(glob.glob(os.path.join(VECTORS, "merkle", "inclusion", "**", "*.json"), recursive=True))
        self.assertEqual(len(files), 98)
        for path in files:
            case = load(path)
            try:
                root = pc.root_from_inclusion_proof(
                    case["leafIdx"], case["treeSize"], b64(case["leafHash"]), [b64(p) for p in case["proof"] or []]
                )
                ok = root == b64(case["root"])
            except pc.VerificationError:
                ok = False
            self.assertEqual(ok, not case["wantErr"], path)

    def test_transparency_dev_consistency(self):
        files = sorted(glob.glob(os.path.join(VECTORS, "merkle", "consistency", "**", "*.json"), recursive=True))
        self.assertEqual(len(files), 98)
        for path in files:
            case = load(path)
            try:
                pc.verify_consistency(
                    case["size1"], case["size2"], b64(case["root1"]), b64(case["root2"]), [b64(p) for p in case["proof"] or []]
                )
                ok = True
            except pc.VerificationError:
                ok = False
            self.assertEqual(ok, not case["wantErr"], path)

    def test_rfc6962_reference_tree(self):
        reference = load(os.path.join(VECTORS, "merkle", "rfc6962_roots.json"))
        for case in reference["inclusionProofs"]:
            root = pc.root_from_inclusion_proof(
                case["leafIndex"], case["treeSize"], bytes.fromhex(case["leafHash"]), [bytes.fromhex(p) for p in case["proof"]]
            )
            self.assertEqual(root.hex(), case["root"])


class HeaderTests(unittest.TestCase):
    def test_parse_and_verify_a_signed_header(self):
        key = PrivateKey((7).to_bytes(32, "big"))
        chain = bytes([0xAB]) * 32
        header = (
            struct.pack(">H", 1) + chain + struct.pack(">Q", 5) + bytes([1]) * 32 + struct.pack(">QI", 1_700_000_000_000, 2)
            + bytes([2]) * 32 + struct.pack(">Q", 9) + bytes([3]) * 32 + bytes([4]) * 32 + bytes(32)
        )
        block_hash = pc.tagged_hash(pc.TAG_BLOCK, header)
        block = pc.parse_header(header) | {
            "header": header.hex(), "hash": block_hash.hex(), "signature": key.sign_schnorr(block_hash).hex(),
        }
        self.assertEqual(pc.verify_block(block, pc.x_only(key), chain)["log_size"], 9)
        for name, value in (("log_size", 10), ("log_root", "00" * 32), ("signature", "00" * 64)):
            with self.assertRaises(pc.VerificationError, msg=name):
                pc.verify_block(block | {name: value}, pc.x_only(key), chain)
        with self.assertRaises(pc.VerificationError):
            pc.verify_block(block, pc.x_only(PrivateKey()), chain)


if __name__ == "__main__":
    unittest.main()

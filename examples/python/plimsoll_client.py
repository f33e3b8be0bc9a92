"""An independent Plimsoll client: no Swift, only DESIGN.md's canonical formats.

It makes its own BIP-340 keys with coincurve (libsecp256k1), signs transfers in the canonical
form, submits them over HTTP, and checks what the registry answers: the transfer id, the leaf
bytes, the RFC 6962 inclusion proof against the block's log root, the block header's canonical
bytes and the sequencer's signature over the block hash, and consistency between two signed
heads. Holder reads (balances) are signed as DESIGN.md describes.

Only the Python standard library and coincurve are used (pip install coincurve).
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from coincurve import PrivateKey, PublicKeyXOnly

TAG_TRANSFER = b"plimsoll/transfer/v1"
TAG_BLOCK = b"plimsoll/block/v1"
TAG_READ = b"plimsoll/read/v1"
TRANSFER_ENTRY_KIND = 0x10
HEADER_BYTES = 2 + 32 + 8 + 32 + 8 + 4 + 32 + 8 + 32 + 32 + 32  # 222
JSON_INTEGER_MAX = 2**53 - 1


class VerificationError(Exception):
    """The registry's answer does not prove what it claims."""


# --- hashing -------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def tagged_hash(tag: bytes, data: bytes) -> bytes:
    """BIP-340: SHA256(SHA256(tag) || SHA256(tag) || data)."""
    tag_hash = sha256(tag)
    return sha256(tag_hash + tag_hash + data)


# --- the canonical transfer ----------------------------------------------------------------

_ASSET = re.compile(r"^IMO[0-9]{7}$")


def imo_valid(asset: str) -> bool:
    """'IMO' + 7 digits whose last is the check digit (digits 1..6 weighted 7..2, sum mod 10)."""
    if not _ASSET.match(asset):
        return False
    digits = [int(c) for c in asset[3:]]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10 == digits[6]


@dataclass(frozen=True)
class Transfer:
    chain_id: bytes
    asset: str
    sender: bytes  # 32-byte x-only public key
    receiver: bytes
    amount: int
    nonce: int
    expires_at: int  # unix seconds

    def __post_init__(self) -> None:
        if len(self.chain_id) != 32 or len(self.sender) != 32 or len(self.receiver) != 32:
            raise ValueError("chain_id and keys are 32 bytes")
        if not imo_valid(self.asset):
            raise ValueError(f"{self.asset!r} is not IMO + 7 digits with a valid check digit")
        if self.sender == self.receiver:
            raise ValueError("from and to must differ")
        for name in ("amount", "nonce", "expires_at"):
            value = getattr(self, name)
            if not 1 <= value <= JSON_INTEGER_MAX:
                raise ValueError(f"{name} must be 1 ... 2^53-1")

    def payload(self) -> bytes:
        """chain_id || len(asset) || asset || from || to || amount || nonce || expires_at (big-endian)."""
        asset = self.asset.encode("ascii")
        return (
            self.chain_id
            + bytes([len(asset)])
            + asset
            + self.sender
            + self.receiver
            + struct.pack(">QQQ", self.amount, self.nonce, self.expires_at)
        )

    def message(self) -> bytes:
        return tagged_hash(TAG_TRANSFER, self.payload())

    def id(self) -> str:
        """The transfer id: lowercase hex of the message (it does not cover the signature)."""
        return self.message().hex()

    def sign(self, key: PrivateKey) -> "SignedTransfer":
        if key.public_key_xonly.format() != self.sender:
            raise ValueError("the signing key is not the sender")
        return SignedTransfer(self, key.sign_schnorr(self.message()))


@dataclass(frozen=True)
class SignedTransfer:
    transfer: Transfer
    signature: bytes  # 64-byte BIP-340 signature

    def entry_bytes(self) -> bytes:
        """The log entry (and Merkle leaf data) of a settled transfer: 0x10 || payload || sig."""
        return bytes([TRANSFER_ENTRY_KIND]) + self.transfer.payload() + self.signature

    def json_body(self) -> dict:
        t = self.transfer
        return {
            "asset": t.asset,
            "from": t.sender.hex(),
            "to": t.receiver.hex(),
            "amount": t.amount,
            "nonce": t.nonce,
            "expires_at": t.expires_at,
            "signature": self.signature.hex(),
        }


def x_only(key: PrivateKey) -> bytes:
    return key.public_key_xonly.format()


def verify_schnorr(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        return PublicKeyXOnly(public_key).verify(signature, message)
    except ValueError:
        return False


# --- RFC 6962 Merkle proofs ----------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root a proof leads to, or VerificationError."""
    if index >= size:
        raise VerificationError(f"leaf index {index} is not below tree size {size}")
    if len(leaf) != 32 or any(len(p) != 32 for p in proof):
        raise VerificationError("hashes are 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationError("inclusion proof is too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof is too short")
    return r


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes]) -> None:
    """RFC 9162 section 2.1.4.2: raises VerificationError unless tree size2 extends tree size1."""
    if size1 == 0:
        # As transparency-dev/merkle: a proof from the empty tree proves nothing, so it is refused.
        raise VerificationError("no consistency proof from the empty tree")
    if size1 > size2:
        raise VerificationError("the first tree is larger than the second")
    if size1 == size2:
        if proof or root1 != root2:
            raise VerificationError("equal sizes need an empty proof and equal roots")
        return
    if len(root1) != 32 or len(root2) != 32 or any(len(p) != 32 for p in proof):
        raise VerificationError("hashes are 32 bytes")
    if not proof:
        raise VerificationError("empty consistency proof")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root starts the path
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof is too long")
        if fn % 2 == 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != root1 or sr != root2:
        raise VerificationError("consistency proof does not connect the two roots")


# --- block headers ---------------------------------------------------------------------------


def parse_header(header: bytes) -> dict:
    """DESIGN.md's canonical header: version u16 || chain_id || height u64 || prev_hash ||
    timestamp_ms u64 || entry_count u32 || entries_root || log_size u64 || log_root ||
    state_digest || lists_digest, all integers big-endian."""
    if len(header) != HEADER_BYTES:
        raise VerificationError(f"a header is {HEADER_BYTES} bytes, not {len(header)}")
    version, = struct.unpack_from(">H", header, 0)
    chain_id = header[2:34]
    height, = struct.unpack_from(">Q", header, 34)
    prev_hash = header[42:74]
    timestamp_ms, entry_count = struct.unpack_from(">QI", header, 74)
    entries_root = header[86:118]
    log_size, = struct.unpack_from(">Q", header, 118)
    return {
        "version": version,
        "chain_id": chain_id.hex(),
        "height": height,
        "prev_hash": prev_hash.hex(),
        "timestamp_ms": timestamp_ms,
        "entry_count": entry_count,
        "entries_root": entries_root.hex(),
        "log_size": log_size,
        "log_root": header[126:158].hex(),
        "state_digest": header[158:190].hex(),
        "lists_digest": header[190:222].hex(),
    }


def verify_block(block: dict, sequencer_key: bytes, chain_id: bytes) -> dict:
    """Checks a served block against its own canonical bytes and the signature of the sequencer
    key (the key named in genesis that signs headers; the registrar's in registries without one).

    Returns the parsed header; raises VerificationError if any served field disagrees with the
    signed bytes, the hash is not the tagged hash of the header, or the signature fails.
    """
    header = bytes.fromhex(block["header"])
    fields = parse_header(header)
    for name, value in fields.items():
        if block[name] != value:
            raise VerificationError(f"served {name} {block[name]!r} is not the signed header's {value!r}")
    # Version 1 carries a whole-state digest, version 2 the root of the state commitment
    # (Docs/log-format.md); both are signed the same way.
    if fields["version"] not in (1, 2) or fields["chain_id"] != chain_id.hex():
        raise VerificationError("the header is not a version 1 or 2 header of this registry")
    block_hash = tagged_hash(TAG_BLOCK, header)
    if block["hash"] != block_hash.hex():
        raise VerificationError("the served hash is not TaggedHash(plimsoll/block/v1, header)")
    if not verify_schnorr(sequencer_key, bytes.fromhex(block["signature"]), block_hash):
        raise VerificationError(f"block {fields['height']} is not signed by the sequencer key")
    return fields


# --- The state commitment (version 2 headers) -------------------------------------------------

TAG_STATE_KEY = b"plimsoll/state-key/v2"
TAG_STATE_LEAF = b"plimsoll/state-leaf/v2"
TAG_STATE_NODE = b"plimsoll/state-node/v2"


def holding_record(asset: str, key: bytes, units: int) -> bytes | None:
    """A holding record: u16 length || asset ASCII || 32-byte key || u64 units; none for 0."""
    if units == 0:
        return None
    return struct.pack(">H", len(asset)) + asset.encode("ascii") + key + struct.pack(">Q", units)


def holding_tree_key(asset: str, key: bytes) -> bytes:
    """TaggedHash("plimsoll/state-key/v2", 0x06 || u16 length || asset || key)."""
    return tagged_hash(TAG_STATE_KEY, b"\x06" + struct.pack(">H", len(asset)) + asset.encode("ascii") + key)


def _bit(key: bytes, depth: int) -> int:
    return (key[depth >> 3] >> (7 - (depth & 7))) & 1


def state_root_from_proof(record_key: bytes, value: bytes | None, siblings: list[bytes], terminal: str,
                          other_key: bytes | None = None, other_value_hash: bytes | None = None) -> bytes:
    """Folds a state-tree path (siblings from the root down) into the root it gives."""
    if len(siblings) >= 256:
        raise VerificationError("a path of 256 or more siblings is not a state-tree path")
    if terminal == "found" and value is not None:
        current = tagged_hash(TAG_STATE_LEAF, record_key + sha256(value))
    elif terminal == "empty" and value is None:
        current = bytes(32)
    elif terminal == "other" and value is None and other_key is not None and other_value_hash is not None:
        if other_key == record_key or any(_bit(other_key, d) != _bit(record_key, d) for d in range(len(siblings))):
            raise VerificationError("the other leaf does not sit on this record's path")
        current = tagged_hash(TAG_STATE_LEAF, other_key + other_value_hash)
    else:
        raise VerificationError(f"terminal {terminal!r} does not fit the claimed value")
    for depth in range(len(siblings) - 1, -1, -1):
        sibling = siblings[depth]
        current = tagged_hash(TAG_STATE_NODE, sibling + current if _bit(record_key, depth) else current + sibling)
    return current


def document_state_root(document: dict, record_key: bytes, value: bytes | None) -> bytes:
    """The root a state proof document's path gives for `value` (None: no record)."""
    return state_root_from_proof(
        record_key, value, [bytes.fromhex(s) for s in document["siblings"]], document["terminal"],
        bytes.fromhex(document["other_key"]) if document.get("other_key") else None,
        bytes.fromhex(document["other_value_hash"]) if document.get("other_value_hash") else None,
    )


def signed_state_header(document: dict, sequencer_key: bytes, chain_id: bytes) -> dict:
    """The fields of a state proof's header, once it is a version 2 header of this registry
    signed by the sequencer key."""
    header = bytes.fromhex(document["head"]["header"])
    fields = parse_header(header)
    if fields["chain_id"] != chain_id.hex() or fields["version"] != 2:
        raise VerificationError("not a version 2 header of this registry")
    if not verify_schnorr(sequencer_key, bytes.fromhex(document["head"]["signature"]), tagged_hash(TAG_BLOCK, header)):
        raise VerificationError("the header is not signed by the sequencer key")
    return fields


def check_holding_proof(document: dict, sequencer_key: bytes, chain_id: bytes) -> int:
    """Checks a holding proof (GET /v1/keys/{key}/holdings/{imo}/proof) without trusting the
    server: the sequencer key's signature on the header, the record's place in the state tree, and
    that the path reaches the header's state_digest. Returns the proven units."""
    fields = signed_state_header(document, sequencer_key, chain_id)
    asset, key, units = document["vessel"], bytes.fromhex(document["key"]), document["units"]
    record_key = holding_tree_key(asset, key)
    if record_key.hex() != document["record_key"]:
        raise VerificationError("the proof is for another record")
    root = document_state_root(document, record_key, holding_record(asset, key, units))
    if root.hex() != fields["state_digest"]:
        raise VerificationError(f"the proof does not reach the signed state_digest with {units} units")
    return units


def key_tree_key(key: bytes) -> bytes:
    """TaggedHash("plimsoll/state-key/v2", 0x03 || key)."""
    return tagged_hash(TAG_STATE_KEY, b"\x03" + key)


def parse_key_record(record: bytes) -> dict:
    """A key record (Docs/log-format.md): key 32, party u64, last nonce u64, frozen u8,
    list<asset> frozen vessels, list<asset || u64 units> frozen units; nothing after it."""
    offset = 0

    def take(n: int) -> bytes:
        nonlocal offset
        if offset + n > len(record):
            raise VerificationError("the key record is cut short")
        offset += n
        return record[offset - n:offset]

    def asset() -> str:
        (length,) = struct.unpack(">H", take(2))
        text = take(length)
        if re.fullmatch(rb"IMO[0-9]{7}", text) is None:
            raise VerificationError("a vessel in the key record is not IMO and 7 digits")
        return text.decode("ascii")

    key = take(32)
    party, nonce = struct.unpack(">QQ", take(16))
    frozen = take(1)[0]
    if frozen > 1:
        raise VerificationError("the key record's frozen flag is not a boolean")
    (count,) = struct.unpack(">H", take(2))
    vessels = [asset() for _ in range(count)]
    (count,) = struct.unpack(">H", take(2))
    units = [{"vessel": asset(), "units": struct.unpack(">Q", take(8))[0]} for _ in range(count)]
    if offset != len(record):
        raise VerificationError("trailing bytes after the key record")
    return {"key": key, "party": party, "last_nonce": nonce, "frozen": frozen == 1, "frozen_vessels": vessels,
            "frozen_units": units}


def check_key_proof(document: dict, sequencer_key: bytes, chain_id: bytes) -> dict | None:
    """Checks a key proof (GET /v1/keys/{key}/proof) without trusting the server: the sequencer
    key's signature on the header, and that the key's record, as the document's fields state it,
    is what the signed state holds. Returns the record (party, last nonce, freezes), or None when
    no party has bound the key. Any malformed document is a VerificationError."""
    try:
        return _check_key_proof(document, sequencer_key, chain_id)
    except (KeyError, TypeError, ValueError, struct.error) as error:
        raise VerificationError(f"not a key proof: {error!r}") from error


def _check_key_proof(document: dict, sequencer_key: bytes, chain_id: bytes) -> dict | None:
    fields = signed_state_header(document, sequencer_key, chain_id)
    key = bytes.fromhex(document["key"])
    record_key = key_tree_key(key)
    if record_key.hex() != document["record_key"]:
        raise VerificationError("the proof is for another record")
    stated = {name: document.get(name) for name in ("party", "last_nonce", "frozen", "frozen_vessels", "frozen_units")}
    value, record = None, None
    if document.get("record") is not None:
        value = bytes.fromhex(document["record"])
        record = parse_key_record(value)
        record_of = record.pop("key")
        # Compared as JSON, so that 1 does not pass for true nor 0 for false.
        same = json.dumps(record, sort_keys=True) == json.dumps(stated, sort_keys=True)
        if record_of != key or document["bound"] is not True or not same:
            raise VerificationError("the document's fields are not what its record holds")
    elif document["bound"] is not False or any(v is not None for v in stated.values()):
        raise VerificationError("a document without a record states no key record")
    root = document_state_root(document, record_key, value)
    if root.hex() != fields["state_digest"]:
        raise VerificationError("the proof does not reach the signed state_digest with this key record")
    return record


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """A small HTTP client for the holder's and the public routes."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, target: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"accept": "application/json", **(headers or {})}
        if data is not None:
            all_headers["content-type"] = "application/json"
        request = urllib.request.Request(self.base_url + target, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get(self, target: str, headers: dict | None = None) -> dict:
        status, answer = self.request("GET", target, headers=headers)
        if status != 200:
            raise VerificationError(f"GET {target}: {status} {answer}")
        return answer

    def registry(self) -> dict:
        return self.get("/v1/registry")

    def next_nonce(self, key: bytes) -> int:
        return self.get(f"/v1/keys/{key.hex()}")["last_nonce"] + 1

    def submit(self, signed: SignedTransfer) -> tuple[int, dict]:
        return self.request("POST", "/v1/transfers", signed.json_body())

    def submit_batch(self, transfers: list[SignedTransfer]) -> tuple[int, dict]:
        return self.request("POST", "/v1/transfers/batch", {"transfers": [t.json_body() for t in transfers]})

    def signed_read(self, key: PrivateKey, chain_id: bytes, target: str, now: int | None = None) -> dict:
        """A holder read: BIP-340 over TaggedHash(plimsoll/read/v1, chain_id || u64 timestamp ||
        method || 0x00 || target)."""
        timestamp = int(time.time()) if now is None else now
        message = tagged_hash(TAG_READ, chain_id + struct.pack(">Q", timestamp) + b"GET" + b"\x00" + target.encode("ascii"))
        headers = {
            "Plimsoll-Key": x_only(key).hex(),
            "Plimsoll-Timestamp": str(timestamp),
            "Plimsoll-Signature": key.sign_schnorr(message).hex(),
        }
        return self.get(target, headers)


def check_receipt(client: Client, signed: SignedTransfer, receipt: dict, sequencer_key: bytes, chain_id: bytes) -> dict:
    """Proves a settled receipt with nothing but public reads: the id is ours, the served leaf is
    our entry bytes, the inclusion proof leads to the log root of a block the sequencer signed."""
    if receipt.get("status") != "settled":
        raise VerificationError(f"not settled: {receipt}")
    if receipt["id"] != signed.transfer.id():
        raise VerificationError("the receipt's id is not the transfer's")
    served = client.get(f"/v1/transfers/{receipt['id']}")
    leaf = bytes.fromhex(served["leaf"])
    if leaf != signed.entry_bytes():
        raise VerificationError("the served leaf is not 0x10 || payload || signature")
    for name in ("height", "leaf_index", "log_size"):
        if served[name] != receipt[name]:
            raise VerificationError(f"served {name} differs from the receipt's")
    block = client.get(f"/v1/blocks/{receipt['height']}")
    header = verify_block(block, sequencer_key, chain_id)
    if header["log_size"] != receipt["log_size"]:
        raise VerificationError("the receipt's log_size is not the signed header's")
    proof = [bytes.fromhex(p) for p in served["proof"]]
    root = root_from_inclusion_proof(receipt["leaf_index"], receipt["log_size"], leaf_hash(leaf), proof)
    if root.hex() != header["log_root"]:
        raise VerificationError("the inclusion proof does not lead to the signed log root")
    return header

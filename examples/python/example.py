#!/usr/bin/env python3
"""A holder's session against `plimsoll serve`, written without any Swift code.

    python3 example.py keygen alice.secret          # prints the x-only public key to bind
    python3 example.py run --api http://127.0.0.1:8080 --asset IMO9176187 \
        --sender alice.secret --receiver bob.secret

`run` signs a transfer in DESIGN.md's canonical form, submits it, and proves the receipt (id,
leaf bytes, inclusion proof, signed header); checks that a forged signature and a replay are
refused with their reason codes and leave the balances alone; settles a batch; reads the
receiver's balances with a signed holder read; and checks that the later signed head is
consistent with the earlier one. It exits non-zero on the first thing that does not hold.
"""

from __future__ import annotations

import argparse
import os
import time

from coincurve import PrivateKey

import plimsoll_client as pc


def keygen(path: str) -> None:
    key = PrivateKey()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never overwrite a key
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.secret.hex() + "\n")
    print(pc.x_only(key).hex())


def load_key(path: str) -> PrivateKey:
    with open(path) as handle:
        return PrivateKey(bytes.fromhex(handle.read().strip()))


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"python client: FAILED: {what}")
    print(f"   ok  {what}")


def run(args: argparse.Namespace) -> None:
    client = pc.Client(args.api)
    sender, receiver = load_key(args.sender), load_key(args.receiver)
    registry = client.registry()
    chain_id = bytes.fromhex(registry["chain_id"])
    # Headers are signed by the sequencer key (the registrar's in a registry whose genesis names none).
    sequencer_key = bytes.fromhex(args.sequencer_key or registry.get("sequencer_key", registry["registrar_key"]))
    print(f"== registry {registry['name']!r} chain_id {registry['chain_id'][:16]}… height {registry['height']}")
    first_head = pc.verify_block(client.get("/v1/blocks/latest"), sequencer_key, chain_id)
    expect(True, f"the latest header (height {first_head['height']}) is signed by the sequencer key")

    def transfer(amount: int, nonce: int) -> pc.SignedTransfer:
        return pc.Transfer(
            chain_id=chain_id, asset=args.asset, sender=pc.x_only(sender), receiver=pc.x_only(receiver),
            amount=amount, nonce=nonce, expires_at=int(time.time()) + 3600,
        ).sign(sender)

    print("== a signed transfer, submitted and proven")
    nonce = client.next_nonce(pc.x_only(sender))
    signed = transfer(3, nonce)
    status, receipt = client.submit(signed)
    expect(status == 200 and receipt.get("status") == "settled", f"settled: {receipt}")
    header = pc.check_receipt(client, signed, receipt, sequencer_key, chain_id)
    expect(True, f"id, leaf bytes and inclusion proof against the signed log root of block {header['height']}")

    print("== refusals carry their reason codes")
    forged = pc.SignedTransfer(transfer(1, nonce + 1).transfer, bytes(64))
    status, problem = client.submit(forged)
    expect(status == 422 and problem.get("code") == "BAD_SIGNATURE", f"a zero signature: {status} {problem.get('code')}")
    status, problem = client.submit(signed)
    expect(status == 422 and problem.get("code") == "NONCE_REUSED", f"the same transfer again: {status} {problem.get('code')}")
    other_chain = pc.Transfer(
        chain_id=bytes(32), asset=args.asset, sender=pc.x_only(sender), receiver=pc.x_only(receiver),
        amount=1, nonce=nonce + 1, expires_at=int(time.time()) + 3600,
    ).sign(sender)
    status, problem = client.submit(other_chain)
    expect(status == 422 and problem.get("code") == "BAD_SIGNATURE", f"signed for another registry: {problem.get('code')}")
    body = signed.json_body() | {"amount": 1.5}
    status, problem = client.request("POST", "/v1/transfers", body)
    expect(status == 400 and problem.get("pointer") == "/amount", f"a fractional amount: {status} {problem.get('pointer')}")

    print("== a batch, in request order, each receipt proven")
    nonce = client.next_nonce(pc.x_only(sender))
    batch = [transfer(1, nonce + i) for i in range(3)]
    status, answer = client.submit_batch(batch)
    expect(status == 200 and len(answer["results"]) == 3, f"batch answered {status}")
    for item, result in zip(batch, answer["results"]):
        pc.check_receipt(client, item, result, sequencer_key, chain_id)
    expect(True, "three receipts proven")

    print("== the receiver reads its own balance with a signed read")
    target = f"/v1/keys/{pc.x_only(receiver).hex()}/balances"
    balances = client.signed_read(receiver, chain_id, target)
    units = {line["asset"]: line["units"] for line in balances["balances"]}.get(args.asset, 0)
    expect(units == args.expect_receiver_units, f"receiver holds {units} units of {args.asset}")
    status, _ = client.request("GET", target, headers={
        "Plimsoll-Key": pc.x_only(sender).hex(), "Plimsoll-Timestamp": str(int(time.time())), "Plimsoll-Signature": "00" * 64,
    })
    expect(status == 401, f"a read with a bad signature gets {status}")

    print("== the receiver proves its holding against the signed head, without trusting the server")
    target = f"/v1/keys/{pc.x_only(receiver).hex()}/holdings/{args.asset}/proof"
    document = client.signed_read(receiver, chain_id, target)
    proven = pc.check_holding_proof(document, sequencer_key, chain_id)
    expect(proven == args.expect_receiver_units, f"the state signed at height {document['head']['height']} holds {proven} units")
    forged = dict(document, units=proven + 1)
    try:
        pc.check_holding_proof(forged, sequencer_key, chain_id)
        expect(False, "a proof edited to claim one more unit must fail")
    except pc.VerificationError:
        expect(True, "a proof edited to claim one more unit fails")

    print("== the sender proves its key's record (party, last nonce, freezes) against the signed head")
    target = f"/v1/keys/{pc.x_only(sender).hex()}/proof"
    document = client.signed_read(sender, chain_id, target)
    record = pc.check_key_proof(document, sequencer_key, chain_id)
    expect(record is not None and record["last_nonce"] >= 1,
           f"the state signed at height {document['head']['height']} binds the key, last nonce {record and record['last_nonce']}")
    frozen = {line["vessel"]: line["units"] for line in record["frozen_units"]}.get(args.asset, 0)
    expect(not record["frozen"] and frozen == args.expect_sender_frozen_units,
           f"the sender's key has {frozen} units of {args.asset} frozen, and is not frozen whole")
    forged = dict(document, last_nonce=record["last_nonce"] - 1)
    try:
        pc.check_key_proof(forged, sequencer_key, chain_id)
        expect(False, "a key proof edited to state an earlier nonce must fail")
    except pc.VerificationError:
        expect(True, "a key proof edited to state an earlier nonce fails")
    # The record's own bytes edited to match (key 32 bytes, party 8, then the nonce): the fields
    # agree with the record, and the signed state_digest is what refuses it.
    earlier = bytes.fromhex(document["record"])
    earlier = earlier[:40] + (record["last_nonce"] - 1).to_bytes(8, "big") + earlier[48:]
    try:
        pc.check_key_proof(dict(forged, record=earlier.hex()), sequencer_key, chain_id)
        expect(False, "a key record edited to an earlier nonce must fail")
    except pc.VerificationError as error:
        expect("state_digest" in str(error), f"a key record edited to an earlier nonce fails: {error}")

    print("== the later signed head extends the earlier one")
    latest = pc.verify_block(client.get("/v1/blocks/latest"), sequencer_key, chain_id)
    proof = client.get(f"/v1/proofs/consistency?from={first_head['height']}&to={latest['height']}")
    pc.verify_consistency(
        first_head["log_size"], latest["log_size"], bytes.fromhex(first_head["log_root"]),
        bytes.fromhex(latest["log_root"]), [bytes.fromhex(p) for p in proof["proof"]],
    )
    expect(True, f"log size {first_head['log_size']} → {latest['log_size']} is an append-only extension")
    print("python client: passed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("keygen", help="make a key file (0600) and print its x-only public key")
    gen.add_argument("path")
    go = commands.add_parser("run", help="the holder's session against a server")
    go.add_argument("--api", required=True)
    go.add_argument("--asset", required=True)
    go.add_argument("--sender", required=True, help="sender's key file (holds units)")
    go.add_argument("--receiver", required=True, help="receiver's key file")
    go.add_argument("--sequencer-key", help="pin the key that signs headers instead of trusting /v1/registry")
    go.add_argument("--expect-receiver-units", type=int, default=6)
    go.add_argument("--expect-sender-frozen-units", type=int, default=0,
                    help="units of --asset the registrar froze on the sender's key")
    args = parser.parse_args()
    if args.command == "keygen":
        keygen(args.path)
    else:
        run(args)


if __name__ == "__main__":
    main()

public import PlimsollCrypto

/// A holder key as the ledger refers to it: the x-only public key.
public typealias KeyRef = XOnlyPublicKey

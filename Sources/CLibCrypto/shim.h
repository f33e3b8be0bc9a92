// SHA-256 from the system OpenSSL libcrypto, with its running state in a plain struct.
//
// PlimsollCrypto hashes millions of short messages (state-tree nodes, Merkle nodes, entry ids):
// swift-crypto's SHA256 keeps its state in a class, so every hash started from a shared prefix
// allocated, copied and freed one (a tagged hash of two hashes took about 190 ns; here it takes
// about 100 ns, both with SHA-NI). These are OpenSSL's low-level SHA-256 calls: deprecated in 3.0
// in favour of EVP, which allocates a context per hash and looks the digest up by name, but kept
// throughout 3.x. A libcrypto built with OPENSSL_NO_DEPRECATED_3_0 (or a 4.x that drops them)
// would fail this target's build, not its results.
#ifndef PLIMSOLL_CLIBCRYPTO_SHIM_H
#define PLIMSOLL_CLIBCRYPTO_SHIM_H

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stddef.h>

/// SHA-256 of one buffer; the state lives on this stack frame and is wiped before it returns
/// (API tokens are hashed so). The low-level calls cannot fail: they only compute.
static inline void plimsoll_sha256_oneshot(const void *bytes, size_t count, void *digest) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, bytes, count);
    SHA256_Final((unsigned char *)digest, &context);
    OPENSSL_cleanse(&context, sizeof context);
}

static inline void plimsoll_sha256_init(SHA256_CTX *context) { SHA256_Init(context); }

static inline void plimsoll_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) {
    SHA256_Update(context, bytes, count);
}

/// The digest of what `context` has absorbed; `context` itself is left as it was. SHA256_Final
/// wipes the copy's buffered block.
static inline void plimsoll_sha256_final(const SHA256_CTX *context, void *digest) {
    SHA256_CTX copy = *context;
    SHA256_Final((unsigned char *)digest, &copy);
}

/// SHA-256 of `prefix`'s absorbed bytes, then `a` (32 bytes), then `b` (32 bytes): a tagged hash
/// or a Merkle node in one call.
static inline void plimsoll_sha256_two(const SHA256_CTX *prefix, const void *a, const void *b, void *digest) {
    SHA256_CTX copy = *prefix;
    SHA256_Update(&copy, a, 32);
    SHA256_Update(&copy, b, 32);
    SHA256_Final((unsigned char *)digest, &copy);
}

#endif

// SHA-256 from the system OpenSSL libcrypto, with its running state in a plain struct.
//
// PlimsollCrypto hashes millions of short messages (state-tree nodes, Merkle nodes, entry ids):
// swift-crypto's SHA256 keeps its state in a class, so every hash started from a shared prefix
// allocated and freed one (about 190 ns a tagged hash of two hashes, against 89 ns here). These
// are OpenSSL's low-level SHA-256 calls, deprecated in 3.0 for the EVP interface but kept in every
// 3.x release; EVP allocates a context too.
#ifndef PLIMSOLL_CLIBCRYPTO_SHIM_H
#define PLIMSOLL_CLIBCRYPTO_SHIM_H

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <stddef.h>
#include <string.h>

/// SHA-256 of one buffer, its state kept and wiped inside libcrypto (API tokens are hashed so).
static inline void plimsoll_sha256_oneshot(const void *bytes, size_t count, unsigned char digest[32]) {
    SHA256((const unsigned char *)bytes, count, digest);
}

static inline void plimsoll_sha256_init(SHA256_CTX *context) { SHA256_Init(context); }

static inline void plimsoll_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) {
    if (count > 0) SHA256_Update(context, bytes, count);
}

/// The digest of what `context` has absorbed; `context` itself is left as it was. SHA256_Final wipes
/// the copy's buffered block.
static inline void plimsoll_sha256_final(const SHA256_CTX *context, unsigned char digest[32]) {
    SHA256_CTX copy = *context;
    SHA256_Final(digest, &copy);
}

/// SHA-256 of `prefix`'s absorbed bytes, then `a` (32 bytes), then `b` (32 bytes): a tagged hash
/// or a Merkle node in one call.
static inline void plimsoll_sha256_two(
    const SHA256_CTX *prefix, const void *a, const void *b, unsigned char digest[32]) {
    SHA256_CTX copy = *prefix;
    SHA256_Update(&copy, a, 32);
    SHA256_Update(&copy, b, 32);
    SHA256_Final(digest, &copy);
}

#endif

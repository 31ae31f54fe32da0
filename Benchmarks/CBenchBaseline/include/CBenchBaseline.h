// Bare C loops over libsecp256k1, the baseline the Swift wrappers are measured against.
// Used only by the regsim-bench executable; the libraries themselves never import it.
#include <stddef.h>

/// Parses the key and strict-DER signature, normalises S and verifies, `iterations` times.
/// Returns the number of successful verifications.
int baseline_ecdsa_verify(const unsigned char *der, size_t der_len, const unsigned char *msg32,
                          const unsigned char *pubkey, size_t pubkey_len, int iterations);

/// Parses the x-only key and verifies a BIP 340 signature over 32 bytes, `iterations` times.
int baseline_schnorr_verify(const unsigned char *sig64, const unsigned char *msg32,
                            const unsigned char *xonly32, int iterations);

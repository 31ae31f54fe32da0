#include "CBenchBaseline.h"
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

static secp256k1_context *baseline_context(void) {
    static secp256k1_context *context = NULL;
    if (context == NULL) context = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return context;
}

int baseline_ecdsa_verify(const unsigned char *der, size_t der_len, const unsigned char *msg32,
                          const unsigned char *pubkey, size_t pubkey_len, int iterations) {
    secp256k1_context *ctx = baseline_context();
    int ok = 0;
    for (int i = 0; i < iterations; i++) {
        secp256k1_pubkey point;
        secp256k1_ecdsa_signature sig;
        if (!secp256k1_ec_pubkey_parse(ctx, &point, pubkey, pubkey_len)) continue;
        if (!secp256k1_ecdsa_signature_parse_der(ctx, &sig, der, der_len)) continue;
        secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
        ok += secp256k1_ecdsa_verify(ctx, &sig, msg32, &point);
    }
    return ok;
}

int baseline_schnorr_verify(const unsigned char *sig64, const unsigned char *msg32,
                            const unsigned char *xonly32, int iterations) {
    secp256k1_context *ctx = baseline_context();
    int ok = 0;
    for (int i = 0; i < iterations; i++) {
        secp256k1_xonly_pubkey point;
        if (!secp256k1_xonly_pubkey_parse(ctx, &point, xonly32)) continue;
        ok += secp256k1_schnorrsig_verify(ctx, sig64, msg32, 32, &point);
    }
    return ok;
}

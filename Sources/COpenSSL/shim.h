// Regsim uses OpenSSL's libcrypto for SHA-256 (with its SHA-NI code path) and RIPEMD-160.
// The low-level SHA256_CTX API is deprecated in OpenSSL 3 but is the only one that exposes
// the midstate needed for header grinding, so the deprecation warnings are silenced here.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/ripemd.h>

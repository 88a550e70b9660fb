// The algorithms `pqcea acvp` knows. Each family adds its line here and one runner file.
#include "pqcea/host/acvp.hpp"

namespace pqcea::acvp {

namespace {
constexpr Entry kEntries[] = {
    {"SHA2-224", run_sha2},  {"SHA2-256", run_sha2},   {"SHA2-384", run_sha2}, {"SHA2-512", run_sha2},
    {"SHA2-512/224", run_sha2}, {"SHA2-512/256", run_sha2},
    {"SHA3-224", run_sha3},  {"SHA3-256", run_sha3},   {"SHA3-384", run_sha3}, {"SHA3-512", run_sha3},
    {"SHAKE-128", run_shake}, {"SHAKE-256", run_shake},
    {"ML-KEM", run_mlkem},
    {"ML-DSA", run_mldsa},
    {"LMS", run_lms},
    {"SLH-DSA", run_slhdsa},
};
}  // namespace

std::span<const Entry> registry() { return kEntries; }

}  // namespace pqcea::acvp

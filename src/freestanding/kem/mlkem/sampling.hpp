// Sampling (FIPS 203 §4.2.2): uniform NTT-domain polynomials from SHAKE128 by rejection
// (Alg. 7, on public seeds) and centered binomial noise from SHAKE256 (Alg. 8, on secret seeds).
//
// Backend contract: rej_uniform() may be replaced by a native version with identical output.
#pragma once
#include <cstddef>
#include <cstdint>

#include "poly.hpp"

namespace pqcea::mlkem::detail {

// FIPS 203 Alg. 7 (SampleNTT): a = the polynomial drawn from SHAKE128(rho || b0 || b1).
// rho is public (part of ek), so the data-dependent loop is allowed.
void sample_ntt(Poly& a, const std::uint8_t rho[32], std::uint8_t b0, std::uint8_t b1);

// Parses up to len bytes of XOF output (a multiple of 3) into coefficients < q, writing at most
// `need` of them to out; returns how many it wrote (Alg. 7 steps 4-14).
unsigned rej_uniform(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len);
unsigned rej_uniform_portable(std::int16_t* out, unsigned need, const std::uint8_t* buf, std::size_t len);

// FIPS 203 Alg. 8 (SamplePolyCBD_eta) applied to PRF_eta(sigma, nonce) = SHAKE256(sigma || nonce,
// 64 eta) (§4.1, Eq. 4.3). Output coefficients in [-eta, eta]. Constant-time in sigma.
template <unsigned Eta>
void sample_cbd(Poly& p, const std::uint8_t sigma[32], std::uint8_t nonce);

}  // namespace pqcea::mlkem::detail

// Falcon discrete Gaussian sampler over the integers (spec v1.2 §3.9.3, Alg. 12 BaseSampler,
// Alg. 13 ApproxExp, Alg. 14 BerExp, Alg. 15 SamplerZ), driven by the reference PRNG (prng.hpp) and
// consuming its bytes exactly as the reference does, so that signatures match the KAT files.
//
// Constant time except for two decisions that the algorithm publishes by design: whether BerExp
// needs another random byte (only when the fresh random byte equals the corresponding byte of the
// secret threshold, probability 1/256 per byte) and whether SamplerZ rejects a candidate (its
// acceptance rate is made independent of the centre and sigma by the ccs = sigma_min/sigma
// scaling, spec §3.9.3). Both are declassified with that reason for the valgrind check.
#pragma once
#include <cstdint>

#include "fft.hpp"
#include "fpr.hpp"
#include "prng.hpp"

namespace pqcea::falcon {

// Alg. 12: z0 >= 0 from the half-Gaussian of sigma_max = 1.8205 (72-bit RCDT, constant time).
int base_sampler(SamplerPrng& prng);

// Alg. 14: returns 1 with probability ~ ccs * exp(-x), for x >= 0, 0 < ccs <= 1.
template <class F>
int ber_exp(SamplerPrng& prng, fpr_t<F> x, fpr_t<F> ccs);

// Alg. 15 SamplerZ(mu, sigma') with isigma = 1/sigma' and sigma_min of the parameter set.
template <class F>
struct SamplerZ {
  SamplerPrng& prng;
  fpr_t<F> sigma_min;
  int operator()(fpr_t<F> mu, fpr_t<F> isigma);
};

}  // namespace pqcea::falcon

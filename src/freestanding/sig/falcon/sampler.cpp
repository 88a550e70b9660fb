// Falcon Gaussian sampling (spec v1.2 Alg. 12-15); see sampler.hpp.
#include "sampler.hpp"

#include "pqcea/core/ct.hpp"

namespace pqcea::falcon {

namespace {

// Spec v1.2 §3.9.3 RCDT: reverse cumulative distribution of the half-Gaussian, 72-bit values
// split as (bits 64..71, bits 0..63).
struct U72 {
  std::uint32_t hi;
  std::uint64_t lo;
};
constexpr U72 kRcdt[18] = {
    {163u, 0xF7F42ED3AC391802u},  // 3024686241123004913666
    {84u, 0xD32B181F3F7DDB82u},   // 1564742784480091954050
    {34u, 0x7DCDD0934829C1FFu},   // 636254429462080897535
    {10u, 0xD1754377C7994AE4u},   // 199560484645026482916
    {2u, 0x95846CAEF33F1F6Fu},    // 47667343854657281903
    {0u, 0x774AC754ED74BD5Fu},    // 8595902006365044063
    {0u, 0x1024DD542B776AE4u},    // 1163297957344668388
    {0u, 0x01A1FFDC65AD63DAu},    // 117656387352093658
    {0u, 0x001F80D88A7B6428u},    // 8867391802663976
    {0u, 0x0001C3FDB2040C69u},    // 496969357462633
    {0u, 0x000012CF24D031FBu},    // 20680885154299
    {0u, 0x000000949F8B091Fu},    // 638331848991
    {0u, 0x00000003665DA998u},    // 14602316184
    {0u, 0x000000000EBF6EBBu},    // 247426747
    {0u, 0x00000000002F5D7Eu},    // 3104126
    {0u, 0x0000000000007098u},    // 28824
    {0u, 0x00000000000000C6u},    // 198
    {0u, 0x0000000000000001u},    // 1
};

}  // namespace

int base_sampler(SamplerPrng& prng) {
  // u = 72 uniform bits: a 64-bit little-endian draw for the low part, then one byte on top.
  const std::uint64_t lo = prng.u64();
  const std::uint32_t hi = prng.u8();
  int z0 = 0;
  for (const U72& r : kRcdt) {
    // u < r as a 72-bit subtraction: borrow out of the low word, then the high byte.
    const std::uint64_t borrow = ((~lo & r.lo) | (~(lo ^ r.lo) & (lo - r.lo))) >> 63;
    z0 += static_cast<int>((hi - r.hi - static_cast<std::uint32_t>(borrow)) >> 31);
  }
  return z0;
}

template <class F>
int ber_exp(SamplerPrng& prng, fpr_t<F> x, fpr_t<F> ccs) {
  // Steps 1-3: x = s ln2 + r with 0 <= r < ln2, s capped at 63 (then the result is ~0 anyway).
  const auto s = static_cast<std::uint32_t>(F::trunc(F::mul(x, fpr::c<F>(fpr::bits::inv_log2))));
  const fpr_t<F> r = F::sub(x, F::mul(F::of(static_cast<std::int64_t>(s)), fpr::c<F>(fpr::bits::log2)));
  const std::uint32_t s63 = s ^ ((s ^ 63u) & (0u - ((63u - s) >> 31)));
  // Step 4: z = (2 ApproxExp(r, ccs) - 1) >> s ~ 2^64 ccs exp(-x); shift count < 64 via two steps.
  const std::uint64_t z = fpr::detail::shr((F::expm_p63(r, ccs) << 1) - 1, s63);
  // Steps 5-9: compare uniform bytes with z from the top byte down; the first difference decides.
  std::uint32_t w = 0;
  int i = 64;
  for (;;) {
    i -= 8;
    w = prng.u8() - (static_cast<std::uint32_t>(z >> i) & 0xFFu);
    std::uint32_t more = static_cast<std::uint32_t>(w == 0) & static_cast<std::uint32_t>(i > 0);
    ct::declassify(&more, sizeof more, "BerExp: a fresh uniform byte equal to the threshold byte (p = 1/256)");
    if (more == 0) break;
  }
  return static_cast<int>(w >> 31);
}

template <class F>
int SamplerZ<F>::operator()(fpr_t<F> mu, fpr_t<F> isigma) {
  // Step 1: centre mu = s + r with s integer, 0 <= r < 1.
  const auto s = static_cast<int>(F::floor(mu));
  const fpr_t<F> r = F::sub(mu, F::of(s));
  // dss = 1 / (2 sigma'^2); ccs = sigma_min / sigma' (the BerExp scaling, spec §3.9.3).
  const fpr_t<F> dss = F::half(F::sqr(isigma));
  const fpr_t<F> ccs = F::mul(isigma, sigma_min);
  for (;;) {
    // Steps 3-5: bimodal candidate from the half-Gaussian: b = 1 -> z = z0 + 1, b = 0 -> z = -z0.
    const int z0 = base_sampler(prng);
    const int b = static_cast<int>(prng.u8() & 1u);
    const int z = b + ((b << 1) - 1) * z0;
    // Step 6: x = (z - r)^2 / (2 sigma'^2) - z0^2 / (2 sigma_max^2).
    fpr_t<F> x = F::mul(F::sqr(F::sub(F::of(z), r)), dss);
    x = F::sub(x, F::mul(F::of(z0 * z0), fpr::c<F>(fpr::bits::inv_2sqrsigma0)));
    int accept = ber_exp<F>(prng, x, ccs);
    ct::declassify(&accept, sizeof accept, "SamplerZ rejection: acceptance rate independent of the secret (ccs)");
    if (accept) return s + z;
  }
}

template int ber_exp<fpr::Emu>(SamplerPrng&, fpr_t<fpr::Emu>, fpr_t<fpr::Emu>);
template struct SamplerZ<fpr::Emu>;
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
template int ber_exp<fpr::Native>(SamplerPrng&, fpr_t<fpr::Native>, fpr_t<fpr::Native>);
template struct SamplerZ<fpr::Native>;
#endif

}  // namespace pqcea::falcon

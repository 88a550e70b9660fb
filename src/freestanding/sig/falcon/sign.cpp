// Falcon signature generation (spec v1.2 §3.9, Alg. 10 Sign, Alg. 11 ffSampling), in the
// "dynamic tree" form of the reference: the LDL tree is not stored but rebuilt level by level
// inside the sampling recursion, which needs 9n doubles instead of the expanded key's ~(logn+1)n.
// Every floating-point operation follows the reference order (see fft.hpp), and the sampler PRNG
// is re-seeded from the same SHAKE-256 stream on each retry, so the NIST KAT files are reproduced.
#include "sign.hpp"

#include "codec.hpp"
#include "fft.hpp"
#include "hash_to_point.hpp"
#include "ntt.hpp"
#include "pqcea/core/ct.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/hash/keccak.hpp"
#include "prng.hpp"
#include "sampler.hpp"

namespace pqcea::falcon {

namespace {

template <class F>
using T = fpr_t<F>;

template <class X>
inline void copy(X* dst, const X* src, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
}
template <class X>
inline void move_down(X* dst, const X* src, std::size_t n) {  // dst < src, overlapping allowed
  for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
}
template <class X>
inline void move_up(X* dst, const X* src, std::size_t n) {  // dst > src, overlapping allowed
  for (std::size_t i = n; i-- > 0;) dst[i] = src[i];
}

template <class F>
void small_to_fpr(T<F>* d, const std::int8_t* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) d[i] = F::of(s[i]);
}

// Spec Alg. 11 ffSampling on the Gram matrix G = [[g00, g01], [adj(g01), g11]] (FFT form, each n
// values), target (t0, t1), building the LDL tree on the fly (spec Alg. 9 ffLDL). The Gram matrix
// is destroyed; the sampled vector (z0, z1) replaces (t0, t1). tmp: 4n values at this level
// (3n used here, the recursion works above 2n).
template <class F>
void ff_sampling(SamplerZ<F>& samp, T<F>* t0, T<F>* t1, T<F>* g00, T<F>* g01, T<F>* g11, T<F> inv_sigma, unsigned logn,
                 T<F>* tmp) {
  if (logn == 0) {
    // Leaf (Alg. 11 steps 2-3 with Alg. 9 step 5 normalisation): sigma' = sigma / sqrt(d).
    const T<F> leaf = F::mul(F::sqrt(g00[0]), inv_sigma);
    t0[0] = F::of(samp(t0[0], leaf));
    t1[0] = F::of(samp(t1[0], leaf));
    return;
  }
  const std::size_t n = std::size_t{1} << logn, hn = n >> 1;

  // Alg. 9 steps 1-3: G = L D L*; in place g01 <- l10, g11 <- d11 (d00 = g00).
  poly_ldl_fft<F>(g00, g01, g11, logn);
  // Split d00 and d11 into the half-size Gram matrices of the two subtrees (Alg. 9 steps 6-7):
  //   right subtree (from d11): g11, g11 + hn, g01 + hn; left subtree (from d00): g00, g00 + hn, g01.
  // l10 is kept in tmp.
  poly_split_fft<F>(tmp, tmp + hn, g00, logn);
  copy(g00, tmp, n);
  poly_split_fft<F>(tmp, tmp + hn, g11, logn);
  copy(g11, tmp, n);
  copy(tmp, g01, n);
  copy(g01, g00, hn);
  copy(g01 + hn, g11, hn);

  // Alg. 11 steps 6-7: z1 = mergefft(ffSampling(splitfft(t1), T1)), right subtree first.
  T<F>* z1 = tmp + n;
  poly_split_fft<F>(z1, z1 + hn, t1, logn);
  ff_sampling<F>(samp, z1, z1 + hn, g11, g11 + hn, g01 + hn, inv_sigma, logn - 1, z1 + n);
  poly_merge_fft<F>(tmp + (n << 1), z1, z1 + hn, logn);

  // Step 8: t0' = t0 + (t1 - z1) l10; z1 replaces t1.
  copy(z1, t1, n);
  poly_sub<F>(z1, tmp + (n << 1), logn);
  copy(t1, tmp + (n << 1), n);
  poly_mul_fft<F>(tmp, z1, logn);
  poly_add<F>(t0, tmp, logn);

  // Steps 9-10: z0 = mergefft(ffSampling(splitfft(t0'), T0)), left subtree.
  T<F>* z0 = tmp;
  poly_split_fft<F>(z0, z0 + hn, t0, logn);
  ff_sampling<F>(samp, z0, z0 + hn, g00, g00 + hn, g01, inv_sigma, logn - 1, z0 + n);
  poly_merge_fft<F>(t0, z0, z0 + hn, logn);
}

// B = [[g, -f], [G, -F]] in FFT form into b00 b01 b10 b11 (spec Alg. 10 step 1 basis).
template <class F>
void basis_fft(T<F>* b, const std::int8_t* f, const std::int8_t* g, const std::int8_t* F_, const std::int8_t* G,
               unsigned logn) {
  const std::size_t n = std::size_t{1} << logn;
  T<F>* b00 = b;
  T<F>* b01 = b + n;
  T<F>* b10 = b + 2 * n;
  T<F>* b11 = b + 3 * n;
  small_to_fpr<F>(b01, f, n);
  small_to_fpr<F>(b00, g, n);
  small_to_fpr<F>(b11, F_, n);
  small_to_fpr<F>(b10, G, n);
  fft<F>(b01, logn);
  fft<F>(b00, logn);
  fft<F>(b11, logn);
  fft<F>(b10, logn);
  poly_neg<F>(b01, logn);
  poly_neg<F>(b11, logn);
}

// One signing attempt (spec Alg. 10 steps 2-9). Returns true and s2 if ||(s1, s2)||^2 <= beta^2.
// tmp: 9n values.
template <class F>
bool sign_attempt(SamplerZ<F>& samp, std::int16_t* s2, const std::int8_t* f, const std::int8_t* g,
                  const std::int8_t* F_, const std::int8_t* G, const std::uint16_t* hm, unsigned logn,
                  std::uint32_t beta_sq, T<F> inv_sigma, T<F>* tmp) {
  const std::size_t n = std::size_t{1} << logn;
  T<F>* b00 = tmp;
  T<F>* b01 = b00 + n;
  T<F>* b10 = b01 + n;
  T<F>* b11 = b10 + n;
  basis_fft<F>(tmp, f, g, F_, G, logn);

  // Gram matrix G = B B* (upper triangle): g00 = b00 adj(b00) + b01 adj(b01),
  // g01 = b00 adj(b10) + b01 adj(b11), g11 = b10 adj(b10) + b11 adj(b11); b01 and b11 survive
  // for the target.
  T<F>* t0 = b11 + n;
  T<F>* t1 = t0 + n;
  copy(t0, b01, n);
  poly_mulselfadj_fft<F>(t0, logn);
  copy(t1, b00, n);
  poly_muladj_fft<F>(t1, b10, logn);
  poly_mulselfadj_fft<F>(b00, logn);
  poly_add<F>(b00, t0, logn);
  copy(t0, b01, n);
  poly_muladj_fft<F>(b01, b11, logn);
  poly_add<F>(b01, t1, logn);
  poly_mulselfadj_fft<F>(b10, logn);
  copy(t1, b11, n);
  poly_mulselfadj_fft<F>(t1, logn);
  poly_add<F>(b10, t1, logn);
  // Layout now: g00 g01 g11 b11 b01(copy, in t0's old slot) t0 t1.
  T<F>* g00 = b00;
  T<F>* g01 = b01;
  T<F>* g11 = b10;
  T<F>* b01c = t0;
  t0 = b01c + n;
  t1 = t0 + n;

  // Alg. 10 step 3: t = (-(1/q) FFT(c) FFT(F), (1/q) FFT(c) FFT(f)) with the negated basis
  // entries: t0 = c * b11 / q, t1 = -c * b01 / q.
  for (std::size_t u = 0; u < n; ++u) t0[u] = F::of(hm[u]);
  fft<F>(t0, logn);
  const T<F> ni = fpr::c<F>(fpr::bits::inverse_of_q);
  copy(t1, t0, n);
  poly_mul_fft<F>(t1, b01c, logn);
  poly_mulconst<F>(t1, F::neg(ni), logn);
  poly_mul_fft<F>(t0, b11, logn);
  poly_mulconst<F>(t0, ni, logn);
  // Move (t0, t1) right after the Gram matrix: g00 g01 g11 t0 t1, then 4n of sampling space.
  move_down(b11, t0, 2 * n);
  t0 = g11 + n;
  t1 = t0 + n;

  // Steps 4-5: z = ffSampling(t, T).
  ff_sampling<F>(samp, t0, t1, g00, g01, g11, inv_sigma, logn, t1 + n);

  // Step 6: s = (t - z) B; with z in (t0, t1) and the basis rebuilt: (tx, ty) = z B.
  move_up(tmp + 4 * n, t0, 2 * n);
  t0 = tmp + 4 * n;
  t1 = t0 + n;
  basis_fft<F>(tmp, f, g, F_, G, logn);
  b00 = tmp;
  b01 = b00 + n;
  b10 = b01 + n;
  b11 = b10 + n;
  T<F>* tx = t1 + n;
  T<F>* ty = tx + n;
  copy(tx, t0, n);
  copy(ty, t1, n);
  poly_mul_fft<F>(tx, b00, logn);
  poly_mul_fft<F>(ty, b10, logn);
  poly_add<F>(tx, ty, logn);
  copy(ty, t0, n);
  poly_mul_fft<F>(ty, b01, logn);
  copy(t0, tx, n);
  poly_mul_fft<F>(t1, b11, logn);
  poly_add<F>(t1, ty, logn);
  ifft<F>(t0, logn);
  ifft<F>(t1, logn);

  // Steps 7-9: s1 = c - round(z B)_0, s2 = -round(z B)_1; accept iff ||(s1, s2)||^2 <= beta^2.
  // The sum saturates (bit 31 sticks) so that an overflow cannot wrap into the bound.
  std::uint32_t sqn = 0, ng = 0;
  for (std::size_t u = 0; u < n; ++u) {
    const auto z = static_cast<std::int32_t>(hm[u]) - static_cast<std::int32_t>(F::rint(t0[u]));
    sqn += static_cast<std::uint32_t>(z * z);
    ng |= sqn;
  }
  for (std::size_t u = 0; u < n; ++u) {
    const auto z = static_cast<std::int16_t>(-F::rint(t1[u]));
    s2[u] = z;
    sqn += static_cast<std::uint32_t>(static_cast<std::int32_t>(z) * z);
    ng |= sqn;
  }
  sqn |= 0u - (ng >> 31);
  std::uint32_t short_enough = static_cast<std::uint32_t>(sqn <= beta_sq);
  ct::declassify(&short_enough, sizeof short_enough, "Alg. 10 step 9: a rejected attempt reveals nothing kept");
  return short_enough != 0;
}

template <class P>
constexpr std::uint64_t inv_sigma_bits() {
  return P::logn == 10 ? fpr::bits::inv_sigma_10 : fpr::bits::inv_sigma_9;
}
template <class P>
constexpr std::uint64_t sigma_min_bits() {
  return P::logn == 10 ? fpr::bits::sigma_min_10 : fpr::bits::sigma_min_9;
}

}  // namespace

template <class P, class F>
Status sign_internal_with(std::span<std::uint8_t> sig, std::size_t& sig_len, std::span<const std::uint8_t, P::sk_bytes> sk,
                          std::span<const std::uint8_t> msg, std::span<const std::uint8_t, kNonceBytes> nonce,
                          std::span<const std::uint8_t, kSignSeedBytes> seed, Format format,
                          std::span<std::uint8_t> workspace) {
  constexpr std::size_t n = P::n;
  if (sig.size() < (format == Format::padded ? P::sig_padded_bytes : P::sig_max_bytes)) return Status::invalid_length;
  if (workspace.size() < Budget<P>::sign_workspace_bytes) return Status::buffer_too_small;
  // Workspace: 9n doubles | hm (n x u16) | f g F G (n x i8 each) | s2 (n x i16), 8-byte aligned.
  const std::size_t skew = (8 - (reinterpret_cast<std::uintptr_t>(workspace.data()) & 7u)) & 7u;
  const std::span<std::uint8_t> ws = workspace.subspan(skew, detail::kSignBytesPerN * n);
  auto* fp = reinterpret_cast<T<F>*>(ws.data());
  auto* hm = reinterpret_cast<std::uint16_t*>(ws.data() + 72 * n);
  auto* f = reinterpret_cast<std::int8_t*>(ws.data() + 74 * n);
  std::int8_t* g = f + n;
  std::int8_t* F_ = g + n;
  std::int8_t* G = F_ + n;
  auto* s2 = reinterpret_cast<std::int16_t*>(ws.data() + 78 * n);
  struct Wipe {
    std::span<std::uint8_t> w;
    ~Wipe() { secure_wipe(w.data(), w.size()); }
  } wipe{ws};

  // Private key: f, g, F decoded, G = g F / f mod q recomputed (spec §3.11.2: G is not stored).
  Status st = codec::decode_private_key<P>(std::span<std::int8_t, n>(f, n), std::span<std::int8_t, n>(g, n),
                                           std::span<std::int8_t, n>(F_, n), sk);
  ct::declassify(&st, sizeof st, "validity of the private key encoding");
  if (st != Status::ok) return Status::invalid_key;
  auto* t1 = reinterpret_cast<std::uint16_t*>(fp);
  bool have_g = mq::compute_G(std::span<std::int8_t>(G, n), std::span<const std::int8_t>(f, n),
                              std::span<const std::int8_t>(g, n), std::span<const std::int8_t>(F_, n),
                              std::span<std::uint16_t>(t1, n), std::span<std::uint16_t>(t1 + n, n));
  ct::declassify(&have_g, sizeof have_g, "validity of the private key (f invertible, G small)");
  if (!have_g) return Status::invalid_key;

  // Alg. 10 step 2: c = HashToPoint(nonce || msg).
  hash_to_point(std::span<std::uint16_t>(hm, n), nonce, msg);

  // Sampler randomness: SHAKE-256(seed); each attempt seeds a fresh ChaCha20 PRNG from it.
  hash::Shake256 rng;
  rng.absorb(seed.data(), seed.size());
  rng.finalize();
  SamplerPrng prng;
  SamplerZ<F> samp{prng, fpr::c<F>(sigma_min_bits<P>())};
  for (;;) {
    prng.init(rng);
    if (!sign_attempt<F>(samp, s2, f, g, F_, G, hm, P::logn, P::beta_sq, fpr::c<F>(inv_sigma_bits<P>()), fp)) continue;
    ct::declassify(s2, n * sizeof *s2, "s2 is the signature");
    st = codec::encode_signature<P>(sig, sig_len, nonce, std::span<const std::int16_t, n>(s2, n), format);
    // Spec Alg. 10 step 13 (and the compressed maximum): too long -> sample again, same stream.
    if (st == Status::buffer_too_small) continue;
    return st;
  }
}

template <class P>
Status sign_internal(std::span<std::uint8_t> sig, std::size_t& sig_len, std::span<const std::uint8_t, P::sk_bytes> sk,
                     std::span<const std::uint8_t> msg, std::span<const std::uint8_t, kNonceBytes> nonce,
                     std::span<const std::uint8_t, kSignSeedBytes> seed, Format format, std::span<std::uint8_t> workspace) {
  return sign_internal_with<P, fpr::Default>(sig, sig_len, sk, msg, nonce, seed, format, workspace);
}

template <class P>
Status sign(std::span<std::uint8_t> sig, std::size_t& sig_len, std::span<const std::uint8_t, P::sk_bytes> sk,
            std::span<const std::uint8_t> msg, Format format, rng::RandomSource& rng, std::span<std::uint8_t> workspace) {
  // Same draws, in the same order, as the NIST KAT harness: the nonce, then the sampler seed.
  std::uint8_t nonce[kNonceBytes];
  std::uint8_t seed[kSignSeedBytes];
  Status st = rng.generate(nonce);
  if (st == Status::ok) st = rng.generate(seed);
  if (st != Status::ok) {
    secure_wipe(seed, sizeof seed);
    return Status::entropy_failure;
  }
  st = sign_internal<P>(sig, sig_len, sk, msg, nonce, seed, format, workspace);
  secure_wipe(seed, sizeof seed);
  return st;
}

#define PQCEA_FALCON_SIGN_INSTANTIATE(P)                                                                          \
  template Status sign_internal<P>(std::span<std::uint8_t>, std::size_t&, std::span<const std::uint8_t, P::sk_bytes>, \
                                   std::span<const std::uint8_t>, std::span<const std::uint8_t, kNonceBytes>,      \
                                   std::span<const std::uint8_t, kSignSeedBytes>, Format, std::span<std::uint8_t>); \
  template Status sign<P>(std::span<std::uint8_t>, std::size_t&, std::span<const std::uint8_t, P::sk_bytes>,       \
                          std::span<const std::uint8_t>, Format, rng::RandomSource&, std::span<std::uint8_t>);
#define PQCEA_FALCON_SIGN_WITH(P, F)                                                                                   \
  template Status sign_internal_with<P, F>(std::span<std::uint8_t>, std::size_t&,                                     \
                                           std::span<const std::uint8_t, P::sk_bytes>, std::span<const std::uint8_t>, \
                                           std::span<const std::uint8_t, kNonceBytes>,                                \
                                           std::span<const std::uint8_t, kSignSeedBytes>, Format,                     \
                                           std::span<std::uint8_t>);

PQCEA_FALCON_SIGN_INSTANTIATE(Falcon512)
PQCEA_FALCON_SIGN_INSTANTIATE(Falcon1024)
PQCEA_FALCON_SIGN_WITH(Falcon512, fpr::Emu)
PQCEA_FALCON_SIGN_WITH(Falcon1024, fpr::Emu)
#if defined(PQCEA_FALCON_FPR_HAVE_NATIVE)
PQCEA_FALCON_SIGN_WITH(Falcon512, fpr::Native)
PQCEA_FALCON_SIGN_WITH(Falcon1024, fpr::Native)
#endif

}  // namespace pqcea::falcon

// The stateful schemes by algorithm name, for `pqcea sig` (src/cli/cmd_sig.cpp).
#include "pqcea/core/bytes.hpp"
#include "pqcea/host/stateful.hpp"

namespace pqcea::host::stateful {

namespace {
constexpr const char* kHss = "HSS-LMS";
const xmss::Params& xmss_params(const std::string& alg) {
  const xmss::Params* p = xmss::find_by_name(alg.c_str());
  if (p == nullptr) throw std::invalid_argument("unknown stateful signature algorithm " + alg);
  return *p;
}
}  // namespace

std::vector<std::string> algorithm_names() {
  std::vector<std::string> v{kHss};
  for (const auto& p : xmss::kXmss) v.emplace_back(p.name);
  for (const auto& p : xmss::kXmssMt) v.emplace_back(p.name);
  return v;
}

std::vector<std::uint8_t> keygen(const std::string& alg, const std::string& params, const std::string& sk_path,
                                 rng::RandomSource& rng, Replace replace) {
  if (alg == kHss) {
    HssSigner::generate(sk_path, parse_hss_levels(params.empty() ? kDefaultHssLevels : params), rng, replace);
    return HssSigner(sk_path).public_key();
  }
  if (!params.empty()) throw std::invalid_argument("--params applies to HSS-LMS only");
  XmssSigner::generate(sk_path, xmss_params(alg), rng, replace);
  return XmssSigner(sk_path).public_key();
}

std::vector<std::uint8_t> sign(const std::string& alg, const std::string& sk_path, std::span<const std::uint8_t> msg) {
  if (alg == kHss) return HssSigner(sk_path).sign(msg);
  XmssSigner signer(sk_path);
  if (signer.params().oid != xmss_params(alg).oid || signer.params().mt != xmss_params(alg).mt)
    throw StatefulError(sk_path + " is a " + signer.params().name + " key, not " + alg);
  return signer.sign(msg);
}

Status verify(const std::string& alg, std::span<const std::uint8_t> pk, std::span<const std::uint8_t> msg,
              std::span<const std::uint8_t> sig) {
  if (alg == kHss) return lms::hss_verify(pk, msg, sig);
  const xmss::Params& p = xmss_params(alg);
  if (pk.size() != p.pk_bytes() || load32_be(pk.data()) != p.oid) return Status::invalid_key;
  return p.mt ? xmss::verify_mt(pk, msg, sig) : xmss::verify(pk, msg, sig);
}

}  // namespace pqcea::host::stateful

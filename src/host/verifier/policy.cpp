#include "pqcea/host/verifier/policy.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "pqcea/host/hex.hpp"

namespace pqcea::verifier {
namespace {

using json = nlohmann::json;

void only_fields(const json& obj, const std::set<std::string>& allowed, const std::string& where) {
  if (!obj.is_object()) throw PolicyError(where + ": expected an object");
  for (const auto& [k, v] : obj.items())
    if (!allowed.count(k)) throw PolicyError(where + ": unknown field '" + k + "'");
}

std::vector<std::uint8_t> hex_bytes(const json& v, const std::string& where) {
  if (!v.is_string()) throw PolicyError(where + ": expected a hex string");
  const std::string s = v.get<std::string>();
  if (s.empty() || s.size() % 2 != 0 || s.size() > 256) throw PolicyError(where + ": bad hex length");
  auto out = host::hex_decode(s);
  if (!out) throw PolicyError(where + ": bad hex digit");
  return std::move(*out);
}

std::size_t digest_size(const std::string& alg) {
  if (alg == "sha-256" || alg == "sha3-256") return 32;
  if (alg == "sha-384" || alg == "sha3-384") return 48;
  if (alg == "sha-512" || alg == "sha3-512") return 64;
  return 0;
}

// A required member. json::at would throw json::out_of_range, which callers do not expect from
// a malformed document (the service answered 500; found by fuzz_policy).
const json& member(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) throw PolicyError(where + ": missing '" + key + "'");
  return *it;
}

template <typename T>
T typed(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) throw PolicyError(where + ": missing '" + key + "'");
  try {
    return obj.at(key).get<T>();
  } catch (const json::exception&) {
    throw PolicyError(where + ": '" + key + "' has the wrong type");
  }
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::vector<unsigned long> p;
    std::size_t i = 0;
    while (i <= v.size()) {
      std::size_t j = v.find('.', i);
      if (j == std::string::npos) j = v.size();
      std::string piece = v.substr(i, j - i);
      if (piece.empty() || piece.size() > 9 || piece.find_first_not_of("0123456789") != std::string::npos)
        throw PolicyError("malformed version '" + v + "'");
      p.push_back(std::stoul(piece));
      i = j + 1;
    }
    return p;
  };
  auto pa = parts(a), pb = parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    unsigned long x = i < pa.size() ? pa[i] : 0, y = i < pb.size() ? pb[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

Policy parse_policy(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw PolicyError(std::string("policy is not valid JSON: ") + e.what());
  }
  only_fields(doc, {"version", "models"}, "policy");
  Policy p;
  p.version = typed<int>(doc, "version", "policy");
  if (p.version != 1) throw PolicyError("policy: unsupported version");
  const json& models = member(doc, "models", "policy");
  if (!models.is_object() || models.empty()) throw PolicyError("policy: 'models' must be a non-empty object");
  for (const auto& [name, m] : models.items()) {
    const std::string where = "models." + name;
    only_fields(m, {"min_swversion", "allow_debug", "require_tpm", "firmware"}, where);
    ModelPolicy mp;
    mp.min_swversion = typed<std::string>(m, "min_swversion", where);
    compare_versions(mp.min_swversion, mp.min_swversion);  // validates the form
    if (m.contains("allow_debug")) mp.allow_debug = typed<bool>(m, "allow_debug", where);
    if (m.contains("require_tpm")) mp.require_tpm = typed<bool>(m, "require_tpm", where);
    const json& fw = member(m, "firmware", where);
    if (!fw.is_object() || fw.empty()) throw PolicyError(where + ".firmware must be a non-empty object");
    for (const auto& [ver, ref] : fw.items()) {
      const std::string fw_where = where + ".firmware." + ver;
      compare_versions(ver, ver);
      only_fields(ref, {"components", "pcrs"}, fw_where);
      FirmwareReference fr;
      const json& comps = member(ref, "components", fw_where);
      if (!comps.is_object() || comps.empty()) throw PolicyError(fw_where + ".components must be a non-empty object");
      for (const auto& [cname, c] : comps.items()) {
        only_fields(c, {"alg", "digest"}, fw_where + "." + cname);
        FirmwareReference::Digest d;
        d.alg = typed<std::string>(c, "alg", fw_where + "." + cname);
        d.value = hex_bytes(member(c, "digest", fw_where + "." + cname), fw_where + "." + cname + ".digest");
        if (digest_size(d.alg) == 0 || d.value.size() != digest_size(d.alg))
          throw PolicyError(fw_where + "." + cname + ": unknown digest algorithm or wrong digest length");
        fr.components.emplace(cname, std::move(d));
      }
      if (ref.contains("pcrs")) {
        only_fields(ref.at("pcrs"), {"0", "1", "2", "3", "4", "5", "6", "7"}, fw_where + ".pcrs");
        for (const auto& [idx, v] : ref.at("pcrs").items()) {
          auto bytes = hex_bytes(v, fw_where + ".pcrs." + idx);
          if (bytes.size() != 32) throw PolicyError(fw_where + ".pcrs." + idx + ": expected a SHA-256 value");
          fr.pcrs.emplace(std::stoi(idx), std::move(bytes));
        }
      }
      mp.firmware.emplace(ver, std::move(fr));
    }
    p.models.emplace(name, std::move(mp));
  }
  return p;
}

Policy load_signed_policy(const std::string& text, std::span<const std::uint8_t> signature,
                          const SignatureCheck& verify) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  if (!verify(std::span<const std::uint8_t>(bytes, text.size()), signature))
    throw PolicyError("policy signature does not verify under the operator key");
  return parse_policy(text);
}

}  // namespace pqcea::verifier

// The size ledger (docs/ocpp.md, "Size ledger"): every field the post-quantum extension uses,
// measured on objects built by the product's own code (pki, classical_pki, csr, boot_image,
// device_sim, rpc), against the OCPP 2.0.1 schema limit of the field that carries it, for
// ML-DSA-44, ML-DSA-65, ML-DSA-87 and Falcon-1024.
//
// Three kinds of rows:
//   carried  what the product really sends in that field: it must fit (a standard field always
//            holds the classical object; an extension field is bounded only by kMaxFrameBytes);
//   what_if  a post-quantum object put into a standard field instead: shows why the dual track
//            exists (an ML-DSA-87 certificate does not fit 5,500 characters);
//   info     a raw size with no field of its own (public key, signature bytes inside the image).
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pqcea::ocpp::ledger {

// The columns, in this order.
inline constexpr std::array<const char*, 4> kColumns = {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "Falcon-1024"};

struct Cell {
  std::optional<std::size_t> size;  // characters (PEM, base64, JSON) or bytes (raw), as the row says
  std::string note;                 // why there is no size ("n/a (no Falcon X.509 in this product)")
};

struct Row {
  enum class Kind { carried, what_if, info };
  Kind kind = Kind::carried;
  std::string field;       // "`csr`", "ML-DSA CSR in `csr`"
  std::string carried_in;  // "SignCertificateRequest"
  std::size_t limit = 0;   // 0 = no limit (info rows)
  std::string limit_text;  // "5,500", "kMaxFrameBytes (262,144)"
  std::array<Cell, 4> cells;
  // Every measured cell within the limit (info rows: true).
  bool fits() const;
};

struct Ledger {
  std::vector<Row> rows;
  const Row* find(const std::string& field) const;  // by Row::field, or nullptr
};

// Builds every object (fresh keys from the system DRBG; firmware image keys in a temporary folder
// that is removed afterwards) and measures it. Throws if the product's code refuses an object.
Ledger build();

// The markdown table: field | carried in | limit | ML-DSA-44 | ML-DSA-65 | ML-DSA-87 | Falcon-1024 | fits?
std::string to_markdown(const Ledger& l);

// The invariants of the dual track: every carried row fits (standard fields hold the classical
// object; extension objects fit the frame cap) and the ML-DSA-87 certificate PEM exceeds 5,500.
// Returns "" when they hold, else the first broken one.
std::string check_invariants(const Ledger& l);

}  // namespace pqcea::ocpp::ledger

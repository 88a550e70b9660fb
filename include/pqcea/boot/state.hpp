// Persistent boot state: which slot is confirmed, which one holds an update to try, how often the
// update was tried, the boot count. Kept as an append-only log of 32-byte records in two flash
// sectors (docs/secure-boot.md, "Boot state"), so that power lost during any write leaves the
// previous record in force:
//  - a record carries a sequence number and a check value (truncated SHA-256); a torn record fails
//    its check and is ignored;
//  - records are appended into erased space; when the active sector is full the other sector is
//    erased and the next record starts it; the full sector still holds the latest valid record
//    until the new one is complete.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "pqcea/boot/port.hpp"
#include "pqcea/core/status.hpp"

namespace pqcea::boot {

enum class Slot : std::uint8_t { a = 0, b = 1, none = 0xFF };
constexpr Slot other(Slot s) { return s == Slot::a ? Slot::b : s == Slot::b ? Slot::a : Slot::none; }
constexpr const char* to_string(Slot s) { return s == Slot::a ? "A" : s == Slot::b ? "B" : "none"; }

struct BootState {
  std::uint32_t seq = 0;           // 0: no record yet (factory state)
  Slot confirmed = Slot::none;     // the slot that runs normally
  Slot pending = Slot::none;       // an update to try at the next boot
  std::uint8_t trials = 0;         // boots of `pending` so far (0 or 1)
  std::uint32_t boot_count = 0;    // boots since the state was created
};

inline constexpr std::array<std::uint8_t, 4> kStateMagic = {'P', 'Q', 'B', 'S'};
inline constexpr std::size_t kStateRecordSize = 32;
inline constexpr std::size_t kStateCheckSize = 8;

// Encoding of one record (exposed for the tests).
void encode_state_record(const BootState& s, std::span<std::uint8_t, kStateRecordSize> out);
// ok if the record is valid (magic, slot values, reserved bytes, check value).
[[nodiscard]] Status decode_state_record(std::span<const std::uint8_t, kStateRecordSize> in, BootState& out);

class StateStore {
 public:
  // Uses the first two sectors of `area`. The area's sector size must be a multiple of
  // kStateRecordSize and its write unit must divide it.
  explicit StateStore(Flash& area) : area_(area) {}

  // The latest valid record, or the factory state (seq 0) if there is none. Fails only on a read
  // error or an unusable area geometry.
  [[nodiscard]] Status load(BootState& out);
  // Appends a record with seq = latest + 1 (written back into `st.seq` on success).
  [[nodiscard]] Status save(BootState& st);

 private:
  struct Scan {
    bool found = false;
    BootState latest;
    std::size_t latest_sector = 0;
    std::size_t next_free[2] = {0, 0};  // index of the first erased record after the last used one
  };
  [[nodiscard]] Status scan(Scan& out);
  [[nodiscard]] Status geometry_ok() const;
  std::size_t records_per_sector() const { return area_.sector_size() / kStateRecordSize; }

  Flash& area_;
};

}  // namespace pqcea::boot

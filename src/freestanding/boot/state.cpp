// Boot-state log (docs/secure-boot.md, "Boot state"): 32-byte records appended into two sectors.
#include "pqcea/boot/state.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/sha2.hpp"

namespace pqcea::boot {
namespace {

// Record layout: magic(4) seq(4) confirmed(1) pending(1) trials(1) 0(1) boot_count(4) 0(8) check(8).
constexpr std::size_t kCheckOffset = kStateRecordSize - kStateCheckSize;

void compute_check(const std::uint8_t* rec, std::uint8_t* check) {
  std::uint8_t md[32];
  hash::Sha256::hash(md, rec, kCheckOffset);
  for (std::size_t i = 0; i < kStateCheckSize; ++i) check[i] = md[i];
}

bool slot_value_ok(std::uint8_t v) { return v == 0 || v == 1 || v == 0xFF; }

bool erased(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != Flash::kErased) return false;
  return true;
}

}  // namespace

void encode_state_record(const BootState& s, std::span<std::uint8_t, kStateRecordSize> out) {
  std::uint8_t* p = out.data();
  for (std::size_t i = 0; i < kStateRecordSize; ++i) p[i] = 0;
  for (std::size_t i = 0; i < 4; ++i) p[i] = kStateMagic[i];
  store32_le(p + 4, s.seq);
  p[8] = static_cast<std::uint8_t>(s.confirmed);
  p[9] = static_cast<std::uint8_t>(s.pending);
  p[10] = s.trials;
  store32_le(p + 12, s.boot_count);
  compute_check(p, p + kCheckOffset);
}

Status decode_state_record(std::span<const std::uint8_t, kStateRecordSize> in, BootState& out) {
  const std::uint8_t* p = in.data();
  for (std::size_t i = 0; i < 4; ++i)
    if (p[i] != kStateMagic[i]) return Status::decode_error;
  std::uint8_t check[kStateCheckSize];
  compute_check(p, check);
  for (std::size_t i = 0; i < kStateCheckSize; ++i)
    if (check[i] != p[kCheckOffset + i]) return Status::decode_error;
  // Written records are in range; a value out of range is a corrupted or foreign record.
  const std::uint32_t seq = load32_le(p + 4);
  if (seq == 0 || seq == 0xFFFFFFFFu) return Status::decode_error;
  if (!slot_value_ok(p[8]) || !slot_value_ok(p[9]) || p[10] > 1 || p[11] != 0) return Status::decode_error;
  for (std::size_t i = 16; i < kCheckOffset; ++i)
    if (p[i] != 0) return Status::decode_error;
  out.seq = seq;
  out.confirmed = static_cast<Slot>(p[8]);
  out.pending = static_cast<Slot>(p[9]);
  out.trials = p[10];
  out.boot_count = load32_le(p + 12);
  return Status::ok;
}

Status StateStore::geometry_ok() const {
  const std::size_t sector = area_.sector_size();
  const std::size_t align = area_.write_align();
  if (sector < kStateRecordSize || sector % kStateRecordSize != 0) return Status::unsupported;
  if (align == 0 || kStateRecordSize % align != 0) return Status::unsupported;
  if (area_.size() < 2 * sector) return Status::unsupported;
  return Status::ok;
}

Status StateStore::scan(Scan& out) {
  Status s = geometry_ok();
  if (s != Status::ok) return s;
  const std::size_t per = records_per_sector();
  Scan r;
  for (std::size_t sector = 0; sector < 2; ++sector) {
    std::size_t next_free = 0;
    for (std::size_t i = 0; i < per; ++i) {
      std::uint8_t rec[kStateRecordSize];
      s = area_.read(sector * area_.sector_size() + i * kStateRecordSize, rec);
      if (s != Status::ok) return s;
      if (erased(rec, kStateRecordSize)) continue;
      next_free = i + 1;  // appends go after the last used record, torn ones included
      BootState st;
      if (decode_state_record(std::span<const std::uint8_t, kStateRecordSize>(rec), st) != Status::ok) continue;
      if (!r.found || st.seq > r.latest.seq) {
        r.found = true;
        r.latest = st;
        r.latest_sector = sector;
      }
    }
    r.next_free[sector] = next_free;
  }
  out = r;
  return Status::ok;
}

Status StateStore::load(BootState& out) {
  Scan sc;
  const Status s = scan(sc);
  if (s != Status::ok) return s;
  out = sc.found ? sc.latest : BootState{};
  return Status::ok;
}

Status StateStore::save(BootState& st) {
  Scan sc;
  Status s = scan(sc);
  if (s != Status::ok) return s;
  const std::size_t per = records_per_sector();
  std::size_t sector;
  std::size_t index;
  if (sc.found && sc.next_free[sc.latest_sector] < per) {
    sector = sc.latest_sector;
    index = sc.next_free[sector];
  } else {
    // Start the other sector (or sector 0 in the factory state). The full sector keeps the latest
    // valid record until the new one is completely written.
    sector = sc.found ? 1 - sc.latest_sector : 0;
    index = 0;
    s = area_.erase(sector * area_.sector_size(), area_.sector_size());
    if (s != Status::ok) return s;
  }
  BootState next = st;
  next.seq = sc.found ? sc.latest.seq + 1 : 1;
  std::uint8_t rec[kStateRecordSize];
  encode_state_record(next, rec);
  s = area_.write(sector * area_.sector_size() + index * kStateRecordSize, rec);
  if (s != Status::ok) return s;
  st.seq = next.seq;
  return Status::ok;
}

}  // namespace pqcea::boot

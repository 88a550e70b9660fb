// Image validation and the A/B boot decision (docs/secure-boot.md, "Boot flow").
#include "pqcea/boot/bootloader.hpp"

#include "pqcea/core/bytes.hpp"
#include "pqcea/hash/keccak.hpp"

namespace pqcea::boot {
namespace {

Verdict reject(Rejection& why, Reject r) {
  why.reason = r;
  return Verdict::reject;
}

void emit(EventSink* sink, const BootEvent& e) {
  if (sink != nullptr) sink->on_event(e);
}

BootEvent event(BootEvent::Kind k, Slot s = Slot::none) {
  BootEvent e{};
  e.kind = k;
  e.slot = s;
  return e;
}

// Accept only if the verdict says so and the flow counter shows every check ran; both read twice
// through volatile copies so that one skipped compare is not enough.
bool accepted(Verdict v, const fih::FlowCounter& f, std::uint32_t expected_flow) {
  volatile std::uint32_t vv = static_cast<std::uint32_t>(v);
  if (vv != static_cast<std::uint32_t>(Verdict::accept)) return false;
  fih::barrier();
  if (f.value() != expected_flow) return false;
  fih::barrier();
  if (vv != static_cast<std::uint32_t>(Verdict::accept)) return false;
  return true;
}

}  // namespace

const char* to_string(Reject r) {
  switch (r) {
    case Reject::none: return "ok";
    case Reject::read_error: return "flash read error";
    case Reject::manifest: return "malformed manifest";
    case Reject::too_large_for_slot: return "image larger than the slot";
    case Reject::outside_exec_region: return "payload outside the execution region";
    case Reject::truncated: return "image truncated (end marker missing)";
    case Reject::algorithm_not_supported: return "signature algorithm not supported by this bootloader";
    case Reject::key_not_trusted: return "signer key not trusted";
    case Reject::public_key_mismatch: return "public key does not match the signer key id";
    case Reject::signature: return "signature invalid";
    case Reject::rollback: return "security counter below the stored counter (rollback)";
    case Reject::digest: return "payload digest mismatch";
    case Reject::fault: return "fault detected";
  }
  return "unknown rejection";
}

Verdict validate_image(Flash& slot, std::span<const KeyId> trusted_keys, std::uint32_t stored_counter,
                       const ExecRegion& exec, WorkspaceRef ws, ValidatedImage& out, Rejection& why,
                       fih::FlowCounter& flow, mldsa::Memory verify_memory,
                       std::span<const SigVerifier> verifiers) {
  why = Rejection{};
  // 1. Manifest: read once into RAM; every later check (and the signature) uses this copy, so a
  // flash that changes under us cannot make the checked and the used bytes differ.
  if (slot.size() < kManifestSize) {
    why.manifest_error = ManifestError::truncated;
    return reject(why, Reject::manifest);
  }
  if (slot.read(0, ws.manifest) != Status::ok) return reject(why, Reject::read_error);
  Manifest m;
  if (parse_manifest(ws.manifest, m, &why.manifest_error) != Status::ok) return reject(why, Reject::manifest);
  flow.step(flow::kManifest);

  // 2. Bounds against this board: the image fits its slot, the payload its execution region.
  if (image_size(m) > slot.size()) return reject(why, Reject::too_large_for_slot);
  const std::size_t exec_size = exec.memory.size();
  if (m.load_address < exec.base || m.load_address - exec.base > exec_size ||
      m.payload_size > exec_size - (m.load_address - exec.base))
    return reject(why, Reject::outside_exec_region);
  // ... and its signature algorithm is one this build checks, with room for an in-RAM signature.
  const SigVerifier* verifier = nullptr;
  for (const SigVerifier& v : verifiers)
    if (v.alg == m.sig_alg) verifier = &v;
  if (verifier == nullptr || (!verifier->streamed && m.signature_size > ws.signature.size()))
    return reject(why, Reject::algorithm_not_supported);
  flow.step(flow::kBounds);

  // 3. End marker: an interrupted download or a cut file shows here, before any cryptography.
  std::uint8_t end[kEndMarkerSize];
  if (slot.read(end_marker_offset(m), end) != Status::ok) return reject(why, Reject::read_error);
  if (end[0] != kEndMagic[0] || end[1] != kEndMagic[1] || end[2] != kEndMagic[2] || end[3] != kEndMagic[3] ||
      load32_le(end + 4) != image_size(m))
    return reject(why, Reject::truncated);
  flow.step(flow::kEndMarker);

  // 4. The signer key id must be one the bootloader trusts (the key hashes in "OTP").
  bool trusted = false;
  for (const KeyId& k : trusted_keys)
    if (fih::equal_twice(k.data(), m.key_id.data(), kKeyIdSize)) trusted = true;
  if (!trusted) return reject(why, Reject::key_not_trusted);
  flow.step(flow::kKeyTrusted);

  // 5. The embedded public key must be the one the key id names.
  const std::span<std::uint8_t> pk = ws.public_key.first(m.public_key_size);  // bounded by kSigAlgs
  if (slot.read(public_key_offset(m), pk) != Status::ok) return reject(why, Reject::read_error);
  KeyId pk_id;
  key_id_of(pk, pk_id);
  if (!fih::equal_twice(pk_id.data(), m.key_id.data(), kKeyIdSize)) return reject(why, Reject::public_key_mismatch);
  flow.step(flow::kPublicKey);

  // 6. The signature over the RAM copy of the manifest, by the algorithm the manifest names.
  SigCheck check;
  check.manifest = ws.manifest;
  check.public_key = pk;
  check.slot = &slot;
  check.signature_offset = signature_offset(m);
  check.signature_size = m.signature_size;
  check.mldsa_memory = verify_memory;
  if (!verifier->streamed) {
    const std::span<std::uint8_t> sig = ws.signature.first(m.signature_size);  // fits: step 2
    if (slot.read(signature_offset(m), sig) != Status::ok) return reject(why, Reject::read_error);
    check.signature = sig;
  }
  volatile Status sig_status = verifier->verify(check);
  if (sig_status != Status::ok) return reject(why, Reject::signature);
  fih::barrier();
  if (sig_status != Status::ok) return reject(why, Reject::signature);
  flow.step(flow::kSignature);

  // 7. Anti-rollback: only now is the security counter authenticated.
  why.image_counter = m.security_counter;
  why.stored_counter = stored_counter;
  volatile std::uint32_t image_counter = m.security_counter;
  if (image_counter < stored_counter) return reject(why, Reject::rollback);
  fih::barrier();
  if (image_counter < stored_counter) return reject(why, Reject::rollback);
  flow.step(flow::kCounter);

  // 8. Payload: copy to the load address, then hash the copy (what runs is what was hashed).
  const std::span<std::uint8_t> dest = exec.memory.subspan(m.load_address - exec.base, m.payload_size);
  if (slot.read(kManifestSize, dest) != Status::ok) return reject(why, Reject::read_error);
  std::array<std::uint8_t, kDigestSize> digest;
  if (payload_digest(m.digest_alg, dest, digest) != Status::ok) return reject(why, Reject::digest);
  if (!fih::equal_twice(digest.data(), m.digest.data(), kDigestSize)) return reject(why, Reject::digest);
  flow.step(flow::kDigest);

  out.manifest = m;
  hash::Sha3_256::hash(out.manifest_hash.data(), ws.manifest.data(), kManifestSize);
  return Verdict::accept;
}

Verdict decide_boot(const BootPorts& ports, WorkspaceRef ws, BootDecision& out, EventSink* events) {
  out.verdict.set(Verdict::reject);
  out.slot = Slot::none;
  out.trial = false;
  out.flow.reset();
  if (ports.state == nullptr || ports.counter == nullptr) return Verdict::reject;

  StateStore store(*ports.state);
  BootState st;
  Status s = store.load(st);
  if (s != Status::ok) {
    // An unreadable state area: boot from the slots alone (saves below will report their errors).
    BootEvent e = event(BootEvent::Kind::state_error);
    e.status = s;
    emit(events, e);
    st = BootState{};
  }
  // Without the stored counter anti-rollback cannot be enforced: fail closed.
  std::uint32_t counter = 0;
  s = ports.counter->read(counter);
  if (s != Status::ok) {
    BootEvent e = event(BootEvent::Kind::state_error);
    e.status = s;
    emit(events, e);
    return Verdict::reject;
  }

  auto save = [&](BootState& state) {
    const Status ss = store.save(state);
    if (ss != Status::ok) {
      BootEvent e = event(BootEvent::Kind::state_error);
      e.status = ss;
      emit(events, e);
    }
    return ss;
  };

  // 1. A pending update is tried exactly once; if it did not confirm itself, it is dropped.
  if (st.pending != Slot::none) {
    const Slot p = st.pending;
    Flash* area = ports.slot(p);
    if (p == st.confirmed || area == nullptr) {
      st.pending = Slot::none;
      st.trials = 0;
      (void)save(st);
    } else if (st.trials == 0) {
      ValidatedImage img;
      Rejection why;
      fih::FlowCounter f;
      const Verdict v = validate_image(*area, ports.trusted_keys, counter, ports.exec, ws, img, why, f, ports.verify_memory,
                                       ports.verifiers);
      if (accepted(v, f, flow::kImageValid)) {
        // Record the trial before running it: if the image never confirms (crash, hang, power
        // loss), the next boot sees trials == 1 and reverts.
        BootState trial = st;
        trial.trials = 1;
        trial.boot_count = st.boot_count + 1;
        if (save(trial) == Status::ok) {
          emit(events, event(BootEvent::Kind::trial_started, p));
          out.slot = p;
          out.trial = true;
          out.image = img;
          out.stored_counter = counter;
          out.boot_count = trial.boot_count;
          out.flow.step(f.value());
          out.flow.step(flow::kDecided);
          if (accepted(v, f, flow::kImageValid)) out.verdict.set(Verdict::accept);
          return out.verdict.get();
        }
        // The trial could not be recorded; running it could loop forever. Fall back below and
        // leave the request in place.
      } else {
        BootEvent e = event(BootEvent::Kind::update_rejected, p);
        e.rejection = why;
        emit(events, e);
        st.pending = Slot::none;
        st.trials = 0;
        (void)save(st);
      }
    } else {
      emit(events, event(BootEvent::Kind::update_reverted, p));
      st.pending = Slot::none;
      st.trials = 0;
      (void)save(st);
    }
  }

  // 2. The confirmed slot, then the other one (factory state: A first).
  const Slot first = st.confirmed != Slot::none ? st.confirmed : Slot::a;
  const Slot order[2] = {first, other(first)};
  for (const Slot c : order) {
    Flash* area = ports.slot(c);
    if (area == nullptr) continue;
    ValidatedImage img;
    Rejection why;
    fih::FlowCounter f;
    const Verdict v = validate_image(*area, ports.trusted_keys, counter, ports.exec, ws, img, why, f, ports.verify_memory,
                                       ports.verifiers);
    if (!accepted(v, f, flow::kImageValid)) {
      BootEvent e = event(BootEvent::Kind::slot_rejected, c);
      e.rejection = why;
      emit(events, e);
      continue;
    }
    if (st.pending == c) {  // a pending request left in place above: this slot now runs confirmed
      st.pending = Slot::none;
      st.trials = 0;
    }
    st.confirmed = c;
    st.boot_count = st.boot_count + 1;
    (void)save(st);  // the boot count is informational; the decision stands if it cannot be saved
    // Anti-rollback: the counter follows the confirmed image, never a trial.
    if (img.manifest.security_counter > counter) {
      s = ports.counter->advance(img.manifest.security_counter);
      BootEvent e = event(s == Status::ok ? BootEvent::Kind::counter_advanced : BootEvent::Kind::state_error, c);
      e.from = counter;
      e.to = img.manifest.security_counter;
      e.status = s;
      emit(events, e);
      if (s == Status::ok) counter = img.manifest.security_counter;
    }
    out.slot = c;
    out.trial = false;
    out.image = img;
    out.stored_counter = counter;
    out.boot_count = st.boot_count;
    out.flow.step(f.value());
    out.flow.step(flow::kDecided);
    if (accepted(v, f, flow::kImageValid)) out.verdict.set(Verdict::accept);
    return out.verdict.get();
  }
  return Verdict::reject;
}

Status install_image(Flash& slot, std::span<const std::uint8_t> image) {
  const std::size_t sector = slot.sector_size();
  const std::size_t align = slot.write_align();
  if (image.size() > slot.size() || sector == 0 || align == 0 || sector % align != 0) return Status::invalid_length;
  const std::size_t erase_len = (image.size() + sector - 1) / sector * sector;
  if (erase_len > slot.size()) return Status::invalid_length;
  // Sector by sector, as a flash driver erases and programs.
  Status s = Status::ok;
  for (std::size_t off = 0; off < erase_len; off += sector) {
    s = slot.erase(off, sector);
    if (s != Status::ok) return s;
  }
  const std::size_t whole = image.size() / align * align;
  for (std::size_t off = 0; off < whole; off += sector) {
    const std::size_t n = whole - off < sector ? whole - off : sector;
    s = slot.write(off, image.subspan(off, n));
    if (s != Status::ok) return s;
  }
  if (whole < image.size()) {
    std::uint8_t tail[64];
    if (align > sizeof tail) return Status::unsupported;
    for (std::size_t i = 0; i < align; ++i) tail[i] = whole + i < image.size() ? image[whole + i] : Flash::kErased;
    s = slot.write(whole, std::span<const std::uint8_t>(tail, align));
  }
  return s;
}

Status request_update(StateStore& store, Slot target) {
  if (target != Slot::a && target != Slot::b) return Status::invalid_argument;
  BootState st;
  Status s = store.load(st);
  if (s != Status::ok) return s;
  if (target == st.confirmed) return Status::invalid_argument;
  st.pending = target;
  st.trials = 0;
  return store.save(st);
}

Status confirm_image(StateStore& store, Slot running) {
  if (running != Slot::a && running != Slot::b) return Status::invalid_argument;
  BootState st;
  Status s = store.load(st);
  if (s != Status::ok) return s;
  if (st.pending == running) {
    st.confirmed = running;
    st.pending = Slot::none;
    st.trials = 0;
    return store.save(st);
  }
  return st.confirmed == running ? Status::ok : Status::invalid_argument;
}

}  // namespace pqcea::boot

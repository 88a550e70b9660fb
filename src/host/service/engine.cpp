#include "engine.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <utility>

#include "internal.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/host/entropy_linux.hpp"
#include "pqcea/mldsa.hpp"

namespace pqcea::service::detail {
namespace {

using P87 = mldsa::MlDsa87;

verifier::Outcome engine_rejection(std::string code, std::string message) {
  verifier::Outcome o;
  o.rejected = true;
  o.error = std::move(code);
  o.message = std::move(message);
  return o;
}

const verifier::Policy& empty_policy() {
  static const verifier::Policy p;
  return p;
}

// Reads the verifier's PKCS#8 seed file and expands it into `sk`. Every intermediate copy of the
// secret (file text, DER, seed) is wiped before this returns, also when it throws.
void load_verifier_key(const std::string& path, std::span<std::uint8_t, P87::pk_bytes> pk,
                       std::span<std::uint8_t, P87::sk_bytes> sk) {
  if (path.empty()) throw std::runtime_error("the verifier needs its key (--verifier-key or --fleet)");
  std::string pem;
  pki::Bytes der;
  std::pair<pki::Algorithm, std::array<std::uint8_t, 32>> key{};
  struct Wipe {
    std::string& pem;
    pki::Bytes& der;
    std::array<std::uint8_t, 32>& seed;
    ~Wipe() {
      secure_wipe(pem.data(), pem.size());
      secure_wipe(der.data(), der.size());
      secure_wipe(seed.data(), seed.size());
    }
  } wipe{pem, der, key.second};
  {
    // Unbuffered reads into a string sized first: no stream buffer or reallocation leaves an
    // unwiped copy of the key behind.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read the verifier key " + path);
    struct stat st{};
    if (::fstat(fd, &st) != 0 || st.st_size > 64 * 1024) {
      ::close(fd);
      throw std::runtime_error("the verifier key " + path + " is not a small regular file");
    }
    pem.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < pem.size()) {
      const ssize_t n = ::read(fd, pem.data() + got, pem.size() - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    pem.resize(got);
  }
  try {
    der = pki::from_pem(pem, "PRIVATE KEY");
    key = pki::decode_private_key_seed(der);
  } catch (const pki::Error& e) {
    throw pki::Error("the verifier key " + path + ": " + e.what() + "; expected an ML-DSA-87 private key (PKCS#8 seed PEM)");
  }
  if (key.first != pki::Algorithm::MlDsa87) throw pki::Error("the verifier key " + path + " must be ML-DSA-87");
  if (mldsa::keygen_internal<P87>(pk, sk, std::span<const std::uint8_t, 32>(key.second)) != Status::ok)
    throw std::runtime_error("verifier key expansion failed");
}

}  // namespace

struct Engine::Worker {
  std::unique_ptr<verifier::Store> own;  // PostgreSQL: this worker's connection
  verifier::Store* store = nullptr;
  std::shared_ptr<const PolicyState> seen;
  std::unique_ptr<verifier::Appraiser> appraiser;
  std::thread thread;
};

Engine::Engine(const Config& config, Metrics& metrics)
    : config_(config),
      metrics_(metrics),
      shared_store_(config.db.rfind("sqlite:", 0) == 0),
      // The cache budget is shared out by how fleets are keyed: nearly all ML-DSA-87.
      v44_(config.key_cache_bytes / 16),
      v65_(config.key_cache_bytes / 16),
      v87_(config.key_cache_bytes - config.key_cache_bytes / 8) {
  if (config_.admin_token.size() < 16) throw std::runtime_error("the admin token must have at least 16 characters");
  if (!config_.read_token.empty() && config_.read_token.size() < 16)
    throw std::runtime_error("the read token must have at least 16 characters");
  // Which input a parse error is about: the files themselves are named by load_fleet's caller.
  try {
    trust_.add(pki::from_pem(config_.ca_cert_pem, "CERTIFICATE"), pki::mldsa_verify);
  } catch (const pki::Error& e) {
    throw pki::Error(std::string("the fleet CA certificate (ca.pem, --ca-cert): ") + e.what() +
                     "; expected the PEM ML-DSA CA certificate from fleet-init");
  }
  try {
    std::tie(operator_alg_, operator_pk_) = pki::decode_spki(pki::from_pem(config_.operator_key_pem, "PUBLIC KEY"));
  } catch (const pki::Error& e) {
    throw pki::Error(std::string("the operator key (operator.pub.pem, --operator-key): ") + e.what() +
                     "; expected a PEM ML-DSA public key");
  }
  // The verifier keeps its key expanded (it signs one Merkle root per batch), in the one place
  // the key exists in this process; the signer only views it.
  verifier_pk_.resize(P87::pk_bytes);
  load_verifier_key(config_.verifier_key_file, std::span<std::uint8_t, P87::pk_bytes>(verifier_pk_.data(), P87::pk_bytes),
                    verifier_sk_->span());
  verifier_kid_.resize(cose::kKidSize);
  cose::compute_kid(verifier_pk_, std::span<std::uint8_t, cose::kKidSize>(verifier_kid_.data(), cose::kKidSize));
  result_signer_ = std::make_unique<attest::MlDsa87CoseSigner>(
      mldsa::PrivateKey<P87>::expanded(std::as_const(*verifier_sk_).span()), host::system_rng());
}

Engine::~Engine() { stop(); }

std::unique_ptr<verifier::Store> Engine::open_store() const { return verifier::open_store(config_.db); }

void Engine::start() {
  // Opening the database applies the migrations (one migrator at a time across replicas).
  std::unique_ptr<verifier::Store> first = open_store();
  if (auto stored = first->latest_policy()) {
    if (!verify_policy_signature(stored->document, stored->signature))
      throw std::runtime_error("the stored policy's signature does not verify under the operator key");
    install(stored->revision, verifier::parse_policy(stored->document));
  }
  if (shared_store_) {
    shared_ = std::move(first);
  } else {
    poll_store_ = std::move(first);
  }
  unsigned n = config_.workers ? config_.workers : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    Worker* w = workers_.back().get();
    w->thread = std::thread([this, w] { worker_loop(*w); });
  }
  poller_ = std::thread([this] { poll_loop(); });
}

void Engine::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  poll_cv_.notify_all();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  if (poller_.joinable()) poller_.join();
  workers_.clear();
}

bool Engine::run(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || jobs_.size() >= config_.max_queue) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

bool Engine::attest(std::string token, std::function<void(verifier::Outcome&)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || items_.size() >= config_.max_queue) return false;
    items_.push_back({std::move(token), std::move(done)});
    metrics_.queued = static_cast<std::int64_t>(items_.size());
  }
  cv_.notify_one();
  return true;
}

std::shared_ptr<const PolicyState> Engine::policy() const {
  std::lock_guard<std::mutex> lock(policy_mu_);
  return policy_;
}

void Engine::install(std::int64_t revision, verifier::Policy policy) {
  auto next = std::make_shared<PolicyState>();
  next->revision = revision;
  next->policy = std::move(policy);
  std::lock_guard<std::mutex> lock(policy_mu_);
  if (!policy_ || policy_->revision < revision) policy_ = std::move(next);
}

bool Engine::verify_policy_signature(const std::string& document, std::span<const std::uint8_t> sig) const {
  return pki::mldsa_verify(operator_alg_, operator_pk_,
                           std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(document.data()),
                                                         document.size()),
                           sig);
}

std::int64_t Engine::upload_policy(verifier::Store& store, const std::string& document,
                                   std::span<const std::uint8_t> sig) {
  verifier::Policy p = verifier::load_signed_policy(
      document, sig, [&](std::span<const std::uint8_t>, std::span<const std::uint8_t> s) {
        return verify_policy_signature(document, s);
      });
  const std::int64_t revision = store.put_policy(document, sig, unix_now());
  install(revision, std::move(p));
  return revision;
}

void Engine::prepare(Worker& w) {
  if (shared_store_) {
    w.store = shared_.get();
  } else if (!w.own) {
    w.appraiser.reset();
    w.own = open_store();
    w.store = w.own.get();
  }
  auto current = policy();
  if (!w.appraiser || current != w.seen) {
    w.seen = current;
    std::map<std::int64_t, const cose::Verifier*> verifiers = {
        {cose::kAlgMlDsa44, &v44_}, {cose::kAlgMlDsa65, &v65_}, {cose::kAlgMlDsa87, &v87_}};
    w.appraiser = std::make_unique<verifier::Appraiser>(*w.store, current ? current->policy : empty_policy(), verifiers,
                                                        verifier::ResultSigner{result_signer_.get(), verifier_kid_});
    w.appraiser->set_max_outstanding_nonces(config_.max_outstanding_nonces);
  }
}

void Engine::worker_loop(Worker& w) {
  for (;;) {
    std::optional<Job> job;
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty() || !items_.empty(); });
      if (jobs_.empty() && items_.empty()) return;  // stopping, nothing left to answer
      if (!jobs_.empty()) {
        job = std::move(jobs_.front());
        jobs_.pop_front();
      } else {
        // The combiner: whatever is waiting, up to one batch.
        const std::size_t n = std::min(items_.size(), std::max<std::size_t>(1, config_.max_batch));
        batch.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(items_.front()));
          items_.pop_front();
        }
        metrics_.queued = static_cast<std::int64_t>(items_.size());
      }
    }
    if (job) {
      try {
        prepare(w);
      } catch (const std::exception& e) {
        job->fail(e.what());
        continue;
      }
      WorkerContext ctx{*w.store, *w.appraiser, w.seen};
      try {
        job->run(ctx);
      } catch (const verifier::StoreError&) {
        if (!shared_store_) w.own.reset();  // reconnect before the next job
      } catch (const std::exception& e) {
        if (!config_.quiet) std::cerr << "pqcea serve: job failed: " << e.what() << "\n";
      }
    } else {
      run_batch(w, batch);
    }
  }
}

void Engine::run_batch(Worker& w, std::vector<Item>& items) {
  std::vector<verifier::Outcome> outcomes;
  try {
    prepare(w);
    if (!w.seen) {
      outcomes.assign(items.size(), engine_rejection("no_policy", "no reference values / policy uploaded yet"));
    } else {
      std::vector<std::span<const std::uint8_t>> tokens;
      tokens.reserve(items.size());
      for (const auto& it : items)
        tokens.emplace_back(reinterpret_cast<const std::uint8_t*>(it.token.data()), it.token.size());
      const std::int64_t now = unix_now();
      try {
        outcomes = w.appraiser->appraise_batch(tokens, now);
        metrics_.batch(items.size());
      } catch (const verifier::StoreError&) {
        throw;
      } catch (const std::exception&) {
        // Nothing was committed (appraisal stops before the commit); one odd token must not fail
        // the others, so appraise them one by one.
        outcomes.clear();
        for (const auto& t : tokens) {
          try {
            outcomes.push_back(w.appraiser->appraise(t, now));
            metrics_.batch(1);
          } catch (const verifier::StoreError&) {
            throw;
          } catch (const std::exception& e) {
            outcomes.push_back(engine_rejection("internal_error", e.what()));
          }
        }
      }
    }
  } catch (const std::exception& e) {
    // The transaction was rolled back: nothing of this batch is stored, nothing is acknowledged.
    if (!shared_store_) w.own.reset();
    if (!config_.quiet) std::cerr << "pqcea serve: database unavailable: " << e.what() << "\n";
    outcomes.assign(items.size(), engine_rejection("store_unavailable", "the database is unavailable, retry"));
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    verifier::Outcome& o = i < outcomes.size() ? outcomes[i] : outcomes.back();
    if (o.rejected) {
      metrics_.rejection(o.error);
    } else {
      metrics_.result(o.status);
    }
    items[i].done(o);
  }
}

std::size_t Engine::sweep_nonces(verifier::Store& s) {
  // One bounded batch per interval (a backlog shrinks by a batch each time), deleting only
  // nonces expired for a while, so that a late device still hears "nonce_expired".
  const std::size_t n = s.sweep_nonces(unix_now() - config_.nonce_sweep_grace, config_.nonce_sweep_batch);
  metrics_.nonces_swept += static_cast<std::int64_t>(n);
  return n;
}

void Engine::poll_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  auto next_sweep = std::chrono::steady_clock::now() + config_.nonce_sweep_interval;
  while (!stopping_) {
    poll_cv_.wait_for(lock, std::min(config_.policy_poll, config_.nonce_sweep_interval));
    if (stopping_) return;
    lock.unlock();
    try {
      if (!shared_store_ && !poll_store_) poll_store_ = open_store();
      verifier::Store& s = shared_store_ ? *shared_ : *poll_store_;
      if (std::chrono::steady_clock::now() >= next_sweep) {
        next_sweep = std::chrono::steady_clock::now() + config_.nonce_sweep_interval;
        sweep_nonces(s);
      }
      auto current = policy();
      if (s.latest_policy_revision() > (current ? current->revision : 0)) {
        if (auto stored = s.latest_policy()) {
          if (verify_policy_signature(stored->document, stored->signature))
            install(stored->revision, verifier::parse_policy(stored->document));
          else if (!config_.quiet)
            std::cerr << "pqcea serve: policy revision " << stored->revision << " has a bad signature, ignored\n";
        }
      }
    } catch (const std::exception& e) {
      if (!shared_store_) poll_store_.reset();
      if (!config_.quiet) std::cerr << "pqcea serve: policy poll: " << e.what() << "\n";
    }
    lock.lock();
  }
}

}  // namespace pqcea::service::detail

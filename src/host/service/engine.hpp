// The service's worker pool. Appraisal is CPU work (an ML-DSA verification per token) plus
// database round trips, so it runs on its own threads, never on the network threads.
//
// Attestations go through a combiner: a free worker takes whatever attestations are waiting,
// up to max_batch, and appraises them as one batch (one ML-DSA signature over the Merkle root of
// the results, one database transaction). Under light load a batch is a single request, so
// latency stays low; under heavy load batches grow and the per-result signing cost shrinks.
//
// Each worker has its own database connection for PostgreSQL (round trips overlap); for SQLite
// all share one connection (SQLite serialises writers anyway, and one connection avoids its
// sleeping busy handler).
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics.hpp"
#include "pqcea/attest/mldsa_cose.hpp"
#include "pqcea/core/secret.hpp"
#include "pqcea/host/pki.hpp"
#include "pqcea/host/service.hpp"
#include "pqcea/host/verifier/appraisal.hpp"
#include "pqcea/host/verifier/key_cache.hpp"

namespace pqcea::service::detail {

struct PolicyState {
  std::int64_t revision = 0;
  verifier::Policy policy;
};

// What a job sees on its worker thread.
struct WorkerContext {
  verifier::Store& store;
  verifier::Appraiser& appraiser;  // with the current policy (or an empty one: challenges only)
  std::shared_ptr<const PolicyState> policy;  // null until a policy was uploaded
};

class Engine {
 public:
  Engine(const Config& config, Metrics& metrics);
  ~Engine();
  void start();
  // Answers everything queued, then joins the workers.
  void stop();

  // Runs `job` on a worker; `fail` instead if the worker has no database connection (with the
  // reason). A job must answer its request itself, also when it throws. False if the queue is
  // full or the engine stopped (nothing queued, neither is called).
  struct Job {
    std::function<void(WorkerContext&)> run;
    std::function<void(const std::string& reason)> fail;
  };
  bool run(Job job);
  // Appraises `token` in the next batch; `done` gets the outcome (a rejection with error
  // "no_policy", "store_unavailable" or "internal_error" if the engine could not appraise).
  // False if the queue is full (nothing queued, `done` not called).
  bool attest(std::string token, std::function<void(verifier::Outcome&)> done);

  // Checks the operator's signature, parses, stores and installs a policy; returns its revision.
  // Throws verifier::PolicyError for a bad document or signature. Runs on a worker (store access).
  std::int64_t upload_policy(verifier::Store& store, const std::string& document, std::span<const std::uint8_t> sig);
  std::shared_ptr<const PolicyState> policy() const;
  bool verify_policy_signature(const std::string& document, std::span<const std::uint8_t> sig) const;

  // Deletes one bounded batch of expired nonces (the poller calls it every
  // nonce_sweep_interval); returns how many.
  std::size_t sweep_nonces(verifier::Store& store);

  const pki::TrustStore& trust() const { return trust_; }
  const Bytes& verifier_public_key() const { return verifier_pk_; }
  const Bytes& verifier_kid() const { return verifier_kid_; }
  const Config& config() const { return config_; }

 private:
  struct Item {
    std::string token;
    std::function<void(verifier::Outcome&)> done;
  };
  struct Worker;
  void worker_loop(Worker& w);
  void poll_loop();
  void run_batch(Worker& w, std::vector<Item>& items);
  void prepare(Worker& w);  // connection and appraiser for the current policy; throws StoreError
  void install(std::int64_t revision, verifier::Policy policy);
  std::unique_ptr<verifier::Store> open_store() const;

  const Config& config_;
  Metrics& metrics_;
  const bool shared_store_;
  pki::TrustStore trust_;
  pki::Algorithm operator_alg_ = pki::Algorithm::MlDsa87;
  Bytes operator_pk_;
  // The verifier's expanded ML-DSA-87 key: its only copy (not copyable, wiped on destruction).
  std::unique_ptr<Secret<mldsa::MlDsa87::sk_bytes>> verifier_sk_ = std::make_unique<Secret<mldsa::MlDsa87::sk_bytes>>();
  Bytes verifier_pk_, verifier_kid_;
  std::unique_ptr<attest::MlDsa87CoseSigner> result_signer_;
  // Device keys are prepared (expanded) once and kept while memory allows (key_cache.hpp).
  verifier::CachedMlDsaVerifier<mldsa::MlDsa44> v44_;
  verifier::CachedMlDsaVerifier<mldsa::MlDsa65> v65_;
  verifier::CachedMlDsaVerifier<mldsa::MlDsa87> v87_;

  std::unique_ptr<verifier::Store> shared_;  // SQLite: the one connection
  std::unique_ptr<verifier::Store> poll_store_;  // PostgreSQL: the poller's connection

  mutable std::mutex policy_mu_;
  std::shared_ptr<const PolicyState> policy_;

  std::mutex mu_;
  std::condition_variable cv_, poll_cv_;
  std::deque<Job> jobs_;
  std::deque<Item> items_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread poller_;
};

}  // namespace pqcea::service::detail

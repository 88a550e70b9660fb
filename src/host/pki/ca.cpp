// A certificate authority: a CA certificate and its signing key, issuing CA and device certificates.
#include "pqcea/host/pki.hpp"

namespace pqcea::pki {

CertificateAuthority::CertificateAuthority(Certificate cert, std::shared_ptr<const Signer> signer)
    : cert_(std::move(cert)), signer_(std::move(signer)) {
  if (!signer_) throw Error("CA: no signer");
  if (!cert_.has_basic_constraints || !cert_.is_ca) throw Error("CA: certificate is not a CA certificate");
  if (!cert_.key_usage || !(*cert_.key_usage & kKeyCertSign)) throw Error("CA: certificate lacks keyCertSign");
  if (signer_->algorithm() != cert_.public_key_algorithm || signer_->public_key() != cert_.public_key)
    throw Error("CA: the signer's key is not the certificate's key");
}

CertificateAuthority CertificateAuthority::create_root(const Name& subject, Validity validity,
                                                       std::shared_ptr<const Signer> signer,
                                                       std::optional<unsigned> path_len) {
  if (!signer) throw Error("CA: no signer");
  CertificateTemplate t;
  t.subject = subject;
  t.validity = validity;
  t.public_key_algorithm = signer->algorithm();
  t.public_key = signer->public_key();
  t.is_ca = true;
  t.path_len = path_len;
  Certificate c = parse_certificate(issue_certificate(t, nullptr, *signer));
  return CertificateAuthority(std::move(c), std::move(signer));
}

CertificateAuthority CertificateAuthority::create_intermediate(const Name& subject, Validity validity,
                                                               std::shared_ptr<const Signer> signer,
                                                               std::optional<unsigned> path_len) const {
  if (!signer) throw Error("CA: no signer");
  CertificateTemplate t;
  t.subject = subject;
  t.validity = validity;
  t.public_key_algorithm = signer->algorithm();
  t.public_key = signer->public_key();
  t.is_ca = true;
  t.path_len = path_len;
  return CertificateAuthority(issue(t), std::move(signer));
}

Certificate CertificateAuthority::issue(const CertificateTemplate& t) const {
  if (t.is_ca && cert_.path_len && *cert_.path_len == 0)
    throw Error("CA: pathLenConstraint 0 forbids issuing a CA certificate");
  return parse_certificate(issue_certificate(t, &cert_, *signer_));
}

Certificate CertificateAuthority::issue_device(const DeviceRequest& req) const {
  if (req.device_id.empty()) throw Error("CA: empty device id");
  CertificateTemplate t;
  t.subject.organization = req.organization.empty() ? cert_.subject.organization : req.organization;
  t.subject.common_name = req.device_id;
  t.subject.serial_number = req.device_id;
  t.validity = req.validity;
  t.public_key_algorithm = req.algorithm;
  t.public_key = req.public_key;
  t.is_ca = false;
  t.key_usage = kDigitalSignature;
  if (!req.san_uri.empty()) t.san_uris.push_back(req.san_uri);
  if (!req.san_dns_name.empty()) t.san_dns_names.push_back(req.san_dns_name);
  return issue(t);
}

}  // namespace pqcea::pki

// SLH-DSA-SHA2-192s: the public API instantiated for this parameter set.
#include "api.hpp"

PQCEA_SLHDSA_INSTANTIATE(pqcea::slhdsa::Sha2_192s)

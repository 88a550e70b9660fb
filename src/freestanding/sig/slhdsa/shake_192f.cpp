// SLH-DSA-SHAKE-192f: the public API instantiated for this parameter set.
#include "api.hpp"

PQCEA_SLHDSA_INSTANTIATE(pqcea::slhdsa::Shake_192f)

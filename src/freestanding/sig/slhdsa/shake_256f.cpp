// SLH-DSA-SHAKE-256f: the public API instantiated for this parameter set.
#include "api.hpp"

PQCEA_SLHDSA_INSTANTIATE(pqcea::slhdsa::Shake_256f)

// SLH-DSA-SHAKE-128s: the public API instantiated for this parameter set.
#include "api.hpp"

PQCEA_SLHDSA_INSTANTIATE(pqcea::slhdsa::Shake_128s)

// ML-DSA-87: the public API instantiated for this parameter set, both memory modes.
#include "api.hpp"

PQCEA_MLDSA_INSTANTIATE(pqcea::mldsa::MlDsa87)

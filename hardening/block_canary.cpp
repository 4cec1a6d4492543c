// hardening: the canary's process secret (block_canary.h).
#include "hardening/block_canary.h"

#include "os/os.h"

namespace hardalloc {

void BlockCanary::init_secret() {
  uint64_t secret = 0;
  os_random_bytes(&secret, sizeof(secret));
  secret_ = secret | 1;  // never 0, so that a zeroed tail word is never a valid canary by accident
}

}  // namespace hardalloc
